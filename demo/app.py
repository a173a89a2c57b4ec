"""Acme CRM › Integrations: a realistic host app wired to Pandium with pandium-embed.

The whole integration is the `PandiumMiddleware(...)` call in `create_app` plus one script tag and one
`<pandium-embed>` element in the templates. Everything else is an ordinary Starlette app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from itsdangerous import URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.csp import csp_header

from .users import USERS, authenticate

HERE = Path(__file__).parent
MAX_LOGIN_BODY = 4096


def content_security_policy(config: PandiumConfig) -> str:
    """The CSP we recommend to hosts: a strict policy, plus what the embed needs (``csp_header``): frames
    from ourselves (the minting route) and Pandium, the loader and its reports from ourselves."""
    return csp_header(
        config,
        base={
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            # csp_header adds the Pandium origins here, and 'self' to frame-ancestors: the minting
            # route's error page (401 after sign-out) is framed by our own page, and the loader reads it
            # to emit pandium:error. 'none' would blank the frame.
            "frame-src": ["'self'"],
            "frame-ancestors": ["'self'"],
            "form-action": ["'self'"],
            "base-uri": ["'none'"],
            "object-src": ["'none'"],
        },
    )


class SecurityHeaders:
    """Adds the demo's CSP and COOP to every response (a pure ASGI middleware, like ours)."""

    def __init__(self, app: ASGIApp, *, config: PandiumConfig) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(config),
            # same-origin-allow-popups keeps the Auth-Only OAuth popup connected to its opener.
            "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
            "X-Content-Type-Options": "nosniff",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(config: PandiumConfig, *, session_secret: str, https_only: bool = False) -> ASGIApp:
    """The demo host app for ``config`` (pointing at MockPandium locally, or at real Pandium)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    api_tokens = URLSafeTimedSerializer(session_secret, salt="acme-crm-api")

    def current_user(request: Request) -> Any:
        return USERS.get(request.session.get("username", ""))

    def page(request: Request, name: str, **context: Any) -> Response:
        user = current_user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        return templates.TemplateResponse(
            request, name, {"user": user, "prefix": config.prefix, "connectors": config.connectors, **context}
        )

    async def home(request: Request) -> Response:
        return RedirectResponse("/integrations" if current_user(request) else "/login", status_code=303)

    async def integrations(request: Request) -> Response:
        return page(request, "integrations.html", active="integrations")

    async def connections(request: Request) -> Response:
        return page(request, "connections.html", active="connections")

    async def login(request: Request) -> Response:
        error = None
        if request.method == "POST":
            body = await request.body()
            form = parse_qs(body[:MAX_LOGIN_BODY].decode("utf-8", "replace"))
            user = authenticate(form.get("username", [""])[0], form.get("password", [""])[0])
            if user is not None:
                request.session.clear()
                request.session["username"] = user.username
                return RedirectResponse("/integrations", status_code=303)
            error = "Unknown user or wrong password."
        context = {"users": USERS.values(), "error": error}
        return templates.TemplateResponse(request, "login.html", context, status_code=401 if error else 200)

    async def logout(request: Request) -> Response:
        request.session.clear()
        if "application/json" in request.headers.get("accept", ""):
            return Response(status_code=204)
        return RedirectResponse("/login", status_code=303)

    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/integrations", integrations),
        Route("/connections", connections),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    # --- the Pandium integration: two hooks -------------------------------------------------------
    def identify(request: Request) -> PandiumUser | None:
        user = current_user(request)
        return user.as_pandium_user() if user else None

    def connector_token(request: Request, user: PandiumUser, connector: str) -> str:
        # A credential for Acme's own API, scoped to this user and connector; Pandium uses it to
        # connect the user's Acme account without asking them to sign in again.
        return api_tokens.dumps({"sub": user.sub, "connector": connector})

    app: ASGIApp = Starlette(routes=routes)
    app = PandiumMiddleware(app, config=config, identify=identify, connector_token=connector_token)
    # Sessions wrap the Pandium middleware so request.session is there when identify runs.
    app = SessionMiddleware(app, secret_key=session_secret, same_site="lax", https_only=https_only)
    return SecurityHeaders(app, config=config)
