"""``PandiumMiddleware``: a pure ASGI middleware that mints Pandium tokens under one path prefix.

Everything outside the prefix (and every non-HTTP scope) goes straight to the wrapped app. Inside
the prefix the middleware answers itself, never passing the request on: the prefix is ours. What it
answers is decided in ``routes`` (shared with the WSGI door, ``pandium_embed.wsgi``); this module is
the ASGI side: the pass-through, and the exchange that gives the routes the request.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from .audit import AuditRecord
from .config import PandiumConfig
from .guards import too_large
from .hooks import Hook
from .reports import ConnectedTenant
from .responses import Refused
from .routes import (
    ALONE_WITHOUT_USER_FOR_SUB,
    BAD_BODY_LIMIT,
    BAD_CONFIG,
    BAD_DELIVERY_STORE,
    BAD_IDENTIFY,
    BAD_ON_CONNECTED,
    BAD_ON_MINT,
    BAD_ON_WEBHOOK,
    BAD_TELEMETRY,
    BAD_TICKET_STORE,
    BAD_USER_FOR_SUB,
    DEFAULT_MAX_BODY_SIZE,
    LAUNCH_OPTIONS_WITHOUT_SECRET,
    MISSING_CONNECTOR_TOKEN,
    WEBHOOK_OPTIONS_TOGETHER,
    Routes,
)
from .stores import TicketStore
from .telemetry import Telemetry
from .tokens import PandiumUser
from .webhooks import WebhookEvent

__all__ = [
    # The construction messages, importable from here as before (they live in routes, shared).
    "ALONE_WITHOUT_USER_FOR_SUB",
    "BAD_BODY_LIMIT",
    "BAD_CONFIG",
    "BAD_IDENTIFY",
    "BAD_ON_CONNECTED",
    "BAD_TICKET_STORE",
    "BAD_USER_FOR_SUB",
    "DEFAULT_MAX_BODY_SIZE",
    "BAD_DELIVERY_STORE",
    "BAD_ON_MINT",
    "BAD_ON_WEBHOOK",
    "BAD_TELEMETRY",
    "LAUNCH_OPTIONS_WITHOUT_SECRET",
    "MISSING_CONNECTOR_TOKEN",
    "WEBHOOK_OPTIONS_TOGETHER",
    "AnyASGIApp",
    "ConnectorTokenHook",
    "IdentifyHook",
    "OnConnectedHook",
    "OnMintHook",
    "OnWebhookHook",
    "PandiumMiddleware",
    "UserForSubHook",
]

IdentifyHook: TypeAlias = Callable[[Request], "PandiumUser | None | Awaitable[PandiumUser | None]"]
ConnectorTokenHook: TypeAlias = Callable[[Request, PandiumUser, str], "str | Awaitable[str]"]
OnConnectedHook: TypeAlias = Callable[[Request, PandiumUser, ConnectedTenant], "None | Awaitable[None]"]
UserForSubHook: TypeAlias = Callable[[str], "PandiumUser | None | Awaitable[PandiumUser | None]"]
OnWebhookHook: TypeAlias = Callable[[Request, WebhookEvent], "None | Awaitable[None]"]
OnMintHook: TypeAlias = Callable[[Request, "PandiumUser | None", AuditRecord], "None | Awaitable[None]"]
# Any ASGI 3 app. Deliberately looser than Starlette's ASGIApp: Litestar and Quart type their
# __call__ with exact scope TypedDicts, which Starlette's MutableMapping-based alias rejects.
AnyASGIApp: TypeAlias = Callable[[Any, Any, Any], Awaitable[None]]


class PandiumMiddleware:
    """Mounts ``<prefix>/marketplace``, ``/install/{id}``, ``/connect/{connector}``, ``POST /token``
    and ``/embed.js`` in front of ``app``.

    ``identify(request)`` returns the signed-in ``PandiumUser`` or ``None`` (401).
    ``connector_token(request, user, connector)`` returns a credential for your own API, which the
    Auth-Only flow hands to Pandium; it is required when ``config.connectors`` is set.
    ``on_connected(request, user, event)`` turns on ``POST <prefix>/events``: the loader's
    ``<pandium-embed report>`` reports each ``pandium-success`` / ``pandium-save-sync`` there, and the
    hook receives it as an unverified ``ConnectedTenant`` (verify it before trusting it).
    ``launch_secret`` turns on launch links (``GET <prefix>/launch/<ticket>``, made by ``launch_url``):
    single use through ``ticket_store`` (default: in memory, one instance only; ``RedisTicketStore``
    for several), and ``user_for_sub(sub)`` builds the user for links made with ``alone=True``.
    ``webhook_secret`` (one, or a list while rotating) and ``on_webhook(request, event)`` turn on
    ``POST <prefix>/webhooks/<secret>`` for Pandium's notifications, each handled once through
    ``ticket_store``. ``on_mint(request, user, record)`` gets an audit record of every mint and of
    every refusal of a mint route. ``telemetry``: OpenTelemetry spans and counts (``True``: the global
    providers, if ``opentelemetry-api`` is installed; ``False``: none; or a ``Telemetry``).
    Every hook may be sync (run in a thread) or async.
    """

    def __init__(
        self,
        app: AnyASGIApp,
        *,
        config: PandiumConfig,
        identify: IdentifyHook,
        connector_token: ConnectorTokenHook | None = None,
        on_connected: OnConnectedHook | None = None,
        launch_secret: str | bytes | None = None,
        ticket_store: TicketStore | None = None,
        user_for_sub: UserForSubHook | None = None,
        webhook_secret: str | Sequence[str] | None = None,
        on_webhook: OnWebhookHook | None = None,
        on_mint: OnMintHook | None = None,
        telemetry: Telemetry | bool = True,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        clock: Callable[[], float] = time.time,
        new_jti: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.app = app
        self.config = config
        self._routes = Routes(
            config=config,
            identify=identify,
            connector_token=connector_token,
            on_connected=on_connected,
            launch_secret=launch_secret,
            ticket_store=ticket_store,
            user_for_sub=user_for_sub,
            webhook_secret=webhook_secret,
            on_webhook=on_webhook,
            on_mint=on_mint,
            telemetry=telemetry,
            max_body_size=max_body_size,
            clock=clock,
            new_jti=new_jti,
        )
        self._prefix = config.prefix
        self._prefix_length = len(config.prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Match on the path below root_path so the app works mounted under a sub-path or behind a proxy.
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        if not path.startswith(self._prefix) or (len(path) > self._prefix_length and path[self._prefix_length] != "/"):
            await self.app(scope, receive, send)
            return
        # The mount point as the browser sees it: what the stripping above took off (nothing, if the
        # path did not start with root_path).
        mount = scope["path"][: len(scope["path"]) - len(path)]
        response = await self._routes.answer(_AsgiExchange(scope, receive, mount), path[self._prefix_length :])
        await response(scope, receive, send)


class _AsgiExchange:
    """A request under the prefix, for the routes: hooks get a Starlette ``Request``, and sync hooks
    run in a worker thread (``Hook.__call__``)."""

    __slots__ = ("_receive", "_request", "_scope", "headers", "method", "root_path", "scheme")

    def __init__(self, scope: Scope, receive: Receive, root_path: str) -> None:
        self._scope = scope
        self._receive = receive
        self.root_path = root_path
        self._request: Request | None = None
        self.method: str = scope["method"]
        self.scheme: str = scope.get("scheme", "http")
        self.headers = Headers(scope=scope)

    def _hooks_request(self) -> Request:
        # Built at the first hook call, after the body (if any) was read: body() leaves it to replay.
        if self._request is None:
            self._request = Request(self._scope, self._receive)
        return self._request

    async def body(self, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        more_body = True
        while more_body:
            message = await self._receive()
            if message["type"] != "http.request":
                raise Refused("bad-request", "The client went away before sending the body.")
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
            more_body = message.get("more_body", False)
        body = b"".join(chunks)
        self._receive = _replay(body, self._receive)
        return body

    async def call(self, hook: Hook, *args: Any) -> Any:
        return await hook(self._hooks_request(), *args)

    async def call_alone(self, hook: Hook, *args: Any) -> Any:
        return await hook(*args)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the already-read body to the hooks' Request once more."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
