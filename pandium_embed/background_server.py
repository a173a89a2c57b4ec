"""Serve an ASGI app with uvicorn in a background thread on a free loopback port (for tests)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

from starlette.types import ASGIApp

__all__ = ["BackgroundServer"]

START_TIMEOUT = "The server on {host}:{port} did not start within {seconds} s."


class BackgroundServer:
    """``with BackgroundServer(app, url_host="localhost") as server: server.url``

    Binds 127.0.0.1 on a free port before starting, so the port is known and nothing races for it.
    ``url_host`` is the host name put in ``url``: using ``localhost`` for one server and ``127.0.0.1``
    for another gives two browser origins on one machine.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        url_host: str = "127.0.0.1",
        port: int = 0,
        start_timeout: float = 10.0,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
    ):
        import uvicorn  # the [mock] extra; imported here so the core package never needs it

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port: int = self._socket.getsockname()[1]
        self.url_host = url_host
        self._start_timeout = start_timeout
        # With a certificate (``ssl_certfile``/``ssl_keyfile``, PEM files) it serves HTTPS: an origin like a
        # real deployment's, for measuring what TLS costs a page (bench/latency.py).
        self.scheme = "https" if ssl_certfile else "http"
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"uvicorn:{self.port}", daemon=True
        )

    @property
    def origin(self) -> str:
        """The browser origin, e.g. ``http://127.0.0.1:54321``: what the stand-in must let frame it."""
        return f"{self.scheme}://{self.url_host}:{self.port}"

    @property
    def url(self) -> str:
        """The base URL to open pages under (the server is mounted at ``/``)."""
        return self.origin

    def start(self) -> BackgroundServer:
        """Start serving; returns once uvicorn accepts connections (``RuntimeError`` after ``start_timeout``)."""
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    START_TIMEOUT.format(host=self.url_host, port=self.port, seconds=self._start_timeout)
                )
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; the ``with`` block does this on exit."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
