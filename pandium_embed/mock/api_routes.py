"""The stand-in's part of Pandium's REST API, for the tenants its pages created, each call checked
against the ``X-API-KEY`` header (``401`` otherwise): what ``PandiumAPI`` and ``verify_tenant`` call.

``ApiRoutes(state).app`` is mounted under ``/v2``:

- ``GET /tenants`` (``user_name``, ``archived``, ``limit``, ``skip``): the tenants whose Save (or
  Auth-Only connection) completed; a tenant a page only offered is not listed, though it can be read;
- ``GET``, ``PATCH`` (``{"archived": true}``) and ``DELETE`` (archives, as Pandium's reference says)
  ``/tenants/<id>``; archiving sends ``tenant_archived``;
- ``POST /tenants/<id>/sync?mode=init|normal`` and the same at ``/run`` (Pandium's sources show both):
  ``202 {"trigger_id": ...}``; ``GET /runs/triggers/<id>/status``: ``{"status": "completed"}``;
- ``GET /integrations``: the configured integrations.

It follows the active scenario's ``delay`` and ``status`` (without counting a page load), and serves
the scenario's ``tenant`` fields; ``status=429`` answers with ``Retry-After: RATE_LIMIT_RETRY_AFTER``.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from .payloads import pandium_id
from .scenarios import SCENARIO_UNAVAILABLE, current_scenario
from .state import MockState

__all__ = ["RATE_LIMIT_RETRY_AFTER", "ApiRoutes", "json_object"]

BAD_TENANT_UPDATE = 'The body must be a JSON object; "archived" and "paused", if given, must be true or false.'
BAD_SYNC_MODE = 'mode must be "init" or "normal".'
BAD_PAGE = "limit must be an integer from 1 to 500 and skip a non-negative integer."
BAD_ARCHIVED = 'archived must be "true" or "false".'
# What the Retry-After of a scenario's 429 says, in seconds.
RATE_LIMIT_RETRY_AFTER = 30
MAX_LIMIT = 500
_NO_STORE = {"Cache-Control": "no-store"}
Endpoint = Callable[[Request], Awaitable[Response]]


def _error(detail: str, status: int, **headers: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers={**_NO_STORE, **headers})


class ApiRoutes:
    """Pandium's REST API over one ``MockState``."""

    def __init__(self, state: MockState) -> None:
        self._state = state
        self.app = Router(
            routes=[
                Route("/tenants", self._endpoint(self._tenants), methods=["GET"]),
                Route("/tenants/{tenant_id}", self._endpoint(self._tenant), methods=["GET", "PATCH", "DELETE"]),
                Route("/tenants/{tenant_id}/sync", self._endpoint(self._sync), methods=["POST"]),
                Route("/tenants/{tenant_id}/run", self._endpoint(self._sync), methods=["POST"]),
                Route("/runs/triggers/{trigger_id}/status", self._endpoint(self._run_status), methods=["GET"]),
                Route("/integrations", self._endpoint(self._integrations), methods=["GET"]),
            ],
            redirect_slashes=False,
        )

    def _endpoint(self, endpoint: Endpoint) -> Endpoint:
        """The scenario's delay and status, then the key, then the call."""

        async def api(request: Request) -> Response:
            state = self._state
            scenario = state.scenarios.active
            if scenario is not None and scenario.delay:
                await asyncio.sleep(scenario.delay)
            if scenario is not None and scenario.status is not None:
                message = SCENARIO_UNAVAILABLE.format(status=scenario.status)
                extra = {"Retry-After": str(RATE_LIMIT_RETRY_AFTER)} if scenario.status == 429 else {}
                return _error(message, scenario.status, **extra)
            given = request.headers.get("x-api-key", "").encode("utf-8")
            if state.api_key is None or not hmac.compare_digest(given, state.api_key):
                return _error("Invalid or missing API key.", 401)
            token = current_scenario.set(scenario)
            try:
                return await endpoint(request)
            finally:
                current_scenario.reset(token)

        return api

    async def _tenants(self, request: Request) -> Response:
        params = request.query_params
        archived = params.get("archived", "false")
        if archived not in ("true", "false"):
            return _error(BAD_ARCHIVED, 422)
        limit, skip = _integer(params.get("limit", "100")), _integer(params.get("skip", "0"))
        if limit is None or skip is None or not 1 <= limit <= MAX_LIMIT:
            return _error(BAD_PAGE, 422)
        tenants = self._state.created_tenants(user_name=params.get("user_name") or None, archived=archived == "true")
        return JSONResponse(tenants[skip : skip + limit], headers=_NO_STORE)

    async def _tenant(self, request: Request) -> Response:
        state = self._state
        tenant_id = request.path_params["tenant_id"]
        if request.method == "GET":
            tenant = state.tenant(tenant_id)
            if tenant is None:
                return _error("Not found.", 404)
            with state.tenants_lock:
                return JSONResponse(tenant, headers=_NO_STORE)
        if state.tenant(tenant_id) is None:
            return _error("Not found.", 404)
        changes: dict[str, bool] = {"archived": True}
        if request.method == "PATCH":
            body = await json_object(request)
            if body is None or any(key in body and not isinstance(body[key], bool) for key in ("archived", "paused")):
                return _error(BAD_TENANT_UPDATE, 422)
            changes = {key: body[key] for key in ("archived", "paused") if key in body}
        updated = state.update_tenant(tenant_id, changes)
        if updated is None:
            return _error("Not found.", 404)
        tenant, archiving = updated
        if archiving:
            await state.notify("tenant_archived", tenant_id=tenant["id"])
        return JSONResponse(tenant, headers=_NO_STORE)

    async def _sync(self, request: Request) -> Response:
        state = self._state
        tenant_id = request.path_params["tenant_id"]
        mode = request.query_params.get("mode")
        if mode not in ("init", "normal"):
            return _error(BAD_SYNC_MODE, 422)
        if state.tenant(tenant_id) is None:
            return _error("Not found.", 404)
        return JSONResponse({"trigger_id": state.trigger_run(tenant_id, mode)}, status_code=202, headers=_NO_STORE)

    async def _run_status(self, request: Request) -> Response:
        # Pandium answers 404 until a (debounced) trigger has a run.
        status = self._state.run_status(request.path_params["trigger_id"])
        if status is None:
            return _error("Not found.", 404)
        return JSONResponse(status, headers=_NO_STORE)

    async def _integrations(self, request: Request) -> Response:
        params = request.query_params
        limit, skip = _integer(params.get("limit", "100")), _integer(params.get("skip", "0"))
        if limit is None or skip is None or not 1 <= limit <= MAX_LIMIT:
            return _error(BAD_PAGE, 422)
        integrations = [
            {"id": pandium_id(item.id), "name": item.name, "description": item.description}
            for item in self._state.integrations
        ]
        return JSONResponse(integrations[skip : skip + limit], headers=_NO_STORE)


def _integer(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


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
