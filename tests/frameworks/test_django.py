"""Django: docs/recipes/django_app.py wraps get_asgi_application() with PandiumMiddleware and
docs/recipes/django_wsgi.py wraps get_wsgi_application() with PandiumWSGIMiddleware; identify reads
Django's session user. The django_recipe tests run against both front doors; the WSGI recipe also
under a real gunicorn.

Django is configured once per test session (its settings are process-global) from
tests/frameworks/django_site.py, with a sqlite file in a temporary directory.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.conf import settings  # type: ignore[import-untyped]
from django.db import connection, connections  # type: ignore[import-untyped]
from django.test import Client  # type: ignore[import-untyped]
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.sessions import django_user
from tests.support.asgi import quiet_httpx
from tests.support.django_session import django_login
from tests.support.docs import RECIPES
from tests.support.gunicorn import gunicorn
from tests.support.recipes import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    RECIPE_ENV,
    SECRET,
    assert_signed_out,
    client,
    mint,
    minted_claims,
)

pytestmark = pytest.mark.anyio


def logged_out(user: Any) -> str:
    django_client = Client()
    django_client.force_login(user)
    cookie = str(django_client.cookies[settings.SESSION_COOKIE_NAME].value)
    django_client.logout()
    return cookie


def password_changed(user: Any) -> str:
    cookie = django_login(user)
    user.set_password("second-password")
    user.save()
    return cookie


SIGNED_OUT = {
    "no-cookie": lambda user: None,
    "unknown-session": lambda user: "no-such-session-key",
    "logged-out": logged_out,
    "password-changed-since-login": password_changed,
}


@pytest.fixture(params=list(SIGNED_OUT.values()), ids=list(SIGNED_OUT))
def signed_out_cookie(request: pytest.FixtureRequest, ann: Any) -> str | None:
    # A sync fixture: Django's ORM is not for the event loop the async tests run on.
    cookie: str | None = request.param(ann)
    connections.close_all()
    return cookie


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_django_without_a_valid_session_every_mint_route_is_401(
    django_recipe: ModuleType, signed_out_cookie: str | None, method: str, path: str, where: str
) -> None:
    async with client(django_recipe.application) as http:
        if signed_out_cookie is not None:
            http.cookies.set(settings.SESSION_COOKIE_NAME, signed_out_cookie)
        assert_signed_out(await mint(http, method, path))
        # Django agrees: its own view sees no user either.
        assert (await http.get("/me")).status_code == 401


async def test_django_own_views(django_recipe: ModuleType, session_cookie: dict[str, str]) -> None:
    async with client(django_recipe.application) as http:
        http.cookies.update(session_cookie)
        assert (await http.get("/me")).json() == {"user": "ann", "script_name": ""}
        # Django's own 404 outside the prefix; ours inside it.
        assert "Not Found" in (await http.get("/nope")).text
        assert (await http.get("/pandium/nope")).json()["error"] == "not-found"


async def test_django_csrf_still_guards_djangos_own_views(
    django_recipe: ModuleType, session_cookie: dict[str, str]
) -> None:
    async with client(django_recipe.application) as http:
        http.cookies.update(session_cookie)
        refused = await http.post("/echo", data={"value": "hi"})
        assert refused.status_code == 403
        assert "CSRF" in refused.text
        token = (await http.get("/csrf")).json()["token"]
        accepted = await http.post("/echo", data={"value": "hi"}, headers={"X-CSRFToken": token})
        assert accepted.json() == {"echo": "hi"}


async def test_django_under_a_sub_path(django_recipe: ModuleType, ann: Any, session_cookie: dict[str, str]) -> None:
    # Behind a proxy at /app (uvicorn --root-path /app, or SCRIPT_NAME=/app under WSGI): Django takes it
    # as SCRIPT_NAME, we match below it.
    async with client(django_recipe.application, root_path="/app") as http:
        http.cookies.update(session_cookie)
        assert minted_claims(await http.get("/app/pandium/marketplace"), MARKETPLACE)["sub"] == str(ann.pk)
        assert (await http.get("/app/me")).json() == {"user": "ann", "script_name": "/app"}


def cookie_request(cookie: dict[str, str]) -> Request:
    header = "; ".join(f"{name}={value}" for name, value in cookie.items())
    return Request({"type": "http", "headers": [(b"cookie", header.encode())]})


def test_django_user_closes_the_worker_threads_connection(ann: Any, session_cookie: dict[str, str]) -> None:
    # Worker threads outlive requests: a connection left open there would never be closed by Django.
    def in_a_worker_thread() -> tuple[Any, Any]:
        return django_user(cookie_request(session_cookie)), connection.connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        user, raw_connection = pool.submit(in_a_worker_thread).result()
    assert user == ann
    assert raw_connection is None


async def test_django_user_from_an_async_identify_hits_djangos_guard(
    django_ready: None, session_cookie: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # Why the recipe's identify is sync: on the event loop Django refuses to touch the database.
    async def identify(request: Request) -> PandiumUser | None:
        user = django_user(request)
        return PandiumUser(str(user.pk)) if user else None

    from django.core.asgi import get_asgi_application  # type: ignore[import-untyped]

    app = PandiumMiddleware(get_asgi_application(), config=PandiumConfig("acme", SECRET), identify=identify)
    async with client(app) as http:
        http.cookies.update(session_cookie)
        assert (await http.get("/pandium/marketplace")).status_code == 500
    assert "SynchronousOnlyOperation" in caplog.text


def test_django_wsgi_recipe_under_gunicorn(ann: Any, session_cookie: dict[str, str]) -> None:
    env = {
        **RECIPE_ENV,
        "DJANGO_SETTINGS_MODULE": "tests.frameworks.django_gunicorn_settings",
        # The test session's database, where ann and her session are.
        "DJANGO_TEST_DATABASE": str(settings.DATABASES["default"]["NAME"]),
    }
    root = Path(__file__).resolve().parents[2]
    with (
        gunicorn("django_wsgi:application", chdir=RECIPES, env=env, python_path=root) as url,
        quiet_httpx(),
        httpx.Client(base_url=url) as http,
    ):
        assert_signed_out(http.get("/pandium/marketplace"))
        http.cookies.update(session_cookie)
        assert minted_claims(http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == str(ann.pk)
        assert http.get("/me").json() == {"user": "ann", "script_name": ""}
        # Django's CSRF protection still guards Django's own views.
        assert http.post("/echo", data={"value": "hi"}).status_code == 403
