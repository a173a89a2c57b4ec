"""``PandiumMiddleware``: a pure ASGI middleware that mints Pandium tokens under one path prefix.

Everything outside the prefix (and every non-HTTP scope) goes straight to the wrapped app. Inside
the prefix the middleware answers itself, never passing the request on: the prefix is ours. What it
answers is decided in ``routes`` (shared with the WSGI door, ``pandium_embed.wsgi``); this module is
the ASGI side: the pass-through, and the exchange that gives the routes the request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from . import options as _options
from .guards import too_large
from .hooks import Hook
from .options import PandiumOptions
from .responses import Refused
from .routes import Routes

__all__ = [
    "AnyASGIApp",
    "ConnectorTokenHook",
    "IdentifyHook",
    "OnConnectedHook",
    "OnMintHook",
    "OnWebhookHook",
    "PandiumMiddleware",
    "UserForSubHook",
]

# The hooks' types under ASGI: they receive a Starlette Request.
IdentifyHook: TypeAlias = _options.IdentifyHook[Request]
ConnectorTokenHook: TypeAlias = _options.ConnectorTokenHook[Request]
OnConnectedHook: TypeAlias = _options.OnConnectedHook[Request]
UserForSubHook: TypeAlias = _options.UserForSubHook
OnWebhookHook: TypeAlias = _options.OnWebhookHook[Request]
OnMintHook: TypeAlias = _options.OnMintHook[Request]
# Any ASGI 3 app. Deliberately looser than Starlette's ASGIApp: Litestar and Quart type their
# __call__ with exact scope TypedDicts, which Starlette's MutableMapping-based alias rejects.
AnyASGIApp: TypeAlias = Callable[[Any, Any, Any], Awaitable[None]]


class PandiumMiddleware:
    """Mounts ``<prefix>/marketplace``, ``/install/{id}``, ``/connect/{connector}``, ``POST /token``
    and ``/embed.js`` in front of ``app``, and the optional routes its options turn on.

    ``PandiumMiddleware(app, config=..., identify=..., ...)`` takes the keyword arguments of
    ``PandiumOptions`` (where each is described), or one ``PandiumOptions`` built ahead:
    ``PandiumMiddleware(app, options)``. Hooks receive a Starlette ``Request`` and may be sync (run
    in a worker thread) or async.
    """

    def __init__(
        self, app: AnyASGIApp | None = None, options: PandiumOptions[Request] | None = None, /, **keywords: Any
    ) -> None:
        if app is None:
            # Starlette before 0.41 (pyproject allows 0.40) builds a Middleware entry as cls(app=app, ...).
            app = keywords.pop("app", None)
        if app is None:
            raise TypeError("PandiumMiddleware(app, ...) needs the ASGI app it wraps.")
        checked = PandiumOptions.of("PandiumMiddleware", options, keywords)
        self.app = app
        self.config = checked.config
        self.options = checked
        self._routes = Routes(checked, "PandiumMiddleware")
        self._prefix = checked.config.prefix
        self._prefix_length = len(self._prefix)

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
        answer = await self._routes.answer(_AsgiExchange(scope, receive, mount), path[self._prefix_length :])
        await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
        await send({"type": "http.response.body", "body": answer.body})


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
