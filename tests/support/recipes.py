"""The framework recipes under test: loading docs/recipes/<name>.py as the README shows it, the login
views each test app adds, how a test signs a user in, and the checks every recipe must pass."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import jwt
import litestar
import pytest
from fastapi import FastAPI
from flask import Flask
from flask import request as flask_request
from flask import session as flask_session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from litestar.params import JSONBody
from quart import Quart, session
from quart.sessions import SecureCookieSessionInterface
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.support.docs import RECIPES, run_file
from tests.support.front_doors import client as door_client

# Every docs/recipes/<name>.py: test_recipes.py runs each; test_docs_site checks none is left out.
RECIPE_NAMES = [
    "asgi_app",
    "starlette_app",
    "fastapi_app",
    "litestar_app",
    "quart_app",
    "django_app",
    # The WSGI front door (PandiumWSGIMiddleware).
    "wsgi_app",
    "flask_app",
    "django_wsgi",
]
# The recipes whose session lives in Django's database (tests/frameworks/conftest.py signs ann in).
DJANGO_RECIPES = ["django_app", "django_wsgi"]
SECRET = "framework-recipes-shared-secret-0123456789"
# One value that every framework's session accepts: Litestar wants 16, 24 or 32 bytes, given as hex.
SESSION_SECRET_KEY = "5e551011" * 8
OTHER_KEY = "not-the-apps-secret-key"
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
TEST_ORIGIN = "http://testserver"


def load_recipe(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Run docs/recipes/<name>.py afresh, as the docs show it, with the Pandium env set."""
    return run_file(RECIPES / f"{name}.py", monkeypatch, env=RECIPE_ENV)


def client(app: Any, *, root_path: str = "") -> httpx.AsyncClient:
    """A client that speaks ``app``'s interface: ASGI or WSGI."""
    return door_client(app, base_url=TEST_ORIGIN, root_path=root_path)


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


# --- what each test app adds: the app's own login and logout views ---------------------------------


def login_cookie(user_id: str, secret: str = SESSION_SECRET_KEY) -> dict[str, str]:
    """The cookie the plain ASGI recipe's own login would set."""
    return {"login": URLSafeTimedSerializer(secret, salt="login").dumps(user_id)}


async def starlette_login(request: Request) -> Response:
    """What a Starlette app's login view does: put the user in the session."""
    body = await request.json()
    request.session.update(body)
    return JSONResponse({"ok": True})


async def starlette_logout(request: Request) -> Response:
    request.session.clear()
    return JSONResponse({"ok": True})


@litestar.post("/login")
async def litestar_login(request: litestar.Request[Any, Any, Any], data: JSONBody[dict[str, str]]) -> None:
    """What a Litestar app's login view does: put the user in Litestar's session."""
    request.set_session(data)


@litestar.post("/logout")
async def litestar_logout(request: litestar.Request[Any, Any, Any]) -> None:
    request.clear_session()


QUART_USER = "user-5"


async def quart_login() -> dict[str, bool]:
    """What a Quart app's login view does: put the user in Quart's session."""
    session["user_id"] = QUART_USER
    return {"ok": True}


async def quart_logout() -> dict[str, bool]:
    session.clear()
    return {"ok": True}


def flask_login() -> dict[str, bool]:
    """What a Flask app's login view does: put the user in Flask's session."""
    flask_session.update(flask_request.get_json())
    return {"ok": True}


def flask_logout() -> dict[str, bool]:
    flask_session.clear()
    return {"ok": True}


