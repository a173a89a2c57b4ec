"""Quart: wrap the app; identify opens the session with the app's own session interface (its signed
cookie), since Quart's `session` exists only inside Quart's request context."""

import os

from quart import Quart, session
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.sessions import quart_session

app = Quart(__name__)
app.secret_key = os.environ["SESSION_SECRET_KEY"]


@app.get("/me")
async def me() -> dict[str, str | None]:
    return {"user_id": session.get("user_id")}


async def identify(request: Request) -> PandiumUser | None:
    user_id = (await quart_session(app, request)).get("user_id")
    return PandiumUser(user_id) if user_id else None


application = PandiumMiddleware(app, config=PandiumConfig.from_env(), identify=identify)
