"""The stand-in's control routes, mounted under ``/__mock__``, for suites that drive it over HTTP
(Node's @playwright/test; Python tests call ``MockPandium`` itself): ``GET``/``DELETE /records`` (what
it saw) and ``GET``/``POST``/``DELETE /scenario`` (make it misbehave, see ``scenarios``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from .api_routes import needs_json
from .page_routes import PAGE_REASONS
from .scenarios import Scenario, ScenarioError, parse_scenario
from .state import MockState

__all__ = ["ControlRoutes", "records_json", "set_scenario"]

# A scenario body is a handful of fields and perhaps a tenant object.
MAX_SCENARIO_BODY = 64 * 1024
SCENARIO_NEEDS_JSON = "Send the scenario as a JSON object with Content-Type: application/json."
SCENARIO_TOO_LARGE = f"A scenario body is at most {MAX_SCENARIO_BODY} bytes."
_NO_STORE = {"Cache-Control": "no-store"}


def records_json(state: MockState) -> dict[str, list[dict[str, Any]]]:
    """What the stand-in saw, as ``GET /__mock__/records`` answers it."""
    return {**state.records.as_json(), "notifications": [item.as_json() for item in state.notifier.sent]}


def clear_records(state: MockState) -> None:
    state.records.clear()
    state.notifier.clear()


def set_scenario(state: MockState, fields: Any) -> Scenario:
    """Validate ``fields`` (keyword arguments or a JSON body) and make it the active scenario."""
    scenario = parse_scenario(fields, reasons=PAGE_REASONS)
    state.scenarios.set(scenario)
    return scenario


class ControlRoutes:
    """The control routes over one ``MockState``."""

    def __init__(self, state: MockState) -> None:
        self._state = state
        self.app = Router(
            routes=[
                Route("/records", self._records, methods=["GET", "DELETE"]),
                Route("/scenario", self._scenario, methods=["GET", "POST", "DELETE"]),
            ],
            redirect_slashes=False,
        )

    async def _records(self, request: Request) -> Response:
        if request.method == "DELETE":
            clear_records(self._state)
            return Response(status_code=204, headers=_NO_STORE)
        return JSONResponse(records_json(self._state), headers=_NO_STORE)

    async def _scenario(self, request: Request) -> Response:
        if request.method == "DELETE":
            self._state.scenarios.reset()
            return Response(status_code=204, headers=_NO_STORE)
        if request.method == "POST":
            # JSON only: a cross-site page cannot send it without a CORS preflight, which is never answered.
            refused = needs_json(request, SCENARIO_NEEDS_JSON)
            if refused is not None:
                return refused
            body = await request.body()
            if len(body) > MAX_SCENARIO_BODY:
                return JSONResponse({"detail": SCENARIO_TOO_LARGE}, status_code=413, headers=_NO_STORE)
            try:
                set_scenario(self._state, json.loads(body))
            except (ValueError, RecursionError) as error:
                message = str(error) if isinstance(error, ScenarioError) else SCENARIO_NEEDS_JSON
                return JSONResponse({"detail": message}, status_code=400, headers=_NO_STORE)
        active = self._state.scenarios.active
        return JSONResponse({"scenario": active.as_json() if active else None}, headers=_NO_STORE)
