"""The routes, refusals, hooks, pass-through and hostile requests, through both front doors: the tests
taking ``door`` run once with PandiumMiddleware (ASGI) and once with PandiumWSGIMiddleware (WSGI); the
others are about the ASGI interface itself (scopes, lifespan, async hooks, the event loop)."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumUser
from pandium_embed import options as options_module
from tests.support.asgi import crm_token
from tests.support.front_doors import FRONT_DOORS, FrontDoor, bad_hook, client, path_of

pytestmark = pytest.mark.anyio

SECRET = "middleware-test-secret-0123456789abcdef"
CONFIG = PandiumConfig("acme", SECRET, connectors={"gwt": "GWT Integration"})
ANN = PandiumUser("user-1", display_name="Ann", extra={"user_group": "a"})
NOW = 1_700_000_000.5
ORIGIN = "http://app.test"
ASGI = FRONT_DOORS[0]
MINT_ROUTES = [
    ("GET", "/pandium/marketplace", None),
    ("GET", "/pandium/install/42", None),
    ("GET", "/pandium/connect/gwt", None),
    ("POST", "/pandium/token", {"flow": "marketplace"}),
]


def build(
    app: Any = None,
    *,
    door: FrontDoor = ASGI,
    user: PandiumUser | None = ANN,
    config: PandiumConfig = CONFIG,
    identify: Callable[[Request], Any] | None = None,
    connector_token: Callable[..., Any] = crm_token,
    **options: Any,
) -> Any:
    """The middleware of ``door`` in front of ``app`` (default: that door's bare app)."""
    return door.build(app, config=config, user=user, identify=identify, connector_token=connector_token, **options)


async def request(app: Any, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
    """One request as this app's own page sends it (``Origin: http://app.test``, which ``headers`` may override)."""
    kwargs["headers"] = {"origin": ORIGIN, **dict(kwargs.get("headers") or {})}
    async with client(app) as http:
        if body is not None:
            kwargs["json"] = body
        return await http.request(method, path, **kwargs)


def token_of(url: str) -> dict[str, Any]:
    _base, _, token = url.partition("?tenant=")
    claims: dict[str, Any] = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    return claims


# --- minting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/pandium/marketplace", "https://imp.sandbox.pandium.com/acme?tenant="),
        ("/pandium/install/42", "https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant="),
        ("/pandium/connect/gwt", "https://emp.sandbox.pandium.com/acme/gwt/auth?tenant="),
    ],
)
async def test_mint_routes_redirect_to_pandium_with_a_fresh_token(door: FrontDoor, path: str, location: str) -> None:
    app = build(door=door, clock=lambda: NOW, new_jti=lambda: "jti-1")
    response = await request(app, "GET", path)
    assert response.status_code == 303
    assert response.headers["location"].startswith(location)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    claims = token_of(response.headers["location"])
    assert (claims["sub"], claims["iat"], claims["jti"]) == ("user-1", int(NOW), "jti-1")
    assert claims["ti"]["udn"] == "Ann"


async def test_connect_adds_the_auth_only_xti_from_the_connector_token_hook(door: FrontDoor) -> None:
    seen: list[tuple[str, str, str]] = []

    def connector_token(request: Request, user: PandiumUser, connector: str) -> str:
        seen.append((path_of(request), user.sub, connector))
        return "crm-api-token"

    response = await request(build(door=door, connector_token=connector_token), "GET", "/pandium/connect/gwt")
    assert token_of(response.headers["location"])["ti"]["xti"] == {
        "user_group": "a",
        "connector_name": "gwt",
        "integration_name": "GWT Integration",
        "token": "crm-api-token",
    }
    assert seen == [("/pandium/connect/gwt", "user-1", "gwt")]


async def test_each_request_gets_a_new_jti(door: FrontDoor) -> None:
    app = build(door=door)
    first = await request(app, "GET", "/pandium/marketplace")
    second = await request(app, "GET", "/pandium/marketplace")
    assert token_of(first.headers["location"])["jti"] != token_of(second.headers["location"])["jti"]


