"""Where launch links remember that they were used: "first claim wins", shared by every instance.

Launch tickets (``pandium_embed.launch``) are single use. Everything else the middleware does (minting,
events) is stateless; this is the one piece of shared state, and only when launch links are on.
One instance: ``MemoryTicketStore`` (the default). Several instances behind a load balancer:
``RedisTicketStore`` (or any ``TicketStore`` whose ``claim`` is atomic across them).
"""

from __future__ import annotations

import heapq
import inspect
import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

from .validate import is_positive_int

__all__ = ["DEFAULT_MAX_TICKETS", "MemoryTicketStore", "RedisTicketStore", "TicketStore", "TicketStoreFull"]

DEFAULT_MAX_TICKETS = 100_000
DEFAULT_KEY_PREFIX = "pandium-embed:launch:"
# Instances' clocks differ a little: keep a used ticket remembered a minute past its expiry, so an
# instance whose clock runs behind cannot accept it again.
CLOCK_SKEW_MARGIN_SECONDS = 60

BAD_MAX_TICKETS = "MemoryTicketStore max_entries must be a positive integer."
STORE_FULL = (
    "MemoryTicketStore is full: {n} launch tickets are used and not yet expired. Raise max_entries, "
    "shorten the links' max_age, or use RedisTicketStore."
)
MISSING_REDIS = "RedisTicketStore needs redis-py: pip install 'pandium-embed[redis]' (or pip install 'redis>=5')."


@runtime_checkable
class TicketStore(Protocol):
    """Remembers used launch tickets until they expire.

    ``claim`` must be atomic across every instance sharing the store: of concurrent claims of one
    ``ticket_id``, exactly one returns ``True``. ``expires_at`` is epoch seconds on the middleware's
    clock; after it the ticket is refused anyway, so the store may forget it.
    """

    async def claim(self, ticket_id: str, expires_at: float) -> bool: ...


class TicketStoreFull(RuntimeError):
    """The in-memory store would have to forget a live ticket (which would make it reusable)."""


class MemoryTicketStore:
    """Used tickets in this process's memory: right for one instance (or tests), wrong for several.

    Bounded: expired entries are dropped as claims arrive; when ``max_entries`` live tickets are held
    it refuses to forget one (that would make it reusable) and raises ``TicketStoreFull`` instead.
    Give it the middleware's ``clock`` when you inject one.
    """

    def __init__(self, *, max_entries: int = DEFAULT_MAX_TICKETS, clock: Callable[[], float] = time.time) -> None:
        if not is_positive_int(max_entries):
            raise ValueError(BAD_MAX_TICKETS)
        self._max_entries = max_entries
        self._clock = clock
        self._used: dict[str, float] = {}
        self._expiries: list[tuple[float, str]] = []
        # Sync hooks run in threads and several event loops may share one middleware.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._used)

    async def claim(self, ticket_id: str, expires_at: float) -> bool:
        with self._lock:
            now = self._clock()
            while self._expiries and self._expiries[0][0] < now:
                _, expired = heapq.heappop(self._expiries)
                self._used.pop(expired, None)
            if ticket_id in self._used:
                return False
            if len(self._used) >= self._max_entries:
                raise TicketStoreFull(STORE_FULL.format(n=self._max_entries))
            self._used[ticket_id] = expires_at
            heapq.heappush(self._expiries, (expires_at, ticket_id))
            return True


class _Redis(Protocol):
    """The one method of ``redis.asyncio.Redis`` (or of the sync ``redis.Redis``) the store uses."""

    def set(self, name: str, value: str, *, ex: int, nx: bool) -> Awaitable[Any] | Any: ...


class RedisTicketStore:
    """Used tickets in Redis, shared by every instance: ``SET <prefix><id> 1 NX EX <ttl>`` is atomic, so
    the first instance to claim a ticket wins and every later claim, anywhere, is refused.

    ``RedisTicketStore(redis.asyncio.Redis(...))`` or ``RedisTicketStore.from_url("redis://...")``;
    under ``PandiumWSGIMiddleware`` (no event loop) give it a sync ``redis.Redis(...)``. Keys expire by
    themselves a minute after the ticket does. Give it the middleware's ``clock`` when you inject one.
    """

    def __init__(
        self,
        client: _Redis,
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._key_prefix = key_prefix
        self._clock = clock

    @classmethod
    def from_url(cls, url: str, *, key_prefix: str = DEFAULT_KEY_PREFIX, **options: Any) -> RedisTicketStore:
        """A store on a new ``redis.asyncio`` client for ``url`` (``options`` go to ``Redis.from_url``)."""
        try:
            from redis import asyncio as redis_asyncio
        except ImportError:
            raise ImportError(MISSING_REDIS) from None
        client = redis_asyncio.Redis.from_url(url, **options)
        return cls(client, key_prefix=key_prefix)

    def __repr__(self) -> str:
        # The client's repr can carry a redis:// URL with its password.
        return f"RedisTicketStore(key_prefix={self._key_prefix!r})"

    async def claim(self, ticket_id: str, expires_at: float) -> bool:
        ttl = max(1, math.ceil(expires_at - self._clock())) + CLOCK_SKEW_MARGIN_SECONDS
        created = self._client.set(self._key_prefix + ticket_id, "1", ex=ttl, nx=True)
        if inspect.isawaitable(created):
            created = await created
        return bool(created)