def with_login(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The recipe ``name`` (not Django's: its login is Django's own) with login and logout views added."""
    recipe = load_recipe(name, monkeypatch)
    if name in ("starlette_app", "fastapi_app"):
        app: Starlette | FastAPI = recipe.app
        app.add_route("/login", starlette_login, methods=["POST"])
        app.add_route("/logout", starlette_logout, methods=["POST"])
    if name == "fastapi_app":
        recipe.USERS["u-42"] = recipe.User(id="u-42", email="ann@example.com")
    if name == "litestar_app":
        litestar_app: litestar.Litestar = recipe.app
        litestar_app.register(litestar_login)
        litestar_app.register(litestar_logout)
    if name == "quart_app":
        quart_app: Quart = recipe.app
        quart_app.post("/login")(quart_login)
        quart_app.post("/logout")(quart_logout)
    if name == "flask_app":
        flask_app: Flask = recipe.app
        flask_app.post("/login")(flask_login)
        flask_app.post("/logout")(flask_logout)
    return recipe


@dataclass(frozen=True)
class SignedIn:
    """A recipe's app, and how a test signs its user in: ``sign_in(http)`` (a login request, or the
    cookie a login would set) makes ``sub`` the token subject, with ``ti`` its user details."""

    app: Any
    sub: str
    ti: dict[str, str]
    sign_in: Callable[[httpx.AsyncClient], Awaitable[None]]
    # For the recipes whose session lives in a cookie named "session": the same cookie made invalid.
    forge: Callable[[str], str] | None = None


def by_cookie(cookies: dict[str, str]) -> Callable[[httpx.AsyncClient], Awaitable[None]]:
    async def sign_in(http: httpx.AsyncClient) -> None:
        http.cookies.update(cookies)

    return sign_in


def by_login(body: dict[str, str] | None) -> Callable[[httpx.AsyncClient], Awaitable[None]]:
    async def sign_in(http: httpx.AsyncClient) -> None:
        (await http.post("/login", json=body)).raise_for_status()

    return sign_in


def signed_by_another_key(session: dict[str, str]) -> Callable[[str], str]:
    """A Starlette session cookie holding ``session``, signed with a key that is not the app's."""

    def forge(cookie: str) -> str:
        payload = base64.b64encode(json.dumps(session).encode("utf-8"))
        return TimestampSigner(OTHER_KEY).sign(payload).decode("utf-8")

    return forge


def quart_signed_by_another_key(cookie: str) -> str:
    other = Quart(__name__)
    other.secret_key = OTHER_KEY
    assert isinstance(other.session_interface, SecureCookieSessionInterface)
    serializer = other.session_interface.get_signing_serializer(other)
    assert serializer is not None
    return str(serializer.dumps({"user_id": QUART_USER}))


def flask_signed_by_another_key(session: dict[str, str]) -> Callable[[str], str]:
    """A Flask session cookie holding ``session``, signed with a key that is not the app's."""

    def forge(cookie: str) -> str:
        other = Flask(__name__)
        other.secret_key = OTHER_KEY
        serializer = other.session_interface.get_signing_serializer(other)  # type: ignore[attr-defined]
        return str(serializer.dumps(session))

    return forge


def one_byte_changed(cookie: str) -> str:
    """Litestar's encrypted cookie with one byte changed: AES-GCM refuses it."""
    return cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]


def signed_in(name: str, monkeypatch: pytest.MonkeyPatch) -> SignedIn:
    """Every recipe but Django's (whose session lives in its database: see tests/frameworks/conftest.py)."""
    recipe = with_login(name, monkeypatch)
    if name in ("asgi_app", "wsgi_app"):
        return SignedIn(recipe.application, "user-7", {}, by_cookie(login_cookie("user-7")))
    if name == "flask_app":
        login = {"username": "ann"}
        return SignedIn(recipe.app, "ann", {"udn": "ann"}, by_login(login), flask_signed_by_another_key(login))
    if name == "starlette_app":
        login = {"username": "ann"}
        return SignedIn(recipe.app, "ann", {"udn": "ann"}, by_login(login), signed_by_another_key(login))
    if name == "fastapi_app":
        login = {"user_id": "u-42"}
        ti = {"uem": "ann@example.com"}
        return SignedIn(recipe.app, "u-42", ti, by_login(login), signed_by_another_key(login))
    if name == "litestar_app":
        return SignedIn(recipe.application, "user-9", {}, by_login({"user_id": "user-9"}), one_byte_changed)
    if name == "quart_app":
        return SignedIn(recipe.application, QUART_USER, {}, by_login(None), quart_signed_by_another_key)
    raise ValueError(f"no sign-in known for the recipe {name!r}")
