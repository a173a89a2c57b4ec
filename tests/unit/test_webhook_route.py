"""POST <prefix>/webhooks/<secret>: the secret in the path is the credential, each delivery is handled
once, and a failed hook leaves it for the sender's retry (also across instances sharing redis)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import httpx
import pytest
from redis import asyncio as redis_asyncio
from starlette.requests import Request

from pandium_embed import MemoryTicketStore, RedisTicketStore
from pandium_embed import options as options_module
from pandium_embed import webhooks as webhooks_module
from pandium_embed.webhooks import MAX_WEBHOOK_BODY_SIZE, WebhookEvent
from tests.support.asgi import quiet_asgi_client, quiet_httpx, raw_asgi
from tests.support.front_doors import bad_hook
from tests.support.mock import TENANT_CREATED
from tests.unit.test_middleware import CONFIG, build

ASGI = "PandiumMiddleware"

pytestmark = pytest.mark.anyio

SECRET = "webhook-route-secret-0123456789abcdefghijklmn"
OLD_SECRET = "webhook-route-old-secret-0123456789abcdefghij"
PATH = f"/pandium/webhooks/{SECRET}"
BODY = TENANT_CREATED


class Recorder:
    """An on_webhook hook that records each event; ``fail`` times it raises first."""

    def __init__(self, fail: int = 0) -> None:
        self.events: list[WebhookEvent] = []
        self.fail = fail

    async def __call__(self, request: Request, event: WebhookEvent) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("the database is down")
        self.events.append(event)


def receiver(hook: Any = None, **options: Any) -> Any:
    return build(webhook_secret=SECRET, on_webhook=hook or Recorder(), **options)


async def post(app: Any, path: str = PATH, body: Any = BODY, **headers: str) -> httpx.Response:
    async with quiet_asgi_client(app) as http:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await http.post(path, content=content, headers={"content-type": "application/json", **headers})


async def test_a_notification_reaches_the_hook_as_a_typed_event() -> None:
    hook = Recorder()
    response = await post(receiver(hook))
    assert response.status_code == 200
    assert response.json() == {"delivery": "delivered"}
    assert response.headers["cache-control"] == "no-store"
    (event,) = hook.events
    assert (event.event_type, event.account_id, event.tenant_id) == ("tenant_created", 12, "11")


async def test_a_sync_hook_runs_in_a_thread_and_gets_the_request() -> None:
    seen: list[tuple[str, str]] = []

    def hook(request: Request, event: WebhookEvent) -> None:
        seen.append((request.method, event.event_type))

    assert (await post(receiver(hook))).status_code == 200
    assert seen == [("POST", "tenant_created")]


async def test_an_unknown_event_type_is_delivered_too() -> None:
    hook = Recorder()
    response = await post(receiver(hook), body={**BODY, "event_type": "tenant_paused"})
    assert response.status_code == 200
    assert [(event.event_type, event.known) for event in hook.events] == [("tenant_paused", False)]


# --- the secret ---------------------------------------------------------------------------------------------


def the_same_answer(a: httpx.Response, b: httpx.Response) -> bool:
    return (a.status_code, a.content, a.headers) == (b.status_code, b.content, b.headers)


@pytest.mark.parametrize(
    "path",
    [
        "/pandium/webhooks/" + SECRET[:-1],
        "/pandium/webhooks/" + SECRET + "x",
        "/pandium/webhooks/" + SECRET.upper(),
        "/pandium/webhooks/" + SECRET + "/",
        "/pandium/webhooks/" + SECRET + "/extra",
        "/pandium/webhooks/",
        "/pandium/webhooks",
    ],
)
@pytest.mark.parametrize("method", ["POST", "GET", "PUT"])
async def test_a_wrong_secret_answers_exactly_like_an_unknown_route_and_calls_nothing(path: str, method: str) -> None:
    hook = Recorder()
    app = receiver(hook)
    async with quiet_asgi_client(app) as http:
        for headers in ({"content-type": "application/json"}, {"accept": "text/html", "sec-fetch-mode": "navigate"}):
            wrong = await http.request(method, path, content=json.dumps(BODY), headers=headers)
            unknown = await http.request(method, "/pandium/no-such-route", content=json.dumps(BODY), headers=headers)
            assert wrong.status_code == 404
            assert the_same_answer(wrong, unknown)
    assert hook.events == []


async def test_without_the_feature_the_route_does_not_exist() -> None:
    response = await post(build())
    assert response.status_code == 404


async def test_rotation_accepts_the_old_and_the_new_secret() -> None:
    hook = Recorder()
    app = build(webhook_secret=[OLD_SECRET, SECRET], on_webhook=hook)
    first = await post(app, f"/pandium/webhooks/{OLD_SECRET}")
    second = await post(app, PATH, body={**BODY, "tenant_id": 12})
    assert (first.status_code, second.status_code) == (200, 200)
    assert [event.tenant_id for event in hook.events] == ["11", "12"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"webhook_secret": SECRET}, options_module.WEBHOOK_OPTIONS_TOGETHER.format(door=ASGI)),
        ({"on_webhook": Recorder()}, options_module.WEBHOOK_OPTIONS_TOGETHER.format(door=ASGI)),
        ({"webhook_secret": "short", "on_webhook": Recorder()}, "webhook_secret must be a random string"),
        ({"webhook_secret": SECRET, "on_webhook": "not callable"}, bad_hook(ASGI, "on_webhook")),
        (
            {"webhook_secret": SECRET, "on_webhook": Recorder(), "ticket_store": object()},
            options_module.BAD_TICKET_STORE.format(door=ASGI),
        ),
    ],
)
def test_bad_webhook_options_say_what_to_pass(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        build(**options)
    assert str(raised.value).startswith(message)


class StoreWithoutOwners:
    """A DeliveryStore written before claims had owners."""

    async def claim(self, ticket_id: str, expires_at: float) -> bool:
        return True

    async def begin_delivery(self, delivery_id: str, lease_until: float) -> str:
        return "claimed"

    async def finish_delivery(self, delivery_id: str, remember_until: float) -> None:
        return None

    async def abandon_delivery(self, delivery_id: str) -> None:
        return None


def test_a_delivery_store_without_claim_owners_is_refused_at_construction() -> None:
    with pytest.raises(ValueError) as raised:
        build(webhook_secret=SECRET, on_webhook=Recorder(), ticket_store=StoreWithoutOwners())
    assert str(raised.value) == options_module.DELIVERY_STORE_WITHOUT_OWNERS.format(door=ASGI)


# --- limits still apply; cross-site rules do not ----------------------------------------------------------


async def test_pandiums_server_to_server_post_is_not_a_cross_site_request() -> None:
    hook = Recorder()
    response = await post(receiver(hook), origin="https://imp.pandium.io", **{"sec-fetch-site": "cross-site"})
    assert response.status_code == 200 and len(hook.events) == 1


@pytest.mark.parametrize(
    ("body", "headers", "status", "reason"),
    [
        (b"{}", {"content-type": "text/plain"}, 415, "unsupported-media-type"),
        (b"x" * (MAX_WEBHOOK_BODY_SIZE + 1), {}, 413, "too-large"),
        (b"{not json", {}, 400, "bad-request"),
        (json.dumps({**BODY, "account_id": "12"}).encode(), {}, 400, "bad-request"),
        (json.dumps({**BODY, "timestamp": "yesterday"}).encode(), {}, 400, "bad-request"),
    ],
)
async def test_size_type_and_shape_limits_apply(body: bytes, headers: dict[str, str], status: int, reason: str) -> None:
    hook = Recorder()
    async with quiet_asgi_client(receiver(hook)) as http:
        response = await http.post(PATH, content=body, headers={"content-type": "application/json", **headers})
    assert (response.status_code, response.json()["error"]) == (status, reason)
    assert hook.events == []


def nested(depth: int) -> bytes:
    """BODY with a field nested ``depth`` arrays deep (the body object itself is one level)."""
    return json.dumps(BODY)[:-1].encode() + b', "x": ' + b"[" * depth + b"]" * depth + b"}"


def with_raw_field(raw: str) -> bytes:
    return json.dumps(BODY)[:-1].encode() + b', "x": ' + raw.encode() + b"}"


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (with_raw_field('"\\ud800"'), "lone surrogate"),
        (with_raw_field('{"\\udfff": 1}'), "lone surrogate"),
        (with_raw_field('["ok", "\\ud83d"]'), "lone surrogate"),
        (nested(973), "nests"),  # json.loads or our bound refuses it, depending on the stack
        (nested(webhooks_module.MAX_WEBHOOK_DEPTH), "nests deeper than"),
        (with_raw_field("1" * 5000), "not valid JSON"),
        (with_raw_field("1e999"), "finite"),
        (with_raw_field("-1e400"), "finite"),
        (with_raw_field("NaN"), "finite"),
        (with_raw_field("[Infinity]"), "finite"),
    ],
)
async def test_hostile_but_valid_json_is_400_never_500(body: bytes, names: str) -> None:
    hook = Recorder()
    async with quiet_asgi_client(receiver(hook)) as http:
        response = await http.post(PATH, content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (400, "bad-request")
    assert names in response.json()["message"]
    assert hook.events == []


async def test_nesting_up_to_the_bound_and_large_numbers_within_json_are_delivered() -> None:
    hook = Recorder()
    async with quiet_asgi_client(receiver(hook)) as http:
        deep = await http.post(
            PATH, content=nested(webhooks_module.MAX_WEBHOOK_DEPTH - 1), headers={"content-type": "application/json"}
        )
        huge = await http.post(
            PATH, content=with_raw_field("1" * 4000 + ', "y": 1e300'), headers={"content-type": "application/json"}
        )
        paired = await http.post(
            PATH, content=with_raw_field('"\\ud83d\\ude00"'), headers={"content-type": "application/json"}
        )
    assert (deep.status_code, huge.status_code, paired.status_code) == (200, 200, 200)
    assert hook.events[2].data["x"] == "\U0001f600"


async def test_a_bad_field_is_named_in_the_answer() -> None:
    response = await post(receiver(), body={**BODY, "timestamp": "yesterday"})
    assert "timestamp" in response.json()["message"]


async def test_only_post_with_the_right_secret() -> None:
    async with quiet_asgi_client(receiver()) as http:
        response = await http.get(PATH)
    assert (response.status_code, response.headers["allow"]) == (405, "POST")


# --- nothing lost, nothing twice -------------------------------------------------------------------------------


async def test_a_duplicate_delivery_is_acknowledged_without_calling_the_hook_again() -> None:
    hook = Recorder()
    app = receiver(hook)
    first = await post(app)
    reordered = json.loads(json.dumps(dict(reversed(list(BODY.items())))))
    again = await post(app, body=reordered)
    assert (first.json(), again.json()) == ({"delivery": "delivered"}, {"delivery": "duplicate"})
    assert again.status_code == 200
    assert len(hook.events) == 1


async def test_a_failing_hook_answers_500_and_the_retry_delivers(caplog: pytest.LogCaptureFixture) -> None:
    hook = Recorder(fail=1)
    app = receiver(hook)
    with caplog.at_level(logging.ERROR, logger="pandium_embed"):
        failed = await post(app)
    retried = await post(app)
    assert failed.status_code == 500
    assert failed.json()["error"] == "server-error" and "database" not in failed.text
    assert retried.json() == {"delivery": "delivered"}
    assert len(hook.events) == 1
    # The failure is logged with the route's template: never the secret in the path.
    (record,) = [r for r in caplog.records if r.name == "pandium_embed"]
    assert "/webhooks/<secret>" in record.getMessage()
    assert SECRET not in caplog.text


async def test_a_retry_while_the_hook_still_runs_is_asked_to_come_back_later() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    calls: list[str] = []

    async def slow(request: Request, event: WebhookEvent) -> None:
        calls.append(event.delivery_id)
        started.set()
        await release.wait()

    app = receiver(slow)
    with quiet_httpx():  # one for both overlapping requests
        first = asyncio.ensure_future(post(app))
        await started.wait()
        meanwhile = await post(app)
        release.set()
        assert (await first).status_code == 200
    assert meanwhile.status_code == 503
    assert meanwhile.headers["retry-after"] == "30"
    assert meanwhile.json()["error"] == "delivery-in-progress"
    assert len(calls) == 1


async def test_the_seen_set_lives_in_the_ticket_store() -> None:
    store = MemoryTicketStore()
    hook = Recorder()
    await post(receiver(hook, ticket_store=store))
    # A second instance sharing the store (as RedisTicketStore shares across processes).
    assert (await post(receiver(hook, ticket_store=store))).json() == {"delivery": "duplicate"}
    assert len(hook.events) == 1


async def test_duplicate_delivery_across_two_instances_on_a_real_redis_server(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    clients = [redis_asyncio.Redis.from_url(redis_url), redis_asyncio.Redis.from_url(redis_url)]
    hooks = [Recorder(fail=1), Recorder()]
    try:
        instances = [
            receiver(hook, ticket_store=RedisTicketStore(redis, delivery_key_prefix=prefix))
            for hook, redis in zip(hooks, clients, strict=True)
        ]
        failed_on_first = await post(instances[0])
        retried_on_second = await post(instances[1])
        again_on_first = await post(instances[0])
        # One quiet client log for all: overlapping quiet_httpx() blocks would restore each other's level.
        with quiet_httpx():
            concurrent = await asyncio.gather(
                *(post(instances[i % 2], body={**BODY, "tenant_id": 77}) for i in range(8))
            )
    finally:
        for redis in clients:
            await redis.aclose()
    assert failed_on_first.status_code == 500
    assert retried_on_second.json() == {"delivery": "delivered"}
    assert again_on_first.json() == {"delivery": "duplicate"}
    delivered = [response for response in concurrent if response.json().get("delivery") == "delivered"]
    assert len(delivered) == 1
    assert all(response.status_code in (200, 503) for response in concurrent)
    assert sorted(event.tenant_id or "" for hook in hooks for event in hook.events) == ["11", "77"]


# --- the secret never reaches a log ---------------------------------------------------------------------------


async def test_nothing_logs_the_path(caplog: pytest.LogCaptureFixture) -> None:
    def broken(request: Request, event: WebhookEvent) -> None:
        raise RuntimeError("the hook failed")

    with caplog.at_level(logging.DEBUG):
        await post(receiver(broken))
        await post(receiver(), body=b"{")
        start = await raw_asgi(receiver(), "POST", PATH + "/x")
    assert start["status"] == 404
    assert SECRET not in caplog.text


def test_the_webhook_url_helper_matches_the_route() -> None:
    from pandium_embed.webhooks import webhook_url

    assert webhook_url("http://app.test", CONFIG, SECRET) == "http://app.test" + PATH
