import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser


def identify(request):  # who is signed in? None answers 401
    user = request.session.get("user")  # what your login view stored
    return PandiumUser(user["id"], email=user["email"]) if user else None


async def integrations(request):
    return HTMLResponse('<script src="/pandium/embed.js"></script><pandium-embed view="marketplace"></pandium-embed>')


async def dev_sign_in(request):  # DEVELOPMENT ONLY: signs in anyone who opens the URL
    request.session["user"] = {"id": "dev-user", "email": "dev@example.test"}
    return RedirectResponse("/integrations", status_code=303)


def create_app(config=None):  # uvicorn --factory app:create_app; tests pass pandium_mock.config()
    routes = [Route("/integrations", integrations)]
    if os.environ.get("DEV_SIGN_IN") == "1":  # never set in production
        routes.append(Route("/dev/sign-in", dev_sign_in))
    return Starlette(
        routes=routes,
        middleware=[  # outermost first: the session is there before identify runs
            Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET_KEY"]),
            Middleware(PandiumMiddleware, config=config or PandiumConfig.from_env(), identify=identify),
        ],
    )
