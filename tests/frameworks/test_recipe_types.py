"""The recipes type-check under mypy --strict, as a user's code around them would.

Django ships no type information (django-stubs is a separate project): each Django recipe's untyped
import is the one error allowed in it; everything else is checked strictly.
"""

from __future__ import annotations

from mypy import api

from tests.support.docs import RECIPES


def test_recipes_pass_mypy_strict() -> None:
    # Today this fails for Litestar and Quart: PandiumMiddleware's `app: ASGIApp` (Starlette's
    # MutableMapping-typed callable) refuses apps whose __call__ takes ASGI TypedDict scopes.
    files = sorted(str(path) for path in RECIPES.glob("*.py"))
    stdout, stderr, _ = api.run(["--strict", "--no-error-summary", *files])
    errors = [line for line in stdout.splitlines() if ": error: " in line]
    django_recipes = ("django_app.py", "django_wsgi.py")
    allowed = [
        line
        for line in errors
        if any(f"{name}:" in line for name in django_recipes) and line.endswith("[import-untyped]")
    ]
    assert errors == allowed, stdout + stderr
    assert len(allowed) == len(django_recipes), stdout + stderr
