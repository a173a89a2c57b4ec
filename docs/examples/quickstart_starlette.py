import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse
from starlette.routing import Route

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser


def identify(request):  # who is signed in? None answers 401
    user = request.session.get("user")  # what your login view stored
    return PandiumUser(user["id"], email=user["email"]) if user else None


async def integrations(request):
    return HTMLResponse('<script src="/pandium/embed.js"></script><pandium-embed view="marketplace"></pandium-embed>')


app = Starlette(
    routes=[Route("/integrations", integrations)],
    middleware=[  # outermost first: the session is there before identify runs
        Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET_KEY"]),
        Middleware(PandiumMiddleware, config=PandiumConfig.from_env(), identify=identify),
    ],
)
