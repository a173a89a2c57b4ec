"""The stand-in's hosted pages: the marketplace, install-only and Auth-Only pages (each verifying its
``?tenant=`` token as Pandium does), the consent popup, and the pages' own script and stylesheet.

``PageRoutes(state).app`` serves ``/<org>``, ``/<org>/tenants/create/<integration_id>`` and
``/<org>/<connector>/auth``; ``.reserved_app`` serves the consent popup and the static files, mounted
under ``/__mock__``. Each page load runs under the scenario it takes (``scenarios``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from . import pages
from .catalog import Connector, Integration
from .payloads import cancelled_tenant, success_message, tenant_payload
from .records import AcceptedToken, RejectedToken
from .scenarios import SCENARIO_UNAVAILABLE, current_scenario
from .state import RESERVED_PREFIX, MockState
from .verify import REASONS, TokenRejected, verify_token
from .view_rules import INSTALL_LIMIT, NOT_IN_VIEW, MarketplaceView, install_limit_message, view_of

__all__ = ["PAGE_REASONS", "PageRoutes"]

logger = logging.getLogger("pandium_embed.mock")

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
        "not-in-view": NOT_IN_VIEW,
        "install-limit": INSTALL_LIMIT,
    }
)
_STATUS = {
    "unknown-org": 404,
    "unknown-integration": 404,
    "unknown-connector": 404,
    "bad-state": 400,
    "not-in-view": 403,
    "install-limit": 403,
}
_STATE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_STATIC_TYPES = {"mock.css": "text/css; charset=utf-8", "mock.js": "text/javascript; charset=utf-8"}
Endpoint = Callable[[Request], Awaitable[Response]]


@functools.cache
def _static(name: str) -> bytes:
    return (resources.files("pandium_embed.mock") / "static" / name).read_bytes()


class _Refused(Exception):
    """Ends a page request with ``PAGE_REASONS[reason]``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PageRoutes:
    """The hosted pages over one ``MockState``."""

    def __init__(self, state: MockState) -> None:
        self._state = state
        self.app = Router(
            routes=[
                # Browsers ask for it on every top-level page (the consent popup); it is not an org.
                Route("/favicon.ico", self._no_content, methods=["GET"]),
                # What the loader's prewarm frame opens (a path on Pandium's origin that carries no token
                # and mints nothing); like the favicon, not an org, so not a refused page.
                Route("/robots.txt", self._robots, methods=["GET"]),
                Route("/{org}", self._page("marketplace", self._marketplace), methods=["GET"]),
                Route("/{org}/tenants/create/{integration_id}", self._page("install", self._install), methods=["GET"]),
                Route("/{org}/{connector}/auth", self._page("connect", self._auth), methods=["GET"]),
            ],
            redirect_slashes=False,
        )
        self.reserved_app = Router(
            routes=[
                Route("/static/{name}", self._static_endpoint, methods=["GET"]),
                Route("/consent/{connector}", self._consent, methods=["GET"]),
            ],
            redirect_slashes=False,
        )

    def _page(self, flow: str, endpoint: Endpoint) -> Endpoint:
        """A page endpoint run under the scenario of its page load."""

        async def page(request: Request) -> Response:
            scenario = self._state.scenarios.take()
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

    def _unavailable(self, status: int) -> Response:
        message = SCENARIO_UNAVAILABLE.format(status=status)
        body = pages.error_page(code="server-error", message=message, data=self._data("error", reason="server-error"))
        return self._html(body, status=status)

    def _headers(self, *, framed: bool = True) -> dict[str, str]:
        parent_origins = self._state.parent_origins
        ancestors = " ".join(parent_origins) if framed and parent_origins else "'none'"
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
        data = {"page": page, "parentOrigins": list(self._state.parent_origins), **values}
        # The page script's switches for the scenario this page was opened under (mock.js).
        scenario = current_scenario.get()
        if scenario is not None and scenario.silent:
            data["silent"] = True
        if scenario is not None and scenario.deny_consent:
            data["denyConsent"] = True
        return data

    def _refuse(self, request: Request, flow: str, code: str) -> Response:
        message = PAGE_REASONS[code]
        self._state.records.reject(
            RejectedToken(flow=flow, path=request.url.path, reason=code, message=message, at=self._state.clock())
        )
        logger.info("MockPandium refused the %s page: %s", flow, code)
        body = pages.error_page(code=code, message=message, data=self._data("error", reason=code))
        return self._html(body, status=_STATUS.get(code, 401))

    def _verify(self, request: Request, flow: str) -> dict[str, Any]:
        state = self._state
        if request.path_params["org"] != state.org:
            raise _Refused("unknown-org")
        tokens = request.query_params.getlist("tenant")
        if len(tokens) > 1:
            raise _Refused("duplicate-token")
        now = state.clock()
        try:
            claims = verify_token(
                tokens[0] if tokens else None, secret=state.secret, now=now, jtis=state.jtis, skew=state.skew
            )
        except TokenRejected as rejected:
            raise _Refused(rejected.reason) from None
        state.records.accept(AcceptedToken(flow=flow, path=request.url.path, claims=claims, at=now))
        logger.info("MockPandium accepted a %s token for sub %r", flow, claims["sub"])
        return claims

    def _view(self, claims: Mapping[str, Any]) -> MarketplaceView:
        state = self._state
        return view_of(
            claims, integrations=state.integrations, external=state.external_integrations, groups=state.groups
        )

    def _install_limit(self, view: MarketplaceView) -> dict[str, Any] | None:
        """What the page script needs to show a refused Save (``None``: the token sets no limit)."""
        if view.allowed_installs is None:
            return None
        return {"allowed": view.allowed_installs, "message": install_limit_message(view.allowed_installs)}

    def _integration_entry(
        self, claims: Mapping[str, Any], integration: Integration, now: float, view: MarketplaceView
    ) -> dict[str, Any]:
        tenant = tenant_payload(
            claims,
            tenant_id=next(self._state.tenant_ids),
            org=self._state.org,
            integration_id=integration.id,
            integration_name=integration.name,
            now=now,
        )
        self._state.remember_tenant(tenant, allowed_installs=view.allowed_installs)
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
        view = self._view(claims)
        now = self._state.clock()
        entries = [self._integration_entry(claims, item, now, view) for item in view.integrations]
        data = self._data("marketplace", integrations=entries)
        limit = self._install_limit(view)
        if limit is not None:
            data["installLimit"] = limit
        body = pages.marketplace_page(
            org=self._state.org,
            claims=claims,
            integrations=view.integrations,
            installed=view.installed,
            data=data,
            external=view.external,
        )
        return self._html(body)

    async def _install(self, request: Request) -> Response:
        integration = self._state.integrations_by_id.get(request.path_params["integration_id"])
        try:
            if integration is None:
                raise _Refused("unknown-integration")
            claims = self._verify(request, "install")
            view = self._view(claims)
            if not view.shows(integration.id):
                raise _Refused("not-in-view")
            limit = view.allowed_installs
            if limit is not None and self._state.installs_of(claims["sub"]) >= limit:
                raise _Refused("install-limit")
        except _Refused as refused:
            return self._refuse(request, "install", refused.reason)
        entry = self._integration_entry(claims, integration, self._state.clock(), view)
        data = self._data("install", integrationId=integration.id, integrations=[entry])
        install_limit = self._install_limit(view)
        if install_limit is not None:
            data["installLimit"] = install_limit
        body = pages.install_page(org=self._state.org, claims=claims, integration=integration, data=data)
        return self._html(body)

    async def _auth(self, request: Request) -> Response:
        connector: Connector | None = self._state.connectors_by_name.get(request.path_params["connector"])
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
        now = self._state.clock()
        tenant = tenant_payload(
            claims,
            tenant_id=next(self._state.tenant_ids),
            org=self._state.org,
            integration_id=connector.integration_id,
            integration_name=xti["integration_name"],
            now=now,
            connector=connector.name,
        )
        self._state.remember_tenant(tenant)
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
        connector: Connector | None = self._state.connectors_by_name.get(request.path_params["connector"])
        state = request.query_params.get("state", "")
        if connector is None:
            return self._refuse(request, "consent", "unknown-connector")
        if not _STATE.fullmatch(state):
            return self._refuse(request, "consent", "bad-state")
        data = {"page": "consent", "parentOrigins": [], "state": state}
        body = pages.consent_page(org=self._state.org, system=connector.system, data=data)
        # A consent screen is never framed (clickjacking): it only ever opens as a popup.
        return self._html(body, framed=False)

    async def _no_content(self, request: Request) -> Response:
        return Response(status_code=204)

    async def _robots(self, request: Request) -> Response:
        return Response("User-agent: *\nDisallow: /\n", media_type="text/plain")

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
