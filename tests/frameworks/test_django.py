"""Django: docs/recipes/django_app.py wraps get_asgi_application() with PandiumMiddleware, and
docs/recipes/django_wsgi.py wraps get_wsgi_application() with PandiumWSGIMiddleware; identify reads
Django's session user. The same tests run against both front doors.

Django is configured once per test session (its settings are process-global) from
tests/frameworks/django_site.py, with a sqlite file in a temporary directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import django  # type: ignore[import-untyped]
import httpx
import pytest
from django.conf import settings  # type: ignore[import-untyped]
from django.contrib.auth import get_user_model  # type: ignore[import-untyped]
from django.core.management import call_command  # type: ignore[import-untyped]
from django.db import connection, connections  # type: ignore[import-untyped]
from django.test import Client  # type: ignore[import-untyped]
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.integrations import django_user
from tests.frameworks.django_site import settings_for
from tests.frameworks.support import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    RECIPE_ENV,
    RECIPES,
    SECRET,
    assert_loader,
    assert_signed_out,
    client,
    load_recipe,
    mint,
    minted_claims,
)
from tests.mock_support import quiet_httpx
from tests.support.gunicorn import gunicorn
from tests.support.wsgi import wsgi_client

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="session")
def django_ready(tmp_path_factory: pytest.TempPathFactory) -> None:
    if not settings.configured:
        settings.configure(**settings_for(tmp_path_factory.mktemp("django") / "db.sqlite3"))
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    connections.close_all()


# front door -> (recipe, the client that speaks its interface)
FRONT_DOORS: dict[str, tuple[str, Callable[..., Any]]] = {
    "asgi": ("django_app", client),
    "wsgi": ("django_wsgi", wsgi_client),
}


class Site:
    """A Django recipe's application and a client factory for it."""

    def __init__(self, recipe: ModuleType, open_client: Callable[..., Any]) -> None:
        self.recipe = recipe
        self._open_client = open_client

    def client(self, *, root_path: str = "") -> Any:
        return self._open_client(self.recipe.application, root_path=root_path)


@pytest.fixture(params=list(FRONT_DOORS))
def site(request: pytest.FixtureRequest, django_ready: None, monkeypatch: pytest.MonkeyPatch) -> Site:
    # Settings are already configured, so the recipe's DJANGO_SETTINGS_MODULE default goes unused.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.frameworks.django_site")
    name, open_client = FRONT_DOORS[request.param]
    return Site(load_recipe(name, monkeypatch), open_client)


@pytest.fixture
def ann(django_ready: None) -> Iterator[Any]:
    user = get_user_model().objects.create_user("ann", email="ann@example.com", password="first-password")
    try:
        yield user
    finally:
        user.delete()
        connections.close_all()


def log_in(user: Any) -> str:
    """A real Django login (session row, auth hash), done by Django's test client; returns the cookie."""
    django_client = Client()
    django_client.force_login(user)
    return str(django_client.cookies[settings.SESSION_COOKIE_NAME].value)


@pytest.fixture
def session_cookie(ann: Any) -> dict[str, str]:
    return {settings.SESSION_COOKIE_NAME: log_in(ann)}


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_django_session_user_is_the_token_subject(
    site: Site, ann: Any, session_cookie: dict[str, str], method: str, path: str, where: str
) -> None:
    async with site.client() as http:
        http.cookies.update(session_cookie)
        claims = minted_claims(await mint(http, method, path), where)
    assert claims["sub"] == str(ann.pk)
    assert claims["ti"] == {"udn": "ann", "uem": "ann@example.com"}


def logged_out(user: Any) -> str:
    django_client = Client()
    django_client.force_login(user)
    cookie = str(django_client.cookies[settings.SESSION_COOKIE_NAME].value)
    django_client.logout()
    return cookie


def password_changed(user: Any) -> str:
    cookie = log_in(user)
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
    site: Site, signed_out_cookie: str | None, method: str, path: str, where: str
) -> None:
    async with site.client() as http:
        if signed_out_cookie is not None:
            http.cookies.set(settings.SESSION_COOKIE_NAME, signed_out_cookie)
        assert_signed_out(await mint(http, method, path))
        # Django agrees: its own view sees no user either.
        assert (await http.get("/me")).status_code == 401


async def test_django_loader_and_own_views(site: Site, session_cookie: dict[str, str]) -> None:
    async with site.client() as http:
        assert_loader(await http.get("/pandium/embed.js"))
        http.cookies.update(session_cookie)
        assert (await http.get("/me")).json() == {"user": "ann", "script_name": ""}
        # Django's own 404 outside the prefix; ours inside it.
        assert "Not Found" in (await http.get("/nope")).text
        assert (await http.get("/pandium/nope")).json()["error"] == "not-found"


async def test_django_csrf_still_guards_djangos_own_views(site: Site, session_cookie: dict[str, str]) -> None:
    async with site.client() as http:
        http.cookies.update(session_cookie)
        refused = await http.post("/echo", data={"value": "hi"})
        assert refused.status_code == 403
        assert "CSRF" in refused.text
        token = (await http.get("/csrf")).json()["token"]
        accepted = await http.post("/echo", data={"value": "hi"}, headers={"X-CSRFToken": token})
        assert accepted.json() == {"echo": "hi"}


async def test_django_under_a_sub_path(site: Site, ann: Any, session_cookie: dict[str, str]) -> None:
    # Behind a proxy at /app (uvicorn --root-path /app, or SCRIPT_NAME under WSGI): Django takes it as
    # SCRIPT_NAME, we match below it.
    async with site.client(root_path="/app") as http:
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


def test_django_wsgi_recipe_under_gunicorn(
    django_ready: None, ann: Any, session_cookie: dict[str, str], tmp_path: Any
) -> None:
    env = {
        **RECIPE_ENV,
        "DJANGO_SETTINGS_MODULE": "tests.frameworks.django_gunicorn_settings",
        # The test session's database, where ann and her session are.
        "DJANGO_TEST_DATABASE": str(settings.DATABASES["default"]["NAME"]),
    }
    root = RECIPES.parents[1]
    with gunicorn("django_wsgi:application", chdir=RECIPES, env=env, python_path=root) as url, quiet_httpx():
        with httpx.Client(base_url=url) as http:
            assert_signed_out(http.get("/pandium/marketplace"))
            http.cookies.update(session_cookie)
            assert minted_claims(http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == str(ann.pk)
            assert http.get("/me").json() == {"user": "ann", "script_name": ""}
            # Django's CSRF protection still guards Django's own views.
            assert http.post("/echo", data={"value": "hi"}).status_code == 403
