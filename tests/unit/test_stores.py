"""Ticket stores: first claim wins, in memory and in a real redis-server shared by two instances."""

from __future__ import annotations

import asyncio
import builtins
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis import asyncio as redis_asyncio

from pandium_embed import MemoryTicketStore, PandiumUser, RedisTicketStore, TicketStore
from pandium_embed import stores as stores_module
from pandium_embed import webhooks as webhooks_module
from pandium_embed.stores import DeliveryStore
from tests.support.launch import (
    ANN,
    BOB,
    HOUR,
    T0,
    Clock,
    launch_app,
    link,
    open_at_once,
    open_link,
    reason_of,
    slow_crm_token,
)

pytestmark = pytest.mark.anyio


# --- in memory -------------------------------------------------------------------------------------------


async def test_memory_first_claim_wins() -> None:
    store = MemoryTicketStore(clock=Clock())
    assert await store.claim("a", T0 + 60) is True
    assert await store.claim("a", T0 + 60) is False
    assert await store.claim("b", T0 + 60) is True


async def test_memory_concurrent_claims_have_one_winner() -> None:
    store = MemoryTicketStore(clock=Clock())
    results = await asyncio.gather(*(store.claim("same", T0 + 60) for _ in range(50)))
    assert results.count(True) == 1


async def test_memory_forgets_only_expired_tickets() -> None:
    clock = Clock()
    store = MemoryTicketStore(clock=clock)
    await store.claim("short", T0 + 10)
    await store.claim("long", T0 + 1000)
    clock.now = T0 + 11
    await store.claim("other", T0 + 1000)
    assert len(store) == 2
    assert await store.claim("long", T0 + 1000) is False


async def test_memory_refuses_to_forget_a_live_ticket_when_full() -> None:
    clock = Clock()
    store = MemoryTicketStore(max_entries=2, clock=clock)
    await store.claim("a", T0 + 10)
    await store.claim("b", T0 + 100)
    with pytest.raises(stores_module.TicketStoreFull) as raised:
        await store.claim("c", T0 + 100)
    assert "RedisTicketStore" in str(raised.value)
    assert await store.claim("a", T0 + 10) is False
    clock.now = T0 + 11  # "a" expired: room again
    assert await store.claim("c", T0 + 100) is True


@pytest.mark.parametrize("max_entries", [0, -1, True, 1.5])
def test_memory_max_entries_must_be_a_positive_integer(max_entries: Any) -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryTicketStore(max_entries=max_entries)


def test_both_stores_satisfy_the_protocols() -> None:
    stores: list[TicketStore] = [MemoryTicketStore(), RedisTicketStore(redis_asyncio.Redis())]
    assert all(isinstance(store, TicketStore) for store in stores)
    assert all(isinstance(store, DeliveryStore) for store in stores)


# --- webhook deliveries: claimed while the hook runs, then done, or forgotten when it failed ----------------


async def delivery_lifecycle(store: Any, clock: Clock) -> list[str]:
    """The states a second caller sees through one delivery's life."""
    seen = [await store.begin_delivery("d-1", T0 + 300, owner="a")]
    seen.append(await store.begin_delivery("d-1", T0 + 300, owner="b"))  # while the hook runs
    await store.abandon_delivery("d-1", owner="a")  # the hook failed
    seen.append(await store.begin_delivery("d-1", T0 + 300, owner="c"))  # the sender's retry
    await store.finish_delivery("d-1", T0 + 7 * 24 * 3600, owner="c")
    seen.append(await store.begin_delivery("d-1", T0 + 300, owner="d"))  # a duplicate, later
    clock.now = T0 + 400  # past the lease: done outlives it
    seen.append(await store.begin_delivery("d-1", T0 + 700, owner="e"))
    return seen


async def test_memory_delivery_is_claimed_once_forgotten_on_failure_and_remembered_when_done() -> None:
    clock = Clock()
    assert await delivery_lifecycle(MemoryTicketStore(clock=clock), clock) == [
        "claimed",
        "in-progress",
        "claimed",
        "done",
        "done",
    ]


async def test_memory_a_crashed_claim_expires_with_its_lease() -> None:
    clock = Clock()
    store = MemoryTicketStore(clock=clock)
    assert await store.begin_delivery("d", T0 + 300, owner="a") == "claimed"
    clock.now = T0 + 301
    assert await store.begin_delivery("d", T0 + 601, owner="b") == "claimed"


