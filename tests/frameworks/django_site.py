"""A minimal Django project for the Django recipe test: settings, two views, their URLs.

Settings are applied by ``configure()`` (once per process: Django's settings are global), with the
database in a directory the test session owns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse  # type: ignore[import-untyped]
from django.middleware.csrf import get_token  # type: ignore[import-untyped]
from django.urls import path  # type: ignore[import-untyped]

DJANGO_SECRET_KEY = "django-recipe-test-secret-key-0123456789abcdef"


def settings_for(database: Path) -> dict[str, Any]:
    return {
        "DEBUG": False,
        "SECRET_KEY": DJANGO_SECRET_KEY,
        "ALLOWED_HOSTS": ["testserver", "127.0.0.1"],  # the test client; gunicorn on loopback
        "ROOT_URLCONF": __name__,
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
        ],
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        # A file, not :memory:: each worker thread opens its own connection, as in production.
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "USE_TZ": True,
    }


def me(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"user": None}, status=401)
    return JsonResponse({"user": request.user.get_username(), "script_name": request.META["SCRIPT_NAME"]})


def csrf(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"token": get_token(request)})


def echo(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"echo": request.POST.get("value")})


urlpatterns = [path("me", me), path("csrf", csrf), path("echo", echo)]
