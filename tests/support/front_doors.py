"""The two front doors to the routes, for the tests that run one table of cases through both:
``PandiumMiddleware`` (ASGI) and ``PandiumWSGIMiddleware`` (WSGI). The ``door`` fixture
(tests/conftest.py) gives each test both, in turn.

A test builds its middleware with ``door.build(...)`` as it would with ``pandium_app(...)`` (the
same wrapped "app:<path>" app, the same hooks), and talks to it with ``client(app)`` or
``door.raw(...)``; each speaks the interface of the app it is given.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

import httpx
from werkzeug.wrappers import Request as WerkzeugRequest

from pandium_embed import PandiumConfig, PandiumUser
from pandium_embed.hooks import is_async_callable
from pandium_embed.options import BAD_HOOK, PandiumOptions, hook_names
from pandium_embed.routes import run_without_loop
from pandium_embed.wsgi import PandiumWSGIMiddleware
from tests.support.asgi import APP_URL, asgi_client, bare_app, crm_token, pandium_app, raw_asgi
from tests.support.wsgi import wsgi_client

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

RawHeaders = list[tuple[bytes, bytes]]
# The options that are hooks: the WSGI door takes them as plain functions.
HOOK_OPTIONS = hook_names()


def bad_hook(door: str, name: str) -> str:
    """What ``door`` says when the hook option ``name`` is not callable."""
    (takes,) = (item.metadata["hook"] for item in dataclasses.fields(PandiumOptions) if item.name == name)
    return BAD_HOOK.format(door=door, name=name, takes=takes)


def client(app: Any, *, base_url: str = APP_URL, root_path: str = "") -> httpx.AsyncClient:
    """An httpx client for ``app`` in-process, through its own interface: ASGI (an async callable) or WSGI."""
    if is_async_callable(app):
        return asgi_client(app, base_url=base_url, root_path=root_path)
    return wsgi_client(app, base_url=base_url, root_path=root_path)


def bare_wsgi_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """tests.support.asgi.bare_app for WSGI: 200 with the full path, so a pass-through is visible."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"app:{environ.get('SCRIPT_NAME', '')}{environ['PATH_INFO']}".encode("latin-1")]


def plain(hook: Any) -> Any:
    """A test's async hook as the plain function the WSGI door takes (the tests' hooks await nothing)."""
    if not is_async_callable(hook):
        return hook
    return lambda *args: run_without_loop(hook(*args), "a test hook")


def path_of(request: Any) -> str:
    """The path of the request a hook receives: a Starlette ``Request`` (ASGI) or Werkzeug's (WSGI)."""
    return str(request.path) if isinstance(request, WerkzeugRequest) else str(request.url.path)


async def raw_wsgi(app: Any, method: str, raw_path: str, headers: RawHeaders | None = None) -> dict[str, Any]:
    """tests.support.asgi.raw_asgi for WSGI: the path percent-decoded as a server hands it over
    (PEP 3333: latin-1 text of the bytes), no client in between to normalise it."""
    environ: WSGIEnvironment = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "QUERY_STRING": "",
        "SERVER_NAME": "app.test",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers or [(b"host", b"app.test")]:
        key = name.decode("latin-1").upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value.decode("latin-1")
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        started.append((status, response_headers))
        return lambda data: None

    b"".join(app(environ, start_response))
    status, response_headers = started[0]
    return {"status": int(status.split()[0]), "headers": {name.lower(): value for name, value in response_headers}}


@dataclass(frozen=True)
class FrontDoor:
    """One way into the routes."""

    name: str

    @property
    def door_name(self) -> str:
        """The class name the door's messages begin with."""
        return "PandiumMiddleware" if self.name == "asgi" else "PandiumWSGIMiddleware"

    @property
    def middleware(self) -> type[Any]:
        from pandium_embed import PandiumMiddleware

        return PandiumMiddleware if self.name == "asgi" else PandiumWSGIMiddleware

    @property
    def bare_app(self) -> Any:
        return bare_app if self.name == "asgi" else bare_wsgi_app

    def build(
        self,
        app: Any = None,
        *,
        config: PandiumConfig,
        user: PandiumUser | None,
        identify: Callable[..., Any] | None = None,
        connector_token: Callable[..., Any] | None = crm_token,
        **options: Any,
    ) -> Any:
        """``pandium_app(...)`` through this door, in front of ``app`` (default: the bare app)."""
        app = self.bare_app if app is None else app
        if self.name == "asgi":
            return pandium_app(
                app, config=config, user=user, identify=identify, connector_token=connector_token, **options
            )

        def signed_in(request: Any) -> PandiumUser | None:
            return user

        hooks = {
            name: plain(options.pop(name))
            for name in HOOK_OPTIONS
            if name not in ("identify", "connector_token") and options.get(name) is not None
        }
        return PandiumWSGIMiddleware(
            app,
            config=config,
            identify=plain(identify) if identify is not None else signed_in,
            connector_token=plain(connector_token),
            **hooks,
            **options,
        )

    async def raw(self, app: Any, method: str, raw_path: str, headers: RawHeaders | None = None) -> Any:
        """The response start (status, lower-case headers) of a request for ``raw_path`` exactly as a
        server decodes it."""
        if self.name == "asgi":
            return await raw_asgi(app, method, raw_path, headers)
        return await raw_wsgi(app, method, raw_path, headers)


FRONT_DOORS = [FrontDoor("asgi"), FrontDoor("wsgi")]
