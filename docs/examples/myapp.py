"""An app factory: production builds the app from the environment, tests hand it MockPandium's config.

Serve it with `uvicorn --factory myapp:create_app`.
"""

import os

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.middleware.sessions import SessionMiddleware

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser

USERS = {"ann": "Ann Example"}  # your database


class Login(BaseModel):
    username: str


def identify(request: Request) -> PandiumUser | None:
    username = request.session.get("username")
    return PandiumUser(username, display_name=USERS[username]) if username in USERS else None


def create_app(config: PandiumConfig | None = None, session_secret: str | None = None) -> FastAPI:
    app = FastAPI()

    @app.post("/login")
    def login(body: Login, request: Request) -> dict[str, str]:
        if body.username not in USERS:  # your real login checks a password too
            raise HTTPException(status_code=401)
        request.session["username"] = body.username
        return {"username": body.username}

    @app.get("/integrations", response_class=HTMLResponse)
    def integrations() -> str:
        return '<script src="/pandium/embed.js"></script><pandium-embed view="marketplace"></pandium-embed>'

    # add_middleware() wraps what is already there: PandiumMiddleware first, SessionMiddleware around it.
    app.add_middleware(PandiumMiddleware, config=config or PandiumConfig.from_env(), identify=identify)
    app.add_middleware(SessionMiddleware, secret_key=session_secret or os.environ["SESSION_SECRET_KEY"])
    return app
