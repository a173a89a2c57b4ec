"""Plain apps: docs/recipes/asgi_app.py (PandiumMiddleware) and docs/recipes/wsgi_app.py
(PandiumWSGIMiddleware) take the same cases, each through its own interface; then what only one of
them has: Starlette's Mount (ASGI), a real gunicorn (WSGI)."""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from tests.support import recipes
from tests.support.asgi import quiet_httpx
from tests.support.docs import RECIPES
from tests.support.gunicorn import gunicorn
from tests.support.recipes import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    RECIPE_ENV,
    client,
    load_recipe,
    login_cookie,
    minted_claims,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asgi_app", "wsgi_app"])
def recipe(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return load_recipe(request.param, monkeypatch)


@pytest.mark.parametrize(
    "cookies",
    [login_cookie("user-7", secret="not-the-app-secret"), {"login": "user-7"}],
    ids=["forged-signature", "unsigned"],
)
@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_without_a_valid_login_every_mint_route_is_401(
    recipe: ModuleType, cookies: dict[str, str], method: str, path: str, where: str
) -> None:
    async with client(recipe.application) as http:
        http.cookies.update(cookies)
        recipes.assert_signed_out(await recipes.mint(http, method, path))


@pytest.mark.parametrize("path", ["/", "/dashboard", "/pandiumx", "/api/pandium/marketplace"])
async def test_the_apps_own_paths_pass_through(recipe: ModuleType, path: str) -> None:
    async with client(recipe.application) as http:
        http.cookies.update(login_cookie("user-7"))
        response = await http.get(path)
    assert response.status_code == 200
    assert response.text == "hello from the app"


async def test_behind_a_proxy_prefix_root_path_is_honoured(recipe: ModuleType) -> None:
    # The server is told the mount point (uvicorn --root-path /app; SCRIPT_NAME=/app under WSGI);
    # the prefix is matched below it.
    async with client(recipe.application, root_path="/app") as http:
        http.cookies.update(login_cookie("user-7"))
        assert minted_claims(await http.get("/app/pandium/marketplace"), MARKETPLACE)["sub"] == "user-7"
        recipes.assert_loader(await http.get("/app/pandium/embed.js"))
        passed = await http.get("/app/reports")
    assert passed.text == "hello from the app"


async def test_mounted_under_a_sub_path_of_another_asgi_app(monkeypatch: pytest.MonkeyPatch) -> None:
    # Starlette's Mount sets root_path=/tools for the mounted app; the prefix is matched below it.
    outer = Starlette(routes=[Mount("/tools", app=load_recipe("asgi_app", monkeypatch).application)])
    async with client(outer) as http:
        http.cookies.update(login_cookie("user-7"))
        assert minted_claims(await http.get("/tools/pandium/marketplace"), MARKETPLACE)["sub"] == "user-7"
        recipes.assert_loader(await http.get("/tools/pandium/embed.js"))
        assert (await http.get("/tools/other")).text == "hello from the app"
        # The prefix belongs to the mounted app only: /pandium at the outer root is not ours.
        assert (await http.get("/pandium/marketplace")).status_code == 404


def test_the_wsgi_recipe_under_gunicorn() -> None:
    with (
        gunicorn("wsgi_app:application", chdir=RECIPES, env=RECIPE_ENV) as url,
        quiet_httpx(),
        httpx.Client(base_url=url) as http,
    ):
        assert http.get("/dashboard").text == "hello from the app"
        recipes.assert_loader(http.get("/pandium/embed.js"))
        recipes.assert_signed_out(http.get("/pandium/marketplace"))
        http.cookies.update(login_cookie("user-7"))
        assert minted_claims(http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "user-7"
        # A chunked body (no Content-Length): gunicorn frames it, and the size limit still holds.
        chunked = http.post(
            "/pandium/token",
            content=iter([b"[" * 10_000, b"[" * 10_000]),
            headers={"content-type": "application/json", "sec-fetch-site": "same-origin"},
        )
        assert chunked.status_code == 413
