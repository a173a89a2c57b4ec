"""The stand-in's part of Pandium's REST API: ``GET`` and ``PATCH /v2/tenants/<id>`` for the tenants its
pages offered (the part ``verify_tenant`` calls), checked against the ``X-API-KEY`` header.

``ApiRoutes(state).app`` is mounted under ``/v2``. It follows the active scenario's ``delay`` and
``status`` (without counting a page load), and serves the scenario's ``tenant`` fields.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from .scenarios import SCENARIO_UNAVAILABLE, current_scenario
from .state import MockState

__all__ = ["ApiRoutes", "json_object"]

BAD_TENANT_UPDATE = 'The body must be a JSON object; "archived" and "paused", if given, must be true or false.'
_NO_STORE = {"Cache-Control": "no-store"}
Endpoint = Callable[[Request], Awaitable[Response]]


class ApiRoutes:
    """Pandium's REST API over one ``MockState``."""

    def __init__(self, state: MockState) -> None:
        self._state = state
        self.app = Router(
            routes=[Route("/tenants/{tenant_id}", self._under_scenario(self._tenant), methods=["GET", "PATCH"])],
            redirect_slashes=False,
        )

    def _under_scenario(self, endpoint: Endpoint) -> Endpoint:
        """The REST API follows the active scenario's delay and status (it counts no page load)."""

        async def api(request: Request) -> Response:
            scenario = self._state.scenarios.active
            if scenario is not None and scenario.delay:
                await asyncio.sleep(scenario.delay)
            if scenario is not None and scenario.status is not None:
                message = SCENARIO_UNAVAILABLE.format(status=scenario.status)
                return JSONResponse({"detail": message}, status_code=scenario.status, headers=_NO_STORE)
            token = current_scenario.set(scenario)
            try:
                return await endpoint(request)
            finally:
                current_scenario.reset(token)

        return api

    async def _tenant(self, request: Request) -> Response:
        state = self._state
        given = request.headers.get("x-api-key", "").encode("utf-8")
        if state.api_key is None or not hmac.compare_digest(given, state.api_key):
            return JSONResponse({"detail": "Invalid or missing API key."}, status_code=401, headers=_NO_STORE)
        tenant = state.tenant(request.path_params["tenant_id"])
        if tenant is None:
            return JSONResponse({"detail": "Not found."}, status_code=404, headers=_NO_STORE)
        if request.method == "PATCH":
            update = await json_object(request)
            if update is None or any(
                key in update and not isinstance(update[key], bool) for key in ("archived", "paused")
            ):
                return JSONResponse({"detail": BAD_TENANT_UPDATE}, status_code=422, headers=_NO_STORE)
            with state.tenants_lock:
                archiving = update.get("archived") is True and not tenant["archived"]
                for key in ("archived", "paused"):
                    if key in update:
                        tenant[key] = update[key]
                tenant["modified_date"] = _naive_utc(state.clock())
                tenant = dict(tenant)
            if archiving:
                await state.notify("tenant_archived", tenant_id=tenant["id"])
        return JSONResponse(tenant, headers=_NO_STORE)


def _naive_utc(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


# Every state-changing /__mock__ route takes JSON only: a cross-site form or no-cors fetch can send
# text/plain without a CORS preflight, but not application/json.
NEEDS_JSON = "Send a JSON body with Content-Type: application/json."


def needs_json(request: Request, message: str = NEEDS_JSON) -> Response | None:
    """``415`` with ``message`` unless the request says its body is JSON; ``None`` when it does."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
        return None
    return JSONResponse({"detail": message}, status_code=415, headers={"Cache-Control": "no-store"})


async def json_object(request: Request) -> dict[str, Any] | None:
    """The request's JSON body if it is an object, else ``None``."""
    try:
        value = await request.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
