"""Django under WSGI (gunicorn, uWSGI, mod_wsgi): your project's wsgi.py. identify gets the user
Django's own session and auth would see."""

import os

from django.core.wsgi import get_wsgi_application
from werkzeug.wrappers import Request

from pandium_embed import PandiumConfig, PandiumUser
from pandium_embed.sessions import django_user
from pandium_embed.wsgi import PandiumWSGIMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
django_application = get_wsgi_application()  # first: sets Django up before any model is touched


def identify(request: Request) -> PandiumUser | None:
    user = django_user(request)
    if user is None:
        return None
    return PandiumUser(str(user.pk), display_name=user.get_username(), email=user.email or None)


application = PandiumWSGIMiddleware(django_application, config=PandiumConfig.from_env(), identify=identify)
