"""FastAPI: one plain function of the request finds the user, both as your routes' dependency and
inside identify. SessionMiddleware is listed before PandiumMiddleware, so both see request.session."""

import os
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser


class User(BaseModel):
    id: str
    email: str


USERS: dict[str, User] = {}  # your database


def current_user(request: Request) -> User | None:
    """The one lookup: a FastAPI dependency, and what identify calls."""
    return USERS.get(request.session.get("user_id", ""))


def identify(request: Request) -> PandiumUser | None:
    user = current_user(request)
    return PandiumUser(user.id, email=user.email) if user else None


app = FastAPI(
    middleware=[
        Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET_KEY"]),
        Middleware(PandiumMiddleware, config=PandiumConfig.from_env(), identify=identify),
    ]
)


@app.get("/me")
def me(user: Annotated[User | None, Depends(current_user)]) -> User:
    if user is None:
        raise HTTPException(status_code=401)
    return user
