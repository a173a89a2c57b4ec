"""Pandium's notifications as typed events: strict common fields, the rest as data, delivery ids, secrets."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from pandium_embed import MemoryTicketStore, PandiumConfig
from pandium_embed import webhooks as webhooks_module
from pandium_embed.webhooks import (
    DELIVERY_LEASE_SECONDS,
    DELIVERY_MEMORY_SECONDS,
    KNOWN_EVENT_TYPES,
    WebhookEvent,
    WebhookRejected,
    check_webhook_secrets,
    deliver,
    delivery_id,
    parse_webhook,
    secret_matches,
    webhook_url,
)
from tests.support.mock import TENANT_CREATED

CONFIG = PandiumConfig("acme", "webhook-test-shared-secret-0123456789abcdef")
SECRET = "wh-secret-0123456789abcdefghijklmnopqrstuvwxyz"
OLD_SECRET = "wh-old-secret-0123456789abcdefghijklmnopqrstu"


def notification(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**TENANT_CREATED, "tenant_name": "hubspot-user-1"}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def test_the_documented_fields_are_typed_and_the_rest_kept_as_data() -> None:
    event = parse_webhook(notification())
    assert (event.event_type, event.environment, event.account_id, event.account_name) == (
        "tenant_created",
        "acme",
        12,
        "Acme",
    )
    assert event.timestamp == datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    assert dict(event.data) == {"tenant_id": 11, "tenant_name": "hubspot-user-1"}
    assert event.known is True
    assert event.tenant_id == "11"
    with pytest.raises(TypeError):
        event.data["tenant_id"] = 12  # type: ignore[index]


@pytest.mark.parametrize("event_type", KNOWN_EVENT_TYPES)
def test_every_documented_event_type_is_known(event_type: str) -> None:
    assert parse_webhook(notification(event_type=event_type)).known is True


def test_an_unknown_event_type_is_delivered_as_such() -> None:
    event = parse_webhook(notification(event_type="tenant_paused", reason="billing"))
    assert (event.event_type, event.known, event.data["reason"]) == ("tenant_paused", False, "billing")


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("2026-11-29T10:00:00.123456789Z", datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-29T12:00:00+02:00", datetime(2026, 11, 29, 10, 0, tzinfo=UTC)),
        ("2026-11-29t10:00:00z", datetime(2026, 11, 29, 10, 0, tzinfo=UTC)),
        ("2026-11-29 10:00:00Z", datetime(2026, 11, 29, 10, 0, tzinfo=UTC)),
    ],
)
def test_rfc_3339_timestamps_become_utc(timestamp: str, expected: datetime) -> None:
    parsed = parse_webhook(notification(timestamp=timestamp)).timestamp
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], webhooks_module.NOT_AN_OBJECT),
        ("tenant_created", webhooks_module.NOT_AN_OBJECT),
        (notification(event_type=...), webhooks_module.BAD_EVENT_TYPE),
        (notification(event_type=""), webhooks_module.BAD_EVENT_TYPE),
        (notification(event_type="tenant created"), webhooks_module.BAD_EVENT_TYPE),
        (notification(event_type="x" * 65), webhooks_module.BAD_EVENT_TYPE),
        (notification(event_type=7), webhooks_module.BAD_EVENT_TYPE),
        (notification(environment=...), webhooks_module.BAD_ENVIRONMENT),
        (notification(environment=""), webhooks_module.BAD_ENVIRONMENT),
        (notification(environment="x" * 257), webhooks_module.BAD_ENVIRONMENT),
        (notification(account_id=...), webhooks_module.BAD_ACCOUNT_ID),
        (notification(account_id="12"), webhooks_module.BAD_ACCOUNT_ID),
        (notification(account_id=True), webhooks_module.BAD_ACCOUNT_ID),
        (notification(account_id=12.0), webhooks_module.BAD_ACCOUNT_ID),
        (notification(account_name=None), webhooks_module.BAD_ACCOUNT_NAME),
        (notification(timestamp=...), webhooks_module.BAD_TIMESTAMP),
        (notification(timestamp=1764410400), webhooks_module.BAD_TIMESTAMP),
        (notification(timestamp="2026-11-29T10:00:00"), webhooks_module.BAD_TIMESTAMP),
        (notification(timestamp="2026-11-29"), webhooks_module.BAD_TIMESTAMP),
        (notification(timestamp="2026-W48-7T10:00:00Z"), webhooks_module.BAD_TIMESTAMP),
        (notification(timestamp="2026-02-30T10:00:00Z"), webhooks_module.BAD_TIMESTAMP),
        (notification(timestamp="2026-11-29T10:00:00Z\n"), webhooks_module.BAD_TIMESTAMP),
    ],
)
def test_bad_common_fields_are_refused_naming_the_field(body: Any, message: str) -> None:
    with pytest.raises(WebhookRejected) as raised:
        parse_webhook(body)
    assert (raised.value.reason, raised.value.detail) == ("bad-request", message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(11, "11"), ("t-11", "t-11"), ("../admin", None), (True, None), (-1, None), (None, None), ({"id": 1}, None)],
)
def test_tenant_and_integration_ids_are_read_only_when_plain(value: Any, expected: str | None) -> None:
    event = parse_webhook(notification(tenant_id=value, integration_id=value))
    assert (event.tenant_id, event.integration_id) == (expected, expected)


def test_the_delivery_id_is_the_same_for_the_same_content_in_any_serialisation() -> None:
    body = notification()
    reordered = json.loads(json.dumps(dict(reversed(list(body.items()))), indent=2))
    assert delivery_id(body) == delivery_id(reordered) == parse_webhook(reordered).delivery_id
    assert delivery_id(body) != delivery_id(notification(timestamp="2026-11-29T10:00:01Z"))
    assert len(delivery_id(body)) == 64


def test_an_event_is_frozen() -> None:
    event = parse_webhook(notification())
    with pytest.raises(AttributeError):
        event.event_type = "run_failed"  # type: ignore[misc]
    assert isinstance(event, WebhookEvent)


# --- secrets -----------------------------------------------------------------------------------------------


def test_one_secret_or_several_while_rotating() -> None:
    one = check_webhook_secrets(SECRET, CONFIG)
    both = check_webhook_secrets([OLD_SECRET, SECRET], CONFIG)
    assert secret_matches(SECRET, one) and not secret_matches(OLD_SECRET, one)
    assert secret_matches(SECRET, both) and secret_matches(OLD_SECRET, both)
    for wrong in ["", SECRET[:-1], SECRET + "x", SECRET.upper(), "\udcff", "../" + SECRET]:
        assert not secret_matches(wrong, both)


@pytest.mark.parametrize(
    "value",
    [None, "", "short", [], [SECRET, "short"], "x" * 31, SECRET + "/x", SECRET + "%2F", SECRET + " ", 42, b"x" * 40],
)
def test_a_bad_webhook_secret_says_what_to_use(value: Any) -> None:
    with pytest.raises(ValueError) as raised:
        check_webhook_secrets(value, CONFIG)
    assert str(raised.value) == webhooks_module.MISSING_WEBHOOK_SECRET.format(n=32)


def test_the_webhook_secret_is_neither_the_pandium_nor_the_launch_secret() -> None:
    shared = "shared-secret-that-is-url-safe-0123456789"
    with pytest.raises(ValueError, match="Pandium shared secret"):
        check_webhook_secrets(shared, PandiumConfig("acme", shared))
    with pytest.raises(ValueError, match="launch_secret"):
        check_webhook_secrets([OLD_SECRET, SECRET], CONFIG, launch_secret=SECRET.encode())


def test_webhook_url_is_the_route_under_the_prefix() -> None:
    assert (
        webhook_url("https://app.example.com/", CONFIG, SECRET) == f"https://app.example.com/pandium/webhooks/{SECRET}"
    )


# --- delivery: the hook once, and again only when it failed ---------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_764_410_400.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.anyio
async def test_a_delivery_runs_the_hook_once_and_acknowledges_duplicates() -> None:
    clock = Clock()
    store = MemoryTicketStore(clock=clock)
    calls: list[WebhookEvent] = []

    async def hook(event: WebhookEvent) -> None:
        calls.append(event)

    event = parse_webhook(notification())
    assert await deliver(event, hook, store=store, now=clock) == "delivered"
    clock.now += DELIVERY_LEASE_SECONDS + 1  # long after: still remembered
    assert await deliver(parse_webhook(notification()), hook, store=store, now=clock) == "duplicate"
    assert calls == [event]
    clock.now += DELIVERY_MEMORY_SECONDS  # forgotten at last
    assert await deliver(event, hook, store=store, now=clock) == "delivered"


@pytest.mark.anyio
async def test_a_failed_hook_leaves_the_delivery_unhandled_so_a_retry_delivers() -> None:
    clock = Clock()
    store = MemoryTicketStore(clock=clock)
    attempts: list[str] = []

    async def flaky(event: WebhookEvent) -> None:
        attempts.append(event.delivery_id)
        if len(attempts) == 1:
            raise ConnectionError("database down")

    event = parse_webhook(notification())
    with pytest.raises(ConnectionError):
        await deliver(event, flaky, store=store, now=clock)
    assert await deliver(event, flaky, store=store, now=clock) == "delivered"
    assert await deliver(event, flaky, store=store, now=clock) == "duplicate"
    assert len(attempts) == 2


@pytest.mark.anyio
async def test_a_retry_while_the_hook_still_runs_is_told_to_come_back_later() -> None:
    clock = Clock()
    store = MemoryTicketStore(clock=clock)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(event: WebhookEvent) -> None:
        started.set()
        await release.wait()

    event = parse_webhook(notification())
    first = asyncio.ensure_future(deliver(event, slow, store=store, now=clock))
    await started.wait()
    assert await deliver(event, slow, store=store, now=clock) == "in-progress"
    release.set()
    assert await first == "delivered"
    assert await deliver(event, slow, store=store, now=clock) == "duplicate"


@pytest.mark.anyio
async def test_a_cancelled_delivery_is_not_remembered() -> None:
    clock = Clock()
    store = MemoryTicketStore(clock=clock)
    started = asyncio.Event()

    async def hangs(event: WebhookEvent) -> None:
        started.set()
        await asyncio.Event().wait()

    event = parse_webhook(notification())
    task = asyncio.ensure_future(deliver(event, hangs, store=store, now=clock))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.begin_delivery(event.delivery_id, clock() + 60, owner="next") == "claimed"
