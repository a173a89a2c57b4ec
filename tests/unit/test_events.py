"""POST <prefix>/events: the loader's reports reach on_connected as a typed, unverified event. The
route's tests take ``door``: they run through PandiumMiddleware (ASGI) and PandiumWSGIMiddleware (WSGI)."""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from pandium_embed import ConnectedTenant, PandiumConfig, PandiumUser
from pandium_embed import reports as reports_module
from tests.support.front_doors import FRONT_DOORS, FrontDoor, bad_hook, client, path_of
from tests.support.mock import load_success_example

pytestmark = pytest.mark.anyio

SECRET = "events-test-secret-0123456789abcdefghij"
CONFIG = PandiumConfig("acme", SECRET, connectors={"gwt": "GWT Integration"})
ANN = PandiumUser("user-1", display_name="Ann")
ORIGIN = "http://app.test"
SAME_ORIGIN = {"origin": ORIGIN}
WEBHOOK = "https://api.pandium.io/v1/webhooks/3f9c0d6e2b7a4c1f"
SUCCESS: dict[str, Any] = {
    "type": "pandium-success",
    "tenant": {"id": 11, "name": "test-tenant", "integration": {"id": 1, "name": "test-integration"}},
    "webhook_url": WEBHOOK,
    "connector": "gwt",
}
SAVE_SYNC: dict[str, Any] = {
    "type": "pandium-save-sync",
    "tenant": {"id": "t-12", "name": "crm-sync-ann", "integration": {"id": "crm", "name": "CRM Sync"}},
}

# What SUCCESS becomes: ids as strings, the connector kept because it is configured.
SUCCESS_EVENT = ConnectedTenant(
    kind="success",
    tenant_id="11",
    integration_id="1",
    integration_name="test-integration",
    tenant_name="test-tenant",
    webhook_url=WEBHOOK,
    connector="gwt",
)

Seen = list[tuple[str, PandiumUser, ConnectedTenant]]


def build(
    *,
    user: PandiumUser | None = ANN,
    on_connected: Callable[..., Any] | None = None,
    seen: Seen | None = None,
    config: PandiumConfig = CONFIG,
    door: FrontDoor = FRONT_DOORS[0],
) -> Any:
    async def record(request: Any, who: PandiumUser, event: ConnectedTenant) -> None:
        assert seen is not None
        seen.append((path_of(request), who, event))

    hook = on_connected if on_connected is not None else (record if seen is not None else None)
    return door.build(config=config, user=user, on_connected=hook)


async def post(
    app: Any,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    path: str = "/pandium/events",
    base_url: str = ORIGIN,
) -> httpx.Response:
    sent_headers = {"content-type": "application/json", **SAME_ORIGIN} if headers is None else headers
    if content is None and body is not None:
        content = json.dumps(body).encode()
    async with client(app, base_url=base_url) as http:
        return await http.post(path, content=content, headers=sent_headers)


# --- acceptance --------------------------------------------------------------------------------------


async def test_a_success_report_reaches_the_hook_as_a_typed_unverified_event(door: FrontDoor) -> None:
    seen: Seen = []
    response = await post(build(door=door, seen=seen), SUCCESS)
    assert response.status_code == 204
    assert response.headers["cache-control"] == "no-store"
    assert seen == [
        (
            "/pandium/events",
            ANN,
            SUCCESS_EVENT,
        )
    ]
    event = seen[0][2]
    assert (event.source, event.verified) == ("browser", False)


async def test_a_save_sync_report_has_no_webhook_even_if_the_page_sends_one(door: FrontDoor) -> None:
    seen: Seen = []
    response = await post(build(door=door, seen=seen), {**SAVE_SYNC, "webhook_url": WEBHOOK})
    assert response.status_code == 204
    event = seen[0][2]
    assert (event.kind, event.tenant_id, event.integration_id, event.integration_name) == (
        "save-sync",
        "t-12",
        "crm",
        "CRM Sync",
    )
    assert (event.webhook_url, event.connector, event.tenant_name) == (None, None, "crm-sync-ann")


