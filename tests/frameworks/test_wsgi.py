"""Plain WSGI: docs/recipes/wsgi_app.py, through a test client, mounted under a sub-path, and served by
a real gunicorn."""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.frameworks.support import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    RECIPE_ENV,
    RECIPES,
    SESSION_SECRET_KEY,
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


@pytest.fixture
def recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return load_recipe("wsgi_app", monkeypatch)


def login_cookie(user_id: str, secret: str = SESSION_SECRET_KEY) -> dict[str, str]:
    """The cookie the app's own login would set."""
    return {"login": URLSafeTimedSerializer(secret, salt="login").dumps(user_id)}


@pytest.mark.parametrize(
    "cookies",
    [{}, login_cookie("user-7", secret="not-the-app-secret"), {"login": "user-7"}],
    ids=["no-cookie", "forged-signature", "unsigned"],
)
@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_only_a_valid_login_mints(
    recipe: ModuleType, cookies: dict[str, str], method: str, path: str, where: str
) -> None:
    async with wsgi_client(recipe.application) as http:
        http.cookies.update(cookies)
        assert_signed_out(await mint(http, method, path))
        http.cookies.update(login_cookie("user-7"))
        assert minted_claims(await mint(http, method, path), where)["sub"] == "user-7"


@pytest.mark.parametrize("path", ["/", "/dashboard", "/pandiumx", "/api/pandium/marketplace"])
async def test_the_apps_own_paths_pass_through(recipe: ModuleType, path: str) -> None:
    async with wsgi_client(recipe.application) as http:
        response = await http.get(path)
    assert response.status_code == 200
    assert response.text == "hello from the app"


async def test_mounted_under_a_sub_path(recipe: ModuleType) -> None:
    async with wsgi_client(recipe.application, root_path="/app") as http:
        http.cookies.update(login_cookie("user-7"))
        assert minted_claims(await http.get("/app/pandium/marketplace"), MARKETPLACE)["sub"] == "user-7"
        assert_loader(await http.get("/app/pandium/embed.js"))
        assert (await http.get("/app/reports")).text == "hello from the app"


def test_wsgi_recipe_under_gunicorn() -> None:
    with gunicorn("wsgi_app:application", chdir=RECIPES, env=RECIPE_ENV) as url, quiet_httpx():
        with httpx.Client(base_url=url) as http:
            assert http.get("/dashboard").text == "hello from the app"
            assert_loader(http.get("/pandium/embed.js"))
            assert_signed_out(http.get("/pandium/marketplace"))
            http.cookies.update(login_cookie("user-7"))
            assert minted_claims(http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "user-7"
            # A chunked body (no Content-Length): gunicorn frames it, the limit still holds.
            chunked = http.post(
                "/pandium/token",
                content=iter([b"[" * 10_000, b"[" * 10_000]),
                headers={"content-type": "application/json"},
            )
            assert chunked.status_code == 413
