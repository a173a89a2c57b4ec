"""Plain WSGI: wrap the app; identify reads what your app already trusts (here, a signed login cookie)."""

import os
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Request

from pandium_embed import PandiumConfig, PandiumUser
from pandium_embed.wsgi import PandiumWSGIMiddleware

login_cookie = URLSafeTimedSerializer(os.environ["SESSION_SECRET_KEY"], salt="login")


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Your existing WSGI app, untouched."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from the app"]


def identify(request: Request) -> PandiumUser | None:
    try:
        user_id = login_cookie.loads(request.cookies.get("login", ""), max_age=8 * 3600)
    except BadSignature:
        return None
    return PandiumUser(user_id)


application = PandiumWSGIMiddleware(app, config=PandiumConfig.from_env(), identify=identify)
