"""The loader's browser test bed: a host app and a tiny scriptable "Pandium", on two origins.

The host app (127.0.0.1) is wrapped in the real ``PandiumMiddleware``; the fake Pandium (localhost)
verifies the token it is sent, records its ``jti`` and serves a blank page that the tests drive with
``frame.evaluate`` (cross-origin frames included). A second copy of the fake on another 127.0.0.1
port is a third, foreign origin.
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from playwright.sync_api import BrowserContext
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.background_server import BackgroundServer
from pandium_embed.loader import loader_source, render_loader

ORG = "acme"
CONNECTOR = "gwt"
SECRET = secrets.token_urlsafe(32)
LOADER_SOURCE = (Path(__file__).resolve().parents[2] / "js" / "dist" / "pandium-embed.js").read_text(encoding="utf-8")
DEVELOPMENT_SOURCE = loader_source(development=True)
SLOW_SECONDS = 2.0

# Every pandium:* name the tests listen for (events cannot be listened to by prefix).
EVENT_NAMES = (
    "load",
    "resize",
    "success",
    "install-cancel",
    "save-sync",
    "error",
    "message",
    "close",
    "diagnostic",
    "probe",
    "early",
    "flood",
    "big",
    "custom-thing",
    "content-height-change",
)

# Served as a file, so it also runs under the strict-CSP page. Records every pandium:* event that
# reaches document, every raw message the window receives (with its probe tag), CSP violations and
# nodes added to the document.
RECORDER_JS = """
(() => {
  const names = __NAMES__;
  window.__events = []; window.__raw = []; window.__violations = []; window.__added = [];
  for (const name of names) {
    document.addEventListener("pandium:" + name, (e) => {
      window.__events.push({
        type: e.type, target: e.target.id || null, detail: e.detail, frozen: Object.isFrozen(e.detail),
        bubbles: e.bubbles, composed: e.composed, cancelable: e.cancelable, at: performance.now(),
      });
    });
  }
  addEventListener("message", (e) => {
    const d = e.data;
    window.__raw.push({ origin: e.origin, probe: d && typeof d === "object" && typeof d.probe === "string" ? d.probe : null, at: performance.now() });
  });
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__violations.push(e.violatedDirective + " " + e.blockedURI);
  });
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) window.__added.push(n.nodeName);
  }).observe(document, { childList: true, subtree: true });
})();
""".replace("__NAMES__", json.dumps(list(EVENT_NAMES)))

BLANK_PAGE = "<!doctype html><html lang=en><head><meta charset=utf-8><title>Fake Pandium</title></head><body><p>fake</p></body></html>"

# Posts before anything else on the page has run: the loader must already be listening. The image
# from /hold keeps the frame's load event back for HOLD_SECONDS: a message is delivered as a task, so
# without it the parent could see `load` first and the test would no longer prove the listener was
# there before the frame loaded.
HOLD_SECONDS = 0.5
EARLY_PAGE = (
    "<!doctype html><html lang=en><head><script>"
    "parent.postMessage({message: 'pandium-early', probe: 'early'}, '*');"
    "</script><meta charset=utf-8><title>Fake Pandium</title></head>"
    '<body><p>fake</p><img src="/hold" alt=""></body></html>'
)


class FakePandium:
    """Pandium's three page routes (token verified with PyJWT, jti recorded) plus test pages."""

    def __init__(self, *, secret: str = SECRET, org: str = ORG) -> None:
        self._secret = secret
        self._org = org
        self.claims: list[dict[str, Any]] = []
        self.rejected: list[str] = []

    @property
    def jtis(self) -> list[str]:
        return [str(claims["jti"]) for claims in self.claims]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        path = request.url.path
        if path == "/plain":
            return _html(BLANK_PAGE)
        if path == "/hold":
            await asyncio.sleep(HOLD_SECONDS)
            return Response(status_code=204)
        if path == "/slow":
            await asyncio.sleep(SLOW_SECONDS)
            return _html(BLANK_PAGE)
        if path == "/sandboxed":
            # The document gets an opaque origin: its messages arrive with origin "null".
            return _html(BLANK_PAGE, {"Content-Security-Policy": "sandbox allow-scripts"})
        parts = path.strip("/").split("/")
        if not parts or parts[0] != self._org:
            return PlainTextResponse("not found", status_code=404)
        token = request.query_params.get("tenant", "")
        try:
            claims = jwt.decode(token, self._secret, algorithms=["HS256"], options={"require": ["iat", "jti", "sub"]})
        except jwt.PyJWTError as error:
            self.rejected.append(type(error).__name__)
            return PlainTextResponse("bad token", status_code=401)
        self.claims.append(claims)
        if parts[1:] == ["tenants", "create", "early"]:
            return _html(EARLY_PAGE)
        return _html(BLANK_PAGE)


