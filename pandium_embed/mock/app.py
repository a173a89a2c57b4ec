"""``MockPandium``: an ASGI app that behaves like Pandium's hosted pages, for development and tests.

It serves the same paths as the real hosts, so a ``PandiumConfig`` whose three base URLs point at it
works unchanged. Reserved paths live under ``/__mock__/`` (an org may not be called that).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import hmac
import itertools
import json
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from importlib import resources
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from ..net import origin_of
from ..validate import is_segment, secret_bytes
from . import pages
from .catalog import DEFAULT_CONNECTORS, DEFAULT_INTEGRATIONS, Connector, Integration
from .notifications import Notification, Notifier
from .payloads import cancelled_tenant, success_message, tenant_payload
from .records import AcceptedToken, Records, RejectedToken
from .scenarios import Scenario, ScenarioError, Scenarios, current_scenario, parse_scenario
from .verify import DEFAULT_REPLAY_MEMORY, DEFAULT_SKEW, REASONS, JtiMemory, TokenRejected, verify_token

__all__ = ["PAGE_REASONS", "RESERVED_PREFIX", "MockPandium"]

logger = logging.getLogger("pandium_embed.mock")

RESERVED_PREFIX = "/__mock__"

MISSING_SECRET = "MockPandium needs secret: the same shared secret your app signs tokens with (PANDIUM_SHARED_SECRET)."
BAD_ORG = "MockPandium org must be 1-128 letters, digits, '-' or '_', and not '__mock__' (got {org!r})."
BAD_PARENT_ORIGIN = (
    "MockPandium parent origins are the origins of the app that frames the pages, like "
    "http://127.0.0.1:8000 (http(s)://host[:port], no path, never '*' or 'null'); got {origin!r}."
)
BAD_INTEGRATION = (
    "MockPandium integrations must be Integration objects with unique ids of 1-128 letters, digits, "
    "'-' or '_' and a name (problem with {item!r})."
)
BAD_CONNECTOR = (
    "MockPandium connectors must be Connector objects with unique names of 1-128 letters, digits, "
    "'-' or '_' and a system name (problem with {item!r})."
)
BAD_SKEW = "MockPandium skew must be a non-negative number of seconds (got {skew!r})."
BAD_API_KEY = "MockPandium api_key must be a non-empty string or None (None: the API refuses every key)."
BAD_ACCOUNT_ID = "MockPandium account_id must be a positive integer (the account_id of its notifications)."
BAD_NOTIFY_BODY = 'The body must be a JSON object with "event_type" (1-64 letters, digits, "_", ".", ":", "-").'
BAD_TENANT_UPDATE = 'The body must be a JSON object; "archived" and "paused", if given, must be true or false.'
# The API remembers the newest tenants its pages offered, like the records: bounded for a long-running CLI.
TENANT_MEMORY = 1000

# Refusals that are about the page rather than the token; same shape as verify.REASONS.
PAGE_REASONS: Mapping[str, str] = MappingProxyType(
    {
        **REASONS,
        "unknown-org": "There is no such organisation here: the URL's org must be the mock's org.",
        "unknown-integration": "There is no integration with this id here.",
        "unknown-connector": "There is no such connector here.",
        "missing-auth-info": (
            "An Auth-Only token needs ti.xti with connector_name, integration_name and token "
            "(a credential for your own API)."
        ),
        "wrong-connector": "The token's xti.connector_name is not this page's connector.",
        "duplicate-token": "The URL carries more than one ?tenant= token.",
        "bad-state": "The consent window was opened without a valid state.",
    }
)
_STATUS = {"unknown-org": 404, "unknown-integration": 404, "unknown-connector": 404, "bad-state": 400}
_STATE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# A scenario body is a handful of fields and perhaps a tenant object.
MAX_SCENARIO_BODY = 64 * 1024
SCENARIO_NEEDS_JSON = "Send the scenario as a JSON object with Content-Type: application/json."
SCENARIO_TOO_LARGE = f"A scenario body is at most {MAX_SCENARIO_BODY} bytes."
SCENARIO_UNAVAILABLE = "Pandium answered {status}: the test set a scenario that makes the stand-in fail."
Endpoint = Callable[[Request], Awaitable[Response]]
_STATIC_TYPES = {"mock.css": "text/css; charset=utf-8", "mock.js": "text/javascript; charset=utf-8"}


@functools.cache
def _static(name: str) -> bytes:
    return (resources.files("pandium_embed.mock") / "static" / name).read_bytes()


def _parent_origin(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(BAD_PARENT_ORIGIN.format(origin=value))
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError(BAD_PARENT_ORIGIN.format(origin=value)) from None
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username is not None
        or parts.password is not None
    ):
        raise ValueError(BAD_PARENT_ORIGIN.format(origin=value))
    return origin_of(value)


class _Refused(Exception):
    """Ends a page request with ``PAGE_REASONS[reason]``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MockPandium:
    """A faithful local stand-in for Pandium's hosted pages.

    ``MockPandium(org="acme", secret=..., parent_origins=["http://127.0.0.1:8000"])`` serves
    ``/<org>`` (marketplace), ``/<org>/tenants/create/<integration_id>`` (install-only) and
    ``/<org>/<connector>/auth`` (Auth-Only), each taking ``?tenant=<jwt>`` and verifying it as
    Pandium does. ``clock`` returns epoch seconds; ``skew`` is how far in the future ``iat`` may be.

    It also serves Pandium's REST API ``GET /v2/tenants/<id>`` for the tenants its pages offered (the
    ones a page posts in ``pandium-success`` / ``pandium-save-sync``), and ``PATCH /v2/tenants/<id>``
    (``{"archived": true}`` archives one), checked against ``api_key`` in the ``X-API-KEY`` header
    (401 otherwise; with ``api_key=None`` every request is 401). Each tenant carries the minting
    token's ``sub``, ASCII letters lower-cased, as ``connected_users.pandium.username``, which is what
    ``verify_tenant`` checks ownership against.

    With ``notifications_url`` it sends Pandium's notifications there (``pandium_embed.mock.notifications``):
    ``tenant_created`` when one of its pages creates a tenant (Save on the marketplace or install page,
    a completed Auth-Only connection), ``tenant_archived`` when a tenant is archived through the API,
    and any event on demand (``await notify("run_failed", tenant_id=...)``, or
    ``POST /__mock__/notifications``). ``account_id`` is the one its notifications carry.
    """

    def __init__(
        self,
        *,
        org: str,
        secret: str | bytes,
        parent_origins: Iterable[str] = (),
        integrations: Iterable[Integration] = DEFAULT_INTEGRATIONS,
        connectors: Iterable[Connector] = DEFAULT_CONNECTORS,
        clock: Callable[[], float] = time.time,
        skew: float = DEFAULT_SKEW,
        replay_memory: int = DEFAULT_REPLAY_MEMORY,
        api_key: str | None = None,
        notifications_url: str | None = None,
        account_id: int = 1,
    ) -> None:
        if not is_segment(org) or org == RESERVED_PREFIX[1:]:
            raise ValueError(BAD_ORG.format(org=org))
        if not secret or not isinstance(secret, (str, bytes)):
            raise ValueError(MISSING_SECRET)
        if isinstance(skew, bool) or not isinstance(skew, (int, float)) or not skew >= 0:
            raise ValueError(BAD_SKEW.format(skew=skew))
        if api_key is not None and (not isinstance(api_key, str) or not api_key):
            raise ValueError(BAD_API_KEY)
        if isinstance(account_id, bool) or not isinstance(account_id, int) or account_id <= 0:
            raise ValueError(BAD_ACCOUNT_ID)
        self._api_key = api_key.encode("utf-8") if api_key is not None else None
        self._tenants: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # Offered tenants become created when their page says so: tenant_created is sent once.
        self._created: set[str] = set()
        self._tenants_lock = threading.Lock()
        self._notifier = Notifier(url=notifications_url, org=org, account_id=account_id, clock=clock)
        self.org = org
        self._secret = secret_bytes(secret)
        self._parent_origins: tuple[str, ...] = ()
        for origin in parent_origins:
            self.add_parent_origin(origin)
        self.integrations: tuple[Integration, ...] = tuple(integrations)
        self.connectors: tuple[Connector, ...] = tuple(connectors)
        self._integrations = self._index(self.integrations, Integration, "id", BAD_INTEGRATION, "name")
        self._connectors = self._index(self.connectors, Connector, "name", BAD_CONNECTOR, "system")
        self._clock = clock
        self._skew = float(skew)
        self._jtis = JtiMemory(max_entries=replay_memory)
        self._records = Records()
        self._tenant_ids = itertools.count(1)
        self._run_ids = itertools.count(1)
        self._scenarios = Scenarios()
        self._router = Router(
            routes=[
                Route(f"{RESERVED_PREFIX}/records", self._records_endpoint, methods=["GET", "DELETE"]),
                Route(f"{RESERVED_PREFIX}/scenario", self._scenario_endpoint, methods=["GET", "POST", "DELETE"]),
                Route(f"{RESERVED_PREFIX}/static/{{name}}", self._static_endpoint, methods=["GET"]),
                Route(f"{RESERVED_PREFIX}/consent/{{connector}}", self._consent, methods=["GET"]),
                Route(f"{RESERVED_PREFIX}/tenants/{{tenant_id}}/created", self._tenant_created, methods=["POST"]),
                Route(f"{RESERVED_PREFIX}/notifications", self._notify_endpoint, methods=["POST"]),
                # Browsers ask for it on every top-level page (the consent popup); it is not an org.
                Route("/favicon.ico", self._no_content, methods=["GET"]),
                Route("/v2/tenants/{tenant_id}", self._api(self._api_tenant), methods=["GET", "PATCH"]),
                Route("/{org}", self._page("marketplace", self._marketplace), methods=["GET"]),
                Route("/{org}/tenants/create/{integration_id}", self._page("install", self._install), methods=["GET"]),
                Route("/{org}/{connector}/auth", self._page("connect", self._auth), methods=["GET"]),
            ],
            redirect_slashes=False,
        )

    @staticmethod
    def _index(items: tuple[Any, ...], kind: type, key: str, message: str, label: str) -> dict[str, Any]:
        index: dict[str, Any] = {}
        for item in items:
            if not isinstance(item, kind):
                raise ValueError(message.format(item=item))
            name = getattr(item, key)
            if not is_segment(name) or name in index:
                raise ValueError(message.format(item=item))
            if not isinstance(getattr(item, label), str) or not getattr(item, label):
                raise ValueError(message.format(item=item))
            index[name] = item
        return index

    def __repr__(self) -> str:
        # Never the secret.
        return (
            f"MockPandium(org={self.org!r}, parent_origins={self._parent_origins!r}, "
            f"integrations={len(self.integrations)}, connectors={len(self.connectors)})"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._router(scope, receive, send)

    # -- configuration after start ---------------------------------------------------------------

    @property
    def parent_origins(self) -> tuple[str, ...]:
        """The origins allowed to frame the pages and to receive their messages."""
        return self._parent_origins

    def add_parent_origin(self, origin: str) -> str:
        """Allow ``origin`` (e.g. a host server started after the mock) to frame the pages.

        Returns the normalised origin. Safe to call while the server runs in another thread.
        """
        normalised = _parent_origin(origin)
        if normalised not in self._parent_origins:
            # One tuple assignment: a request in another thread sees the old or the new tuple.
            self._parent_origins = (*self._parent_origins, normalised)
        return normalised

    @property
    def connector_integrations(self) -> dict[str, str]:
        """``{connector name: integration name}``, ready for ``PandiumConfig(connectors=...)``."""
        return {
            connector.name: (
                self._integrations[connector.integration_id].name
                if connector.integration_id in self._integrations
                else connector.system
            )
            for connector in self.connectors
        }

    # -- introspection -----------------------------------------------------------------------------

    @property
    def accepted(self) -> list[AcceptedToken]:
        """Each accepted token, oldest first."""
        return self._records.accepted

    @property
    def rejected(self) -> list[RejectedToken]:
        """Each refused page with its reason, oldest first."""
        return self._records.rejected

    @property
    def notifications(self) -> list[Notification]:
        """Each notification sent (delivered or not), oldest first."""
        return self._notifier.sent

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The same JSON as ``GET /__mock__/records``."""
        return {**self._records.as_json(), "notifications": [item.as_json() for item in self._notifier.sent]}

    def clear_records(self) -> None:
        self._records.clear()
        self._notifier.clear()

    # -- notifications ---------------------------------------------------------------------------------

    @property
    def notifications_url(self) -> str | None:
        return self._notifier.url

    @notifications_url.setter
    def notifications_url(self, url: str | None) -> None:
        """Point the notifications at a receiver started after the mock (``None`` turns them off)."""
        self._notifier.url = url

    async def notify(self, event_type: str, **fields: Any) -> Notification | None:
        """Send a notification now: the common fields, then ``fields`` (a known ``tenant_id`` adds the
        tenant's name and integration). ``None`` without a notifications URL."""
        tenant_id = fields.get("tenant_id")
        if tenant_id is not None:
            with self._tenants_lock:
                tenant = self._tenants.get(str(tenant_id))
            if tenant is not None:
                fields = {**_tenant_fields(tenant), **fields}
        return await self._notifier.send(self._notifier.payload(event_type, fields))

    async def run_failed(self, tenant_id: int | str, *, message: str = "The run failed.") -> Notification | None:
        """Send ``run_failed`` for ``tenant_id``, as Pandium does when an integration run fails."""
        return await self.notify("run_failed", tenant_id=tenant_id, run_id=next(self._run_ids), message=message)

    async def redeliver(self, notification: Notification) -> Notification | None:
        """Send ``notification``'s payload again, unchanged: what a sender's retry looks like."""
        return await self._notifier.send(notification.payload)

    # -- scenarios -----------------------------------------------------------------------------------

    def scenario(
        self,
        *,
        reject: str | None = None,
        status: int | None = None,
        delay: float = 0.0,
        silent: bool = False,
        tenant: Mapping[str, Any] | None = None,
        deny_consent: bool = False,
        times: int | None = None,
    ) -> Scenario:
        """Misbehave on purpose from now on (see ``pandium_embed.mock.scenarios.Scenario``); replaces
        the active scenario. Raises ``ScenarioError`` (a ``ValueError``) naming a wrong field."""
        return self._set_scenario(
            {
                "reject": reject,
                "status": status,
                "delay": delay,
                "silent": silent,
                "tenant": dict(tenant or {}),
                "deny_consent": deny_consent,
                "times": times,
            }
        )

    def _set_scenario(self, fields: Any) -> Scenario:
        scenario = parse_scenario(fields, reasons=PAGE_REASONS)
        self._scenarios.set(scenario)
        return scenario

    def reset_scenario(self) -> None:
        """Behave again."""
        self._scenarios.reset()

    @property
    def active_scenario(self) -> Scenario | None:
        return self._scenarios.active

    def _page(self, flow: str, endpoint: Endpoint) -> Endpoint:
        """A page endpoint run under the scenario of its page load."""

        async def page(request: Request) -> Response:
            scenario = self._scenarios.take()
            token = current_scenario.set(scenario)
            try:
                if scenario is not None:
                    if scenario.delay:
                        await asyncio.sleep(scenario.delay)
                    if scenario.status is not None:
                        return self._unavailable(scenario.status)
                    if scenario.reject is not None:
                        return self._refuse(request, flow, scenario.reject)
                return await endpoint(request)
            finally:
                current_scenario.reset(token)

        return page

    def _api(self, endpoint: Endpoint) -> Endpoint:
        """The REST API follows the active scenario's delay and status (it counts no page load)."""

        async def api(request: Request) -> Response:
            scenario = self._scenarios.active
            if scenario is not None and scenario.delay:
                await asyncio.sleep(scenario.delay)
            if scenario is not None and scenario.status is not None:
                message = SCENARIO_UNAVAILABLE.format(status=scenario.status)
                return JSONResponse(
                    {"detail": message}, status_code=scenario.status, headers={"Cache-Control": "no-store"}
                )
            token = current_scenario.set(scenario)
            try:
                return await endpoint(request)
            finally:
                current_scenario.reset(token)

        return api

    def _unavailable(self, status: int) -> Response:
        message = SCENARIO_UNAVAILABLE.format(status=status)
        body = pages.error_page(code="server-error", message=message, data=self._data("error", reason="server-error"))
        return self._html(body, status=status)

    # -- pages ---------------------------------------------------------------------------------------

    def _headers(self, *, framed: bool = True) -> dict[str, str]:
        ancestors = " ".join(self._parent_origins) if framed and self._parent_origins else "'none'"
        return {
            # No inline script or style anywhere: the page's one script and stylesheet come from 'self'.
            "Content-Security-Policy": (
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
            ),
            # The URL carries the token: keep it out of caches and Referer headers.
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        }

    def _html(self, body: str, *, status: int = 200, framed: bool = True) -> Response:
        return Response(body, status_code=status, headers=self._headers(framed=framed), media_type="text/html")

    def _data(self, page: str, **values: Any) -> dict[str, Any]:
        data = {"page": page, "parentOrigins": list(self._parent_origins), **values}
        # The page script's switches for the scenario this page was opened under (mock.js).
        scenario = current_scenario.get()
        if scenario is not None and scenario.silent:
            data["silent"] = True
        if scenario is not None and scenario.deny_consent:
            data["denyConsent"] = True
        return data

    def _refuse(self, request: Request, flow: str, code: str) -> Response:
        message = PAGE_REASONS[code]
        self._records.reject(
            RejectedToken(flow=flow, path=request.url.path, reason=code, message=message, at=self._clock())
        )
        logger.info("MockPandium refused the %s page: %s", flow, code)
        body = pages.error_page(code=code, message=message, data=self._data("error", reason=code))
        return self._html(body, status=_STATUS.get(code, 401))

    def _verify(self, request: Request, flow: str) -> dict[str, Any]:
        if request.path_params["org"] != self.org:
            raise _Refused("unknown-org")
        tokens = request.query_params.getlist("tenant")
        if len(tokens) > 1:
            raise _Refused("duplicate-token")
        now = self._clock()
        try:
            claims = verify_token(
                tokens[0] if tokens else None, secret=self._secret, now=now, jtis=self._jtis, skew=self._skew
            )
        except TokenRejected as rejected:
            raise _Refused(rejected.reason) from None
        self._records.accept(AcceptedToken(flow=flow, path=request.url.path, claims=claims, at=now))
        logger.info("MockPandium accepted a %s token for sub %r", flow, claims["sub"])
        return claims

    def _integration_entry(self, claims: Mapping[str, Any], integration: Integration, now: float) -> dict[str, Any]:
        tenant = tenant_payload(
            claims,
            tenant_id=next(self._tenant_ids),
            org=self.org,
            integration_id=integration.id,
            integration_name=integration.name,
            now=now,
        )
        self._remember_tenant(tenant)
        return {
            "id": integration.id,
            "name": integration.name,
            "tenant": tenant,
            "cancelled": cancelled_tenant(integration_id=integration.id, integration_name=integration.name),
        }

    async def _marketplace(self, request: Request) -> Response:
        try:
            claims = self._verify(request, "marketplace")
        except _Refused as refused:
            return self._refuse(request, "marketplace", refused.reason)
        ti: Mapping[str, Any] = claims.get("ti") or {}
        xti: Mapping[str, Any] = ti.get("xti") or {}
        hidden = xti.get("hidden_integrations")
        hidden_ids = {str(item) for item in hidden} if isinstance(hidden, list) else set()
        installed = frozenset(str(item) for item in ti.get("ili") or [])
        visible = [integration for integration in self.integrations if integration.id not in hidden_ids]
        now = self._clock()
        data = self._data("marketplace", integrations=[self._integration_entry(claims, item, now) for item in visible])
        body = pages.marketplace_page(org=self.org, claims=claims, integrations=visible, installed=installed, data=data)
        return self._html(body)

    async def _install(self, request: Request) -> Response:
        integration = self._integrations.get(request.path_params["integration_id"])
        try:
            if integration is None:
                raise _Refused("unknown-integration")
            claims = self._verify(request, "install")
        except _Refused as refused:
            return self._refuse(request, "install", refused.reason)
        entry = self._integration_entry(claims, integration, self._clock())
        data = self._data("install", integrationId=integration.id, integrations=[entry])
        body = pages.install_page(org=self.org, claims=claims, integration=integration, data=data)
        return self._html(body)

    async def _auth(self, request: Request) -> Response:
        connector: Connector | None = self._connectors.get(request.path_params["connector"])
        try:
            if connector is None:
                raise _Refused("unknown-connector")
            claims = self._verify(request, "connect")
            xti = (claims.get("ti") or {}).get("xti") or {}
            if not all(
                isinstance(xti.get(key), str) and xti[key] for key in ("connector_name", "integration_name", "token")
            ):
                raise _Refused("missing-auth-info")
            if xti["connector_name"] != connector.name:
                raise _Refused("wrong-connector")
        except _Refused as refused:
            return self._refuse(request, "connect", refused.reason)
        now = self._clock()
        tenant = tenant_payload(
            claims,
            tenant_id=next(self._tenant_ids),
            org=self.org,
            integration_id=connector.integration_id,
            integration_name=xti["integration_name"],
            now=now,
            connector=connector.name,
        )
        self._remember_tenant(tenant)
        base = str(request.base_url).rstrip("/")
        webhook_url = f"{base}{RESERVED_PREFIX}/webhooks/{secrets.token_hex(8)}"
        state = secrets.token_urlsafe(18)
        data = self._data(
            "auth",
            system=connector.system,
            state=state,
            consentUrl=f"{RESERVED_PREFIX}/consent/{quote(connector.name, safe='')}?state={state}",
            success=success_message(webhook_url=webhook_url, tenant=tenant),
        )
        body = pages.auth_page(
            claims=claims, system=connector.system, integration_name=xti["integration_name"], data=data
        )
        return self._html(body)

    async def _consent(self, request: Request) -> Response:
        connector: Connector | None = self._connectors.get(request.path_params["connector"])
        state = request.query_params.get("state", "")
        if connector is None:
            return self._refuse(request, "consent", "unknown-connector")
        if not _STATE.fullmatch(state):
            return self._refuse(request, "consent", "bad-state")
        data = {"page": "consent", "parentOrigins": [], "state": state}
        body = pages.consent_page(org=self.org, system=connector.system, data=data)
        # A consent screen is never framed (clickjacking): it only ever opens as a popup.
        return self._html(body, framed=False)

    # -- Pandium's REST API (the part the library's verify_tenant calls) ------------------------------

    def _remember_tenant(self, tenant: dict[str, Any]) -> None:
        # A scenario's custom fields go into the tenant before the page posts it and the API serves it,
        # so both tell the same story.
        scenario = current_scenario.get()
        if scenario is not None:
            tenant.update(copy.deepcopy(dict(scenario.tenant)))
        with self._tenants_lock:
            self._tenants[str(tenant["id"])] = tenant
            while len(self._tenants) > TENANT_MEMORY:
                self._tenants.popitem(last=False)

    async def _api_tenant(self, request: Request) -> Response:
        headers = {"Cache-Control": "no-store"}
        given = request.headers.get("x-api-key", "").encode("utf-8")
        if self._api_key is None or not hmac.compare_digest(given, self._api_key):
            return JSONResponse({"detail": "Invalid or missing API key."}, status_code=401, headers=headers)
        tenant_id = request.path_params["tenant_id"]
        with self._tenants_lock:
            tenant = self._tenants.get(tenant_id)
        if tenant is None:
            return JSONResponse({"detail": "Not found."}, status_code=404, headers=headers)
        if request.method == "PATCH":
            update = await _json_object(request)
            if update is None or any(
                key in update and not isinstance(update[key], bool) for key in ("archived", "paused")
            ):
                return JSONResponse({"detail": BAD_TENANT_UPDATE}, status_code=422, headers=headers)
            with self._tenants_lock:
                archiving = update.get("archived") is True and not tenant["archived"]
                for key in ("archived", "paused"):
                    if key in update:
                        tenant[key] = update[key]
                tenant["modified_date"] = _naive_utc(self._clock())
                tenant = dict(tenant)
            if archiving:
                await self.notify("tenant_archived", tenant_id=tenant["id"])
        return JSONResponse(tenant, headers=headers)

    # -- reserved endpoints -------------------------------------------------------------------------

    async def _records_endpoint(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.clear_records()
            return Response(status_code=204, headers={"Cache-Control": "no-store"})
        return JSONResponse(self.records(), headers={"Cache-Control": "no-store"})

    async def _tenant_created(self, request: Request) -> Response:
        """The page script reports that its Save (or the Auth-Only connection) created the tenant."""
        headers = {"Cache-Control": "no-store"}
        if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
            return JSONResponse(
                {"detail": "Only the mock's own pages create tenants."}, status_code=403, headers=headers
            )
        tenant_id = request.path_params["tenant_id"]
        with self._tenants_lock:
            offered = tenant_id in self._tenants
            first = offered and tenant_id not in self._created
            if first:
                self._created.add(tenant_id)
        if not offered:
            return JSONResponse({"detail": "No page offered this tenant."}, status_code=404, headers=headers)
        notification = await self.notify("tenant_created", tenant_id=_id_value(tenant_id)) if first else None
        return JSONResponse(
            {"created": first, "notified": None if notification is None else notification.status}, headers=headers
        )

    async def _notify_endpoint(self, request: Request) -> Response:
        headers = {"Cache-Control": "no-store"}
        body = await _json_object(request)
        event_type = None if body is None else body.pop("event_type", None)
        if body is None or not isinstance(event_type, str) or not _EVENT_TYPE.fullmatch(event_type):
            return JSONResponse({"detail": BAD_NOTIFY_BODY}, status_code=400, headers=headers)
        if event_type == "run_failed" and "run_id" not in body:
            body["run_id"] = next(self._run_ids)
        notification = await self.notify(event_type, **body)
        if notification is None:
            return JSONResponse({"detail": "The mock has no notifications_url."}, status_code=409, headers=headers)
        return JSONResponse(notification.as_json(), headers=headers)

    async def _scenario_endpoint(self, request: Request) -> Response:
        headers = {"Cache-Control": "no-store"}
        if request.method == "DELETE":
            self.reset_scenario()
            return Response(status_code=204, headers=headers)
        if request.method == "POST":
            # JSON only: a cross-site page cannot send it without a CORS preflight, which is never answered.
            if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
                return JSONResponse({"detail": SCENARIO_NEEDS_JSON}, status_code=415, headers=headers)
            body = await request.body()
            if len(body) > MAX_SCENARIO_BODY:
                return JSONResponse({"detail": SCENARIO_TOO_LARGE}, status_code=413, headers=headers)
            try:
                self._set_scenario(json.loads(body))
            except (ValueError, RecursionError) as error:
                message = str(error) if isinstance(error, ScenarioError) else SCENARIO_NEEDS_JSON
                return JSONResponse({"detail": message}, status_code=400, headers=headers)
        active = self._scenarios.active
        return JSONResponse({"scenario": active.as_json() if active else None}, headers=headers)

    async def _no_content(self, request: Request) -> Response:
        return Response(status_code=204)

    async def _static_endpoint(self, request: Request) -> Response:
        name = request.path_params["name"]
        media_type = _STATIC_TYPES.get(name)
        if media_type is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        return Response(
            _static(name),
            media_type=media_type,
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )


def _tenant_fields(tenant: Mapping[str, Any]) -> dict[str, Any]:
    integration: Mapping[str, Any] = tenant.get("integration") or {}
    return {
        "tenant_id": tenant["id"],
        "tenant_name": tenant.get("name"),
        "integration_id": integration.get("id"),
        "integration_name": integration.get("name"),
    }


def _id_value(value: str) -> int | str:
    # The mock's tenant ids are integers; notifications carry them as Pandium would.
    return int(value) if value.isdigit() else value


def _naive_utc(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


async def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        value = await request.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