async def test_memory_deliveries_and_tickets_share_the_bound() -> None:
    clock = Clock()
    store = MemoryTicketStore(max_entries=2, clock=clock)
    await store.claim("ticket", T0 + 100)
    await store.begin_delivery("d", T0 + 100, owner="a")
    with pytest.raises(stores_module.TicketStoreFull, match="webhook deliveries"):
        await store.begin_delivery("e", T0 + 100, owner="b")
    await store.abandon_delivery("d", owner="a")
    assert await store.begin_delivery("e", T0 + 100, owner="b") == "claimed"


async def test_memory_concurrent_deliveries_have_one_claimant() -> None:
    store = MemoryTicketStore(clock=Clock())
    results = await asyncio.gather(*(store.begin_delivery("same", T0 + 60, owner=str(i)) for i in range(50)))
    assert (results.count("claimed"), results.count("in-progress")) == (1, 49)


# --- redis ---------------------------------------------------------------------------------------------


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[redis_asyncio.Redis]:
    client = redis_asyncio.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


def fresh_prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


async def test_redis_first_claim_wins_and_the_key_expires_after_the_ticket(redis_client: redis_asyncio.Redis) -> None:
    clock = Clock()
    prefix = fresh_prefix()
    store = RedisTicketStore(redis_client, key_prefix=prefix, clock=clock)
    assert await store.claim("t-1", T0 + 600) is True
    assert await store.claim("t-1", T0 + 600) is False
    assert await redis_client.get(prefix + "t-1") == b"1"
    ttl = await redis_client.ttl(prefix + "t-1")
    assert 600 < ttl <= 600 + stores_module.CLOCK_SKEW_MARGIN_SECONDS


async def test_redis_concurrent_claims_from_two_clients_have_one_winner(redis_url: str) -> None:
    prefix = fresh_prefix()
    first, second = redis_asyncio.Redis.from_url(redis_url), redis_asyncio.Redis.from_url(redis_url)
    try:
        stores = [RedisTicketStore(client, key_prefix=prefix) for client in (first, second)]
        expires = Clock()() + 3600
        results = await asyncio.gather(*(stores[i % 2].claim("same", expires) for i in range(40)))
    finally:
        await first.aclose()
        await second.aclose()
    assert results.count(True) == 1


async def test_redis_delivery_lifecycle_matches_memory(redis_client: redis_asyncio.Redis) -> None:
    clock = Clock()
    prefix = fresh_prefix()
    store = RedisTicketStore(redis_client, delivery_key_prefix=prefix, clock=clock)
    states = await delivery_lifecycle(store, clock)
    assert states == ["claimed", "in-progress", "claimed", "done", "done"]
    # The lease bounds a crash (no skew margin); "done" is kept a minute past its memory.
    assert await redis_client.get(prefix + "d-1") == b"done"
    assert await store.begin_delivery("lease", T0 + 700, owner="a") == "claimed"
    assert 0 < await redis_client.ttl(prefix + "lease") <= 300


async def test_redis_concurrent_deliveries_from_two_clients_have_one_claimant(redis_url: str) -> None:
    prefix = fresh_prefix()
    first, second = redis_asyncio.Redis.from_url(redis_url), redis_asyncio.Redis.from_url(redis_url)
    try:
        stores = [RedisTicketStore(client, delivery_key_prefix=prefix) for client in (first, second)]
        lease = Clock()() + 300
        results = await asyncio.gather(*(stores[i % 2].begin_delivery("same", lease, owner=str(i)) for i in range(40)))
    finally:
        await first.aclose()
        await second.aclose()
    assert (results.count("claimed"), results.count("in-progress")) == (1, 39)


async def test_redis_store_from_url_and_a_repr_without_the_password(redis_url: str) -> None:
    store = RedisTicketStore.from_url(redis_url, key_prefix=fresh_prefix())
    try:
        assert await store.claim("x", Clock()() + 60) is True
        assert await store.claim("x", Clock()() + 60) is False
    finally:
        await store._client.aclose()  # type: ignore[attr-defined]
    secret_store = RedisTicketStore.from_url("redis://:hunter2-password@127.0.0.1:1/0")
    assert "hunter2" not in repr(secret_store)


def instance_on(
    client: redis_asyncio.Redis,
    prefix: str,
    *,
    user: PandiumUser = ANN,
    clock: Callable[[], float] = time.time,
    connector_token: Callable[..., str] = lambda request, who, connector: "crm",
) -> Any:
    """One instance of the app, its launch links single use through the redis-server it shares."""
    store = RedisTicketStore(client, key_prefix=prefix, clock=clock)
    return launch_app(user=user, store=store, clock=clock, connector_token=connector_token)


