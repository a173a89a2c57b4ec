"""The routes under the prefix, written once for both front doors (ASGI and WSGI).

``PandiumCore.answer(exchange)`` holds every decision: routes, guards, hooks, error answers. It reaches
the outside world only through the ``Exchange`` it is given: the request line and headers, the body,
and hook calls. ``PandiumMiddleware`` (ASGI) gives it an exchange whose operations really await
(``receive``, sync hooks in a worker thread); ``PandiumWSGIMiddleware`` gives it one whose operations
are plain calls that never suspend, so the same coroutine runs to its end on the WSGI server's thread
without an event loop (``run_without_loop``).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Literal, Protocol, TypeVar

from starlette.responses import Response

from .config import SEGMENT_PATTERN, TOKEN_LIFETIME_SECONDS, PandiumConfig, origin_of
from .events import MAX_EVENT_BODY_SIZE, EventRejected, parse_event
from .launch import LaunchRefused, LaunchTicket, check_launch_secret, read_ticket
from .loader import render_loader
from .responses import MINT_HEADERS, Headers, error_response, json_response, redirect_response, wants_html
from .stores import MemoryTicketStore, TicketStore
from .tokens import PandiumUser, mint_token
from .urls import connect_url, install_url, marketplace_url

logger = logging.getLogger("pandium_embed")

T = TypeVar("T")

MISSING_CONNECTOR_TOKEN = (
    "PandiumMiddleware: config.connectors is set but connector_token is not. Pass "
    "connector_token=(request, user, connector) -> str returning a credential for your own API, "
    "which Pandium's Auth-Only page uses to connect the user."
)
BAD_IDENTIFY = "PandiumMiddleware identify must be a callable taking the request and returning a PandiumUser or None."
BAD_CONFIG = "PandiumMiddleware config must be a PandiumConfig (see PandiumConfig.from_env())."
BAD_BODY_LIMIT = "PandiumMiddleware max_body_size must be a positive integer number of bytes."
BAD_ON_CONNECTED = "PandiumMiddleware on_connected must be a callable taking (request, user, event) or None."
BAD_USER_FOR_SUB = "PandiumMiddleware user_for_sub must be a callable taking a sub and returning a PandiumUser or None."
BAD_TICKET_STORE = (
    "PandiumMiddleware ticket_store must have an async claim(ticket_id, expires_at) -> bool (a TicketStore)."
)
LAUNCH_OPTIONS_WITHOUT_SECRET = (
    "PandiumMiddleware ticket_store and user_for_sub are for launch links: pass launch_secret too."
)
ALONE_WITHOUT_USER_FOR_SUB = (
    "pandium_embed: a launch link made with alone=True was opened, but the middleware has no "
    "user_for_sub hook; it was treated as a link for the signed-in user only."
)
NEEDS_AN_EVENT_LOOP = (
    "{what} waited for something only an event loop can deliver, and a WSGI server has no event loop. "
    "Under PandiumWSGIMiddleware use plain (def) hooks, and a ticket store that answers without one "
    "(MemoryTicketStore, or RedisTicketStore given a redis.Redis client)."
)

DEFAULT_MAX_BODY_SIZE = 16 * 1024
Flow = Literal["marketplace", "install", "connect"]
_FLOWS = ("marketplace", "install", "connect")
_JSON_ROUTES = frozenset({"/token", "/events"})


class Hook:
    """A user hook and whether calling it gives an awaitable (a coroutine function, an async callable
    object, or a partial of either)."""

    __slots__ = ("func", "is_async", "name")

    def __init__(self, name: str, func: Callable[..., Any]) -> None:
        self.name = name
        self.func = func
        self.is_async = _is_async_callable(func)


class Exchange(Protocol):
    """One request under the prefix, as a front door presents it to ``PandiumCore``."""

    @property
    def method(self) -> str: ...
    @property
    def route(self) -> str:
        """The path below the prefix."""

    @property
    def headers(self) -> Headers: ...
    @property
    def scheme(self) -> str: ...

    async def body(self, limit: int) -> bytes:
        """The whole body, refused with ``Refused("too-large")`` once it is over ``limit`` bytes."""

    async def call(self, hook: Hook, *args: Any) -> Any:
        """``hook(request, *args)``, where ``request`` is the front door's own request object."""

    async def call_alone(self, hook: Hook, *args: Any) -> Any:
        """``hook(*args)``, for the hooks that take no request (``user_for_sub``, ``claim``)."""


