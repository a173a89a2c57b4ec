"""Litestar: docs/recipes/litestar_app.py wraps the app; identify loads Litestar's own session.

Litestar runs its middleware (sessions included) only for requests that match one of its routes, so
PandiumMiddleware cannot sit in Litestar's middleware list: it wraps the app, and ``litestar_session``
opens the session with the backend of the app's own session config.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import litestar
import pytest
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.sessions import LITESTAR_APP_NEEDED, NOT_A_LITESTAR_SESSION, litestar_session
from tests.support.recipes import MARKETPLACE, SECRET, assert_signed_out, client, litestar_login, minted_claims

pytestmark = pytest.mark.anyio
RECIPE = "litestar_app"


async def test_litestar_the_app_sees_the_same_session_user(recipe: ModuleType) -> None:
    async with client(recipe.application) as http:
        await http.post("/login", json={"user_id": "user-9"})
        assert (await http.get("/me")).json() == {"user_id": "user-9"}


async def test_litestar_own_routes(recipe: ModuleType) -> None:
    async with client(recipe.application) as http:
        assert (await http.get("/me")).json() == {"user_id": None}
        assert (await http.get("/nope")).json() == {"status_code": 404, "detail": "Not Found"}


async def test_litestar_server_side_sessions_are_read_from_the_apps_store() -> None:
    session_config = ServerSideSessionConfig()
    app = litestar.Litestar([litestar_login], middleware=[session_config.middleware])

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