def _html(body: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(body, media_type="text/html", headers=dict(headers or {}))


@dataclass
class HostPages:
    """The host app behind the middleware: registered pages, the recorder and loader copies."""

    pages: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    baked_loader: bytes = b""
    # Scripts served at /assets/<name> (e.g. an app bundled from the npm package).
    assets: dict[str, bytes] = field(default_factory=dict)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        response: Response
        if path == "/recorder.js":
            response = Response(RECORDER_JS, media_type="text/javascript")
        elif path == "/raw/pandium-embed.js":
            # The loader with nothing baked in: it knows no Pandium origin.
            response = Response(LOADER_SOURCE, media_type="text/javascript")
        elif path == "/raw/pandium-embed.development.js":
            response = Response(DEVELOPMENT_SOURCE, media_type="text/javascript")
        elif path == "/static/loader.js":
            # A baked copy served from a path that is not <prefix>/embed.js.
            response = Response(self.baked_loader, media_type="text/javascript")
        elif path.startswith("/assets/") and path[8:] in self.assets:
            response = Response(self.assets[path[8:]], media_type="text/javascript")
        elif path == "/favicon.ico":
            response = Response(status_code=204)
        elif path == "/same-origin":
            response = _html(BLANK_PAGE)
        elif path.startswith("/p/") and path[3:] in self.pages:
            body, headers = self.pages[path[3:]]
            response = _html(body, headers)
        else:
            response = PlainTextResponse("not found", status_code=404)
        await response(scope, receive, send)


def identify(request: Request) -> PandiumUser | None:
    user = request.cookies.get("user")
    return PandiumUser(user, display_name=f"User {user}") if user else None


def connector_token(request: object, user: PandiumUser, connector: str) -> str:
    """For either front door: the request (Starlette's or Werkzeug's) is not read."""
    if user.sub == "broken":
        raise RuntimeError("the host API is down")  # the middleware answers 500
    return f"host-api-token-for-{user.sub}"


class MountedAt:
    """Serves ``app`` only under ``/app`` with ``root_path="/app"``, as a proxy would."""

    def __init__(self, app: ASGIApp, root_path: str = "/app") -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.root_path + "/"):
            await self.app({**scope, "root_path": self.root_path}, receive, send)
            return
        await PlainTextResponse("outside the mount", status_code=404)(scope, receive, send)


@dataclass
class LoaderEnv:
    """Running servers: ``host`` (127.0.0.1, behind the middleware), ``pandium`` (localhost) and
    ``foreign`` (another 127.0.0.1 port), plus ``mounted`` (the host app under ``/app``)."""

    host: BackgroundServer
    mounted: BackgroundServer
    pandium: BackgroundServer
    foreign: BackgroundServer
    fake: FakePandium
    pages: HostPages
    config: PandiumConfig

    def page(
        self,
        body: str,
        *,
        head: str = "",
        loader: str = "/pandium/embed.js",
        recorder: bool = True,
        headers: Mapping[str, str] | None = None,
        root_path: str = "",
        server: BackgroundServer | None = None,
    ) -> str:
        """Register a host page; returns its URL on ``server`` (default: the host) under ``root_path``.
        ``loader=""`` leaves the loader script out."""
        name = uuid.uuid4().hex
        scripts = f'<script src="{root_path}/recorder.js"></script>' if recorder else ""
        if loader:
            scripts += f'<script src="{html.escape(root_path + loader)}"></script>'
        document = (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>host</title>"
            f"{scripts}{head}</head><body>{body}</body></html>"
        )
        self.pages.pages[name] = (document, dict(headers or {}))
        return f"{(server or self.host).url}{root_path}/p/{name}"

    def sign_in(self, context: BrowserContext, user: str = "user-1") -> None:
        for server in (self.host, self.mounted):
            context.add_cookies([{"name": "user", "value": user, "url": server.url}])


@contextmanager
def running_env() -> Iterator[LoaderEnv]:
    with ExitStack() as stack:
        fake = FakePandium()
        pandium = stack.enter_context(BackgroundServer(fake, url_host="localhost"))
        foreign = stack.enter_context(BackgroundServer(FakePandium(), url_host="127.0.0.1"))
        config = PandiumConfig(
            ORG,
            SECRET,
            marketplace_base_url=pandium.url,
            install_base_url=pandium.url,
            connect_base_url=pandium.url,
            connectors={CONNECTOR: "Great Widgets"},
        )
        pages = HostPages(baked_loader=render_loader(config, development=False)[0])
        app = PandiumMiddleware(pages, config=config, identify=identify, connector_token=connector_token)
        host = stack.enter_context(BackgroundServer(app))
        mounted = stack.enter_context(BackgroundServer(MountedAt(app)))
        yield LoaderEnv(host, mounted, pandium, foreign, fake, pages, config)
