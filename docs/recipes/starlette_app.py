"""Starlette: list PandiumMiddleware after SessionMiddleware and AuthenticationMiddleware, so the
request identify receives already carries request.session and request.user."""

import os

from starlette.applications import Starlette
from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser


class SessionAuth(AuthenticationBackend):
    """Your existing backend: here, the user name your login view put in the session."""

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, SimpleUser] | None:
        username = conn.session.get("username")
        return (AuthCredentials(["authenticated"]), SimpleUser(username)) if username else None


async def identify(request: Request) -> PandiumUser | None:
    if not request.user.is_authenticated:
        return None
    return PandiumUser(request.user.username, display_name=request.user.display_name)


async def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"hello {request.user.display_name or 'stranger'}")


app = Starlette(
    routes=[Route("/", home)],
    middleware=[
        Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET_KEY"]),
        Middleware(AuthenticationMiddleware, backend=SessionAuth()),
        Middleware(PandiumMiddleware, config=PandiumConfig.from_env(), identify=identify),
    ],
)
