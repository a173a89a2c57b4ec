"""Flask (docs/recipes/flask_app.py): PandiumWSGIMiddleware installed as app.wsgi_app; identify opens
Flask's own request context to read Flask's session. (The cases every recipe shares are in
test_recipes.py.) Through a test client and under a real gunicorn."""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
from flask import Flask

from tests.support.asgi import quiet_httpx
from tests.support.docs import RECIPES
from tests.support.gunicorn import gunicorn
from tests.support.recipes import (
    MARKETPLACE,
    RECIPE_ENV,
    assert_loader,
    assert_signed_out,
    client,
    minted_claims,
)

pytestmark = pytest.mark.anyio
RECIPE = "flask_app"


def session_cookie(app: Flask, data: dict[str, str]) -> dict[str, str]:
    """A session cookie exactly as this Flask app signs it."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return {app.config["SESSION_COOKIE_NAME"]: serializer.dumps(data)}


async def test_flask_keeps_its_own_views_and_the_prefix_is_ours(recipe: ModuleType) -> None:
    app: Flask = recipe.app
    app.add_url_rule("/pandium/shadowed", view_func=lambda: "the app answered under the prefix")
    async with client(app) as http:
        assert (await http.get("/")).text == "hello stranger"
        await http.post("/login", json={"username": "ann"})
        assert (await http.get("/")).text == "hello ann"
        # Flask's own 404 outside the prefix; ours inside it, even where Flask has a view.
        assert "Not Found" in (await http.get("/nope")).text
        assert (await http.get("/pandium/shadowed")).json()["error"] == "not-found"


async def test_flask_under_a_sub_path(recipe: ModuleType) -> None:
    # Behind a proxy at /app: the server sets SCRIPT_NAME=/app and PATH_INFO below it, per PEP 3333.
    async with client(recipe.app, root_path="/app") as http:
        await http.post("/app/login", json={"username": "ann"})
        assert minted_claims(await http.get("/app/pandium/marketplace"), MARKETPLACE)["sub"] == "ann"
        assert (await http.get("/app/")).text == "hello ann"


def test_flask_recipe_under_gunicorn(recipe: ModuleType) -> None:
    with (
        gunicorn("flask_app:app", chdir=RECIPES, env=RECIPE_ENV) as url,
        quiet_httpx(),
        httpx.Client(base_url=url) as http,
    ):
        assert_loader(http.get("/pandium/embed.js"))
        assert_signed_out(http.get("/pandium/marketplace"))
        http.cookies.update(session_cookie(recipe.app, {"username": "ann"}))
        assert http.get("/").text == "hello ann"
        assert minted_claims(http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "ann"
        token = http.post(
            "/pandium/token",
            json={"flow": "install", "integration_id": 42},
            headers={"origin": url},
        )
        assert token.json()["url"].startswith("https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant=")