@pytest.mark.parametrize(
    ("body", "url_start"),
    [
        ({"flow": "marketplace"}, "https://imp.sandbox.pandium.com/acme?tenant="),
        ({"flow": "install", "integration_id": "42"}, "https://imp.sandbox.pandium.com/acme/tenants/create/42?"),
        ({"flow": "install", "integration_id": 42}, "https://imp.sandbox.pandium.com/acme/tenants/create/42?"),
        ({"flow": "connect", "connector": "gwt"}, "https://emp.sandbox.pandium.com/acme/gwt/auth?tenant="),
    ],
)
async def test_post_token_returns_the_url_and_its_expiry_for_single_page_apps(
    door: FrontDoor, body: dict[str, Any], url_start: str
) -> None:
    response = await request(build(door=door, clock=lambda: NOW), "POST", "/pandium/token", body)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    payload = response.json()
    assert payload["url"].startswith(url_start)
    assert payload["expires_at"] == int(NOW) + 60
    assert token_of(payload["url"])["iat"] == int(NOW)


# --- hooks: sync or async ----------------------------------------------------------------------------


class AsyncIdentify:
    async def __call__(self, request: Request) -> PandiumUser:
        return PandiumUser("callable-object")


async def async_identify_with_suffix(request: Request, suffix: str) -> PandiumUser:
    return PandiumUser(f"partial-{suffix}")


@pytest.mark.parametrize(
    ("identify", "sub"),
    [
        (lambda request: PandiumUser("sync-lambda"), "sync-lambda"),
        (AsyncIdentify(), "callable-object"),
        (functools.partial(async_identify_with_suffix, suffix="x"), "partial-x"),
    ],
)
async def test_identify_may_be_sync_async_or_an_async_callable(identify: Any, sub: str) -> None:
    response = await request(build(identify=identify), "GET", "/pandium/marketplace")
    assert token_of(response.headers["location"])["sub"] == sub


async def test_sync_hooks_run_off_the_event_loop_thread() -> None:
    threads: list[threading.Thread] = []

    def identify(request: Request) -> PandiumUser:
        threads.append(threading.current_thread())
        return ANN

    def connector_token(request: Request, user: PandiumUser, connector: str) -> str:
        threads.append(threading.current_thread())
        return "t"

    await request(build(identify=identify, connector_token=connector_token), "GET", "/pandium/connect/gwt")
    assert len(threads) == 2
    assert all(thread is not threading.current_thread() for thread in threads)


async def test_the_identify_hook_can_read_the_body_of_post_token() -> None:
    bodies: list[bytes] = []

    async def identify(request: Request) -> PandiumUser:
        bodies.append(await request.body())
        return ANN

    response = await request(build(identify=identify), "POST", "/pandium/token", {"flow": "marketplace"})
    assert response.status_code == 200
    assert json.loads(bodies[0]) == {"flow": "marketplace"}


# --- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), MINT_ROUTES)
async def test_no_identified_user_is_401_on_every_mint_route_and_mints_nothing(
    door: FrontDoor, method: str, path: str, body: Any
) -> None:
    minted: list[str] = []

    def new_jti() -> str:
        minted.append("jti")
        return "jti"

    response = await request(build(door=door, user=None, new_jti=new_jti), method, path, body)
    assert response.status_code == 401
    assert response.json()["error"] == "not-signed-in"
    assert "location" not in response.headers
    assert minted == []


