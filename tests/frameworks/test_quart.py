"""Quart: docs/recipes/quart_app.py wraps the app; identify opens Quart's session with its own interface.

Quart's ``session`` exists only inside Quart's request context, and the session cookie is signed with
the app's secret key: ``quart_session`` asks ``app.session_interface`` to open it, as Quart would.
"""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from quart import Quart
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.sessions import quart_session
from tests.support.recipes import MARKETPLACE, QUART_USER, SECRET, assert_signed_out, client, minted_claims

pytestmark = pytest.mark.anyio
RECIPE = "quart_app"


async def test_quart_the_app_sees_the_same_session_user(recipe: ModuleType) -> None:
    async with client(recipe.application) as http:
        await http.post("/login")
        assert (await http.get("/me")).json() == {"user_id": QUART_USER}


async def test_quart_session_past_its_lifetime_is_401(recipe: ModuleType) -> None:
    app: Quart = recipe.app
    async with client(recipe.application) as http:
        await http.post("/login")
        assert minted_claims(await http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "user-5"
        # The interface checks the cookie's age against the app's own session lifetime.
        app.permanent_session_lifetime = timedelta(seconds=-1)
        assert_signed_out(await http.get("/pandium/marketplace"))


async def test_quart_own_routes(recipe: ModuleType) -> None:
    async with client(recipe.application) as http:
        assert (await http.get("/me")).json() == {"user_id": None}
        assert (await http.get("/nope")).status_code == 404


async def test_quart_asgi_app_wrapping_keeps_quart_run_working(recipe: ModuleType) -> None:
    # The Flask-style alternative: wrap app.asgi_app, so `quart run` and `hypercorn module:app` serve it.
    app: Quart = recipe.app
    # Any: PandiumMiddleware's ASGIApp type refuses Quart's TypedDict-typed ASGI callables
    # (test_recipe_types shows it); at run time they are the same ASGI interface.
    asgi_app: Any = app.asgi_app
    wrapped: Any = PandiumMiddleware(asgi_app, config=PandiumConfig.from_env(), identify=recipe.identify)
    app.asgi_app = wrapped  # type: ignore[method-assign]
    async with client(app) as http:
        await http.post("/login")
        assert minted_claims(await http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "user-5"
        assert (await http.get("/me")).json() == {"user_id": "user-5"}


async def test_quart_session_is_empty_without_a_secret_key() -> None:
    # Quart opens no session when the app has no secret key; identify then sees nobody.
    app = Quart(__name__)
    asgi_app: Any = app  # see test_quart_asgi_app_wrapping_keeps_quart_run_working

    async def identify(request: Request) -> PandiumUser | None:
        user_id = (await quart_session(app, request)).get("user_id")
        return PandiumUser(user_id) if user_id else None

    wrapped = PandiumMiddleware(asgi_app, config=PandiumConfig("acme", SECRET), identify=identify)
    async with client(wrapped) as http:
        http.cookies.set("session", "eyJ1c2VyX2lkIjoidXNlci01In0.forged.signature")
        assert_signed_out(await http.get("/pandium/marketplace"))
