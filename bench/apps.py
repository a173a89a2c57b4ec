"""The apps every figure is measured on: one Starlette host app, wrapped three ways.

``docs_marketplace`` is the flow written the way Pandium's sample backend writes it (PyJWT encode,
uuid4, a 303 redirect) as an ordinary route of the same app, so the two mint paths share the app,
the identify function and the claims.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser

SECRET = "bench-shared-secret-0123456789abcdef0123456789"  # 45 bytes: over the 32-byte warning
ORG = "acme"
SESSION_COOKIE = "session"
SESSION_ID = "s-3f9c2a"
CONNECTOR = "gwt"
INTEGRATION = "great-widget-tool"

CONFIG = PandiumConfig(ORG, SECRET, "sandbox", connectors={CONNECTOR: INTEGRATION})
MARKETPLACE_BASE = f"{CONFIG.hosts.marketplace}/{ORG}"

# A realistic signed-in user: a few ti fields and a view rule in xti.
USER = PandiumUser(
    "user-8c1d4e",
    display_name="Ada",
    full_name="Ada Lovelace",
    email="ada@example.com",
    installed_integrations=("17", "42"),
    extra={"user_tier": "gold"},
)
SESSIONS = {SESSION_ID: USER}


async def identify(request: Request) -> PandiumUser | None:
    """What a host app does: look the session cookie up (here in a dict)."""
    return SESSIONS.get(request.cookies.get(SESSION_COOKIE, ""))


async def connector_token(request: Request, user: PandiumUser, connector: str) -> str:
    return f"api-credential-for-{user.sub}"


def docs_claims(user: PandiumUser) -> dict[str, Any]:
    """The claims Pandium's sample backend writes, field for field the same as ``build_claims``."""
    ti: dict[str, Any] = {
        "udn": user.display_name,
        "ufn": user.full_name,
        "uem": user.email,
        "ili": list(user.installed_integrations),
    }
    if user.extra:
        ti["xti"] = dict(user.extra)
    return {"iat": int(time.time()), "jti": str(uuid.uuid4()), "sub": user.sub, "ti": ti}


def marketplace_claims(status: int, headers: dict[str, str]) -> dict[str, Any]:
    """The claims of a mint answer, checked before anything is timed: a 303 to the marketplace
    carrying a token PyJWT accepts."""
    location = headers.get("location", "")
    if status != 303 or not location.startswith(MARKETPLACE_BASE + "?tenant="):
        raise AssertionError(f"expected a 303 to the marketplace, got {status} to {location[:60]}...")
    token = parse_qs(urlsplit(location).query)["tenant"][0]
    claims: dict[str, Any] = jwt.decode(token, SECRET, algorithms=["HS256"])
    return claims


async def docs_marketplace(request: Request) -> Response:
    """The hand-written endpoint of Pandium's docs, as a Starlette route."""
    user = await identify(request)
    if user is None:
        return PlainTextResponse("Sign in", status_code=401)
    token = jwt.encode(docs_claims(user), SECRET, algorithm="HS256")
    return RedirectResponse(f"{MARKETPLACE_BASE}?tenant={token}", status_code=303)


async def hello(request: Request) -> Response:
    return PlainTextResponse("hello")


def host_app() -> Starlette:
    """A fresh host app: one ordinary route and the docs-style mint route."""
    return Starlette(routes=[Route("/hello", hello), Route("/docs/marketplace", docs_marketplace)])


class NoopMiddleware:
    """The cheapest possible pure ASGI middleware: the baseline for pass-through overhead."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def pandium(app: ASGIApp, **options: Any) -> PandiumMiddleware:
    """As a host app wires it: no audit hook; OpenTelemetry (when installed) on its global providers,
    which stay no-ops here because no SDK is configured. ``telemetry=False`` is the hook-free baseline."""
    return PandiumMiddleware(app, config=CONFIG, identify=identify, connector_token=connector_token, **options)


# What uvicorn serves for the HTTP figures and the soak (``bench.apps:http_app``).
http_app = pandium(host_app())
