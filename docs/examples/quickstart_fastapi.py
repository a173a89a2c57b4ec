import os

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.middleware.sessions import SessionMiddleware

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser


def identify(request):  # who is signed in? None answers 401
    user = request.session.get("user")  # what your login view stored
    return PandiumUser(user["id"], email=user["email"]) if user else None


def create_app(config=None):  # uvicorn --factory app:create_app; tests pass pandium_mock.config()
    app = FastAPI()
    # add_middleware() wraps what is already there: PandiumMiddleware first, SessionMiddleware around it.
    app.add_middleware(PandiumMiddleware, config=config or PandiumConfig.from_env(), identify=identify)
    app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET_KEY"])

    @app.get("/integrations", response_class=HTMLResponse)
    def integrations():
        return '<script src="/pandium/embed.js"></script><pandium-embed view="marketplace"></pandium-embed>'

    if os.environ.get("DEV_SIGN_IN") == "1":  # DEVELOPMENT ONLY: signs in anyone who opens the URL

        @app.get("/dev/sign-in")
        def dev_sign_in(request: Request):
            request.session["user"] = {"id": "dev-user", "email": "dev@example.test"}
            return RedirectResponse("/integrations", status_code=303)

    return app
