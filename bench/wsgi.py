"""In-process figures for the WSGI front door: a Flask app called directly with a prebuilt environ.

The same comparisons as bench/inprocess.py (``compare``), with ``app(environ, start_response)`` in
place of ``await app(scope, receive, send)``.
``docs_marketplace`` is the flow as Pandium's sample backend writes it, as an ordinary Flask view
(PyJWT, uuid4, a 303 redirect), sharing the app and the sync ``identify`` with our mint route:
a ``def`` hook against a ``def`` view.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import jwt
from flask import Flask, redirect, request
from werkzeug.wrappers import Request, Response

from pandium_embed import PandiumUser
from pandium_embed.wsgi import PandiumWSGIMiddleware

from . import apps
from .harness import quiet_gc
from .inprocess import InProcessFigures, Interface, compare

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def identify(request: Request) -> PandiumUser | None:
    """What a host app does: look the session cookie up (here in a dict), as bench.apps.identify."""
    return apps.SESSIONS.get(request.cookies.get(apps.SESSION_COOKIE, ""))


def docs_marketplace() -> Response | tuple[str, int]:
    """The hand-written endpoint of Pandium's docs, as a Flask view."""
    user = identify(request)
    if user is None:
        return "Sign in", 401
    token = jwt.encode(apps.docs_claims(user), apps.SECRET, algorithm="HS256")
    return redirect(f"{apps.MARKETPLACE_BASE}?tenant={token}", code=303)


def hello() -> str:
    return "hello"


def host_app() -> Flask:
    """A fresh Flask host app: one ordinary view and the docs-style mint view."""
    app = Flask("bench_host")
    app.add_url_rule("/hello", view_func=hello)
    app.add_url_rule("/docs/marketplace", view_func=docs_marketplace)
    return app


class NoopWSGIMiddleware:
    """The cheapest possible WSGI middleware: the baseline for pass-through overhead."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.app(environ, start_response)


def pandium(app: Flask, **options: Any) -> Flask:
    """``app`` with PandiumWSGIMiddleware installed the way the Flask recipe does it."""
    app.wsgi_app = PandiumWSGIMiddleware(  # type: ignore[method-assign]
        app.wsgi_app,
        config=apps.CONFIG,
        identify=identify,
        connector_token=lambda request, user, connector: "t",
        **options,
    )
    return app


def noop(app: Flask) -> Flask:
    app.wsgi_app = NoopWSGIMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    return app


def make_environ(path: str) -> WSGIEnvironment:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "app.example.com",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "app.example.com",
        "HTTP_ACCEPT": "text/html",
        "HTTP_SEC_FETCH_MODE": "navigate",
        "HTTP_SEC_FETCH_SITE": "same-origin",
        "HTTP_COOKIE": f"{apps.SESSION_COOKIE}={apps.SESSION_ID}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
    return lambda data: None


def _call(app: WSGIApplication, environ: WSGIEnvironment) -> None:
    # What a server does per request: a fresh environ, the body iterated, the iterable closed.
    body = app(dict(environ), _start_response)
    try:
        for _ in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def request_batch(app: WSGIApplication, environ: WSGIEnvironment, n: int) -> tuple[int, int]:
    """(wall ns, CPU ns) for ``n`` requests, the GC kept out of the loop."""
    with quiet_gc():
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        for _ in range(n):
            _call(app, environ)
        return time.perf_counter_ns() - wall, time.thread_time_ns() - cpu


def capture(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[int, dict[str, str], bytes]:
    """One request, for the correctness checks made before anything is timed."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        seen.append((status, headers))
        return lambda data: None

    body = b"".join(app(dict(environ), start_response))
    status, headers = seen[0]
    return int(status.split()[0]), {name.lower(): value for name, value in headers}, body


WSGI = Interface(
    request=make_environ,
    batch_of=lambda app, environ: lambda n: request_batch(app, environ, n),
    capture=capture,
)


def measure(
    *, rounds: int = 101, batch_seconds: float = 0.005, max_seconds: float = 60.0, log: Callable[[str], None] = print
) -> InProcessFigures:
    return compare(
        WSGI,
        bare=host_app(),
        noop=noop(host_app()),
        ours=pandium(host_app()),
        minting=pandium(host_app()),
        shipped=pandium(host_app()),
        untraced=pandium(host_app(), telemetry=False),
        rounds=rounds,
        batch_seconds=batch_seconds,
        max_seconds=max_seconds,
        log=log,
    )


if __name__ == "__main__":
    print(measure(max_seconds=30))
