"""``PandiumWSGIMiddleware``: the routes of ``PandiumMiddleware`` in front of a WSGI app (Flask, Django
under gunicorn or uWSGI, any PEP 3333 app).

It is a second front door to the same routes, not a copy: ``pandium_embed.routes`` decides every
answer for both. Hooks are plain functions that receive a Werkzeug ``Request`` over the request's WSGI environ
(``pip install 'pandium-embed[wsgi]'``; Flask already brings Werkzeug).
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeAlias

from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request
from werkzeug.wsgi import get_input_stream

from . import options as _options
from .guards import too_large
from .hooks import Hook
from .options import PandiumOptions
from .routes import Routes, run_without_loop

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "ConnectorTokenHook",
    "IdentifyHook",
    "OnConnectedHook",
    "OnMintHook",
    "OnWebhookHook",
    "PandiumWSGIMiddleware",
    "UserForSubHook",
]

# The hooks' types under WSGI: they receive a Werkzeug Request (and must be plain functions).
IdentifyHook: TypeAlias = _options.IdentifyHook[Request]
ConnectorTokenHook: TypeAlias = _options.ConnectorTokenHook[Request]
OnConnectedHook: TypeAlias = _options.OnConnectedHook[Request]
UserForSubHook: TypeAlias = _options.UserForSubHook
OnWebhookHook: TypeAlias = _options.OnWebhookHook[Request]
OnMintHook: TypeAlias = _options.OnMintHook[Request]

DOOR = "PandiumWSGIMiddleware"
ASYNC_HOOK = (
    "PandiumWSGIMiddleware {name} is async, and a WSGI server runs no event loop: pass a plain (def) "
    "function. (For async hooks, serve an ASGI app with PandiumMiddleware.)"
)


class PandiumWSGIMiddleware:
    """``PandiumMiddleware`` for WSGI: the same options (``PandiumOptions``), routes, answers and headers.

    ``app.wsgi_app = PandiumWSGIMiddleware(app.wsgi_app, ...)`` for Flask;
    ``application = PandiumWSGIMiddleware(get_wsgi_application(), ...)`` in Django's ``wsgi.py``.
    Every hook is a plain function, called on the server's worker thread, and receives a Werkzeug
    ``Request`` (``request.environ`` is the WSGI environ). Requests outside the prefix go to ``app``
    untouched: their body is not read and their environ not copied.
    """

    def __init__(
        self, app: WSGIApplication, options: PandiumOptions[Request] | None = None, /, **keywords: Any
    ) -> None:
        checked = PandiumOptions.of(DOOR, options, keywords)
        self._routes = Routes(checked, DOOR)
        for name, hook in self._routes.hooks().items():
            if hook.is_async:
                raise ValueError(ASYNC_HOOK.format(name=name))
        self.app = app
        self.config = checked.config
        self.options = checked
        # PEP 3333 hands PATH_INFO over as latin-1 text of the raw bytes: match the prefix in that form.
        self._prefix = checked.config.prefix.encode("utf-8").decode("latin-1")
        self._prefix_length = len(self._prefix)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # PATH_INFO is already below SCRIPT_NAME: mounted under a sub-path, the prefix still matches.
        path: str = environ.get("PATH_INFO", "")
        if not path.startswith(self._prefix) or (len(path) > self._prefix_length and path[self._prefix_length] != "/"):
            return self.app(environ, start_response)
        answer = self._routes.answer(_WsgiExchange(environ), path[self._prefix_length :])
        status, lines, body = run_without_loop(answer, DOOR)
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in lines]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        # An answer to HEAD has no body (RFC 9110); gunicorn drops it anyway, not every server does.
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]


class _WsgiExchange:
    """A request under the prefix, for the routes: hooks get a Werkzeug ``Request`` and are called
    right here, on the server's thread, so no operation ever suspends."""

    __slots__ = ("_environ", "_request", "headers", "method", "root_path", "scheme")

    def __init__(self, environ: WSGIEnvironment) -> None:
        self._environ = environ
        self._request: Request | None = None
        self.method: str = environ["REQUEST_METHOD"]
        self.scheme: str = environ.get("wsgi.url_scheme", "http")
        self.headers = EnvironHeaders(environ)
        # PATH_INFO starts with the prefix, so the mount point is SCRIPT_NAME (latin-1 text, per PEP 3333).
        self.root_path: str = environ.get("SCRIPT_NAME", "").encode("latin-1").decode("utf-8", "replace")

    def _hooks_request(self) -> Request:
        # Built at the first hook call, after the body (if any) was read: see body().
        if self._request is None:
            self._request = Request(self._environ)
        return self._request

    async def body(self, limit: int) -> bytes:
        # Werkzeug's stream stops at Content-Length or, for a chunked body the server frames
        # (wsgi.input_terminated), at the limit plus one byte: enough to tell "over the limit".
        # With neither, it is empty rather than unbounded.
        try:
            stream = get_input_stream(self._environ, max_content_length=limit + 1)
        except RequestEntityTooLarge:
            raise too_large(limit) from None
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise too_large(limit)
        body = b"".join(chunks)
        # The hooks' Request reads the body once more.
        self._environ["wsgi.input"] = io.BytesIO(body)
        self._environ["CONTENT_LENGTH"] = str(len(body))
        return body

    async def call(self, hook: Hook, *args: Any) -> Any:
        return _call_here(hook, self._hooks_request(), *args)

    async def call_alone(self, hook: Hook, *args: Any) -> Any:
        return _call_here(hook, *args)


def _call_here(hook: Hook, *args: Any) -> Any:
    result = hook.func(*args)
    # Only the ticket store's claim is async here (the host's hooks were checked in __init__): an
    # in-memory store, or Redis through a sync client, answers without waiting for anything.
    if inspect.isawaitable(result):
        result = run_without_loop(result, getattr(hook.func, "__qualname__", "a hook"))
    return result
