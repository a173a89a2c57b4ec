"""Where launch links remember that they were used, and webhooks which deliveries they handled.

Launch tickets (``pandium_embed.launch``) are single use: "first claim wins". Webhook deliveries
(``pandium_embed.webhooks``) are handled once: a delivery is claimed for the time its hook runs, then
remembered as done, or forgotten if the hook failed so that the sender's retry is handled. Everything
else the middleware does (minting, events) is stateless; this is the one piece of shared state, and
only when launch links or webhooks are on. One instance: ``MemoryTicketStore`` (the default). Several
instances behind a load balancer: ``RedisTicketStore`` (or any store that is atomic across them).
"""

from __future__ import annotations

import heapq
import inspect
import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol, runtime_checkable

from .validate import is_positive_int

__all__ = [
    "DEFAULT_MAX_TICKETS",
    "DeliveryState",
    "DeliveryStore",
    "MemoryTicketStore",
    "RedisTicketStore",
    "TicketStore",
    "TicketStoreFull",
]

DEFAULT_MAX_TICKETS = 100_000
DEFAULT_KEY_PREFIX = "pandium-embed:launch:"
DEFAULT_DELIVERY_KEY_PREFIX = "pandium-embed:webhook:"
# Instances' clocks differ a little: keep a used ticket remembered a minute past its expiry, so an
# instance whose clock runs behind cannot accept it again.
CLOCK_SKEW_MARGIN_SECONDS = 60

BAD_MAX_TICKETS = "MemoryTicketStore max_entries must be a positive integer."
STORE_FULL = (
    "MemoryTicketStore is full: {n} launch tickets are used and not yet expired. Raise max_entries, "
    "shorten the links' max_age, or use RedisTicketStore."
)
DELIVERIES_FULL = (
    "MemoryTicketStore is full: {n} launch tickets and webhook deliveries are remembered and not yet "
    "expired. Raise max_entries or use RedisTicketStore."
)
MISSING_REDIS = "RedisTicketStore needs redis-py: pip install 'pandium-embed[redis]' (or pip install 'redis>=5')."


@runtime_checkable
class TicketStore(Protocol):
    """Remembers used launch tickets until they expire.

    ``claim`` must be atomic across every instance sharing the store: of concurrent claims of one
    ``ticket_id``, exactly one returns ``True``. ``expires_at`` is epoch seconds on the middleware's
    clock; after it the ticket is refused anyway, so the store may forget it.

    A store may also have ``async is_claimed(ticket_id) -> bool`` (both of ours do): the middleware
    then refuses a link already used before minting for it, so reopening one puts no token in the
    audit. The claim alone still decides; a store without it is asked only through ``claim``.
    """

    async def claim(self, ticket_id: str, expires_at: float) -> bool: ...


# The value a claim holds in a store: its owner's token, after a marker "done" can never equal.
_CLAIM = "in-progress:"

# "claimed": this caller runs the hook now. "in-progress": another caller is running it. "done": handled.
DeliveryState = Literal["claimed", "in-progress", "done"]


@runtime_checkable
class DeliveryStore(Protocol):
    """Remembers webhook deliveries, so that each is handled once even when it arrives several times.

    ``begin_delivery`` must be atomic across every instance sharing the store: of concurrent calls for
    one ``delivery_id`` exactly one returns ``"claimed"``, and the claim belongs to its ``owner`` (a
    random token per attempt). The claim lasts until ``lease_until`` (then a crashed instance's delivery
    may be claimed again, by a new owner). ``finish_delivery`` records "done" until ``remember_until``:
    the hook ran to its end, which stays true whoever holds the claim now, so it is recorded even after
    the lease passed to another owner. ``abandon_delivery`` forgets the claim only if ``owner`` still
    holds it (atomically), so the next attempt is claimed afresh; it never drops another owner's claim
    or a "done".
    """

    async def begin_delivery(self, delivery_id: str, lease_until: float, owner: str) -> DeliveryState: ...

    async def finish_delivery(self, delivery_id: str, remember_until: float, owner: str) -> None: ...

    async def abandon_delivery(self, delivery_id: str, owner: str) -> None: ...


