"""Read a framework's own signed-in user or session from the request ``identify`` receives.

``PandiumMiddleware`` wraps a framework's ASGI app from the outside, so the framework's session is not
open yet when ``identify`` runs: these helpers open it the way the framework itself does, with the
framework's own code (its secret, cookie name, expiry and signature checks). Each framework is imported
only when its helper is called, so pandium-embed keeps starlette, joserfc and itsdangerous as its only
runtime dependencies.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol, cast

from starlette.requests import Request

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.middleware.session.client_side import CookieBackendConfig
    from litestar.middleware.session.server_side import ServerSideSessionConfig
    from quart import Quart

__all__ = ["django_user", "litestar_session", "quart_session"]

NOT_A_LITESTAR_SESSION = (
    "litestar_session needs the CookieBackendConfig or ServerSideSessionConfig your Litestar app uses (got a {type})."
)
LITESTAR_APP_NEEDED = (
    "litestar_session with a ServerSideSessionConfig needs app=<your Litestar app>: the session data "
    "lives in the app's store."
)


class RequestWithCookies(Protocol):
    """What django_user reads: Starlette's Request (ASGI) and Werkzeug's (WSGI) both qualify."""

    @property
    def cookies(self) -> Mapping[str, str]: ...


class _DjangoSessionRequest:
    """All ``django.contrib.auth.get_user`` reads from a request: its session."""

    __slots__ = ("session",)

    def __init__(self, session: Any) -> None:
        self.session = session


def django_user(request: RequestWithCookies) -> Any:
    """The signed-in Django user for this request (a ``settings.AUTH_USER_MODEL`` instance), or None.

    Runs Django's own ``get_user`` on the session named by the session cookie, so the session engine,
    the auth backends and the password-change check (session auth hash) all apply as in a Django view.
    It is synchronous and queries the database: call it from a **sync** ``identify``, which
    ``PandiumMiddleware`` runs in a worker thread (from an async one Django raises
    ``SynchronousOnlyOperation``) and ``PandiumWSGIMiddleware`` on the server's own thread.
    Like Django's request cycle, it closes that thread's obsolete database connections before and after.
    """
    from django.conf import settings  # type: ignore[import-untyped]
    from django.contrib.auth import get_user  # type: ignore[import-untyped]
    from django.db import close_old_connections  # type: ignore[import-untyped]

    session_key = request.cookies.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    # Worker threads outlive requests; without this each would keep its own connection open forever,
    # where Django would have closed it at request_finished (CONN_MAX_AGE).
    close_old_connections()
    try:
        user = get_user(_DjangoSessionRequest(engine.SessionStore(session_key)))
        return user if user.is_authenticated else None
    finally:
        close_old_connections()


async def quart_session(app: Quart, request: Request) -> dict[str, Any]:
    """The Quart session of this request, opened by ``app.session_interface`` (for the default interface:
    the signed cookie, checked with ``SECRET_KEY``, ``SECRET_KEY_FALLBACKS`` and the session lifetime).

    An absent, expired or forged cookie gives an empty dict. The interface is handed our request, which
    offers ``cookies`` as Quart's does: enough for Quart's own interface and for any that reads only
    cookies.
    """
    session = await app.session_interface.open_session(app, cast(Any, request))
    return dict(session) if session is not None else {}


async def litestar_session(
    session_config: CookieBackendConfig | ServerSideSessionConfig,
    request: Request,
    app: Litestar | None = None,
) -> dict[str, Any]:
    """The Litestar session of this request, loaded by the backend of ``session_config`` (the config
    your app passes to ``middleware=[session_config.middleware]``).

    Client-side sessions (``CookieBackendConfig``) are decrypted from the cookie; server-side sessions
    (``ServerSideSessionConfig``) are read from the app's store, so they need ``app``. An absent, expired
    or forged session gives an empty dict.
    """
    from litestar.connection import ASGIConnection
    from litestar.middleware.session.client_side import ClientSideSessionBackend
    from litestar.middleware.session.client_side import CookieBackendConfig as _CookieBackendConfig
    from litestar.middleware.session.server_side import ServerSideSessionBackend
    from litestar.middleware.session.server_side import ServerSideSessionConfig as _ServerSideSessionConfig

    scope = dict(request.scope)
    # A copy: Litestar caches parsed cookies in the scope's state, which stays ours.
    scope["state"] = {}
    if isinstance(session_config, _CookieBackendConfig):
        backend: ClientSideSessionBackend | ServerSideSessionBackend = ClientSideSessionBackend(session_config)
    elif isinstance(session_config, _ServerSideSessionConfig):
        if app is None:
            raise ValueError(LITESTAR_APP_NEEDED)
        # The backend finds its store through the app, as it does inside Litestar's middleware.
        scope["app"] = app
        backend = ServerSideSessionBackend(session_config)
    else:
        raise ValueError(NOT_A_LITESTAR_SESSION.format(type=type(session_config).__name__))
    return await backend.load_from_connection(ASGIConnection(cast(Any, scope)))
