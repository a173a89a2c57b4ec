"""An httpx ``AsyncClient`` for a WSGI app, so one async test can drive either front door.

httpx's own ``WSGITransport`` is sync and hands the still-encoded path over as ``PATH_INFO``; this one
builds the environ the way a PEP 3333 server does, with Werkzeug's ``EnvironBuilder``: the path
percent-decoded (as latin-1 text of its bytes), ``SCRIPT_NAME`` split off, and a body sent without a
``Content-Length`` (chunked) framed for the app like gunicorn does (``wsgi.input_terminated``).
The app runs in a worker thread, as under a threaded server (and away from the test's event loop,
where Django would refuse to touch its database).
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
    from _typeshed.wsgi import WSGIApplication


class AsyncWSGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: WSGIApplication, *, root_path: str = "") -> None:
        self.app = app
        # Where a proxy mounts the app: PEP 3333's SCRIPT_NAME (ASGI calls it root_path).
        self.script_name = root_path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        url = request.url
        path = url.raw_path.decode("ascii")
        if not path.startswith(self.script_name):
            return httpx.Response(404, text="outside the mount point")
        headers = [(name, value) for name, value in request.headers.multi_items() if name.lower() != "host"]
        framed = "content-length" in request.headers
        builder = EnvironBuilder(
            path=path[len(self.script_name) :],
            base_url=f"{url.scheme}://{request.headers.get('host', url.host)}{self.script_name}",
            method=request.method,
            headers=headers,
            data=body if framed else None,
            input_stream=None if framed else io.BytesIO(body),
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()

        def respond() -> tuple[str, list[tuple[str, str]], bytes]:
            app_iter, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
            return status, list(response_headers.items()), b"".join(app_iter)

        status, response_headers, content = await anyio.to_thread.run_sync(respond)
        return httpx.Response(int(status.split()[0]), headers=response_headers, content=content)


def wsgi_client(app: WSGIApplication, *, base_url: str = APP_URL, root_path: str = "") -> httpx.AsyncClient:
    """tests.support.asgi.asgi_client for a WSGI app; it does not follow redirects either."""
    return httpx.AsyncClient(transport=AsyncWSGITransport(app, root_path=root_path), base_url=base_url)


class BackgroundWSGIServer:
    """``with BackgroundWSGIServer(app) as server: server.url``: Werkzeug's threaded server (what
    ``flask run`` uses) in a background thread, on a free 127.0.0.1 port; the same attributes as
    ``pandium_embed.mock.server.BackgroundServer``, so browser tests take either."""

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