async def test_pandiums_whole_success_message_is_accepted_and_only_the_needed_fields_kept(door: FrontDoor) -> None:
    example = load_success_example()
    body = {"type": example["message"], "tenant": example["tenant"], "webhook_url": example["webhook_url"], "x": 1}
    seen: Seen = []
    assert (await post(build(door=door, seen=seen), body)).status_code == 204
    event = seen[0][2]
    assert (event.tenant_id, event.integration_name, event.webhook_url) == ("11", "test-integration", WEBHOOK)
    # The xti token inside the tenant (a credential for the host's API) is not carried anywhere.
    assert "some-token" not in repr(event) and "some-token" not in str(vars_of(event))


def vars_of(event: ConnectedTenant) -> dict[str, Any]:
    return {name: getattr(event, name) for name in event.__dataclass_fields__}


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "application/json", "origin": ORIGIN},
        {"content-type": "application/json; charset=utf-8", "origin": "HTTP://APP.TEST"},
        {"content-type": "application/json", "origin": "http://app.test:80"},
        # No Origin, but the browser itself says the request comes from this origin.
        {"content-type": "application/json", "sec-fetch-site": "same-origin"},
        # Behind a TLS-terminating proxy the scope says http while the page is https.
        {"content-type": "application/json", "origin": "https://app.test", "sec-fetch-site": "same-origin"},
    ],
)
async def test_same_origin_reports_are_accepted(door: FrontDoor, headers: dict[str, str]) -> None:
    seen: Seen = []
    response = await post(build(door=door, seen=seen), SUCCESS, headers=headers)
    assert response.status_code == 204
    assert len(seen) == 1


async def test_the_origin_is_compared_with_the_requests_own_host_and_port(door: FrontDoor) -> None:
    seen: Seen = []
    headers = {"content-type": "application/json", "origin": "http://app.test:8443"}
    response = await post(build(door=door, seen=seen), SUCCESS, headers=headers, base_url="http://app.test:8443")
    assert response.status_code == 204
    response = await post(build(door=door, seen=seen), SUCCESS, headers=headers)
    assert response.status_code == 403


class SyncRecorder:
    def __init__(self) -> None:
        self.events: list[ConnectedTenant] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, request: Request, user: PandiumUser, event: ConnectedTenant) -> None:
        self.threads.append(threading.current_thread())
        self.events.append(event)


async def test_a_sync_hook_receives_the_event_off_the_event_loop_thread() -> None:
    recorder = SyncRecorder()
    response = await post(build(on_connected=recorder), SAVE_SYNC)
    assert response.status_code == 204
    assert [event.tenant_id for event in recorder.events] == ["t-12"]
    assert recorder.threads[0] is not threading.current_thread()


async def test_the_hook_can_read_the_raw_body() -> None:
    bodies: list[Any] = []

    async def on_connected(request: Request, user: PandiumUser, event: ConnectedTenant) -> None:
        bodies.append(await request.json())

    await post(build(on_connected=on_connected), SAVE_SYNC)
    assert bodies == [SAVE_SYNC]


async def test_a_failing_hook_is_a_generic_500_that_logs_no_webhook(
    door: FrontDoor, caplog: pytest.LogCaptureFixture
) -> None:
    def on_connected(request: Request, user: PandiumUser, event: ConnectedTenant) -> None:
        raise RuntimeError(f"could not store {event!r}")

    with caplog.at_level(logging.ERROR, logger="pandium_embed"):
        response = await post(build(door=door, on_connected=on_connected), SUCCESS)
    assert response.status_code == 500
    assert response.json()["error"] == "server-error"
    assert "/events" in caplog.text
    assert WEBHOOK not in caplog.text and WEBHOOK not in response.text