class Refused(Exception):
    """Ends a request under the prefix with one of responses.ERRORS."""

    def __init__(self, reason: str, detail: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.headers = headers


def _is_async_callable(obj: Any) -> bool:
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(getattr(obj, "__call__", None))  # noqa: B004 -- a callable instance's async __call__


def run_without_loop(awaitable: Awaitable[T], what: str) -> T:
    """Run ``awaitable`` on this thread, for a caller with no event loop (a WSGI server's thread).

    Only right for an awaitable that never suspends, which is what the WSGI door's exchange makes of
    every handler; one that does suspend is closed and refused with a message naming ``what``.
    """
    steps: Generator[Any, None, T] = awaitable.__await__()
    try:
        steps.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    steps.close()
    raise TypeError(NEEDS_AN_EVENT_LOOP.format(what=what))


class PandiumCore:
    """The validated options of a middleware and its answers under the prefix (see PandiumMiddleware)."""

    def __init__(
        self,
        *,
        config: PandiumConfig,
        identify: Callable[..., Any],
        connector_token: Callable[..., Any] | None,
        on_connected: Callable[..., Any] | None,
        launch_secret: str | bytes | None,
        ticket_store: TicketStore | None,
        user_for_sub: Callable[..., Any] | None,
        max_body_size: int,
        clock: Callable[[], float],
        new_jti: Callable[[], str],
    ) -> None:
        if not isinstance(config, PandiumConfig):
            raise ValueError(BAD_CONFIG)
        if not callable(identify):
            raise ValueError(BAD_IDENTIFY)
        if config.connectors and connector_token is None:
            raise ValueError(MISSING_CONNECTOR_TOKEN)
        if on_connected is not None and not callable(on_connected):
            raise ValueError(BAD_ON_CONNECTED)
        if user_for_sub is not None and not callable(user_for_sub):
            raise ValueError(BAD_USER_FOR_SUB)
        if ticket_store is not None and not callable(getattr(ticket_store, "claim", None)):
            raise ValueError(BAD_TICKET_STORE)
        if launch_secret is None and (ticket_store is not None or user_for_sub is not None):
            raise ValueError(LAUNCH_OPTIONS_WITHOUT_SECRET)
        self._launch_secret = None if launch_secret is None else check_launch_secret(launch_secret, config)
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size <= 0:
            raise ValueError(BAD_BODY_LIMIT)
        self.config = config
        self.identify = Hook("identify", identify)
        self.connector_token = None if connector_token is None else Hook("connector_token", connector_token)
        self.on_connected = None if on_connected is None else Hook("on_connected", on_connected)
        self.user_for_sub = None if user_for_sub is None else Hook("user_for_sub", user_for_sub)
        self.ticket_store: TicketStore = ticket_store if ticket_store is not None else MemoryTicketStore(clock=clock)
        self.claim = Hook("ticket_store.claim", self.ticket_store.claim)
        self._max_body_size = max_body_size
        self._clock = clock
        self._new_jti = new_jti
        self._loader_body, self._loader_etag = render_loader(config)

    def hooks(self) -> list[Hook]:
        """Every hook the routes may call."""
        optional = (self.connector_token, self.on_connected, self.user_for_sub)
        return [self.identify, *(hook for hook in optional if hook is not None)]

    async def answer(self, exchange: Exchange) -> Response:
        route = exchange.route
        as_html = wants_html(exchange.headers)
        # POST routes are called by fetch(): they always answer JSON.
        as_html = as_html and route not in _JSON_ROUTES
        try:
            return await self._dispatch(exchange)
        except Refused as refused:
            return error_response(refused.reason, as_html=as_html, detail=refused.detail, extra_headers=refused.headers)
        except Exception:
            # A hook (or our own code) failed: say so in the log, never in the body. The route is
            # logged only for our fixed routes: a launch path carries the ticket, a credential.
            logged_route = "/launch/<ticket>" if route.startswith("/launch/") else route
            logger.exception("pandium_embed: %s %s failed; answered 500", exchange.method, logged_route)
            return error_response("server-error", as_html=as_html)

    async def _dispatch(self, exchange: Exchange) -> Response:
        method, route, headers = exchange.method, exchange.route, exchange.headers
        if route == "/embed.js":
            _allow(method, "GET", "HEAD")
            return self._serve_loader(headers)
        if route == "/token":
            _allow(method, "POST")
            _refuse_cross_site(headers)
            body = await self._read_json_body(exchange)
            user = await self._require_user(exchange)
            flow, target = _parse_token_request(body, self.config)
            url, issued_at = await self._mint(exchange, user, flow, target)
            return json_response(
                {"url": url, "expires_at": issued_at + TOKEN_LIFETIME_SECONDS},
                headers=MINT_HEADERS,
            )
        if route == "/events":
            return await self._report_event(exchange)
        if route.startswith("/launch/"):
            return await self._launch(exchange, route[len("/launch/") :])

        flow_and_target = _match_mint_route(route, self.config)
        if flow_and_target is None:
            raise Refused("not-found")
        _allow(method, "GET")
        _refuse_cross_site(headers)
        user = await self._require_user(exchange)
        url, _ = await self._mint(exchange, user, *flow_and_target)
        return redirect_response(url)

    async def _report_event(self, exchange: Exchange) -> Response:
        if self.on_connected is None:
            # No hook: the feature is off and the route does not exist.
            raise Refused("not-found")
        _allow(exchange.method, "POST")
        _refuse_cross_site(exchange.headers)
        _require_same_origin(exchange)
        body = await self._read_json_body(exchange, limit=MAX_EVENT_BODY_SIZE)
        user = await self._require_user(exchange)
        try:
            event = parse_event(body, connectors=self.config.connectors)
        except EventRejected as rejected:
            raise Refused("bad-request", str(rejected)) from None
        await exchange.call(self.on_connected, user, event)
        return Response(status_code=204, headers=dict(MINT_HEADERS))

    async def _launch(self, exchange: Exchange, ticket: str) -> Response:
        if self._launch_secret is None:
            raise Refused("not-found")
        _allow(exchange.method, "GET")
        headers = exchange.headers
        # A link clicked in a webmail is a cross-site navigation, and that is what launch links are for;
        # a cross-site frame, fetch or image is not.
        if headers.get("sec-fetch-site") == "cross-site" and headers.get("sec-fetch-dest", "document") != "document":
            raise Refused("cross-site")
        try:
            launch = read_ticket(ticket, launch_secret=self._launch_secret, now=self._clock)
        except LaunchRefused as refused:
            raise Refused(refused.reason) from None
        if launch.flow == "connect" and launch.target not in self.config.connectors:
            raise Refused("not-found")
        if launch.flow == "install" and not (launch.target and SEGMENT_PATTERN.fullmatch(launch.target)):
            raise Refused("link-invalid")
        user = await self._launch_user(exchange, launch)
        # Claimed only now: a visit by the wrong account (or by a link scanner without a session)
        # does not use the link up.
        if not await exchange.call_alone(self.claim, launch.ticket_id, launch.expires_at):
            raise Refused("link-used")
        url, _ = await self._mint(exchange, user, launch.flow, launch.target)
        return redirect_response(url)

    async def _launch_user(self, exchange: Exchange, launch: LaunchTicket) -> PandiumUser:
        if launch.alone and self.user_for_sub is not None:
            user = await exchange.call_alone(self.user_for_sub, launch.sub)
            if user is None:
                raise Refused("wrong-user", "The account this link was made for no longer exists.")
            if not isinstance(user, PandiumUser):
                raise TypeError(f"user_for_sub returned a {type(user).__name__}; it must return a PandiumUser or None.")
            return user
        if launch.alone:
            # Fail closed: without user_for_sub there is no way to build the user, so the link needs a session.
            logger.warning(ALONE_WITHOUT_USER_FOR_SUB)
        user = await self._require_user(exchange)
        if user.sub != launch.sub:
            raise Refused("wrong-user")
        return user

    async def _require_user(self, exchange: Exchange) -> PandiumUser:
        user = await exchange.call(self.identify)
        if user is None:
            raise Refused("not-signed-in")
        if not isinstance(user, PandiumUser):
            raise TypeError(f"identify returned a {type(user).__name__}; it must return a PandiumUser or None.")
        return user

    async def _mint(self, exchange: Exchange, user: PandiumUser, flow: Flow, target: str | None) -> tuple[str, int]:
        now = self._clock()
        xti: dict[str, Any] | None = None
        if flow == "connect":
            assert target is not None and self.connector_token is not None
            credential = await exchange.call(self.connector_token, user, target)
            if not isinstance(credential, str) or not credential:
                raise TypeError("connector_token must return a non-empty string (a credential for your API).")
            xti = {
                "connector_name": target,
                "integration_name": self.config.connectors[target],
                "token": credential,
            }
        try:
            token = mint_token(self.config, user, xti=xti, now=now, jti=self._new_jti())
            if flow == "marketplace":
                url = marketplace_url(self.config, token)
            elif flow == "install":
                assert target is not None
                url = install_url(self.config, target, token)
            else:
                assert target is not None
                url = connect_url(self.config, target, token)
        except ValueError as error:
            # The message names the field or the size, never a value: safe to log.
            logger.error("pandium_embed: could not mint a %s token: %s", flow, error)
            raise Refused("server-error") from None
        return url, int(now)

    async def _read_json_body(self, exchange: Exchange, *, limit: int | None = None) -> Any:
        max_size = self._max_body_size if limit is None else limit
        headers = exchange.headers
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        # Requiring JSON also forces a CORS preflight for any cross-origin caller.
        if content_type != "application/json":
            raise Refused("unsupported-media-type")
        declared = headers.get("content-length")
        if declared is not None:
            # isdigit() alone accepts '²' and other Unicode digits, which int() then refuses.
            if not (declared.isascii() and declared.isdigit()):
                raise Refused("bad-request", "The Content-Length header is not a number.")
            if int(declared) > max_size:
                raise Refused("too-large", f"The request body is over {max_size} bytes.")
        raw = await exchange.body(max_size)
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise Refused("bad-request", "The request body is not valid JSON.") from None

    def _serve_loader(self, headers: Headers) -> Response:
        cache_headers = {
            "ETag": self._loader_etag,
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        }
        if_none_match = headers.get("if-none-match", "")
        if self._loader_etag in {tag.strip() for tag in if_none_match.split(",")}:
            return Response(status_code=304, headers=cache_headers)
        return Response(
            self._loader_body,
            headers=cache_headers,
            media_type="text/javascript; charset=utf-8",
        )


def too_large(limit: int) -> Refused:
    return Refused("too-large", f"The request body is over {limit} bytes.")


def _allow(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise Refused("method-not-allowed", headers={"Allow": ", ".join(allowed)})


def _refuse_cross_site(headers: Headers) -> None:
    # Browsers send Sec-Fetch-Site on every request; "cross-site" means another site is trying to
    # mint a token for our signed-in user (a framed or linked attack). Same-site and none are fine.
    if headers.get("sec-fetch-site") == "cross-site":
        raise Refused("cross-site")


def _own_origin(exchange: Exchange) -> str | None:
    host = exchange.headers.get("host")
    if not host:
        return None
    try:
        return origin_of(f"{exchange.scheme}://{host}")
    except ValueError:
        return None


def _require_same_origin(exchange: Exchange) -> None:
    # Reports must come from this app's own pages. Browsers send Origin on every POST fetch; behind a
    # TLS-terminating proxy the scheme may be "http" while the page is https, which is why
    # Sec-Fetch-Site: same-origin (set by the browser, not by page scripts) is accepted as well.
    headers = exchange.headers
    if headers.get("sec-fetch-site") == "same-origin":
        return
    origin = headers.get("origin")
    own = _own_origin(exchange)
    if origin is None or own is None or origin == "null":
        raise Refused("cross-origin")
    try:
        same = origin_of(origin) == own
    except ValueError:
        same = False
    if not same:
        raise Refused("cross-origin")


def _match_mint_route(route: str, config: PandiumConfig) -> tuple[Flow, str | None] | None:
    """Map a path below the prefix to a flow. Anything not exactly one of ours is None (404)."""
    if route == "/marketplace":
        return "marketplace", None
    if route.startswith("/install/"):
        integration_id = route[len("/install/") :]
        # One plain segment only: no '/', '..', '%', backslash or non-ASCII can reach the redirect.
        if SEGMENT_PATTERN.fullmatch(integration_id):
            return "install", integration_id
        return None
    if route.startswith("/connect/"):
        connector = route[len("/connect/") :]
        if connector in config.connectors:
            return "connect", connector
        return None
    return None


def _parse_token_request(value: Any, config: PandiumConfig) -> tuple[Flow, str | None]:
    """Validate the JSON body of POST /token: {"flow": ..., "integration_id"?: ..., "connector"?: ...}."""
    if not isinstance(value, dict):
        raise Refused("bad-request", 'The body must be a JSON object like {"flow": "marketplace"}.')
    flow = value.get("flow")
    if flow not in _FLOWS:
        raise Refused("bad-request", 'The "flow" field must be "marketplace", "install" or "connect".')
    if flow == "marketplace":
        return "marketplace", None
    if flow == "install":
        integration_id = value.get("integration_id")
        if isinstance(integration_id, int) and not isinstance(integration_id, bool):
            integration_id = str(integration_id)
        if not isinstance(integration_id, str) or not SEGMENT_PATTERN.fullmatch(integration_id):
            raise Refused(
                "bad-request",
                'The install flow needs "integration_id": 1-128 letters, digits, "-" or "_".',
            )
        return "install", integration_id
    connector = value.get("connector")
    if not isinstance(connector, str) or connector not in config.connectors:
        raise Refused("not-found", 'The connect flow needs "connector": one of the configured connectors.')
    return "connect", connector
