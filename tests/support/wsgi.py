"""Calling WSGI apps: httpx clients (async and sync) and a background server, so a test can drive
either front door the same way.

httpx's own ``WSGITransport`` hands the still-encoded path over as ``PATH_INFO`` and splits no
``SCRIPT_NAME``; these transports build the environ the way a PEP 3333 server does, with Werkzeug's
``EnvironBuilder``: the path percent-decoded (as latin-1 text of its bytes), ``SCRIPT_NAME`` split
off, and a body sent without a ``Content-Length`` (chunked) framed for the app like gunicorn does
(``wsgi.input_terminated``). The async one runs the app in a worker thread, as a threaded server
does (and away from the test's event loop, where Django would refuse to touch its database).
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

import anyio
import httpx
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.support.asgi import APP_URL

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment


def _environ(request: httpx.Request, body: bytes, script_name: str) -> WSGIEnvironment | None:
    """The environ a PEP 3333 server would build for ``request``; None if it is outside ``script_name``."""
    url = request.url
    path = url.raw_path.decode("ascii")
    if not path.startswith(script_name):
        return None
    headers = [(name, value) for name, value in request.headers.multi_items() if name.lower() != "host"]
    framed = "content-length" in request.headers
    builder = EnvironBuilder(
        path=path[len(script_name) :],
        base_url=f"{url.scheme}://{request.headers.get('host', url.host)}{script_name}",
        method=request.method,
        headers=headers,
        data=body if framed else None,
        input_stream=None if framed else io.BytesIO(body),
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _respond(app: WSGIApplication, environ: WSGIEnvironment | None) -> httpx.Response:
    if environ is None:
        return httpx.Response(404, text="outside the mount point")
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    return httpx.Response(int(status.split()[0]), headers=list(headers.items()), content=b"".join(app_iter))


class WSGITransport(httpx.BaseTransport):
    """For sync tests: the app runs on the test's thread."""

    def __init__(self, app: WSGIApplication, *, root_path: str = "") -> None:
        self.app = app
        # Where a proxy mounts the app: PEP 3333's SCRIPT_NAME (ASGI calls it root_path).
        self.script_name = root_path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _respond(self.app, _environ(request, request.read(), self.script_name))


class AsyncWSGITransport(httpx.AsyncBaseTransport):
    """For async tests: the app runs in a worker thread."""

    def __init__(self, app: WSGIApplication, *, root_path: str = "") -> None:
        self.app = app
        self.script_name = root_path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        environ = _environ(request, await request.aread(), self.script_name)
        return await anyio.to_thread.run_sync(_respond, self.app, environ)


def wsgi_client(app: WSGIApplication, *, base_url: str = APP_URL, root_path: str = "") -> httpx.AsyncClient:
    """tests.support.asgi.asgi_client for a WSGI app; it does not follow redirects either."""
    return httpx.AsyncClient(transport=AsyncWSGITransport(app, root_path=root_path), base_url=base_url)


def sync_wsgi_client(app: WSGIApplication, *, base_url: str = APP_URL, root_path: str = "") -> httpx.Client:
    """tests.support.asgi.sync_client for a WSGI app."""
    return httpx.Client(transport=WSGITransport(app, root_path=root_path), base_url=base_url)


class BackgroundWSGIServer:
    """``with BackgroundWSGIServer(app) as server: server.url``: Werkzeug's threaded server (what
    ``flask run`` uses) in a background thread, on a free 127.0.0.1 port; the same attributes as
    ``pandium_embed.background_server.BackgroundServer``, so browser tests take either."""

    def __init__(self, app: WSGIApplication, *, url_host: str = "127.0.0.1") -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port: int = self._server.server_port
        self.url_host = url_host
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"werkzeug:{self.port}", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://{self.url_host}:{self.port}"

    @property
    def url(self) -> str:
        return self.origin

    def __enter__(self) -> BackgroundWSGIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