async def test_a_link_used_on_one_instance_is_refused_on_another_sharing_redis(redis_url: str) -> None:
    prefix = fresh_prefix()
    clock = Clock()
    clients = [redis_asyncio.Redis.from_url(redis_url), redis_asyncio.Redis.from_url(redis_url)]
    try:
        instances = [instance_on(client, prefix, clock=clock) for client in clients]
        url = link(max_age=HOUR)
        clock.now = T0 + 60
        first = await open_link(instances[0], url)
        second = await open_link(instances[1], url)
        again_first = await open_link(instances[0], url)
    finally:
        for client in clients:
            await client.aclose()
    assert first.status_code == 303
    assert (second.status_code, reason_of(second)) == (410, "link-used")
    assert (again_first.status_code, reason_of(again_first)) == (410, "link-used")


async def test_thirty_simultaneous_opens_across_three_instances_sharing_redis_give_exactly_one_303(
    redis_url: str,
) -> None:
    prefix = fresh_prefix()
    clients = [redis_asyncio.Redis.from_url(redis_url) for _ in range(3)]
    try:
        instances = [instance_on(client, prefix, connector_token=slow_crm_token) for client in clients]
        responses = await open_at_once(instances, link(flow="connect", connector="gwt", now=time.time()), 30)
    finally:
        for client in clients:
            await client.aclose()
    assert sorted(response.status_code for response in responses) == [303] + [410] * 29
    assert {reason_of(response) for response in responses if response.status_code == 410} == {"link-used"}


async def test_a_wrong_user_on_one_instance_does_not_use_the_link_up_for_the_other(redis_url: str) -> None:
    prefix = fresh_prefix()
    clock = Clock()
    client = redis_asyncio.Redis.from_url(redis_url)
    try:
        url = link("user-1")
        as_bob = await open_link(instance_on(client, prefix, user=BOB, clock=clock), url)
        as_ann = await open_link(instance_on(client, prefix, user=ANN, clock=clock), url)
    finally:
        await client.aclose()
    assert as_bob.status_code == 403
    assert as_ann.status_code == 303


async def test_a_failing_audit_hook_on_one_instance_leaves_the_link_usable_on_another(redis_url: str) -> None:
    prefix = fresh_prefix()
    clock = Clock()

    def audit_down(request: Any, user: Any, record: Any) -> None:
        raise OSError("audit database unavailable")

    clients = [redis_asyncio.Redis.from_url(redis_url), redis_asyncio.Redis.from_url(redis_url)]
    try:
        stores = [RedisTicketStore(client, key_prefix=prefix, clock=clock) for client in clients]
        broken = launch_app(store=stores[0], clock=clock, on_mint=audit_down)
        healthy = launch_app(store=stores[1], clock=clock, on_mint=lambda request, user, record: None)
        url = link()
        failed = await open_link(broken, url)
        retried = await open_link(healthy, url)
        again = await open_link(broken, url)
    finally:
        for client in clients:
            await client.aclose()
    assert (failed.status_code, reason_of(failed)) == (500, "server-error")
    assert retried.status_code == 303
    assert (again.status_code, reason_of(again)) == (410, "link-used")


async def test_without_redis_py_from_url_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_redis(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "redis" or name.startswith("redis."):
            raise ImportError("No module named 'redis'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_redis)
    with pytest.raises(ImportError) as raised:
        RedisTicketStore.from_url("redis://127.0.0.1:1/0")
    assert str(raised.value) == stores_module.MISSING_REDIS


def test_the_core_package_imports_without_redis_or_httpx() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'redis', 'httpx'}: raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pandium_embed, pandium_embed.api, pandium_embed.stores\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


# --- a delivery claim has an owner: only it finishes or abandons, and "done" is never erased ---------------


# The redis case needs a redis-server: an integration test (tests/conftest.py), left out by make check.
@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
async def owned_store(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, Clock, Callable[[], Any]]]:
    """A delivery store on an injected clock, and how to make a claim's lease run out: the clock moves
    past it (memory), or the key goes as Redis drops it when its TTL ends (redis)."""
    clock = Clock()
    if request.param == "memory":
        store: Any = MemoryTicketStore(clock=clock)

        async def lease_runs_out() -> None:
            clock.now += webhooks_module.DELIVERY_LEASE_SECONDS + 1

        yield store, clock, lease_runs_out
        return
    prefix = fresh_prefix()
    client = redis_asyncio.Redis.from_url(request.getfixturevalue("redis_url"))
    store = RedisTicketStore(client, delivery_key_prefix=prefix, clock=clock)

    async def key_expires() -> None:
        clock.now += webhooks_module.DELIVERY_LEASE_SECONDS + 1
        await client.delete(*[key async for key in client.scan_iter(prefix + "*")])

    try:
        yield store, clock, key_expires
    finally:
        await client.aclose()


