"""The routes under the prefix, decided once for both front doors: ``PandiumMiddleware`` (ASGI) and
``PandiumWSGIMiddleware`` (WSGI).

``Routes`` holds the validated options, the route table (built once) and the handlers. A handler
reaches the request only through the ``Exchange`` its front door gives it: the method, scheme and
headers, the body, and the hook calls, each made the front door's way. The ASGI door's exchange
really awaits (``receive``; sync hooks in a worker thread). The WSGI door's exchange makes plain
calls that never suspend, so a handler coroutine runs to its end on the server's thread, without an
event loop (``run_without_loop``).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from .audit import MintRecord, RefusalRecord
from .config import TOKEN_LIFETIME_SECONDS
from .flows import FLOWS, Flow, TargetRefused, check_target, flow_url, is_flow
from .guards import (
    allow,
    read_json_body,
    refuse_cross_site,
    refuse_cross_site_unless_a_navigation,
    require_same_origin,
)
from .hooks import Hook
from .launch import LaunchTicket, check_launch_secret, read_ticket
from .loader import PREWARM_FILE, render_loader
from .options import MISSING_CONNECTOR_TOKEN, PandiumOptions, hook_names
from .reports import MAX_EVENT_BODY_SIZE, parse_event
from .responses import (
    MINT_HEADERS,
    NOT_FOUND,
    Answer,
    Headers,
    Refused,
    answer,
    error_response,
    json_response,
    redirect_response,
    wants_html,
)
from .stores import DeliveryStore, MemoryTicketStore, TicketStore
from .telemetry import RouteSpan, Telemetry, default_telemetry
from .tokens import PandiumUser, mint_token
from .webhooks import MAX_WEBHOOK_BODY_SIZE, WebhookEvent, check_webhook_secrets, deliver, parse_webhook, secret_matches

logger = logging.getLogger("pandium_embed")

T = TypeVar("T")

AUDIT_HOOK_FAILED = "PandiumMiddleware: on_mint failed on a %s refusal of %s; the refusal was answered"
# Logged instead of Starlette's "SessionMiddleware must be installed to access request.session", which
# misleads when the middleware *is* installed, only inside this one.
MIDDLEWARE_ORDER = (
    "PandiumMiddleware: {method} {route}: request.{attribute} is missing because {middleware} does not wrap "
    "PandiumMiddleware. {middleware} must be outside PandiumMiddleware: list it before PandiumMiddleware "
    "in middleware=[...], or with add_middleware() add PandiumMiddleware first and {middleware} after it; "
    "answered 500"
)
UNKNOWN_CONNECTOR = (
    "PandiumMiddleware: no connector %r in PandiumConfig.connectors (configured: %s); answered 404. Add it to "
    "connectors (PANDIUM_CONNECTORS=name=Integration Name) or fix the connector the page asks for.%s"
)
UNKNOWN_ROUTE = (
    "PandiumMiddleware: no route %r under %s (its routes: %s); answered 404. Fix the URL the page asks for: "
    "a mistyped view or a link to a route whose option is not set.%s"
)
# Appended to a throttled line when lines like it were left out since the last one.
LEFT_OUT = " (%d more like it in the last %d s were not logged)"
MISCONFIGURED = "%s Until then every route under %s answers 500; the rest of the app is served as usual."
# Starlette's assertion when a hook reads request.session / .user / .auth that no middleware outside ours set.
_MISSING_MIDDLEWARE = re.compile(r"(\w+Middleware) must be installed to access request\.(\w+)")
ALONE_WITHOUT_USER_FOR_SUB = (
    "PandiumMiddleware: a launch link made with alone=True was opened, but the middleware has no "
    "user_for_sub hook; it was treated as a link for the signed-in user only."
)

# Answered while the same delivery runs elsewhere: long enough for most hooks, short of the lease.
IN_PROGRESS_RETRY_AFTER = "30"

# What POST /token answers when its body names a flow or target that check_target refuses.
_TOKEN_REFUSALS = {
    "flow": ("bad-request", 'The "flow" field must be "marketplace", "install" or "connect".'),
    "integration_id": ("bad-request", 'The install flow needs "integration_id": 1-128 letters, digits, "-" or "_".'),
    "connector": ("not-found", 'The connect flow needs "connector": one of the configured connectors.'),
}


NEEDS_AN_EVENT_LOOP = (
    "{what} waited for something only an event loop can deliver, and a WSGI server runs none. Under "
    "PandiumWSGIMiddleware use plain (def) hooks and a ticket store that answers without one "
    "(MemoryTicketStore, or RedisTicketStore given a sync redis.Redis client)."
)


# How often a line that any visitor can cause (an unknown connector or route) may be logged.
LOG_INTERVAL_SECONDS = 60


class LogThrottle:
    """At most one line per ``interval`` seconds for each kind of line: a flood of typos or probes
    costs the log one line a minute, and the next line says how many were left out.

    ``throttle(kind)`` is the number left out since the last line of that kind (log now), or ``None``
    (leave this one out). Thread-safe: the WSGI door calls it from the server's threads."""

    def __init__(self, clock: Callable[[], float], interval: float = LOG_INTERVAL_SECONDS) -> None:
        self._clock = clock
        self._interval = interval
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._left_out: dict[str, int] = {}

    def __call__(self, kind: str) -> int | None:
        now = self._clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self._interval:
                self._left_out[kind] = self._left_out.get(kind, 0) + 1
                return None
            self._last[kind] = now
            return self._left_out.pop(kind, 0)


