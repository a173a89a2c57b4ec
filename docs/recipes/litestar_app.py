"""Litestar: wrap the app; identify loads the session with the backend of your own session config.
(Litestar runs its middleware only for its own routes, so PandiumMiddleware wraps the whole app.)"""

import os
from typing import Any

import litestar
from litestar.middleware.session.client_side import CookieBackendConfig
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.sessions import litestar_session

session_config = CookieBackendConfig(secret=bytes.fromhex(os.environ["SESSION_SECRET_KEY"]))


@litestar.get("/me")
async def me(request: litestar.Request[Any, Any, Any]) -> dict[str, Any]:
    return {"user_id": request.session.get("user_id")}


app = litestar.Litestar([me], middleware=[session_config.middleware])


async def identify(request: Request) -> PandiumUser | None:
    session = await litestar_session(session_config, request, app)
    user_id = session.get("user_id")
    return PandiumUser(user_id) if user_id else None


application = PandiumMiddleware(app, config=PandiumConfig.from_env(), identify=identify)