@pytest.mark.parametrize(("method", "path", "body"), MINT_ROUTES)
async def test_cross_site_requests_are_refused_on_every_mint_route(
    door: FrontDoor, method: str, path: str, body: Any
) -> None:
    response = await request(build(door=door), method, path, body, headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    assert response.json()["error"] == "cross-site"


@pytest.mark.parametrize("site", ["same-origin", "same-site", "none"])
async def test_same_site_and_direct_navigation_are_allowed(door: FrontDoor, site: str) -> None:
    response = await request(build(door=door), "GET", "/pandium/marketplace", headers={"sec-fetch-site": site})
    assert response.status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        # A sibling subdomain: same site, and readable if the host allows it credentialed CORS.
        {"origin": "http://evil.app.test", "sec-fetch-site": "same-site"},
        {"origin": "http://app.test:8080"},
        {"origin": "https://evil.test"},
        {"origin": "null"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "none"},
        {},
    ],
)
async def test_post_token_answers_only_this_apps_own_pages(door: FrontDoor, headers: dict[str, str]) -> None:
    minted: list[str] = []

    def new_jti() -> str:
        minted.append("jti")
        return "jti"

    async with client(build(door=door, new_jti=new_jti)) as http:
        response = await http.post("/pandium/token", json={"flow": "marketplace"}, headers=headers)
    assert (response.status_code, response.json()["error"]) == (403, "cross-origin")
    assert "tenant=" not in response.text and minted == []


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": ORIGIN},
        {"origin": "HTTP://APP.TEST:80"},
        # Behind a TLS-terminating proxy the scope says http while the page is https: the browser's own
        # Sec-Fetch-Site still says same-origin.
        {"origin": "https://app.test", "sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "same-origin"},
    ],
)
async def test_post_token_answers_this_apps_own_pages(door: FrontDoor, headers: dict[str, str]) -> None:
    async with client(build(door=door)) as http:
        response = await http.post("/pandium/token", json={"flow": "marketplace"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["url"].startswith("https://imp.sandbox.pandium.com/acme?tenant=")


@pytest.mark.parametrize("path", ["/pandium/marketplace", "/pandium/install/42", "/pandium/connect/gwt"])
async def test_get_mint_routes_keep_refusing_only_cross_site(door: FrontDoor, path: str) -> None:
    # The frame's navigation carries no Origin; a sibling subdomain's page may frame it (same-site).
    async with client(build(door=door)) as http:
        plain = await http.get(path)
        sibling = await http.get(path, headers={"sec-fetch-site": "same-site", "origin": "http://evil.app.test"})
    assert (plain.status_code, sibling.status_code) == (303, 303)


@pytest.mark.parametrize(
    "raw_path",
    [
        "/pandium/connect/unknown",
        "/pandium/connect/GWT",
        "/pandium/connect/gwt/",
        "/pandium/connect/gwt/..",
        "/pandium/connect/..%2Fgwt",
        "/pandium/connect/gwt%2F..%2F..%2Fevil",
        "/pandium/install/..",
        "/pandium/install/.",
        "/pandium/install/a%2Fb",
        "/pandium/install//evil.test",
        "/pandium/install/%2F%2Fevil.test",
        "/pandium/install/%5Cevil.test",
        "/pandium/install/\\\\evil.test",
        "/pandium/install/%D9%A1%D9%A2",
        "/pandium/install/42%00",
        "/pandium/install/",
        "/pandium/marketplace/",
        "/pandium/marketplace/..",
        "/pandium/",
        "/pandium",
        "/pandium/anything-else",
    ],
)
async def test_unknown_targets_and_path_tricks_are_404_and_never_redirect(door: FrontDoor, raw_path: str) -> None:
    start = await door.raw(build(door=door), "GET", raw_path)
    assert start["status"] == 404
    assert "location" not in start["headers"]


async def test_every_redirect_location_starts_with_the_configured_base_url(door: FrontDoor) -> None:
    config = PandiumConfig(
        "acme",
        SECRET,
        marketplace_base_url="https://m.example.test",
        install_base_url="https://i.example.test",
        connect_base_url="https://c.example.test",
        connectors={"gwt": "GWT", "hub-spot_2": "HubSpot"},
    )
    app = build(door=door, config=config)
    expected = {
        "/pandium/marketplace": "https://m.example.test/acme?",
        "/pandium/install/42": "https://i.example.test/acme/tenants/create/42?",
        "/pandium/install/A-b_9": "https://i.example.test/acme/tenants/create/A-b_9?",
        "/pandium/connect/gwt": "https://c.example.test/acme/gwt/auth?",
        "/pandium/connect/hub-spot_2": "https://c.example.test/acme/hub-spot_2/auth?",
    }
    for path, start in expected.items():
        response = await request(app, "GET", path)
        assert response.headers["location"].startswith(start), path


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/pandium/marketplace", "GET"),
        ("HEAD", "/pandium/install/42", "GET"),
        ("DELETE", "/pandium/connect/gwt", "GET"),
        ("GET", "/pandium/token", "POST"),
        ("PUT", "/pandium/token", "POST"),
        ("POST", "/pandium/embed.js", "GET, HEAD"),
    ],
)
async def test_wrong_method_is_405_with_allow(door: FrontDoor, method: str, path: str, allow: str) -> None:
    response = await request(build(door=door), method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


@pytest.mark.parametrize(
    ("content", "headers", "status", "reason"),
    [
        (b"{not json", {"content-type": "application/json"}, 400, "bad-request"),
        (b"\xff\xfe", {"content-type": "application/json"}, 400, "bad-request"),
        (b"[1, 2]", {"content-type": "application/json"}, 400, "bad-request"),
        (b'{"flow": "elsewhere"}', {"content-type": "application/json"}, 400, "bad-request"),
        (b'{"flow": "install"}', {"content-type": "application/json"}, 400, "bad-request"),
        (b'{"flow": "install", "integration_id": "../x"}', {"content-type": "application/json"}, 400, "bad-request"),
        (b'{"flow": "install", "integration_id": true}', {"content-type": "application/json"}, 400, "bad-request"),
        (b'{"flow": "install", "integration_id": -1}', {"content-type": "application/json"}, 400, "bad-request"),
        (b'{"flow": "connect", "connector": "nope"}', {"content-type": "application/json"}, 404, "not-found"),
        (b'{"flow": "connect"}', {"content-type": "application/json"}, 404, "not-found"),
        (b'{"flow": "marketplace"}', {"content-type": "text/plain"}, 415, "unsupported-media-type"),
        (b'{"flow": "marketplace"}', {}, 415, "unsupported-media-type"),
        (b"[" * 100_000, {"content-type": "application/json"}, 413, "too-large"),
        (b"[" * 5000 + b"]" * 5000, {"content-type": "application/json"}, 400, "bad-request"),
    ],
)
async def test_bad_bodies_to_post_token_get_a_clear_4xx(
    door: FrontDoor, content: bytes, headers: dict[str, str], status: int, reason: str
) -> None:
    response = await request(build(door=door), "POST", "/pandium/token", content=content, headers=headers)
    assert response.status_code == status
    payload = response.json()
    assert payload["error"] == reason and payload["status"] == status and payload["message"]
    assert "Traceback" not in response.text


async def test_an_oversized_streamed_body_without_content_length_is_413(door: FrontDoor) -> None:
    async def chunks() -> Any:
        for _ in range(10):
            yield b" " * 4096

    app = build(door=door, max_body_size=8192)
    response = await request(
        app, "POST", "/pandium/token", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "8192 bytes" in response.json()["message"]


async def test_a_non_numeric_content_length_is_400(door: FrontDoor) -> None:
    start = await door.raw(
        build(door=door),
        "POST",
        "/pandium/token",
        headers=[
            (b"content-type", b"application/json"),
            (b"content-length", b"12x"),
            (b"sec-fetch-site", b"same-origin"),
        ],
    )
    assert start["status"] == 400


# --- HTML for navigations, JSON for fetch -------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe"}, {"accept": "text/html,application/xhtml+xml"}],
)
async def test_browser_navigations_get_an_html_error_page_the_loader_can_read(
    door: FrontDoor, headers: dict[str, str]
) -> None:
    response = await request(build(door=door, user=None), "GET", "/pandium/marketplace", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-pandium-status="401" data-pandium-reason="not-signed-in"' in response.text
    assert "<script" not in response.text


async def test_fetch_requests_get_json_even_when_they_accept_html(door: FrontDoor) -> None:
    headers = {"sec-fetch-mode": "cors", "accept": "text/html"}
    response = await request(build(door=door, user=None), "GET", "/pandium/marketplace", headers=headers)
    assert response.json() == {
        "error": "not-signed-in",
        "status": 401,
        "message": "Sign in to the app, then reload this page.",
    }


# --- failures inside hooks and minting -----------------------------------------------------------------


def failing_identify(request: Request) -> PandiumUser:
    raise RuntimeError("database is down")


@pytest.mark.parametrize(
    ("options", "log_text"),
    [
        ({"identify": failing_identify}, "RuntimeError: database is down"),
        ({"identify": lambda request: {"sub": "u"}}, "identify returned a dict"),
        ({"connector_token": lambda request, user, connector: ""}, "connector_token must return"),
        ({"user": PandiumUser("u", meta={"x": float("nan")})}, "PandiumUser.meta"),
    ],
)
async def test_a_failing_hook_or_claim_is_logged_and_answered_with_a_generic_500(
    door: FrontDoor, options: dict[str, Any], log_text: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="pandium_embed")
    response = await request(
        build(door=door, **options), "GET", "/pandium/connect/gwt", headers={"sec-fetch-mode": "navigate"}
    )
    assert response.status_code == 500
    assert 'data-pandium-reason="server-error"' in response.text
    assert "database" not in response.text and "Traceback" not in response.text
    logged = "\n".join(record.getMessage() + (caplog.text if record.exc_info else "") for record in caplog.records)
    assert log_text in logged


async def test_a_url_over_the_limit_is_a_server_side_error_naming_the_size_and_a_generic_page(
    door: FrontDoor,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = PandiumConfig("acme", SECRET, max_url_length=1000)
    app = build(door=door, config=config, user=PandiumUser("u", meta="m" * 2000))
    response = await request(app, "GET", "/pandium/marketplace", headers={"sec-fetch-mode": "navigate"})
    assert response.status_code == 500
    assert "eyJ" not in response.text and "tenant=" not in response.text and "m" * 100 not in response.text
    assert any("over max_url_length=1000" in record.getMessage() for record in caplog.records)


async def test_no_response_body_or_repr_carries_the_secret_or_a_token(door: FrontDoor) -> None:
    app = build(door=door)
    bodies = []
    for method, path, body in [*MINT_ROUTES, ("GET", "/pandium/nope", None), ("POST", "/pandium/token", "x")]:
        bodies.append((await request(app, method, path, body)).text)
        bodies.append((await request(build(door=door, user=None), method, path, body)).text)
    assert not any(SECRET in text for text in bodies)
    redirect_bodies = [text for text in bodies if "eyJ" in text]
    # Only POST /token answers a URL in its body (that is its job); no error body ever does.
    assert all(json.loads(text).keys() == {"url", "expires_at"} for text in redirect_bodies)
    assert SECRET not in repr(app.config) and SECRET not in repr(app)


# --- pass-through --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/settings", "/pandiumx", "/pandium-docs/marketplace", "/PANDIUM/marketplace"])
async def test_paths_outside_the_prefix_reach_the_wrapped_app(door: FrontDoor, path: str) -> None:
    response = await request(build(door=door), "GET", path)
    assert response.text == f"app:{path}"


async def test_non_http_scopes_reach_the_wrapped_app_untouched() -> None:
    seen: list[tuple[Scope, Receive, Send]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((scope, receive, send))

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        pass

    middleware = build(app)
    for scope in ({"type": "websocket", "path": "/pandium/marketplace"}, {"type": "lifespan"}):
        await middleware(scope, receive, send)
    assert [entry[0]["type"] for entry in seen] == ["websocket", "lifespan"]
    assert all(entry[1] is receive and entry[2] is send for entry in seen)


async def test_foreign_requests_pass_the_same_scope_receive_and_send() -> None:
    seen: list[tuple[Scope, Receive, Send]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((scope, receive, send))
        await PlainTextResponse("ok")(scope, receive, send)

    scope: Scope = {"type": "http", "method": "GET", "path": "/x", "root_path": "", "headers": []}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        sent.append(message)

    await build(app)(scope, receive, send)
    assert seen == [(scope, receive, send)]
    assert sent[0]["status"] == 200


async def test_it_works_mounted_under_a_root_path(door: FrontDoor) -> None:
    app = build(door=door)
    async with client(app, root_path="/crm") as http:
        minted = await http.get("/crm/pandium/marketplace")
        passed = await http.get("/crm/pandium-not/x")
    assert minted.status_code == 303
    assert passed.text == "app:/crm/pandium-not/x"


async def test_a_custom_prefix_moves_every_route(door: FrontDoor) -> None:
    config = PandiumConfig("acme", SECRET, prefix="/integrations/embed")
    app = build(door=door, config=config)
    assert (await request(app, "GET", "/integrations/embed/marketplace")).status_code == 303
    assert (await request(app, "GET", "/pandium/marketplace")).text == "app:/pandium/marketplace"


# --- real apps behind the middleware ---------------------------------------------------------------------


def starlette_app() -> Starlette:
    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("starlette home")

    async def shadowed(request: Request) -> PlainTextResponse:
        return PlainTextResponse("the app answered under the prefix")

    return Starlette(routes=[Route("/", home), Route("/pandium/shadowed", shadowed)])


def fastapi_app() -> FastAPI:
    app = FastAPI()

    def current_user() -> PandiumUser:
        return ANN

    @app.get("/")
    def home(user: PandiumUser = Depends(current_user)) -> dict[str, str]:
        return {"home": user.sub}

    @app.get("/pandium/shadowed")
    def shadowed() -> str:
        return "the app answered under the prefix"

    return app


@pytest.mark.parametrize("make_app", [starlette_app, fastapi_app])
async def test_starlette_and_fastapi_apps_keep_their_routes_and_lose_the_prefix(
    make_app: Callable[[], Any],
) -> None:
    app = build(make_app())
    home = await request(app, "GET", "/")
    assert home.status_code == 200 and ("starlette home" in home.text or home.json() == {"home": "user-1"})
    minted = await request(app, "GET", "/pandium/marketplace")
    assert minted.status_code == 303
    shadowed = await request(app, "GET", "/pandium/shadowed")
    assert shadowed.status_code == 404
    assert "the app answered" not in shadowed.text


# --- construction ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"config": "acme"}, options_module.BAD_CONFIG),
        ({"identify": None}, "identify"),
        ({"max_body_size": 0}, options_module.BAD_BODY_LIMIT),
    ],
)
def test_bad_construction_says_what_to_pass(door: FrontDoor, kwargs: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"config": CONFIG, "identify": lambda request: None, "connector_token": lambda *a: "t"}
    values.update(kwargs)
    with pytest.raises(ValueError) as caught:
        door.middleware(door.bare_app, **values)
    expected = bad_hook(door.door_name, message) if message == "identify" else message.format(door=door.door_name)
    assert str(caught.value) == expected
    assert str(caught.value).startswith(door.door_name + " ") or str(caught.value).startswith(door.door_name + ":")


def test_connectors_are_optional_when_none_are_configured(door: FrontDoor) -> None:
    door.middleware(door.bare_app, config=PandiumConfig("acme", SECRET), identify=lambda request: None)


async def test_a_door_takes_one_options_object_built_ahead(door: FrontDoor) -> None:
    options: options_module.PandiumOptions[Any] = options_module.PandiumOptions(
        config=CONFIG, identify=lambda request: ANN, connector_token=lambda request, user, connector: "t"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.max_body_size = 1  # type: ignore[misc]
    app = door.middleware(door.bare_app, options)
    assert app.options is options
    async with client(app) as http:
        minted = await http.get("/pandium/marketplace")
    assert minted.status_code == 303


def test_an_unknown_or_doubled_option_names_the_door_and_the_options(door: FrontDoor) -> None:
    with pytest.raises(TypeError) as caught:
        door.middleware(door.bare_app, config=CONFIG, identify=lambda request: None, on_conected=print)
    message = str(caught.value)
    assert message.startswith(f"{door.door_name} has no option 'on_conected'")
    assert "on_connected" in message and "webhook_secret" in message
    options = options_module.PandiumOptions(config=CONFIG, identify=lambda request: None, connector_token=crm_token)
    with pytest.raises(TypeError, match=f"^{door.door_name} takes its options"):
        door.middleware(door.bare_app, options, max_body_size=10)
    with pytest.raises(TypeError, match=f"^{door.door_name} needs identify="):
        door.middleware(door.bare_app, config=CONFIG)


def test_the_hook_options_are_the_ones_marked_in_the_options_type() -> None:
    assert options_module.hook_names() == (
        "identify",
        "connector_token",
        "on_connected",
        "user_for_sub",
        "on_webhook",
        "on_mint",
    )


async def test_lifespan_passes_through_a_wrapped_starlette_app() -> None:
    events: list[str] = []

    async def lifespan(app: Starlette) -> Any:
        events.append("startup")
        yield
        events.append("shutdown")

    app = build(Starlette(lifespan=asynccontextmanager(lifespan)))
    messages: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[str] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message["type"])

    await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    assert events == ["startup", "shutdown"]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_starlette_may_pass_the_wrapped_app_by_keyword() -> None:
    # Starlette before 0.41 builds each Middleware(cls, ...) as cls(app=app, **options) (pyproject allows
    # 0.40): the ASGI door must take its app by keyword as well as by position.
    from pandium_embed import PandiumMiddleware
    from tests.support.asgi import bare_app

    middleware = PandiumMiddleware(app=bare_app, config=CONFIG, identify=lambda request: ANN)
    assert middleware.app is bare_app
    assert middleware.config is CONFIG
