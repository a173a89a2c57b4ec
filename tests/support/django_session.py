"""Signing a user in to the Django test site, as Django itself would."""

from __future__ import annotations

from typing import Any

from django.conf import settings  # type: ignore[import-untyped]
from django.test import Client  # type: ignore[import-untyped]


def django_login(user: Any) -> str:
    """A real Django login (session row, auth hash), done by Django's test client; returns the cookie."""
    django_client = Client()
    django_client.force_login(user)
    return str(django_client.cookies[settings.SESSION_COOKIE_NAME].value)
