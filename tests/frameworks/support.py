"""What every framework test shares: the recipe loader, one client factory, and the token checks."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import jwt
import pytest

RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes"
SECRET = "framework-recipes-shared-secret-0123456789"
# One value that every framework's session accepts: Litestar wants 16, 24 or 32 bytes, given as hex.
SESSION_SECRET_KEY = "5e551011" * 8
RECIPE_ENV = {
    "PANDIUM_ORG": "acme",
    "PANDIUM_SHARED_SECRET": SECRET,
    "PANDIUM_ENV": "sandbox",
    "SESSION_SECRET_KEY": SESSION_SECRET_KEY,
}
MARKETPLACE = "https://imp.sandbox.pandium.com/acme?tenant="
# (method, path under the app, where the token must point): the mint routes every recipe serves.
MINT_ROUTES = [
    ("GET", "/pandium/marketplace", MARKETPLACE),
    ("GET", "/pandium/install/42", "https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant="),
    ("POST", "/pandium/token", MARKETPLACE),
]
MINT_IDS = ["marketplace", "install", "token"]


def load_recipe(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Run docs/recipes/<name>.py afresh, as the README shows it, with the Pandium env set."""
    for key, value in RECIPE_ENV.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location(f"pandium_recipe_{name}", RECIPES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered while the test runs: frameworks look their app's module up by name.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


@asynccontextmanager
async def client(app: Any, *, root_path: str = "") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def mint(http: httpx.AsyncClient, method: str, path: str) -> httpx.Response:
    if method == "POST":
        # As the app's own page's fetch() sends it: POST /token answers only same-origin callers.
        origin = f"{http.base_url.scheme}://{http.base_url.netloc.decode()}"
        return await http.post(path, json={"flow": "marketplace"}, headers={"origin": origin})
    return await http.get(path)


def minted_claims(response: httpx.Response, where: str) -> dict[str, Any]:
    """The claims of the token a mint route answered with, verified by PyJWT (not our signer)."""
    if response.request.method == "POST":
        assert response.status_code == 200, response.text
        url = response.json()["url"]
    else:
        assert response.status_code == 303, response.text
        url = response.headers["location"]
    assert url.startswith(where), url.split("?")[0]
    claims: dict[str, Any] = jwt.decode(url[len(where) :], SECRET, algorithms=["HS256"])
    return claims


def assert_signed_out(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert "location" not in response.headers


def assert_loader(response: httpx.Response) -> None:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    # The loader carries this config's Pandium origin, baked in by the middleware.
    assert '"https://imp.sandbox.pandium.com"' in response.text
