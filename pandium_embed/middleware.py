"""``PandiumMiddleware``: a pure ASGI middleware that mints Pandium tokens under one path prefix.

Everything outside the prefix (and every non-HTTP scope) goes straight to the wrapped app. Inside
the prefix the middleware answers itself, never passing the request on: the prefix is ours.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeAlias, cast

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from .audit import AuditRecord, MintRecord, RefusalRecord
from .config import SEGMENT_PATTERN, TOKEN_LIFETIME_SECONDS, PandiumConfig, origin_of
from .events import MAX_EVENT_BODY_SIZE, ConnectedTenant, EventRejected, parse_event
from .launch import LaunchRefused, LaunchTicket, check_launch_secret, read_ticket
from .loader import render_loader
from .responses import MINT_HEADERS, error_response, json_response, redirect_response, wants_html
from .stores import DeliveryStore, MemoryTicketStore, TicketStore
from .telemetry import RouteSpan, Telemetry, default_telemetry
from .tokens import PandiumUser, mint_token
from .urls import connect_url, install_url, marketplace_url
from .webhooks import (
    MAX_WEBHOOK_BODY_SIZE,
    WebhookEvent,
    WebhookRejected,
    check_webhook_secrets,
    deliver,
    parse_webhook,
    secret_matches,
)

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

logger = logging.getLogger("pandium_embed")

IdentifyHook: TypeAlias = Callable[[Request], "PandiumUser | None | Awaitable[PandiumUser | None]"]
ConnectorTokenHook: TypeAlias = Callable[[Request, PandiumUser, str], "str | Awaitable[str]"]
OnConnectedHook: TypeAlias = Callable[[Request, PandiumUser, ConnectedTenant], "None | Awaitable[None]"]
UserForSubHook: TypeAlias = Callable[[str], "PandiumUser | None | Awaitable[PandiumUser | None]"]
OnWebhookHook: TypeAlias = Callable[[Request, WebhookEvent], "None | Awaitable[None]"]
OnMintHook: TypeAlias = Callable[[Request, "PandiumUser | None", AuditRecord], "None | Awaitable[None]"]
# Any ASGI 3 app. Deliberately looser than Starlette's ASGIApp: Litestar and Quart type their
# __call__ with exact scope TypedDicts, which Starlette's MutableMapping-based alias rejects.
AnyASGIApp: TypeAlias = Callable[[Any, Any, Any], Awaitable[None]]

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
    "PandiumMiddleware user_for_sub is for launch links, and ticket_store for launch links and webhooks: "
    "pass launch_secret (or webhook_secret and on_webhook) too."
)
WEBHOOK_OPTIONS_TOGETHER = (
    "PandiumMiddleware webhook_secret and on_webhook go together: the secret in the URL you give Pandium, "
    "and on_webhook=(request, event) -> None to receive its notifications."
)
BAD_ON_WEBHOOK = "PandiumMiddleware on_webhook must be a callable taking (request, event) or None."
BAD_DELIVERY_STORE = (
    "PandiumMiddleware ticket_store must also have begin_delivery, finish_delivery and abandon_delivery "
    "(a DeliveryStore, as MemoryTicketStore and RedisTicketStore are) when webhooks are on."
)
BAD_ON_MINT = "PandiumMiddleware on_mint must be a callable taking (request, user, record) or None."
BAD_TELEMETRY = "PandiumMiddleware telemetry must be True (OpenTelemetry if installed), False, or a Telemetry."
AUDIT_HOOK_FAILED = "pandium_embed: on_mint failed on a %s refusal of %s; the refusal was answered"
ALONE_WITHOUT_USER_FOR_SUB = (
    "pandium_embed: a launch link made with alone=True was opened, but the middleware has no "
    "user_for_sub hook; it was treated as a link for the signed-in user only."
)

DEFAULT_MAX_BODY_SIZE = 16 * 1024
Flow = Literal["marketplace", "install", "connect"]
_FLOWS = ("marketplace", "install", "connect")
_JSON_ROUTES = frozenset({"/token", "/events"})
WEBHOOK_ROUTE = "/webhooks/{secret}"
# Answered while the same delivery runs elsewhere: long enough for most hooks, short of the lease.
IN_PROGRESS_RETRY_AFTER = "30"
# Routes whose every answer is a mint or a refusal of one: what on_mint sees.
_AUDITED_ROUTES = frozenset(
    {"/marketplace", "/install/{integration_id}", "/connect/{connector}", "/token", "/launch/{ticket}"}
)
_FLOW_OF_ROUTE: dict[str, Flow] = {
    "/marketplace": "marketplace",
    "/install/{integration_id}": "install",
    "/connect/{connector}": "connect",
}


def _route_template(route: str) -> str | None:
    """The template of a route that is spanned and audited (never the path: it may hold a credential)."""
    if route in ("/marketplace", "/token", "/events"):
        return route
    for start, template in (
        ("/install/", "/install/{integration_id}"),
        ("/connect/", "/connect/{connector}"),
        ("/launch/", "/launch/{ticket}"),
    ):
        if route.startswith(start):
            return template
    return None


def _logged_route(route: str) -> str:
    # A launch path carries the ticket and a webhook path the secret, both credentials: log the template.
    for start, placeholder in (("/launch/", "/launch/<ticket>"), ("/webhooks/", "/webhooks/<secret>")):
        if route.startswith(start):
            return placeholder
    return route


class _Trail:
    """What one request under the prefix turned out to be, filled in as it is learned: for the audit
    record, the span and the counters."""

    __slots__ = (
        "audited",
        "event_type",
        "flow",
        "minted",
        "outcome",
        "request",
        "route",
        "span",
        "target",
        "telemetry",
        "user",
    )

    def __init__(self, route: str | None, telemetry: Telemetry | None) -> None:
        self.route = route
        # Only when something records: otherwise the request does no telemetry work at all.
        self.telemetry = telemetry
        self.flow: Flow | None = _FLOW_OF_ROUTE.get(route or "")
        self.target: str | None = None
        self.user: PandiumUser | None = None
        self.request: Request | None = None
        self.outcome: str | None = None
        self.event_type: str | None = None
        self.span: RouteSpan | None = None
        self.minted: MintRecord | None = None
        # on_mint already ran for this request (and may be what failed): no second record.
        self.audited = False


class _Refused(Exception):
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


async def _call_hook(hook: Callable[..., Any], is_async: bool, *args: Any) -> Any:
    # Sync hooks usually touch a database or a session store: keep them off the event loop (and out of
    # Django's async-unsafe checks), as Starlette does for sync endpoints.
    if is_async:
        return await hook(*args)
    result = await run_in_threadpool(hook, *args)
    if inspect.isawaitable(result):
        result = await result
    return result


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
        if (webhook_secret is None) != (on_webhook is None):
            raise ValueError(WEBHOOK_OPTIONS_TOGETHER)
        if on_webhook is not None and not callable(on_webhook):
            raise ValueError(BAD_ON_WEBHOOK)
        if on_webhook is not None and ticket_store is not None and not isinstance(ticket_store, DeliveryStore):
            raise ValueError(BAD_DELIVERY_STORE)
        if launch_secret is None and (user_for_sub is not None or (ticket_store is not None and on_webhook is None)):
            raise ValueError(LAUNCH_OPTIONS_WITHOUT_SECRET)
        if on_mint is not None and not callable(on_mint):
            raise ValueError(BAD_ON_MINT)
        if not isinstance(telemetry, (bool, Telemetry)):
            raise ValueError(BAD_TELEMETRY)
        self._launch_secret = None if launch_secret is None else check_launch_secret(launch_secret, config)
        self._webhook_secrets = (
            None
            if webhook_secret is None
            else check_webhook_secrets(webhook_secret, config, launch_secret=self._launch_secret)
        )
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size <= 0:
            raise ValueError(BAD_BODY_LIMIT)
        self.app = app
        self.config = config
        self._identify = identify
        self._identify_is_async = _is_async_callable(identify)
        self._connector_token = connector_token
        self._connector_token_is_async = _is_async_callable(connector_token)
        self._on_connected = on_connected
        self._on_connected_is_async = _is_async_callable(on_connected)
        self._ticket_store: TicketStore = ticket_store if ticket_store is not None else MemoryTicketStore(clock=clock)
        self._on_webhook = on_webhook
        self._on_webhook_is_async = _is_async_callable(on_webhook)
        self._on_mint = on_mint
        self._on_mint_is_async = _is_async_callable(on_mint)
        self._telemetry = default_telemetry() if telemetry is True else (telemetry or None)
        self._user_for_sub = user_for_sub
        self._user_for_sub_is_async = _is_async_callable(user_for_sub)
        self._max_body_size = max_body_size
        self._clock = clock
        self._new_jti = new_jti
        self._prefix = config.prefix
        self._prefix_length = len(config.prefix)
        self._loader_body, self._loader_etag = render_loader(config)

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
        response = await self._handle(scope, receive, path[self._prefix_length :])
        await response(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, route: str) -> Response:
        headers = Headers(scope=scope)
        as_html = wants_html(headers)
        # POST routes are called by fetch(): they always answer JSON.
        as_html = as_html and route not in _JSON_ROUTES
        telemetry = self._telemetry
        trail = _Trail(_route_template(route), telemetry if telemetry is not None and telemetry.active() else None)
        if trail.route is not None:
            self._open_span(trail, scope["method"])
        try:
            response = await self._dispatch(scope, receive, headers, route, trail)
        except _Refused as refused:
            response = error_response(
                refused.reason, as_html=as_html, detail=refused.detail, extra_headers=refused.headers
            )
            await self._refused(scope, trail, refused.reason, response.status_code)
        except Exception:
            # A hook (or our own code) failed: say so in the log, never in the body.
            logger.exception("pandium_embed: %s %s failed; answered 500", scope.get("method"), _logged_route(route))
            response = error_response("server-error", as_html=as_html)
            await self._refused(scope, trail, "server-error", response.status_code)
        if trail.span is not None:
            trail.span.set(
                flow=trail.flow, outcome=trail.outcome, event_type=trail.event_type, status=response.status_code
            )
            trail.span.__exit__(None, None, None)
        return response

    def _open_span(self, trail: _Trail, method: str) -> None:
        if trail.telemetry is not None and trail.route is not None:
            span = trail.telemetry.span(method, trail.route)
            trail.span = None if span is None else span.__enter__()

    async def _refused(self, scope: Scope, trail: _Trail, reason: str, status: int) -> None:
        """Count, trace and audit a refusal (or a failure) of a spanned route."""
        if trail.route is None:
            return
        trail.outcome = "error" if status >= 500 else "refused"
        if trail.span is not None:
            trail.span.set(reason=reason)
        if trail.telemetry is not None:
            trail.telemetry.refused(reason, trail.route)
        if self._on_mint is None or trail.route not in _AUDITED_ROUTES or trail.audited:
            return
        user = trail.user
        record = RefusalRecord(
            route=trail.route,
            reason=reason,
            status=status,
            at=self._clock(),
            flow=trail.flow,
            target=trail.target,
            sub=None if user is None else user.sub,
            auditable_id=None if user is None else user.auditable_id,
        )
        request = trail.request or Request(scope)
        try:
            await _call_hook(self._on_mint, self._on_mint_is_async, request, user, record)
        except Exception:
            # The refusal is answered anyway; the failure is the operator's to see.
            logger.exception(AUDIT_HOOK_FAILED, reason, trail.route)

    async def _dispatch(self, scope: Scope, receive: Receive, headers: Headers, route: str, trail: _Trail) -> Response:
        method: str = scope["method"]
        if route == "/embed.js":
            _allow(method, "GET", "HEAD")
            return self._serve_loader(headers)
        if route == "/token":
            _allow(method, "POST")
            _refuse_cross_site(headers)
            # Its answer is a usable URL: a sibling subdomain that the host lets read credentialed
            # CORS responses is same-site, so only this app's own pages may ask.
            _require_same_origin(scope, headers)
            body = await self._read_json_body(receive, headers)
            request = trail.request = Request(scope, _replay(body.raw, receive))
            user = await self._require_user(request, trail)
            flow, target = _parse_token_request(body.value, self.config)
            trail.flow, trail.target = flow, target
            url, issued_at = await self._mint(request, user, flow, target, trail)
            await self._answered(request, user, trail)
            return json_response(
                {"url": url, "expires_at": issued_at + TOKEN_LIFETIME_SECONDS},
                headers=MINT_HEADERS,
            )
        if route == "/events":
            return await self._report_event(scope, receive, headers, method, trail)
        if route.startswith("/launch/"):
            return await self._launch(scope, receive, headers, method, route[len("/launch/") :], trail)
        if route.startswith("/webhooks/"):
            return await self._webhook(scope, receive, headers, method, route[len("/webhooks/") :], trail)

        flow_and_target = _match_mint_route(route, self.config)
        if flow_and_target is None:
            raise _Refused("not-found")
        trail.flow, trail.target = flow_and_target
        _allow(method, "GET")
        _refuse_cross_site(headers)
        request = trail.request = Request(scope, receive)
        user = await self._require_user(request, trail)
        url, _ = await self._mint(request, user, *flow_and_target, trail)
        await self._answered(request, user, trail)
        return redirect_response(url)

    async def _webhook(
        self, scope: Scope, receive: Receive, headers: Headers, method: str, secret: str, trail: _Trail
    ) -> Response:
        # Off, or a wrong secret: the very same answer as any unknown route (no span, no oracle).
        if self._webhook_secrets is None or not secret_matches(secret, self._webhook_secrets):
            raise _Refused("not-found")
        trail.route = WEBHOOK_ROUTE
        self._open_span(trail, method)
        # Pandium's server-to-server POST is not a browser's: no cross-site or same-origin rule here.
        try:
            _allow(method, "POST")
            body = await self._read_json_body(receive, headers, limit=MAX_WEBHOOK_BODY_SIZE)
            try:
                event = parse_webhook(body.value)
            except WebhookRejected as rejected:
                raise _Refused("bad-request", str(rejected)) from None
        except _Refused as refused:
            # Whatever the request's headers, Pandium reads JSON.
            response = error_response(
                refused.reason, as_html=False, detail=refused.detail, extra_headers=refused.headers
            )
            await self._refused(scope, trail, refused.reason, response.status_code)
            return response
        trail.event_type = event.event_type
        request = trail.request = Request(scope, _replay(body.raw, receive))
        assert self._on_webhook is not None
        hook = self._on_webhook
        is_async = self._on_webhook_is_async

        async def run_hook(event: WebhookEvent) -> None:
            await _call_hook(hook, is_async, request, event)

        outcome = await deliver(event, run_hook, store=cast(DeliveryStore, self._ticket_store), now=self._clock)
        trail.outcome = outcome
        if outcome == "in-progress":
            raise _Refused("delivery-in-progress", headers={"Retry-After": IN_PROGRESS_RETRY_AFTER})
        return json_response({"delivery": outcome}, headers=MINT_HEADERS)

    async def _report_event(
        self, scope: Scope, receive: Receive, headers: Headers, method: str, trail: _Trail
    ) -> Response:
        if self._on_connected is None:
            # No hook: the feature is off and the route does not exist.
            raise _Refused("not-found")
        _allow(method, "POST")
        _refuse_cross_site(headers)
        _require_same_origin(scope, headers)
        body = await self._read_json_body(receive, headers, limit=MAX_EVENT_BODY_SIZE)
        request = trail.request = Request(scope, _replay(body.raw, receive))
        user = await self._require_user(request, trail)
        try:
            event = parse_event(body.value, connectors=self.config.connectors)
        except EventRejected as rejected:
            raise _Refused("bad-request", str(rejected)) from None
        await _call_hook(self._on_connected, self._on_connected_is_async, request, user, event)
        trail.outcome = "reported"
        return Response(status_code=204, headers=dict(MINT_HEADERS))

    async def _launch(
        self, scope: Scope, receive: Receive, headers: Headers, method: str, ticket: str, trail: _Trail
    ) -> Response:
        if self._launch_secret is None:
            raise _Refused("not-found")
        _allow(method, "GET")
        # A link clicked in a webmail is a cross-site navigation, and that is what launch links are for;
        # a cross-site frame, fetch or image is not.
        if headers.get("sec-fetch-site") == "cross-site" and headers.get("sec-fetch-dest", "document") != "document":
            raise _Refused("cross-site")
        try:
            launch = read_ticket(ticket, launch_secret=self._launch_secret, now=self._clock)
        except LaunchRefused as refused:
            raise _Refused(refused.reason) from None
        trail.flow, trail.target = launch.flow, launch.target
        if launch.flow == "connect" and launch.target not in self.config.connectors:
            raise _Refused("not-found")
        if launch.flow == "install" and not (launch.target and SEGMENT_PATTERN.fullmatch(launch.target)):
            raise _Refused("link-invalid")
        request = trail.request = Request(scope, receive)
        user = await self._launch_user(request, launch, trail)
        url, _ = await self._mint(request, user, launch.flow, launch.target, trail)
        # Claimed only now, with the redirect ready: a visit by the wrong account, a link scanner
        # without a session, a failing hook or oversized claims do not use the link up. Concurrent
        # visits may each mint, but only the one that wins the claim sees its token.
        if not await self._ticket_store.claim(launch.ticket_id, launch.expires_at):
            raise _Refused("link-used")
        await self._answered(request, user, trail)
        return redirect_response(url)

    async def _launch_user(self, request: Request, launch: LaunchTicket, trail: _Trail) -> PandiumUser:
        if launch.alone and self._user_for_sub is not None:
            user = await _call_hook(self._user_for_sub, self._user_for_sub_is_async, launch.sub)
            if user is None:
                raise _Refused("wrong-user", "The account this link was made for no longer exists.")
            if not isinstance(user, PandiumUser):
                raise TypeError(f"user_for_sub returned a {type(user).__name__}; it must return a PandiumUser or None.")
            trail.user = user
            return user
        if launch.alone:
            # Fail closed: without user_for_sub there is no way to build the user, so the link needs a session.
            logger.warning(ALONE_WITHOUT_USER_FOR_SUB)
        user = await self._require_user(request, trail)
        if user.sub != launch.sub:
            raise _Refused("wrong-user")
        return user

    async def _require_user(self, request: Request, trail: _Trail) -> PandiumUser:
        user = await _call_hook(self._identify, self._identify_is_async, request)
        if user is None:
            raise _Refused("not-signed-in")
        if not isinstance(user, PandiumUser):
            raise TypeError(f"identify returned a {type(user).__name__}; it must return a PandiumUser or None.")
        trail.user = user
        return user

    async def _mint(
        self, request: Request, user: PandiumUser, flow: Flow, target: str | None, trail: _Trail
    ) -> tuple[str, int]:
        now = self._clock()
        xti: dict[str, Any] | None = None
        if flow == "connect":
            assert target is not None and self._connector_token is not None
            credential = await _call_hook(self._connector_token, self._connector_token_is_async, request, user, target)
            if not isinstance(credential, str) or not credential:
                raise TypeError("connector_token must return a non-empty string (a credential for your API).")
            xti = {
                "connector_name": target,
                "integration_name": self.config.connectors[target],
                "token": credential,
            }
        jti = self._new_jti()
        try:
            token = mint_token(self.config, user, xti=xti, now=now, jti=jti)
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
            raise _Refused("server-error") from None
        trail.minted = MintRecord(
            route=trail.route or "",
            flow=flow,
            target=target,
            sub=user.sub,
            auditable_id=user.auditable_id,
            jti=jti,
            iat=int(now),
        )
        return url, int(now)

    async def _answered(self, request: Request, user: PandiumUser, trail: _Trail) -> None:
        """The minted token is about to be answered: audit it (if the audit cannot be written, the
        token is never sent), count it."""
        record = trail.minted
        assert record is not None
        if self._on_mint is not None:
            trail.audited = True
            await _call_hook(self._on_mint, self._on_mint_is_async, request, user, record)
        trail.outcome = "minted"
        if trail.telemetry is not None:
            trail.telemetry.minted(record.flow)

    async def _read_json_body(self, receive: Receive, headers: Headers, *, limit: int | None = None) -> _JSONBody:
        max_size = self._max_body_size if limit is None else limit
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        # Requiring JSON also forces a CORS preflight for any cross-origin caller.
        if content_type != "application/json":
            raise _Refused("unsupported-media-type")
        declared = headers.get("content-length")
        if declared is not None:
            # isdigit() alone accepts '²' and other Unicode digits, which int() then refuses.
            if not (declared.isascii() and declared.isdigit()):
                raise _Refused("bad-request", "The Content-Length header is not a number.")
            if int(declared) > max_size:
                raise _Refused("too-large", f"The request body is over {max_size} bytes.")
        chunks: list[bytes] = []
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                raise _Refused("bad-request", "The client went away before sending the body.")
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > max_size:
                raise _Refused("too-large", f"The request body is over {max_size} bytes.")
            chunks.append(chunk)
            more_body = message.get("more_body", False)
        raw = b"".join(chunks)
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            raise _Refused("bad-request", "The request body is not valid JSON.") from None
        return _JSONBody(raw, value)

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


class _JSONBody:
    __slots__ = ("raw", "value")

    def __init__(self, raw: bytes, value: Any) -> None:
        self.raw = raw
        self.value = value


def _allow(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise _Refused("method-not-allowed", headers={"Allow": ", ".join(allowed)})


def _refuse_cross_site(headers: Headers) -> None:
    # Browsers send Sec-Fetch-Site on every request; "cross-site" means another site is trying to
    # mint a token for our signed-in user (a framed or linked attack). Same-site and none are fine.
    if headers.get("sec-fetch-site") == "cross-site":
        raise _Refused("cross-site")


def _own_origin(scope: Scope, headers: Headers) -> str | None:
    host = headers.get("host")
    if not host:
        return None
    try:
        return origin_of(f"{scope.get('scheme', 'http')}://{host}")
    except ValueError:
        return None


def _require_same_origin(scope: Scope, headers: Headers) -> None:
    # POST /token and /events answer only this app's own pages. Browsers send Origin on every POST fetch; behind a
    # TLS-terminating proxy the scope's scheme may be "http" while the page is https, which is why
    # Sec-Fetch-Site: same-origin (set by the browser, not by page scripts) is accepted as well.
    if headers.get("sec-fetch-site") == "same-origin":
        return
    origin = headers.get("origin")
    own = _own_origin(scope, headers)
    if origin is None or own is None or origin == "null":
        raise _Refused("cross-origin")
    try:
        same = origin_of(origin) == own
    except ValueError:
        same = False
    if not same:
        raise _Refused("cross-origin")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the already-read body to the hooks' Request once more."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


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
        raise _Refused("bad-request", 'The body must be a JSON object like {"flow": "marketplace"}.')
    flow = value.get("flow")
    if flow not in _FLOWS:
        raise _Refused("bad-request", 'The "flow" field must be "marketplace", "install" or "connect".')
    if flow == "marketplace":
        return "marketplace", None
    if flow == "install":
        integration_id = value.get("integration_id")
        if isinstance(integration_id, int) and not isinstance(integration_id, bool):
            integration_id = str(integration_id)
        if not isinstance(integration_id, str) or not SEGMENT_PATTERN.fullmatch(integration_id):
            raise _Refused(
                "bad-request",
                'The install flow needs "integration_id": 1-128 letters, digits, "-" or "_".',
            )
        return "install", integration_id
    connector = value.get("connector")
    if not isinstance(connector, str) or connector not in config.connectors:
        raise _Refused("not-found", 'The connect flow needs "connector": one of the configured connectors.')
    return "connect", connector
