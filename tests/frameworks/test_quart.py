"""Quart: docs/recipes/quart_app.py wraps the app; identify opens Quart's session with its own interface.

Quart's ``session`` exists only inside Quart's request context, and the session cookie is signed with
the app's secret key: ``quart_session`` asks ``app.session_interface`` to open it, as Quart would.
"""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from quart import Quart, session
from quart.sessions import SecureCookieSessionInterface
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.integrations import quart_session
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


async def login() -> dict[str, bool]:
    """What the app's login view does: put the user in Quart's session."""
    session["user_id"] = "user-5"
    return {"ok": True}


async def logout() -> dict[str, bool]:
    session.clear()
    return {"ok": True}


@pytest.fixture
def recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    recipe = load_recipe("quart_app", monkeypatch)
    app: Quart = recipe.app
    app.post("/login")(login)
    app.post("/logout")(logout)
    return recipe


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_quart_session_user_is_the_token_subject(recipe: ModuleType, method: str, path: str, where: str) -> None:
    async with client(recipe.application) as http:
        await http.post("/login")
        assert (await http.get("/me")).json() == {"user_id": "user-5"}
        assert minted_claims(await mint(http, method, path), where)["sub"] == "user-5"


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_quart_signed_out_is_401_before_login_after_logout_and_when_forged(
    recipe: ModuleType, method: str, path: str, where: str
) -> None:
    async with client(recipe.application) as http:
        assert_signed_out(await mint(http, method, path))
        await http.post("/login")
        cookie = http.cookies["session"]
        await http.post("/logout")
        assert_signed_out(await mint(http, method, path))
        # The same cookie signed with another key: the app's own key refuses it.
        other = Quart(__name__)
        other.secret_key = "not-the-apps-secret-key"
        assert isinstance(other.session_interface, SecureCookieSessionInterface)
        serializer = other.session_interface.get_signing_serializer(other)
        assert serializer is not None
        http.cookies.set("session", serializer.dumps({"user_id": "user-5"}))
        assert_signed_out(await mint(http, method, path))
        http.cookies.set("session", cookie)
        assert minted_claims(await mint(http, method, path), where)["sub"] == "user-5"


async def test_quart_session_past_its_lifetime_is_401(recipe: ModuleType) -> None:
    app: Quart = recipe.app
    async with client(recipe.application) as http:
        await http.post("/login")
        assert minted_claims(await http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "user-5"
        # The interface checks the cookie's age against the app's own session lifetime.
        app.permanent_session_lifetime = timedelta(seconds=-1)
        assert_signed_out(await http.get("/pandium/marketplace"))


async def test_quart_loader_and_own_routes(recipe: ModuleType) -> None:
    async with client(recipe.application) as http:
        assert_loader(await http.get("/pandium/embed.js"))
        assert (await http.get("/me")).json() == {"user_id": None}
        assert (await http.get("/nope")).status_code == 404
        assert (await http.get("/pandium/nope")).json()["error"] == "not-found"


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