def _left_out(count: int) -> str:
    return LEFT_OUT % (count, LOG_INTERVAL_SECONDS) if count else ""


class Exchange(Protocol):
    """One request under the prefix, as a front door hands it to ``Routes``."""

    @property
    def method(self) -> str: ...
    @property
    def scheme(self) -> str: ...
    @property
    def headers(self) -> Headers: ...
    @property
    def root_path(self) -> str:
        """What precedes the prefix in the request's path: the mount point (``""`` at the root)."""
        ...

    async def body(self, limit: int) -> bytes:
        """The whole body; raises ``guards.too_large(limit)`` once it is over ``limit`` bytes."""
        ...

    async def call(self, hook: Hook, *args: Any) -> Any:
        """``hook(request, *args)``, ``request`` being the front door's own request object."""
        ...

    async def call_alone(self, hook: Hook, *args: Any) -> Any:
        """``hook(*args)``: the hooks that take no request (``user_for_sub``, the store's ``claim``)."""
        ...


def _hook(func: Callable[..., Any] | None) -> Hook | None:
    return None if func is None else Hook(func)


def run_without_loop(awaitable: Awaitable[T], what: str) -> T:
    """Run ``awaitable`` to its end on this thread, for a caller with no event loop (a WSGI server).

    Right only for an awaitable that never suspends, which is what the WSGI door's exchange makes of
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


class _Call:
    """One request to a route: its front door's exchange, its headers, the rest of the path after the route's
    entry (a prefixed route's argument), the route's ``name`` and ``flow``, and for a mint route its
    checked target.

    The rest is what the request turned out to be, noted by the handlers as they learn it, for the
    audit record, the span and the counts that ``_handle`` makes of it. A plain class with slots: one
    is made per request, and a dataclass with this many defaults costs twice as much to build."""

    __slots__ = (
        "audit_failed",
        "claim",
        "event_type",
        "exchange",
        "flow",
        "headers",
        "minted",
        "name",
        "outcome",
        "rest",
        "span",
        "target",
        "telemetry",
        "user",
    )

    def __init__(self, exchange: Exchange, headers: Headers, rest: str, name: str | None, flow: Flow | None) -> None:
        self.exchange = exchange
        self.headers = headers
        self.rest = rest
        self.name = name
        self.flow = flow
        self.target: str | None = None
        self.user: PandiumUser | None = None
        # The audit record of the token about to be answered (only when there is an on_mint to get it).
        self.minted: MintRecord | None = None
        self.outcome: str | None = None
        self.event_type: str | None = None
        # Only while something records: otherwise the request does no telemetry work at all.
        self.telemetry: Telemetry | None = None
        self.span: RouteSpan | None = None
        # on_mint failed on this request's mint record: no second record for its failure.
        self.audit_failed = False
        # A launch link's ticket (id, expiry): claimed only once everything else has succeeded.
        self.claim: tuple[str, float] | None = None


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
    handler: Callable[[_Call], Awaitable[Answer]] = field(repr=False)
    json_only: bool = False
    flow: Flow | None = None
    redact_as: str | None = None
    credential: Callable[[str], bool] | None = field(default=None, repr=False)
    name: str | None = None
    audited: bool = False


class Routes:
    """What a front door answers under its prefix, for one ``PandiumOptions`` that the door has checked."""

    def __init__(self, options: PandiumOptions[Any], door: str) -> None:
        config = options.config
        # A setting that comes from the environment (PANDIUM_CONNECTORS) without the code it needs: not
        # an exception, which under Starlette's lazily built middleware stack would only surface as a 500
        # on every route of the app (and as "lifespan unsupported" at start-up). Said at construction,
        # which Starlette does at start-up, at ERROR, which uvicorn's and gunicorn's defaults print; the
        # routes under the prefix fail closed until it is fixed.
        self._misconfigured = (
            MISSING_CONNECTOR_TOKEN.format(door=door) if config.connectors and options.connector_token is None else None
        )
        if self._misconfigured is not None:
            logger.error(MISCONFIGURED, self._misconfigured, config.prefix)
        launch_secret = None if options.launch_secret is None else check_launch_secret(options.launch_secret, config)
        webhook_secrets = (
            None
            if options.webhook_secret is None
            else check_webhook_secrets(options.webhook_secret, config, launch_secret=launch_secret)
        )
        self.options = options
        self.config = config
        self._identify = Hook(options.identify)
        self._connector_token = _hook(options.connector_token)
        self._user_for_sub = _hook(options.user_for_sub)
        self._on_mint = _hook(options.on_mint)
        self.ticket_store: TicketStore = (
            options.ticket_store if options.ticket_store is not None else MemoryTicketStore(clock=options.clock)
        )
        # Called through the exchange like a hook, so the WSGI door can run it without a loop.
        self._claim = Hook(self.ticket_store.claim)
        is_claimed = getattr(self.ticket_store, "is_claimed", None)
        self._is_claimed_hook = Hook(is_claimed) if callable(is_claimed) else None
        telemetry = options.telemetry
        self._telemetry = default_telemetry() if telemetry is True else (telemetry or None)
        self._max_body_size = options.max_body_size
        self._clock = options.clock
        self._throttle = LogThrottle(options.clock)
        self._new_jti = options.new_jti
        # The loader as served under each root path (the prefix it bakes in includes it). An app has one
        # or a few mounts; the cache bounds what a server that sets many could cost.
        self._loader = functools.lru_cache(maxsize=16)(functools.partial(render_loader, config))
        self._loader(root_path="")  # a build without its placeholder fails here, at start-up
        self._prewarm_script = functools.lru_cache(maxsize=16)(
            functools.partial(render_loader, config, development=False, name=PREWARM_FILE)
        )
        self._prewarm_script(root_path="")

        # The route table, built once: paths below the prefix. Adding a route is one entry here and
        # one handler below.
        self._exact: dict[str, _Route] = {
            "/embed.js": _Route(("GET", "HEAD"), functools.partial(self._serve_script, self._loader)),
            "/prewarm.js": _Route(("GET", "HEAD"), functools.partial(self._serve_script, self._prewarm_script)),
            "/marketplace": self._mint_route("marketplace"),
            "/token": _Route(("POST",), self._token, json_only=True, name="/token", audited=True),
        }
        # Matched in order by how the path starts; the rest of the path is the handler's argument.
        self._prefixed: list[tuple[str, _Route]] = [
            ("/install/", self._mint_route("install")),
            ("/connect/", self._mint_route("connect")),
        ]
        # Optional features: without their setting the route does not exist (a plain 404).
        if options.on_connected is not None:
            report = functools.partial(self._report_event, Hook(options.on_connected))
            self._exact["/events"] = _Route(("POST",), report, json_only=True, name="/events")
        if launch_secret is not None:
            launch = functools.partial(self._launch, launch_secret)
            launch_route = _Route(("GET",), launch, redact_as="<ticket>", name="/launch/{ticket}", audited=True)
            self._prefixed.append(("/launch/", launch_route))
        if options.on_webhook is not None and webhook_secrets is not None:
            # A DeliveryStore: checked by PandiumOptions.check for a given store, and true of the default one.
            deliveries = cast(DeliveryStore, self.ticket_store)
            receive_webhook = functools.partial(self._webhook, Hook(options.on_webhook), deliveries)
            webhook_route = _Route(
                ("POST",),
                receive_webhook,
                json_only=True,
                redact_as="<secret>",
                credential=functools.partial(secret_matches, digests=webhook_secrets),
                name="/webhooks/{secret}",
            )
            self._prefixed.append(("/webhooks/", webhook_route))

    def hooks(self) -> dict[str, Hook]:
        """The host app's hooks that are set, by option name."""
        hooks = {name: getattr(self.options, name) for name in hook_names()}
        return {name: Hook(hook) for name, hook in hooks.items() if hook is not None}

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

    async def answer(self, exchange: Exchange, path: str) -> Answer:
        """The answer to a request for ``path``, the path below the prefix."""
        headers = exchange.headers
        matched = self._match(path)
        as_html = wants_html(headers) and not (matched is not None and matched[0].json_only)
        if self._misconfigured is not None:
            left_out = self._throttle("misconfigured")
            if left_out is not None:
                logger.error(MISCONFIGURED + "%s", self._misconfigured, self.config.prefix, _left_out(left_out))
            return error_response("server-error", as_html=as_html)
        if matched is None:
            self._log_unknown_route(path)
            return error_response("not-found", as_html=as_html, detail=NOT_FOUND["route"])
        route, rest = matched
        call = _Call(exchange, headers, rest, route.name, route.flow)
        if route.name is not None and self._telemetry is not None and self._telemetry.active():
            call.telemetry = self._telemetry
            call.span = self._telemetry.span(exchange.method, route.name)
            if call.span is not None:
                call.span.__enter__()
        try:
            if route.flow is not None:
                call.target = self._path_target(route.flow, rest)
            allow(exchange.method, route.methods)
            response = await route.handler(call)
            if route.audited:
                # The answer carries a fresh token: audit it before it leaves (if the audit cannot be
                # written, the token is never sent), claim its launch link last, then count it.
                if self._on_mint is not None:
                    try:
                        await exchange.call(self._on_mint, call.user, call.minted)
                    except Exception:
                        call.audit_failed = True
                        raise
                if call.claim is not None and not await exchange.call_alone(self._claim, *call.claim):
                    # A simultaneous use won the link: this token was audited but never leaves.
                    raise Refused("link-used")
                call.outcome = "minted"
                if call.telemetry is not None and call.flow is not None:
                    call.telemetry.minted(call.flow)
        except Refused as refused:
            response = error_response(
                refused.reason, as_html=as_html, detail=refused.detail, extra_headers=refused.headers
            )
            await self._refused(route, call, refused.reason, response.status)
        except Exception as error:
            # A hook (or our own code) failed: say so in the log, never in the body. A credential in
            # the path (a launch ticket, a webhook secret) is logged by its name only.
            logged = path if route.redact_as is None else path[: len(path) - len(rest)] + route.redact_as
            missing = _MISSING_MIDDLEWARE.fullmatch(str(error)) if isinstance(error, AssertionError) else None
            if missing is not None:
                # The one line that names the fix, instead of a traceback that misleads.
                logger.error(
                    MIDDLEWARE_ORDER.format(
                        method=exchange.method, route=logged, middleware=missing[1], attribute=missing[2]
                    )
                )
            else:
                logger.exception("PandiumMiddleware: %s %s failed; answered 500", exchange.method, logged)
            response = error_response("server-error", as_html=as_html)
            await self._refused(route, call, "server-error", response.status)
        if call.span is not None:
            call.span.set(flow=call.flow, outcome=call.outcome, event_type=call.event_type, status=response.status)
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
        if self._on_mint is None or not route.audited or call.audit_failed:
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
            await call.exchange.call(self._on_mint, user, record)
        except Exception:
            # The refusal is answered anyway; the failure is the operator's to see.
            logger.exception(AUDIT_HOOK_FAILED, reason, route.name)

    def _path_target(self, flow: Flow, rest: str) -> str | None:
        # One plain segment or a configured connector: no path tricks reach the redirect.
        try:
            return check_target(self.config, flow, rest if FLOWS[flow].target else None)[1]
        except TargetRefused as refused:
            self._log_unknown_connector(refused, rest)
            raise Refused("not-found", NOT_FOUND.get(refused.reason)) from None

    def _log_unknown_connector(self, refused: TargetRefused, connector: object) -> None:
        # A typo'd connector is the commonest 404: name the configured ones, at WARNING so that the
        # servers' default logging shows it. Anyone can ask for any path, so the line is throttled and
        # the name cut short; connector names are no secret.
        if refused.reason == "connector" and isinstance(connector, str) and connector:
            left_out = self._throttle("unknown-connector")
            if left_out is not None:
                configured = ", ".join(sorted(self.config.connectors)) or "none"
                logger.warning(UNKNOWN_CONNECTOR, connector[:64], configured, _left_out(left_out))

    def _log_unknown_route(self, path: str) -> None:
        # Only the first segment: the rest of a path can be a credential (a launch ticket when launch
        # links are off). A credential route refusing its credential is a plain 404 with no line: no
        # oracle, and nothing for the log to keep.
        first = path.split("/")[1] if path.startswith("/") else path
        if any(start == f"/{first}/" for start, _ in self._prefixed):
            return
        left_out = self._throttle("unknown-route")
        if left_out is not None:
            routes = ", ".join([*(name[1:] for name in self._exact), *(self._prefixed_names())])
            logger.warning(UNKNOWN_ROUTE, first[:64], self.config.prefix, routes, _left_out(left_out))

    def _prefixed_names(self) -> list[str]:
        return [(route.name or start)[1:] for start, route in self._prefixed]

    # --- the handlers ---------------------------------------------------------------------------

    def _mint_route(self, flow: Flow) -> _Route:
        """``GET``: mint a token for the signed-in user and redirect to ``flow``'s page."""

        async def redirect(call: _Call) -> Answer:
            refuse_cross_site(call.headers)
            user = await self._require_user(call)
            url, _ = await self._mint(call, user, flow, call.target)
            return redirect_response(url)

        target = FLOWS[flow].target
        name = f"/{flow}" if target is None else f"/{flow}/{{{target}}}"
        return _Route(("GET",), redirect, flow=flow, name=name, audited=True)

    async def _token(self, call: _Call) -> Answer:
        refuse_cross_site(call.headers)
        # Its answer is a usable URL: a sibling subdomain that the host lets read credentialed
        # CORS responses is same-site, so only this app's own pages may ask.
        require_same_origin(call.exchange.scheme, call.headers)
        body = await read_json_body(call.exchange.body, call.headers, limit=self._max_body_size)
        user = await self._require_user(call)
        flow, target = self._token_target(body)
        call.flow, call.target = flow, target
        url, issued_at = await self._mint(call, user, flow, target)
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

    async def _report_event(self, on_connected: Hook, call: _Call) -> Answer:
        refuse_cross_site(call.headers)
        require_same_origin(call.exchange.scheme, call.headers)
        body = await read_json_body(call.exchange.body, call.headers, limit=MAX_EVENT_BODY_SIZE)
        user = await self._require_user(call)
        event = parse_event(body, connectors=self.config.connectors)
        await call.exchange.call(on_connected, user, event)
        call.outcome = "reported"
        return answer(204, MINT_HEADERS)

    async def _webhook(self, on_webhook: Hook, store: DeliveryStore, call: _Call) -> Answer:
        # The secret in the path was checked by the route table. Pandium's server-to-server POST is not
        # a browser's: no cross-site or same-origin rule here; the body's type and size limits hold.
        body = await read_json_body(call.exchange.body, call.headers, limit=MAX_WEBHOOK_BODY_SIZE)
        event = parse_webhook(body)
        call.event_type = event.event_type

        async def run_hook(event: WebhookEvent) -> None:
            await call.exchange.call(on_webhook, event)

        call.outcome = await deliver(event, run_hook, store=store, now=self._clock)
        if call.outcome == "in-progress":
            raise Refused("delivery-in-progress", headers={"Retry-After": IN_PROGRESS_RETRY_AFTER})
        return json_response({"delivery": call.outcome}, headers=MINT_HEADERS)

    async def _launch(self, launch_secret: bytes, call: _Call) -> Answer:
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
        user = await self._launch_user(call, launch)
        if await self._is_claimed(call, launch.ticket_id):
            raise Refused("link-used")
        url, _ = await self._mint(call, user, flow, target)
        # Claimed by answer() once the redirect is ready and audited, the last thing that can fail: a
        # visit by the wrong account, a link scanner without a session, a failing hook (on_mint
        # included) or oversized claims do not use the link up. Concurrent visits may each mint, but
        # only the one that wins the claim sees its token.
        call.claim = (launch.ticket_id, launch.expires_at)
        return redirect_response(url)

    async def _is_claimed(self, call: _Call, ticket_id: str) -> bool:
        """Whether the link is known to be used already, so that reopening it mints nothing (and audits no
        token). A store without ``is_claimed`` is asked only by the claim itself."""
        if self._is_claimed_hook is None:
            return False
        return bool(await call.exchange.call_alone(self._is_claimed_hook, ticket_id))

    async def _serve_script(self, render: Callable[..., tuple[bytes, str]], call: _Call) -> Answer:
        # Baked with the prefix as the browser sees it: under the mount point the app is served at.
        body, etag = render(root_path=call.exchange.root_path)
        cache_headers = {
            "ETag": etag,
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        }
        if_none_match = call.headers.get("if-none-match", "")
        if etag in {tag.strip() for tag in if_none_match.split(",")}:
            return answer(304, cache_headers)
        return answer(200, cache_headers, body, "text/javascript; charset=utf-8")

    # --- what the handlers share ------------------------------------------------------------------

    async def _launch_user(self, call: _Call, launch: LaunchTicket) -> PandiumUser:
        if launch.alone and self._user_for_sub is not None:
            user = await call.exchange.call_alone(self._user_for_sub, launch.sub)
            if user is None:
                raise Refused("wrong-user", "The account this link was made for no longer exists.")
            if not isinstance(user, PandiumUser):
                raise TypeError(f"user_for_sub returned a {type(user).__name__}; it must return a PandiumUser or None.")
            call.user = user
            return user
        if launch.alone:
            # Fail closed: without user_for_sub there is no way to build the user, so the link needs a session.
            logger.warning(ALONE_WITHOUT_USER_FOR_SUB)
        user = await self._require_user(call)
        if user.sub != launch.sub:
            raise Refused("wrong-user")
        return user

    async def _require_user(self, call: _Call) -> PandiumUser:
        user = await call.exchange.call(self._identify)
        if user is None:
            raise Refused("not-signed-in")
        if not isinstance(user, PandiumUser):
            raise TypeError(f"identify returned a {type(user).__name__}; it must return a PandiumUser or None.")
        call.user = user
        return user

    async def _mint(self, call: _Call, user: PandiumUser, flow: Flow, target: str | None) -> tuple[str, int]:
        """The flow's URL with a fresh token; its audit record waits on ``call`` until the answer is ready."""
        now = self._clock()
        xti = None if flow != "connect" else await self._auth_only_xti(call.exchange, user, target)
        jti = self._new_jti()
        try:
            token = mint_token(self.config, user, xti=xti, now=now, jti=jti)
            url = flow_url(self.config, flow, target, token)
        except ValueError as error:
            # The message names the field or the size, never a value: safe to log.
            logger.error("PandiumMiddleware: could not mint a %s token: %s", flow, error)
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

    async def _auth_only_xti(self, exchange: Exchange, user: PandiumUser, connector: str | None) -> dict[str, Any]:
        """What an Auth-Only token carries in ``xti``: the connector and a credential for the host's API."""
        # Both are set whenever a connector is configured (checked in __init__ and by check_target).
        if connector is None or self._connector_token is None:
            raise Refused("not-found")
        credential = await exchange.call(self._connector_token, user, connector)
        if not isinstance(credential, str) or not credential:
            raise TypeError("connector_token must return a non-empty string (a credential for your API).")
        return {
            "connector_name": connector,
            "integration_name": self.config.connectors[connector],
            "token": credential,
        }
