"""What only the WSGI front door has: plain hooks on the server's thread, a Werkzeug Request, an
untouched environ outside the prefix, and launch links without an event loop."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pytest
import redis
from werkzeug.wrappers import Request

from pandium_embed import MemoryTicketStore, PandiumConfig, PandiumUser, RedisTicketStore, launch_url
from pandium_embed.audit import AuditRecord
from pandium_embed.routes import NEEDS_AN_EVENT_LOOP
from pandium_embed.webhooks import WebhookEvent
from pandium_embed.wsgi import ASYNC_HOOK, PandiumWSGIMiddleware
from tests.support.asgi import quiet_httpx
from tests.support.mock import TENANT_CREATED
from tests.support.wsgi import wsgi_client

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

pytestmark = pytest.mark.anyio

SECRET = "wsgi-test-pandium-secret-0123456789abcdef"
LAUNCH_SECRET = "wsgi-test-link-secret-0123456789abcdefgh"
CONFIG = PandiumConfig("acme", SECRET, connectors={"gwt": "GWT Integration"})
ANN = PandiumUser("user-1", display_name="Ann")
NAVIGATE = {"sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-site": "none"}


def bare_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The wrapped app: answers 200 with the path, so a pass-through is visible."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"app:{environ['PATH_INFO']}".encode()]


def build(app: Any = bare_app, **options: Any) -> PandiumWSGIMiddleware:
    options.setdefault("identify", lambda request: ANN)
    options.setdefault("connector_token", lambda request, user, connector: "crm-token")
    return PandiumWSGIMiddleware(app, config=options.pop("config", CONFIG), **options)


async def async_hook(*args: Any) -> Any:
    return None


@pytest.mark.parametrize("name", ["identify", "connector_token", "on_connected", "user_for_sub"])
def test_an_async_hook_is_refused_when_the_middleware_is_built(name: str) -> None:
    options: dict[str, Any] = {name: async_hook}
    if name == "user_for_sub":
        options["launch_secret"] = LAUNCH_SECRET
    with pytest.raises(ValueError) as caught:
        build(**options)
    assert str(caught.value) == ASYNC_HOOK.format(name=name)


def test_outside_the_prefix_the_app_gets_the_same_environ_and_start_response_and_no_body_is_read() -> None:
    seen: list[tuple[WSGIEnvironment, StartResponse]] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append((environ, start_response))
        return [b"ok"]

    class Unread(io.RawIOBase):
        def readinto(self, buffer: Any) -> int:
            raise AssertionError("the body of a request outside the prefix was read")

    environ: WSGIEnvironment = {"REQUEST_METHOD": "POST", "PATH_INFO": "/pandiumx/marketplace", "wsgi.input": Unread()}
    before = dict(environ)

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        return lambda data: None

    assert build(app)(environ, start_response) == [b"ok"]
    assert seen == [(environ, start_response)] and seen[0][0] is environ
    assert environ == before


async def test_hooks_run_on_the_servers_thread_and_get_a_werkzeug_request_with_the_body() -> None:
    seen: list[tuple[threading.Thread, str, bytes]] = []

    def identify(request: Request) -> PandiumUser:
        seen.append((threading.current_thread(), request.path, request.get_data()))
        return ANN

    async with wsgi_client(build(identify=identify)) as http:
        response = await http.post(
            "/pandium/token",
            # The bytes given, not json=: how httpx lays out JSON changed after 0.27 (the [api] floor).
            content=b'{"flow":"marketplace"}',
            headers={"sec-fetch-site": "same-origin", "content-type": "application/json"},
        )
    assert response.status_code == 200
    [(thread, path, body)] = seen
    assert (path, body) == ("/pandium/token", b'{"flow":"marketplace"}')
    # The transport runs the app on one worker thread, as a threaded server does; the hook ran there.
    assert thread is not threading.main_thread()


def link(now: float) -> str:
    return launch_url(CONFIG, "user-1", flow="marketplace", max_age=3600, launch_secret=LAUNCH_SECRET, now=now)


def fixed_clock() -> float:
    return 1_700_000_000.0


async def test_a_launch_link_works_once_with_the_default_in_memory_store() -> None:
    app = build(launch_secret=LAUNCH_SECRET, ticket_store=MemoryTicketStore(clock=fixed_clock), clock=fixed_clock)
    url = link(fixed_clock())
    async with wsgi_client(app) as http:
        first = await http.get(url, headers=NAVIGATE)
        second = await http.get(url, headers=NAVIGATE)
    assert first.status_code == 303
    assert (second.status_code, 'data-pandium-reason="link-used"' in second.text) == (410, True)


async def test_a_redis_store_with_a_sync_client_is_shared_by_two_instances(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        one, two = (
            build(launch_secret=LAUNCH_SECRET, ticket_store=RedisTicketStore(client, key_prefix="wsgi-test:"))
            for _ in range(2)
        )
        url = link(time.time())
        async with wsgi_client(one) as first_instance, wsgi_client(two) as second_instance:
            first = await first_instance.get(url, headers=NAVIGATE)
            second = await second_instance.get(url, headers=NAVIGATE)
        assert (first.status_code, second.status_code) == (303, 410)
    finally:
        client.close()


async def test_a_store_that_needs_an_event_loop_is_a_logged_500_naming_the_fix(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class LoopBoundStore:
        async def claim(self, ticket_id: str, expires_at: float) -> bool:
            await asyncio.sleep(0)
            return True

    caplog.set_level(logging.ERROR, logger="pandium_embed")
    app = build(launch_secret=LAUNCH_SECRET, ticket_store=LoopBoundStore())
    async with wsgi_client(app) as http:
        response = await http.get(link(time.time()), headers=NAVIGATE)
    assert response.status_code == 500
    assert 'data-pandium-reason="server-error"' in response.text
    assert NEEDS_AN_EVENT_LOOP.format(what="LoopBoundStore.claim") in caplog.text


WEBHOOK_SECRET = "wsgi-test-webhook-secret-0123456789abcdefgh"
NOTIFICATION = TENANT_CREATED


async def test_webhooks_and_the_audit_hook_work_through_the_wsgi_door_too() -> None:
    seen: list[tuple[str, str]] = []
    records: list[tuple[str, Any]] = []

    def on_webhook(request: Request, event: WebhookEvent) -> None:
        seen.append((request.path.rsplit("/", 1)[0], event.event_type))

    def on_mint(request: Request, user: PandiumUser | None, record: AuditRecord) -> None:
        records.append((request.path, record))

    app = build(webhook_secret=WEBHOOK_SECRET, on_webhook=on_webhook, on_mint=on_mint)
    # Quiet: the test client would log the path, and the path holds the webhook secret.
    with quiet_httpx():
        async with wsgi_client(app) as http:
            path = f"/pandium/webhooks/{WEBHOOK_SECRET}"
            first = await http.post(path, json=NOTIFICATION)
            again = await http.post(path, json=NOTIFICATION)
            wrong = await http.post("/pandium/webhooks/not-the-secret", json=NOTIFICATION)
            minted = await http.get("/pandium/install/42")
    assert (first.json(), again.json(), wrong.status_code) == (
        {"delivery": "delivered"},
        {"delivery": "duplicate"},
        404,
    )
    assert seen == [("/pandium/webhooks", "tenant_created")]
    assert minted.status_code == 303
    [(mint_path, record)] = records
    assert (mint_path, record.route, record.target, record.sub) == (
        "/pandium/install/42",
        "/install/{integration_id}",
        "42",
        "user-1",
    )