def takes_owners(store: object) -> bool:
    """Whether a ``DeliveryStore``'s methods take the ``owner`` of a claim (stores written before claims
    had owners do not, and would fail on the first webhook instead of at start-up)."""
    for name in ("begin_delivery", "finish_delivery", "abandon_delivery"):
        try:
            parameters = inspect.signature(getattr(store, name)).parameters
        except (TypeError, ValueError):  # no signature to read (a C method): assume it does
            continue
        if "owner" not in parameters and not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            return False
    return True


class TicketStoreFull(RuntimeError):
    """The in-memory store would have to forget a live entry (which would make it reusable)."""


class _Expiring:
    """A dict whose entries drop out at their expiry, pruned as it is used (not thread-safe by itself)."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, float]] = {}
        # (expiry, key) for every value ever set; an entry whose value has since changed is stale.
        self._expiries: list[tuple[float, str]] = []

    def prune(self, now: float) -> None:
        while self._expiries and self._expiries[0][0] < now:
            expires_at, key = heapq.heappop(self._expiries)
            current = self.values.get(key)
            if current is not None and current[1] == expires_at:
                del self.values[key]

    def get(self, key: str) -> str | None:
        entry = self.values.get(key)
        return None if entry is None else entry[0]

    def set(self, key: str, value: str, expires_at: float) -> None:
        self.values[key] = (value, expires_at)
        heapq.heappush(self._expiries, (expires_at, key))

    def pop(self, key: str) -> None:
        self.values.pop(key, None)


class MemoryTicketStore:
    """Used tickets and handled webhook deliveries in this process's memory: right for one instance
    (or tests), wrong for several.

    Bounded: expired entries are dropped as claims arrive; when ``max_entries`` live entries are held
    it refuses to forget one (that would make it reusable) and raises ``TicketStoreFull`` instead.
    Give it the middleware's ``clock`` when you inject one.
    """

    def __init__(self, *, max_entries: int = DEFAULT_MAX_TICKETS, clock: Callable[[], float] = time.time) -> None:
        if not is_positive_int(max_entries):
            raise ValueError(BAD_MAX_TICKETS)
        self._max_entries = max_entries
        self._clock = clock
        self._used = _Expiring()
        self._deliveries = _Expiring()
        # Sync hooks run in threads and several event loops may share one middleware.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._used.values) + len(self._deliveries.values)

    def _make_room(self, message: str) -> None:
        now = self._clock()
        self._used.prune(now)
        self._deliveries.prune(now)
        if len(self) >= self._max_entries:
            raise TicketStoreFull(message.format(n=self._max_entries))

    async def claim(self, ticket_id: str, expires_at: float) -> bool:
        with self._lock:
            self._used.prune(self._clock())
            if self._used.get(ticket_id) is not None:
                return False
            self._make_room(STORE_FULL)
            self._used.set(ticket_id, "used", expires_at)
            return True

    async def is_claimed(self, ticket_id: str) -> bool:
        with self._lock:
            self._used.prune(self._clock())
            return self._used.get(ticket_id) is not None

    async def begin_delivery(self, delivery_id: str, lease_until: float, owner: str) -> DeliveryState:
        with self._lock:
            self._deliveries.prune(self._clock())
            state = self._deliveries.get(delivery_id)
            if state == "done":
                return "done"
            if state is not None:
                return "in-progress"
            self._make_room(DELIVERIES_FULL)
            self._deliveries.set(delivery_id, _CLAIM + owner, lease_until)
            return "claimed"

    async def finish_delivery(self, delivery_id: str, remember_until: float, owner: str) -> None:
        with self._lock:
            self._deliveries.set(delivery_id, "done", remember_until)

    async def abandon_delivery(self, delivery_id: str, owner: str) -> None:
        with self._lock:
            # A lease that ran out is still held until pruned: only a live claim of this owner goes.
            self._deliveries.prune(self._clock())
            if self._deliveries.get(delivery_id) == _CLAIM + owner:
                self._deliveries.pop(delivery_id)


class _Redis(Protocol):
    """The methods of ``redis.asyncio.Redis`` (or of the sync ``redis.Redis``) the store uses."""

    def set(self, name: str, value: str, *, ex: int, nx: bool = False) -> Awaitable[Any] | Any: ...

    def get(self, name: str) -> Awaitable[Any] | Any: ...

    def exists(self, *names: str) -> Awaitable[Any] | Any: ...

    def delete(self, *names: str) -> Awaitable[Any] | Any: ...

    def eval(self, script: str, numkeys: int, *keys_and_args: str) -> Awaitable[Any] | Any: ...


# Compare-and-delete in one step: between a GET and a DEL the lease could pass to another owner.
_ABANDON_IF_OWNED = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


async def _settled(result: Any) -> Any:
    # A sync client (for PandiumWSGIMiddleware, which runs no event loop) answers at once.
    return await result if inspect.isawaitable(result) else result


class RedisTicketStore:
    """Used tickets and handled webhook deliveries in Redis, shared by every instance.

    ``SET <prefix><id> 1 NX EX <ttl>`` is atomic, so the first instance to claim a ticket (or a
    delivery) wins and every later claim, anywhere, is refused. Deliveries live under their own
    ``delivery_key_prefix``, as "in-progress" while a hook runs, then "done".
    ``RedisTicketStore(redis.asyncio.Redis(...))`` or ``RedisTicketStore.from_url("redis://...")``;
    under ``PandiumWSGIMiddleware`` (no event loop) give it a sync ``redis.Redis(...)``.
    Keys expire by themselves a minute after the ticket (or the delivery's memory) does. Give it the
    middleware's ``clock`` when you inject one.
    """

    def __init__(
        self,
        client: _Redis,
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        delivery_key_prefix: str = DEFAULT_DELIVERY_KEY_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._key_prefix = key_prefix
        self._delivery_key_prefix = delivery_key_prefix
        self._clock = clock

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        delivery_key_prefix: str = DEFAULT_DELIVERY_KEY_PREFIX,
        **options: Any,
    ) -> RedisTicketStore:
        """A store on a new ``redis.asyncio`` client for ``url`` (``options`` go to ``Redis.from_url``)."""
        try:
            from redis import asyncio as redis_asyncio
        except ImportError:
            raise ImportError(MISSING_REDIS) from None
        client = redis_asyncio.Redis.from_url(url, **options)
        return cls(client, key_prefix=key_prefix, delivery_key_prefix=delivery_key_prefix)

    def __repr__(self) -> str:
        # The client's repr can carry a redis:// URL with its password.
        return f"RedisTicketStore(key_prefix={self._key_prefix!r})"

    def _ttl(self, until: float) -> int:
        return max(1, math.ceil(until - self._clock())) + CLOCK_SKEW_MARGIN_SECONDS

    async def claim(self, ticket_id: str, expires_at: float) -> bool:
        created = await _settled(self._client.set(self._key_prefix + ticket_id, "1", ex=self._ttl(expires_at), nx=True))
        return bool(created)

    async def is_claimed(self, ticket_id: str) -> bool:
        return bool(await _settled(self._client.exists(self._key_prefix + ticket_id)))

    async def begin_delivery(self, delivery_id: str, lease_until: float, owner: str) -> DeliveryState:
        key = self._delivery_key_prefix + delivery_id
        # The lease gets no skew margin: it only bounds how long a crashed instance blocks a retry.
        lease = max(1, math.ceil(lease_until - self._clock()))
        # Twice at most: the key can expire between a refused SET and the GET that reads it.
        for _ in range(2):
            if await _settled(self._client.set(key, _CLAIM + owner, ex=lease, nx=True)):
                return "claimed"
            state = await _settled(self._client.get(key))
            if state is not None:
                return "done" if state in (b"done", "done") else "in-progress"
        return "in-progress"

    async def finish_delivery(self, delivery_id: str, remember_until: float, owner: str) -> None:
        await _settled(self._client.set(self._delivery_key_prefix + delivery_id, "done", ex=self._ttl(remember_until)))

    async def abandon_delivery(self, delivery_id: str, owner: str) -> None:
        key = self._delivery_key_prefix + delivery_id
        await _settled(self._client.eval(_ABANDON_IF_OWNED, 1, key, _CLAIM + owner))
