"""Django: your project's asgi.py. identify gets the user Django's own session and auth would see."""

import os

from django.core.asgi import get_asgi_application
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.sessions import django_user

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
django_application = get_asgi_application()  # first: sets Django up before any model is touched


def identify(request: Request) -> PandiumUser | None:
    # Sync on purpose: the middleware runs it in a worker thread, where Django's ORM may be used.
    user = django_user(request)
    if user is None:
        return None
    return PandiumUser(str(user.pk), display_name=user.get_username(), email=user.email or None)


application = PandiumMiddleware(django_application, config=PandiumConfig.from_env(), identify=identify)
