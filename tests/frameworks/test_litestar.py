"""Litestar: docs/recipes/litestar_app.py wraps the app; identify loads Litestar's own session.

Litestar runs its middleware (sessions included) only for requests that match one of its routes, so
PandiumMiddleware cannot sit in Litestar's middleware list: it wraps the app, and ``litestar_session``
opens the session with the backend of the app's own session config.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import litestar
import pytest
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.params import JSONBody
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.integrations import LITESTAR_APP_NEEDED, NOT_A_LITESTAR_SESSION, litestar_session
from tests.frameworks.support import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    SECRET,
    assert_loader,
    assert_signed_out,
    client,
    load_recipe,
    mint,
    minted_claims,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """Building a Litestar app configures the root logger (a queue handler, level INFO); undo that after
    each test so no other test's logging depends on it. (The handler's listener thread is left to the
    atexit hook Litestar registers for it: stopping it twice raises.)"""
    loggers = [logging.getLogger(), logging.getLogger("litestar")]
    saved = [(logger, list(logger.handlers), logger.level) for logger in loggers]
    yield
    for logger, handlers, level in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


@litestar.post("/login")
async def login(request: litestar.Request[Any, Any, Any], data: JSONBody[dict[str, str]]) -> None:
    """What the app's login view does: put the user in Litestar's session."""
    request.set_session(data)


@litestar.post("/logout")
async def logout(request: litestar.Request[Any, Any, Any]) -> None:
    request.clear_session()


@pytest.fixture
def recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    recipe = load_recipe("litestar_app", monkeypatch)
    app: litestar.Litestar = recipe.app
    app.register(login)
    app.register(logout)
    return recipe


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_litestar_session_user_is_the_token_subject(
    recipe: ModuleType, method: str, path: str, where: str
) -> None:
    async with client(recipe.application) as http:
        await http.post("/login", json={"user_id": "user-9"})
        assert (await http.get("/me")).json() == {"user_id": "user-9"}
        assert minted_claims(await mint(http, method, path), where)["sub"] == "user-9"


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_litestar_signed_out_is_401_before_login_after_logout_and_when_forged(
    recipe: ModuleType, method: str, path: str, where: str
) -> None:
    async with client(recipe.application) as http:
        assert_signed_out(await mint(http, method, path))
        await http.post("/login", json={"user_id": "user-9"})
        session = http.cookies["session"]
        await http.post("/logout")
        assert_signed_out(await mint(http, method, path))
        # The encrypted cookie with one byte changed: AES-GCM refuses it.
        forged = session[:-2] + ("A" if session[-2] != "A" else "B") + session[-1]
        http.cookies.set("session", forged)
        assert_signed_out(await mint(http, method, path))
        http.cookies.set("session", session)
        assert minted_claims(await mint(http, method, path), where)["sub"] == "user-9"


async def test_litestar_loader_and_own_routes(recipe: ModuleType) -> None:
    async with client(recipe.application) as http:
        assert_loader(await http.get("/pandium/embed.js"))
        assert (await http.get("/me")).json() == {"user_id": None}
        assert (await http.get("/nope")).json() == {"status_code": 404, "detail": "Not Found"}
        assert (await http.get("/pandium/nope")).json()["error"] == "not-found"


async def test_litestar_server_side_sessions_are_read_from_the_apps_store() -> None:
    session_config = ServerSideSessionConfig()
    app = litestar.Litestar([login], middleware=[session_config.middleware])

    async def identify(request: Request) -> PandiumUser | None:
        user_id = (await litestar_session(session_config, request, app)).get("user_id")
        return PandiumUser(user_id) if user_id else None

    # Any: PandiumMiddleware's ASGIApp type refuses Litestar's TypedDict-typed __call__ (test_recipe_types).
    asgi_app: Any = app
    wrapped = PandiumMiddleware(asgi_app, config=PandiumConfig("acme", SECRET), identify=identify)
    async with client(wrapped) as http:
        assert_signed_out(await http.get("/pandium/marketplace"))
        await http.post("/login", json={"user_id": "user-3"})
        assert minted_claims(await http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "user-3"
        http.cookies.set("session", "not-a-session-in-the-store")
        assert_signed_out(await http.get("/pandium/marketplace"))


@pytest.mark.parametrize(
    ("session_config", "app", "message"),
    [
        (ServerSideSessionConfig(), None, LITESTAR_APP_NEEDED),
        (object(), None, NOT_A_LITESTAR_SESSION.format(type="object")),
    ],
    ids=["server-side-without-app", "not-a-session-config"],
)
async def test_litestar_session_says_what_it_needs(session_config: Any, app: Any, message: str) -> None:
    request = Request({"type": "http", "headers": []})
    with pytest.raises(ValueError) as raised:
        await litestar_session(session_config, request, app)
    assert str(raised.value) == message


async def test_litestar_session_cookie_backend_needs_no_app() -> None:
    # The client-side backend decrypts the cookie alone; an empty request gives an empty session.
    config = CookieBackendConfig(secret=b"s" * 16)
    assert await litestar_session(config, Request({"type": "http", "headers": []})) == {}
