"""``PandiumMiddleware``: a pure ASGI middleware that mints Pandium tokens under one path prefix.

Everything outside the prefix (and every non-HTTP scope) goes straight to the wrapped app. Inside
the prefix the middleware answers itself, never passing the request on: the prefix is ours.
Below: the route table's types, the middleware (its table, built once, then the handlers); the
request guards live in ``guards``, the flows in ``flows``. Each request to a named route also ends in
an audit record (``on_mint``, for the mint routes), a span and a count (``telemetry``), made in
``_handle`` from what the handlers noted on their ``_Call``.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, cast

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .audit import AuditRecord, MintRecord, RefusalRecord
from .config import TOKEN_LIFETIME_SECONDS, PandiumConfig
from .events import MAX_EVENT_BODY_SIZE, ConnectedTenant, parse_event
from .flows import FLOWS, Flow, TargetRefused, check_target, flow_url, is_flow
from .guards import (
    allow,
    read_json_body,
    refuse_cross_site,
    refuse_cross_site_unless_a_navigation,
    replay,
    require_same_origin,
)
from .hooks import Hook
from .launch import LaunchTicket, check_launch_secret, read_ticket
from .loader import render_loader
from .responses import MINT_HEADERS, Refused, error_response, json_response, redirect_response, wants_html
from .stores import DeliveryStore, MemoryTicketStore, TicketStore
from .telemetry import RouteSpan, Telemetry, default_telemetry
from .tokens import PandiumUser, mint_token
from .validate import is_positive_int
from .webhooks import MAX_WEBHOOK_BODY_SIZE, WebhookEvent, check_webhook_secrets, deliver, parse_webhook, secret_matches

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
# Logged instead of Starlette's "SessionMiddleware must be installed to access request.session", which
# misleads when the middleware *is* installed, only inside this one.
MIDDLEWARE_ORDER = (
    "pandium_embed: {method} {route}: request.{attribute} is missing because {middleware} does not wrap "
    "PandiumMiddleware. {middleware} must be outside PandiumMiddleware: list it before PandiumMiddleware "
    "in middleware=[...], or with add_middleware() add PandiumMiddleware first and {middleware} after it; "
    "answered 500"
)
UNKNOWN_CONNECTOR = (
    "pandium_embed: no connector %r in PandiumConfig.connectors (configured: %s); answered 404. Add it to "
    "connectors (PANDIUM_CONNECTORS=name=Integration Name) or fix the connector the page asks for."
)
# The scope keys Starlette's Request properties read, and the middleware that puts each there.
_SCOPE_MIDDLEWARE = {
    "session": "SessionMiddleware",
    "user": "AuthenticationMiddleware",
    "auth": "AuthenticationMiddleware",
}
ALONE_WITHOUT_USER_FOR_SUB = (
    "pandium_embed: a launch link made with alone=True was opened, but the middleware has no "
    "user_for_sub hook; it was treated as a link for the signed-in user only."
)

DEFAULT_MAX_BODY_SIZE = 16 * 1024
# Answered while the same delivery runs elsewhere: long enough for most hooks, short of the lease.
IN_PROGRESS_RETRY_AFTER = "30"

# What POST /token answers when its body names a flow or target that check_target refuses.
_TOKEN_REFUSALS = {
    "flow": ("bad-request", 'The "flow" field must be "marketplace", "install" or "connect".'),
    "integration_id": ("bad-request", 'The install flow needs "integration_id": 1-128 letters, digits, "-" or "_".'),
    "connector": ("not-found", 'The connect flow needs "connector": one of the configured connectors.'),
}


class _Call:
    """One request to a route: the ASGI call, its headers, the rest of the path after the route's
    entry (a prefixed route's argument), the route's ``name`` and ``flow``, and for a mint route its
    checked target.

    The rest is what the request turned out to be, noted by the handlers as they learn it, for the
    audit record, the span and the counts that ``_handle`` makes of it. A plain class with slots: one
    is made per request, and a dataclass with this many defaults costs twice as much to build."""

    __slots__ = (
        "audited",
        "event_type",
        "flow",
        "headers",
        "minted",
        "name",
        "outcome",
        "receive",
        "request",
        "rest",
        "scope",
        "span",
        "target",
        "telemetry",
        "user",
    )

    def __init__(
        self, scope: Scope, receive: Receive, headers: Headers, rest: str, name: str | None, flow: Flow | None
    ) -> None:
        self.scope = scope
        self.receive = receive
        self.headers = headers
        self.rest = rest
        self.name = name
        self.flow = flow
        self.target: str | None = None
        self.request: Request | None = None
        self.user: PandiumUser | None = None
        # The audit record of the token about to be answered (only when there is an on_mint to get it).
        self.minted: MintRecord | None = None
        self.outcome: str | None = None
        self.event_type: str | None = None
        # Only while something records: otherwise the request does no telemetry work at all.
        self.telemetry: Telemetry | None = None
        self.span: RouteSpan | None = None
        # on_mint already ran for this request (and may be what failed): no second record.
        self.audited = False


@dataclass(frozen=True)
class _Route:
    """An entry of the route table.

    ``json_only``: answers JSON, errors included, even to a navigation (its callers use fetch()).
    ``flow``: a mint route; its target (the rest of the path) is checked before the method, so an
    unknown integration or connector is a 404 whatever the method.
    ``redact_as``: the rest of the path is a credential; a log line shows this name instead.
    ``credential``: the rest of the path is a credential this check accepts; any other value is no
    route at all, answered exactly like an unknown path (no oracle for guessing it).
    ``name``: the route as spans, counts and audit records name it (a template, never the path);
    ``None``: not traced. ``audited``: every answer is a mint or a refusal of one (``on_mint``).
    """

    methods: tuple[str, ...]
    handler: Callable[[_Call], Awaitable[Response]] = field(repr=False)
    json_only: bool = False
    flow: Flow | None = None
    redact_as: str | None = None
    credential: Callable[[str], bool] | None = field(default=None, repr=False)
    name: str | None = None
    audited: bool = False


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
    ``webhook_secret`` (one, or a list while rotating) and ``on_webhook(request, event)`` turn on
    ``POST <prefix>/webhooks/<secret>`` for Pandium's notifications, each handled once through
    ``ticket_store``. ``on_mint(request, user, record)`` gets an audit record of every mint and of
    every refusal of a mint route. ``telemetry``: OpenTelemetry spans and counts (``True``: the global
    providers, if ``opentelemetry-api`` is installed; ``False``: none; or a ``Telemetry``).
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
        webhook_secrets = (
            None
            if webhook_secret is None
            else check_webhook_secrets(webhook_secret, config, launch_secret=self._launch_secret)
        )
        if not is_positive_int(max_body_size):
            raise ValueError(BAD_BODY_LIMIT)
        self.app = app
        self.config = config
        self._identify = Hook(identify)
        self._connector_token = None if connector_token is None else Hook(connector_token)
        self._on_connected = None if on_connected is None else Hook(on_connected)
        self._ticket_store: TicketStore = ticket_store if ticket_store is not None else MemoryTicketStore(clock=clock)
        self._user_for_sub = None if user_for_sub is None else Hook(user_for_sub)
        self._on_mint = None if on_mint is None else Hook(on_mint)
        self._telemetry = default_telemetry() if telemetry is True else (telemetry or None)
        self._max_body_size = max_body_size
        self._clock = clock
        self._new_jti = new_jti
        self._prefix = config.prefix
        self._prefix_length = len(config.prefix)
        # The loader as served under each root path (the prefix it bakes in includes it). An app has one
        # or a few mounts; the cache bounds what a server that sets many could cost.
        self._loader = functools.lru_cache(maxsize=16)(functools.partial(render_loader, config))
        self._loader(root_path="")  # a build without its placeholder fails here, at start-up

        # The route table, built once: paths below the prefix. Adding a route is one entry here and
        # one handler below.
        self._exact: dict[str, _Route] = {
            "/embed.js": _Route(("GET", "HEAD"), self._serve_loader),
            "/marketplace": self._mint_route("marketplace"),
            "/token": _Route(("POST",), self._token, json_only=True, name="/token", audited=True),
        }
        # Matched in order by how the path starts; the rest of the path is the handler's argument.
        self._prefixed: list[tuple[str, _Route]] = [
            ("/install/", self._mint_route("install")),
            ("/connect/", self._mint_route("connect")),
        ]
        # Optional features: without their setting the route does not exist (a plain 404).
        if self._on_connected is not None:
            report = functools.partial(self._report_event, self._on_connected)
            self._exact["/events"] = _Route(("POST",), report, json_only=True, name="/events")
        if self._launch_secret is not None:
            launch = functools.partial(self._launch, self._launch_secret)
            launch_route = _Route(("GET",), launch, redact_as="<ticket>", name="/launch/{ticket}", audited=True)
            self._prefixed.append(("/launch/", launch_route))
        if on_webhook is not None and webhook_secrets is not None:
            # A DeliveryStore: checked above for a given store, and true of the default one.
            deliveries = cast(DeliveryStore, self._ticket_store)
            receive_webhook = functools.partial(self._webhook, Hook(on_webhook), deliveries)
            webhook_route = _Route(
                ("POST",),
                receive_webhook,
                json_only=True,
                redact_as="<secret>",
                credential=functools.partial(secret_matches, digests=webhook_secrets),
                name="/webhooks/{secret}",
            )
            self._prefixed.append(("/webhooks/", webhook_route))

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

    # --- the table -----------------------------------------------------------------------------

    def _match(self, path: str) -> tuple[_Route, str] | None:
        """The route for a path below the prefix and the rest of the path after its entry."""
        route = self._exact.get(path)
        if route is not None:
            return route, ""
        for start, prefixed in self._prefixed:
            if path.startswith(start):
                rest = path[len(start) :]
                if prefixed.credential is not None and not prefixed.credential(rest):
                    return None
                return prefixed, rest
        return None

    async def _handle(self, scope: Scope, receive: Receive, path: str) -> Response:
        headers = Headers(scope=scope)
        matched = self._match(path)
        as_html = wants_html(headers) and not (matched is not None and matched[0].json_only)
        if matched is None:
            return error_response("not-found", as_html=as_html)
        route, rest = matched
        call = _Call(scope, receive, headers, rest, route.name, route.flow)
        if route.name is not None and self._telemetry is not None and self._telemetry.active():
            call.telemetry = self._telemetry
            call.span = self._telemetry.span(scope["method"], route.name)
            if call.span is not None:
                call.span.__enter__()
        try:
            if route.flow is not None:
                call.target = self._path_target(route.flow, rest)
            allow(scope["method"], route.methods)
            response = await route.handler(call)
            if route.audited:
                # The answer carries a fresh token: audit it before it leaves (if the audit cannot be
                # written, the token is never sent), then count it.
                call.outcome = "minted"
                if self._on_mint is not None:
                    call.audited = True
                    await self._on_mint(call.request, call.user, call.minted)
                if call.telemetry is not None and call.flow is not None:
                    call.telemetry.minted(call.flow)
        except Refused as refused:
            response = error_response(
                refused.reason, as_html=as_html, detail=refused.detail, extra_headers=refused.headers
            )
            await self._refused(route, call, refused.reason, response.status_code)
        except Exception as error:
            # A hook (or our own code) failed: say so in the log, never in the body. A credential in
            # the path (a launch ticket, a webhook secret) is logged by its name only.
            logged = path if route.redact_as is None else path[: len(path) - len(rest)] + route.redact_as
            hint = _middleware_order_hint(scope, error)
            if hint is not None:
                logger.error(MIDDLEWARE_ORDER.format(method=scope.get("method"), route=logged, **hint))
            else:
                logger.exception("pandium_embed: %s %s failed; answered 500", scope.get("method"), logged)
            response = error_response("server-error", as_html=as_html)
            await self._refused(route, call, "server-error", response.status_code)
        if call.span is not None:
            call.span.set(flow=call.flow, outcome=call.outcome, event_type=call.event_type, status=response.status_code)
            call.span.__exit__(None, None, None)
        return response

    async def _refused(self, route: _Route, call: _Call, reason: str, status: int) -> None:
        """Trace, count and audit a named route's refusal (or failure)."""
        if route.name is None:
            return
        call.outcome = "error" if status >= 500 else "refused"
        if call.span is not None:
            call.span.set(reason=reason)
        if call.telemetry is not None:
            call.telemetry.refused(reason, route.name)
        if self._on_mint is None or not route.audited or call.audited:
            return
        user = call.user
        record = RefusalRecord(
            route=route.name,
            reason=reason,
            status=status,
            at=self._clock(),
            flow=call.flow,
            target=call.target,
            sub=None if user is None else user.sub,
            auditable_id=None if user is None else user.auditable_id,
        )
        try:
            await self._on_mint(call.request or Request(call.scope), user, record)
        except Exception:
            # The refusal is answered anyway; the failure is the operator's to see.
            logger.exception(AUDIT_HOOK_FAILED, reason, route.name)

    def _path_target(self, flow: Flow, rest: str) -> str | None:
        # One plain segment or a configured connector: no path tricks reach the redirect.
        try:
            return check_target(self.config, flow, rest if FLOWS[flow].target else None)[1]
        except TargetRefused as refused:
            self._log_unknown_connector(refused, rest)
            raise Refused("not-found") from None

    # --- the handlers ---------------------------------------------------------------------------

    def _mint_route(self, flow: Flow) -> _Route:
        """``GET``: mint a token for the signed-in user and redirect to ``flow``'s page."""

        async def redirect(call: _Call) -> Response:
            refuse_cross_site(call.headers)
            request = Request(call.scope, call.receive)
            user = await self._require_user(call, request)
            url, _ = await self._mint(call, request, user, flow, call.target)
            return redirect_response(url)

        target = FLOWS[flow].target
        name = f"/{flow}" if target is None else f"/{flow}/{{{target}}}"
        return _Route(("GET",), redirect, flow=flow, name=name, audited=True)

    async def _token(self, call: _Call) -> Response:
        refuse_cross_site(call.headers)
        # Its answer is a usable URL: a sibling subdomain that the host lets read credentialed
        # CORS responses is same-site, so only this app's own pages may ask.
        require_same_origin(call.scope, call.headers)
        body = await read_json_body(call.receive, call.headers, limit=self._max_body_size)
        request = Request(call.scope, replay(body.raw, call.receive))
        user = await self._require_user(call, request)
        flow, target = self._token_target(body.value)
        call.flow, call.target = flow, target
        url, issued_at = await self._mint(call, request, user, flow, target)
        return json_response({"url": url, "expires_at": issued_at + TOKEN_LIFETIME_SECONDS}, headers=MINT_HEADERS)

    def _token_target(self, value: Any) -> tuple[Flow, str | None]:
        """The flow and target a POST /token body asks for: {"flow": ..., "integration_id"?, "connector"?}."""
        if not isinstance(value, dict):
            raise Refused("bad-request", 'The body must be a JSON object like {"flow": "marketplace"}.')
        flow = value.get("flow")
        spec = FLOWS[flow] if is_flow(flow) else None
        target = value.get(spec.target) if spec is not None and spec.target is not None else None
        try:
            return check_target(self.config, flow, target)
        except TargetRefused as refused:
            self._log_unknown_connector(refused, target)
            raise Refused(*_TOKEN_REFUSALS[refused.reason]) from None

    async def _report_event(self, on_connected: Hook, call: _Call) -> Response:
        refuse_cross_site(call.headers)
        require_same_origin(call.scope, call.headers)
        body = await read_json_body(call.receive, call.headers, limit=MAX_EVENT_BODY_SIZE)
        request = Request(call.scope, replay(body.raw, call.receive))
        user = await self._require_user(call, request)
        event = parse_event(body.value, connectors=self.config.connectors)
        await on_connected(request, user, event)
        call.outcome = "reported"
        return Response(status_code=204, headers=dict(MINT_HEADERS))

    async def _webhook(self, on_webhook: Hook, store: DeliveryStore, call: _Call) -> Response:
        # The secret in the path was checked by the route table. Pandium's server-to-server POST is not
        # a browser's: no cross-site or same-origin rule here; the body's type and size limits hold.
        body = await read_json_body(call.receive, call.headers, limit=MAX_WEBHOOK_BODY_SIZE)
        event = parse_webhook(body.value)
        call.event_type = event.event_type
        request = call.request = Request(call.scope, replay(body.raw, call.receive))

        async def run_hook(event: WebhookEvent) -> None:
            await on_webhook(request, event)

        call.outcome = await deliver(event, run_hook, store=store, now=self._clock)
        if call.outcome == "in-progress":
            raise Refused("delivery-in-progress", headers={"Retry-After": IN_PROGRESS_RETRY_AFTER})
        return json_response({"delivery": call.outcome}, headers=MINT_HEADERS)

    async def _launch(self, launch_secret: bytes, call: _Call) -> Response:
        refuse_cross_site_unless_a_navigation(call.headers)
        launch = read_ticket(call.rest, launch_secret=launch_secret, now=self._clock)
        call.flow = launch.flow
        try:
            flow, target = check_target(self.config, launch.flow, launch.target)
        except TargetRefused as refused:
            # A connector removed from the config since the link was made is simply gone.
            self._log_unknown_connector(refused, launch.target)
            raise Refused("not-found" if refused.reason == "connector" else "link-invalid") from None
        call.target = target
        request = Request(call.scope, call.receive)
        user = await self._launch_user(call, request, launch)
        url, _ = await self._mint(call, request, user, flow, target)
        # Claimed only now, with the redirect ready: a visit by the wrong account, a link scanner
        # without a session, a failing hook or oversized claims do not use the link up. Concurrent
        # visits may each mint, but only the one that wins the claim sees its token.
        if not await self._ticket_store.claim(launch.ticket_id, launch.expires_at):
            raise Refused("link-used")
        return redirect_response(url)

    async def _serve_loader(self, call: _Call) -> Response:
        # Baked with the prefix as the browser sees it: what precedes it in the request's path, i.e. the
        # root path when the app is mounted under one.
        path: str = call.scope["path"]
        body, etag = self._loader(root_path=path[: len(path) - len(self._prefix + "/embed.js")])
        cache_headers = {
            "ETag": etag,
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        }
        if_none_match = call.headers.get("if-none-match", "")
        if etag in {tag.strip() for tag in if_none_match.split(",")}:
            return Response(status_code=304, headers=cache_headers)
        return Response(
            body,
            headers=cache_headers,
            media_type="text/javascript; charset=utf-8",
        )

    # --- what the handlers share ------------------------------------------------------------------

    def _log_unknown_connector(self, refused: TargetRefused, connector: object) -> None:
        # A typo'd connector is the commonest 404: name the configured ones. INFO, not WARNING, since
        # anyone can ask for any path; the name is cut short, and connector names are no secret.
        if refused.reason == "connector" and isinstance(connector, str) and connector:
            configured = ", ".join(sorted(self.config.connectors)) or "none"
            logger.info(UNKNOWN_CONNECTOR, connector[:64], configured)

    async def _launch_user(self, call: _Call, request: Request, launch: LaunchTicket) -> PandiumUser:
        if launch.alone and self._user_for_sub is not None:
            user = await self._user_for_sub(launch.sub)
            if user is None:
                raise Refused("wrong-user", "The account this link was made for no longer exists.")
            if not isinstance(user, PandiumUser):
                raise TypeError(f"user_for_sub returned a {type(user).__name__}; it must return a PandiumUser or None.")
            call.request, call.user = request, user
            return user
        if launch.alone:
            # Fail closed: without user_for_sub there is no way to build the user, so the link needs a session.
            logger.warning(ALONE_WITHOUT_USER_FOR_SUB)
        user = await self._require_user(call, request)
        if user.sub != launch.sub:
            raise Refused("wrong-user")
        return user

    async def _require_user(self, call: _Call, request: Request) -> PandiumUser:
        call.request = request
        user = await self._identify(request)
        if user is None:
            raise Refused("not-signed-in")
        if not isinstance(user, PandiumUser):
            raise TypeError(f"identify returned a {type(user).__name__}; it must return a PandiumUser or None.")
        call.user = user
        return user

    async def _mint(
        self, call: _Call, request: Request, user: PandiumUser, flow: Flow, target: str | None
    ) -> tuple[str, int]:
        """The flow's URL with a fresh token; its audit record waits on ``call`` until the answer is ready."""
        now = self._clock()
        xti = None if flow != "connect" else await self._auth_only_xti(request, user, target)
        jti = self._new_jti()
        try:
            token = mint_token(self.config, user, xti=xti, now=now, jti=jti)
            url = flow_url(self.config, flow, target, token)
        except ValueError as error:
            # The message names the field or the size, never a value: safe to log.
            logger.error("pandium_embed: could not mint a %s token: %s", flow, error)
            raise Refused("server-error") from None
        if self._on_mint is not None:
            call.minted = MintRecord(
                route=call.name or "",
                flow=flow,
                target=target,
                sub=user.sub,
                auditable_id=user.auditable_id,
                jti=jti,
                iat=int(now),
            )
        return url, int(now)

    async def _auth_only_xti(self, request: Request, user: PandiumUser, connector: str | None) -> dict[str, Any]:
        """What an Auth-Only token carries in ``xti``: the connector and a credential for the host's API."""
        # Both are set whenever a connector is configured (checked in __init__ and by check_target).
        if connector is None or self._connector_token is None:
            raise Refused("not-found")
        credential = await self._connector_token(request, user, connector)
        if not isinstance(credential, str) or not credential:
            raise TypeError("connector_token must return a non-empty string (a credential for your API).")
        return {
            "connector_name": connector,
            "integration_name": self.config.connectors[connector],
            "token": credential,
        }


def _middleware_order_hint(scope: Scope, error: Exception) -> dict[str, str] | None:
    """``{"attribute", "middleware"}`` when a hook failed only because a middleware sits inside ours.

    Starlette's ``request.session`` asserts ``"session" in scope`` (a ``KeyError`` under ``python -O``).
    """
    if isinstance(error, AssertionError):
        attribute = next((key for key in _SCOPE_MIDDLEWARE if f"access request.{key}" in str(error)), None)
    elif isinstance(error, KeyError) and error.args and error.args[0] in _SCOPE_MIDDLEWARE:
        attribute = error.args[0]
    else:
        return None
    if attribute is None or attribute in scope:
        return None
    return {"attribute": attribute, "middleware": _SCOPE_MIDDLEWARE[attribute]}
