"""Flask (docs/recipes/flask_app.py): PandiumWSGIMiddleware wraps app.wsgi_app; identify opens Flask's
own request context to read Flask's session. Through a test client and under a real gunicorn."""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
from flask import Flask, request, session

from tests.frameworks.support import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    RECIPE_ENV,
    RECIPES,
    assert_loader,
    assert_signed_out,
    load_recipe,
    mint,
    minted_claims,
)
from tests.mock_support import quiet_httpx
from tests.support.gunicorn import gunicorn
from tests.support.wsgi import wsgi_client

pytestmark = pytest.mark.anyio


def login() -> str:
    """What the app's login view does: put the user in Flask's session."""
    session["username"] = request.form["username"]
    return "signed in"


def logout() -> str:
    session.clear()
    return "signed out"


@pytest.fixture
def recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    recipe = load_recipe("flask_app", monkeypatch)
    app: Flask = recipe.app
    app.add_url_rule("/login", view_func=login, methods=["POST"])
    app.add_url_rule("/logout", view_func=logout, methods=["POST"])
    return recipe


def session_cookie(app: Flask, data: dict[str, str]) -> dict[str, str]:
    """A session cookie exactly as this Flask app signs it."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return {app.config["SESSION_COOKIE_NAME"]: serializer.dumps(data)}


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_flask_session_user_is_the_token_subject(recipe: ModuleType, method: str, path: str, where: str) -> None:
    async with wsgi_client(recipe.app) as http:
        await http.post("/login", data={"username": "ann"})
        claims = minted_claims(await mint(http, method, path), where)
    assert claims["sub"] == "ann"
    assert claims["ti"]["udn"] == "ann"


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_flask_without_a_session_user_every_mint_route_is_401(
    recipe: ModuleType, method: str, path: str, where: str
) -> None:
    async with wsgi_client(recipe.app) as http:
        assert_signed_out(await mint(http, method, path))
        await http.post("/login", data={"username": "ann"})
        await http.post("/logout")
        assert_signed_out(await mint(http, method, path))
        # A session cookie signed with another key is no session at all, for Flask and for us.
        forged = Flask("forged")
        forged.secret_key = "not-the-app-secret"
        http.cookies.update(session_cookie(forged, {"username": "ann"}))
        assert_signed_out(await mint(http, method, path))
        assert (await http.get("/")).text == "hello stranger"


async def test_flask_keeps_its_own_routes_and_loses_the_prefix(recipe: ModuleType) -> None:
    app: Flask = recipe.app
    app.add_url_rule("/pandium/shadowed", view_func=lambda: "the app answered under the prefix")
    async with wsgi_client(app) as http:
        assert_loader(await http.get("/pandium/embed.js"))
        await http.post("/login", data={"username": "ann"})
        assert (await http.get("/")).text == "hello ann"
        assert "Not Found" in (await http.get("/nope")).text
        shadowed = await http.get("/pandium/shadowed")
        assert shadowed.json()["error"] == "not-found"


async def test_flask_under_a_sub_path(recipe: ModuleType) -> None:
    # Behind a proxy at /app: the server sets SCRIPT_NAME=/app and PATH_INFO below it, per PEP 3333.
    async with wsgi_client(recipe.app, root_path="/app") as http:
        await http.post("/app/login", data={"username": "ann"})
        assert minted_claims(await http.get("/app/pandium/marketplace"), MARKETPLACE)["sub"] == "ann"
        assert (await http.get("/app/")).text == "hello ann"


def test_flask_recipe_under_gunicorn(recipe: ModuleType) -> None:
    with gunicorn("flask_app:app", chdir=RECIPES, env=RECIPE_ENV) as url, quiet_httpx():
        with httpx.Client(base_url=url) as http:
            assert_loader(http.get("/pandium/embed.js"))
            assert_signed_out(http.get("/pandium/marketplace"))
            http.cookies.update(session_cookie(recipe.app, {"username": "ann"}))
            assert (http.get("/")).text == "hello ann"
            assert minted_claims(http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "ann"
            token = http.post("/pandium/token", json={"flow": "install", "integration_id": 42})
            assert token.json()["url"].startswith("https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant=")
