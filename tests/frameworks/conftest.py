"""Framework test fixtures: Django's one-time set-up and its signed-in user, Litestar's logging undone,
and every recipe with a signed-in user, for the tests all recipes share (test_recipes.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import django  # type: ignore[import-untyped]
import pytest
from django.conf import settings  # type: ignore[import-untyped]
from django.contrib.auth import get_user_model  # type: ignore[import-untyped]
from django.core.management import call_command  # type: ignore[import-untyped]
from django.db import connections  # type: ignore[import-untyped]

from tests.frameworks.django_site import settings_for
from tests.support.django_session import django_login
from tests.support.recipes import DJANGO_RECIPES, RECIPE_NAMES, SignedIn, by_cookie, load_recipe, signed_in, with_login


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """Building a Litestar app configures the root logger (a queue handler, level INFO); undo that after
    each test so no other test's logging depends on it. (The handler's listener thread is left to the
    atexit hook Litestar registers for it: stopping it twice raises.)"""
    loggers = [logging.getLogger(), logging.getLogger("litestar")]
    saved = [(logger, list(logger.handlers), logger.level) for logger in loggers]
    yield
    for logger, handlers, level in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.fixture
def recipe(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The recipe the test module names in ``RECIPE``, with the login views its tests use."""
    name: str = request.module.RECIPE
    return with_login(name, monkeypatch)


@pytest.fixture(scope="session")
def django_ready(tmp_path_factory: pytest.TempPathFactory) -> None:
    if not settings.configured:
        settings.configure(**settings_for(tmp_path_factory.mktemp("django") / "db.sqlite3"))
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    connections.close_all()


def load_django_recipe(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # Settings are already configured, so the recipe's DJANGO_SETTINGS_MODULE default goes unused.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.frameworks.django_site")
    return load_recipe(name, monkeypatch)


@pytest.fixture(params=DJANGO_RECIPES)
def django_recipe(request: pytest.FixtureRequest, django_ready: None, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Django behind each front door: get_asgi_application() with PandiumMiddleware, and
    get_wsgi_application() with PandiumWSGIMiddleware."""
    return load_django_recipe(request.param, monkeypatch)


@pytest.fixture
def ann(django_ready: None) -> Iterator[Any]:
    user = get_user_model().objects.create_user("ann", email="ann@example.com", password="first-password")
    try:
        yield user
    finally:
        user.delete()
        connections.close_all()


@pytest.fixture
def session_cookie(ann: Any) -> dict[str, str]:
    return {settings.SESSION_COOKIE_NAME: django_login(ann)}


@pytest.fixture(params=[name for name in RECIPE_NAMES if name not in ("asgi_app", "wsgi_app", *DJANGO_RECIPES)])
def recipe_with_cookie_session(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> SignedIn:
    """The recipes whose framework keeps the session in a signed or encrypted cookie."""
    return signed_in(request.param, monkeypatch)


@pytest.fixture(params=RECIPE_NAMES)
def recipe_signed_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> SignedIn:
    name: str = request.param
    if name in DJANGO_RECIPES:
        # Django's ORM is sync: the user and the session row are made here, before the test's event loop.
        request.getfixturevalue("django_ready")
        recipe = load_django_recipe(name, monkeypatch)
        cookie: dict[str, str] = request.getfixturevalue("session_cookie")
        sub = str(request.getfixturevalue("ann").pk)
        return SignedIn(recipe.application, sub, {"udn": "ann", "uem": "ann@example.com"}, by_cookie(cookie))
    return signed_in(name, monkeypatch)
