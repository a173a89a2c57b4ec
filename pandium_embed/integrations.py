"""The framework session readers' former module name: they live in ``pandium_embed.sessions``; this
keeps old imports working."""

from .sessions import LITESTAR_APP_NEEDED, NOT_A_LITESTAR_SESSION, django_user, litestar_session, quart_session

__all__ = ["LITESTAR_APP_NEEDED", "NOT_A_LITESTAR_SESSION", "django_user", "litestar_session", "quart_session"]