# --- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "reason"),
    [
        ({"content-type": "application/json", "origin": "https://evil.test"}, 403, "cross-origin"),
        ({"content-type": "application/json", "origin": "http://app.test.evil.test"}, 403, "cross-origin"),
        ({"content-type": "application/json", "origin": "https://app.test"}, 403, "cross-origin"),
        ({"content-type": "application/json", "origin": "http://app.test:8080"}, 403, "cross-origin"),
        ({"content-type": "application/json", "origin": "null"}, 403, "cross-origin"),
        ({"content-type": "application/json", "origin": "http://app.test:notaport"}, 403, "cross-origin"),
        ({"content-type": "application/json"}, 403, "cross-origin"),
        ({"content-type": "application/json", "sec-fetch-site": "same-site"}, 403, "cross-origin"),
        ({"content-type": "application/json", "sec-fetch-site": "none"}, 403, "cross-origin"),
        ({"content-type": "application/json", "origin": ORIGIN, "sec-fetch-site": "cross-site"}, 403, "cross-site"),
        ({"content-type": "application/json", "sec-fetch-site": "cross-site"}, 403, "cross-site"),
        ({"content-type": "text/plain", "origin": ORIGIN}, 415, "unsupported-media-type"),
        ({"origin": ORIGIN}, 415, "unsupported-media-type"),
    ],
)
async def test_requests_not_from_this_apps_own_pages_or_not_json_are_refused(
    door: FrontDoor, headers: dict[str, str], status: int, reason: str
) -> None:
    seen: Seen = []
    response = await post(build(door=door, seen=seen), SUCCESS, headers=headers)
    assert response.status_code == status
    assert response.json()["error"] == reason
    assert seen == []


def _without(path: tuple[str, ...]) -> dict[str, Any]:
    body = copy.deepcopy(SUCCESS)
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(SUCCESS)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([SUCCESS], reports_module.NOT_AN_OBJECT),
        ("pandium-success", reports_module.NOT_AN_OBJECT),
        (None, reports_module.NOT_AN_OBJECT),
        (_with(("type",), "pandium-install-cancel"), reports_module.BAD_TYPE),
        (_with(("type",), "success"), reports_module.BAD_TYPE),
        (_with(("type",), ["pandium-success"]), reports_module.BAD_TYPE),
        (_without(("type",)), reports_module.BAD_TYPE),
        (_without(("tenant",)), reports_module.BAD_TENANT),
        (_with(("tenant",), "11"), reports_module.BAD_TENANT),
        (_without(("tenant", "id")), reports_module.BAD_TENANT),
        (_without(("tenant", "integration")), reports_module.BAD_TENANT),
        (_with(("tenant", "id"), None), reports_module.BAD_TENANT_ID),
        (_with(("tenant", "id"), True), reports_module.BAD_TENANT_ID),
        (_with(("tenant", "id"), -1), reports_module.BAD_TENANT_ID),
        (_with(("tenant", "id"), 1.5), reports_module.BAD_TENANT_ID),
        (_with(("tenant", "id"), "../admin"), reports_module.BAD_TENANT_ID),
        (_with(("tenant", "id"), "1 1"), reports_module.BAD_TENANT_ID),
        (_with(("tenant", "name"), 7), reports_module.BAD_TENANT_NAME),
        (_with(("tenant", "name"), "n" * 257), reports_module.BAD_TENANT_NAME),
        (_with(("tenant", "integration", "id"), None), reports_module.BAD_INTEGRATION),
        (_with(("tenant", "integration", "id"), "a/b"), reports_module.BAD_INTEGRATION),
        (_with(("tenant", "integration", "name"), ""), reports_module.BAD_INTEGRATION),
        (_with(("tenant", "integration", "name"), {"x": 1}), reports_module.BAD_INTEGRATION),
        (_with(("tenant", "integration", "name"), "n" * 257), reports_module.BAD_INTEGRATION),
        (_without(("webhook_url",)), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), ""), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), 42), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "javascript:alert(1)"), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "http://api.pandium.io/v1/webhooks/x"), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "https://user:pw@api.pandium.io/x"), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "https:///nohost"), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "https://api.pandium.io/a b"), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "https://[::1/x"), reports_module.BAD_WEBHOOK_URL),
        (_with(("webhook_url",), "https://a.test/" + "x" * 2048), reports_module.BAD_WEBHOOK_URL),
        (_with(("connector",), "unknown"), reports_module.BAD_CONNECTOR),
        (_with(("connector",), 1), reports_module.BAD_CONNECTOR),
    ],
)
async def test_malformed_events_are_400_with_a_message_naming_the_field(
    door: FrontDoor, body: Any, message: str
) -> None:
    seen: Seen = []
    response = await post(build(door=door, seen=seen), content=json.dumps(body).encode())
    assert response.status_code == 400
    assert response.json() == {"error": "bad-request", "status": 400, "message": message}
    assert seen == []


