"""Plain ASGI: wrap the app; identify reads what your app already trusts (here, a signed login cookie)."""

import os

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser

login_cookie = URLSafeTimedSerializer(os.environ["SESSION_SECRET_KEY"], salt="login")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Your existing ASGI app, untouched."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello from the app"})


def identify(request: Request) -> PandiumUser | None:
    try:
        user_id = login_cookie.loads(request.cookies.get("login", ""), max_age=8 * 3600)
    except BadSignature:
        return None
    return PandiumUser(user_id)


application = PandiumMiddleware(app, config=PandiumConfig.from_env(), identify=identify)