class Instance:
    """One instance's delivery of a notification, its hook held until the test lets it end."""

    def __init__(self, store: Any, clock: Clock, runs: list[str], name: str) -> None:
        self.name, self.runs = name, runs
        self.started, self.release = asyncio.Event(), asyncio.Event()
        self.fails = False
        event = webhooks_module.parse_webhook(WEBHOOK)
        self.task = asyncio.ensure_future(webhooks_module.deliver(event, self.hook, store=store, now=clock))

    async def hook(self, event: Any) -> None:
        self.runs.append(self.name)
        self.started.set()
        await self.release.wait()
        if self.fails:
            raise ConnectionError(f"{self.name} lost its database")

    async def ends(self, *, fails: bool) -> str | None:
        self.fails = fails
        self.release.set()
        try:
            return await self.task
        except ConnectionError:
            return None


WEBHOOK = {
    "event_type": "tenant_created",
    "environment": "acme",
    "account_id": 12,
    "account_name": "Acme",
    "timestamp": "2026-11-29T10:00:00Z",
}


async def delivered(store: Any, clock: Clock, runs: list[str], name: str) -> str:
    """A retry that does not wait on its hook: its outcome."""
    instance = Instance(store, clock, runs, name)
    instance.release.set()
    return await instance.task


async def test_a_claim_outlived_by_its_hook_is_not_abandoned_by_its_old_owner(owned_store: Any) -> None:
    store, clock, lease_runs_out = owned_store
    runs: list[str] = []
    a = Instance(store, clock, runs, "A")
    await a.started.wait()
    await lease_runs_out()
    b = Instance(store, clock, runs, "B")
    await b.started.wait()
    assert await a.ends(fails=True) is None  # A's failure must not drop B's claim
    assert await delivered(store, clock, runs, "C") == "in-progress"
    assert await b.ends(fails=False) == "delivered"
    assert await delivered(store, clock, runs, "D") == "duplicate"
    assert runs == ["A", "B"]


async def test_done_is_never_erased_by_a_late_failure(owned_store: Any) -> None:
    store, clock, lease_runs_out = owned_store
    runs: list[str] = []
    a = Instance(store, clock, runs, "A")
    await a.started.wait()
    await lease_runs_out()
    b = Instance(store, clock, runs, "B")
    await b.started.wait()
    assert await b.ends(fails=False) == "delivered"
    assert await a.ends(fails=True) is None  # A no longer owns anything: "done" stays
    assert await delivered(store, clock, runs, "C") == "duplicate"
    assert runs == ["A", "B"]


async def test_a_late_success_is_remembered_even_when_the_new_owner_then_fails(owned_store: Any) -> None:
    store, clock, lease_runs_out = owned_store
    runs: list[str] = []
    a = Instance(store, clock, runs, "A")
    await a.started.wait()
    await lease_runs_out()
    b = Instance(store, clock, runs, "B")
    await b.started.wait()
    assert await a.ends(fails=False) == "delivered"  # the hook did run to its end: done
    assert await b.ends(fails=True) is None  # B's failure cannot erase that
    assert await delivered(store, clock, runs, "C") == "duplicate"
    assert runs == ["A", "B"]


async def test_only_the_owner_abandons_a_claim(owned_store: Any) -> None:
    store, _, _ = owned_store
    assert await store.begin_delivery("d", T0 + 300, owner="a") == "claimed"
    await store.abandon_delivery("d", owner="b")
    assert await store.begin_delivery("d", T0 + 300, owner="c") == "in-progress"
    await store.abandon_delivery("d", owner="a")
    assert await store.begin_delivery("d", T0 + 300, owner="c") == "claimed"
    await store.finish_delivery("d", T0 + 3600, owner="c")
    await store.abandon_delivery("d", owner="c")
    assert await store.begin_delivery("d", T0 + 300, owner="e") == "done"


async def test_is_claimed_says_whether_a_ticket_was_used_in_memory_and_in_redis(redis_url: str) -> None:
    clock = Clock()
    client = redis_asyncio.Redis.from_url(redis_url)
    try:
        for store in (MemoryTicketStore(clock=clock), RedisTicketStore(client, key_prefix=fresh_prefix(), clock=clock)):
            assert await store.is_claimed("t-1") is False
            assert await store.claim("t-1", T0 + 600) is True
            assert (await store.is_claimed("t-1"), await store.is_claimed("t-2")) == (True, False)
    finally:
        await client.aclose()