async def test_a_loopback_http_webhook_url_is_accepted_for_the_local_stand_in(door: FrontDoor) -> None:
    seen: Seen = []
    body = _with(("webhook_url",), "http://localhost:5123/__mock__/webhooks/0123456789abcdef")
    assert (await post(build(door=door, seen=seen), body)).status_code == 204


@pytest.mark.parametrize(
    ("content", "status", "reason"),
    [
        (b"{not json", 400, "bad-request"),
        (b"\xff\xfe", 400, "bad-request"),
        (b"[" * 5000 + b"]" * 5000, 400, "bad-request"),
        (json.dumps({**SUCCESS, "padding": "x" * (64 * 1024)}).encode(), 413, "too-large"),
    ],
)
async def test_malformed_or_oversized_bodies_are_a_clear_4xx(
    door: FrontDoor, content: bytes, status: int, reason: str
) -> None:
    seen: Seen = []
    response = await post(build(door=door, seen=seen), content=content)
    assert response.status_code == status
    assert response.json()["error"] == reason and response.json()["message"]
    assert seen == []


async def test_a_body_under_64_kib_is_accepted_even_above_the_token_routes_limit(door: FrontDoor) -> None:
    seen: Seen = []
    body = {**SUCCESS, "padding": "x" * (40 * 1024)}
    assert (await post(build(door=door, seen=seen), body)).status_code == 204


async def test_an_anonymous_report_is_401_and_never_reaches_the_hook(door: FrontDoor) -> None:
    seen: Seen = []
    response = await post(build(door=door, user=None, seen=seen), SUCCESS)
    assert response.status_code == 401
    assert response.json()["error"] == "not-signed-in"
    assert seen == []


async def test_without_an_on_connected_hook_the_route_does_not_exist(door: FrontDoor) -> None:
    response = await post(build(door=door), SUCCESS)
    assert response.status_code == 404
    assert response.json()["error"] == "not-found"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_other_methods_are_405(door: FrontDoor, method: str) -> None:
    app = build(door=door, seen=[])
    async with client(app, base_url=ORIGIN) as http:
        response = await http.request(method, "/pandium/events", headers=SAME_ORIGIN)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_a_navigation_still_gets_json_from_the_events_route(door: FrontDoor) -> None:
    headers = {"content-type": "application/json", "origin": "https://evil.test", "sec-fetch-mode": "navigate"}
    response = await post(build(door=door, seen=[]), SUCCESS, headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"


def test_a_non_callable_hook_is_refused_at_construction(door: FrontDoor) -> None:
    with pytest.raises(ValueError) as raised:
        door.middleware(
            door.bare_app,
            config=CONFIG,
            identify=lambda request: ANN,
            connector_token=lambda *a: "t",
            on_connected="yes",
        )
    assert str(raised.value) == bad_hook(door.door_name, "on_connected")


# --- the event object --------------------------------------------------------------------------------


def test_repr_masks_the_webhook_url_and_keeps_the_rest() -> None:
    event = SUCCESS_EVENT
    text = repr(event)
    assert WEBHOOK not in text and "3f9c0d6e2b7a4c1f" not in text
    assert "webhook_url='***'" in text
    assert "tenant_id='11'" in text and "source='browser'" in text and "verified=False" in text
    assert str(event) == text
    assert "webhook_url=None" in repr(
        ConnectedTenant(kind="save-sync", tenant_id="1", integration_id="1", integration_name="x")
    )


def test_the_event_is_frozen() -> None:
    event = ConnectedTenant(kind="save-sync", tenant_id="1", integration_id="1", integration_name="x")
    with pytest.raises(AttributeError):
        event.verified = True  # type: ignore[misc]


def test_the_docstring_says_not_to_trust_it_before_verifying() -> None:
    doc = ConnectedTenant.__doc__ or ""
    assert "Unverified" in doc and "verify_tenant" in doc
