"""The stand-in's notification routes, mounted under ``/__mock__``: where its own page script reports
that a tenant was created (``tenant_created`` is sent once per tenant), and ``POST /notifications``
to send any notification on demand (Node suites; Python tests call ``MockPandium.notify``).
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from .api_routes import json_object, needs_json
from .payloads import pandium_id
from .state import MockState
from .view_rules import install_limit_message

__all__ = ["NotificationRoutes"]

BAD_NOTIFY_BODY = 'The body must be a JSON object with "event_type" (1-64 letters, digits, "_", ".", ":", "-").'
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_NO_STORE = {"Cache-Control": "no-store"}


class NotificationRoutes:
    """The notification routes over one ``MockState``."""

    def __init__(self, state: MockState) -> None:
        self._state = state
        self.app = Router(
            routes=[
                Route("/tenants/{tenant_id}/created", self._tenant_created, methods=["POST"]),
                Route("/notifications", self._notify, methods=["POST"]),
            ],
            redirect_slashes=False,
        )

    async def _tenant_created(self, request: Request) -> Response:
        """The page script reports that its Save (or the Auth-Only connection) created the tenant."""
        refused = needs_json(request)
        if refused is not None:
            return refused
        if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
            return JSONResponse(
                {"detail": "Only the mock's own pages create tenants."}, status_code=403, headers=_NO_STORE
            )
        tenant_id = request.path_params["tenant_id"]
        first = self._state.mark_created(tenant_id)
        if first is None:
            return JSONResponse({"detail": "No page offered this tenant."}, status_code=404, headers=_NO_STORE)
        if not isinstance(first, bool):
            # The user's token limits their installs (xti.allowed_installs) and they have that many.
            detail = install_limit_message(first)
            return JSONResponse({"reason": "install-limit", "detail": detail}, status_code=409, headers=_NO_STORE)
        notification = await self._state.notify("tenant_created", tenant_id=pandium_id(tenant_id)) if first else None
        return JSONResponse(
            {"created": first, "notified": None if notification is None else notification.status}, headers=_NO_STORE
        )

    async def _notify(self, request: Request) -> Response:
        refused = needs_json(request)
        if refused is not None:
            return refused
        body = await json_object(request)
        event_type = None if body is None else body.pop("event_type", None)
        if body is None or not isinstance(event_type, str) or not _EVENT_TYPE.fullmatch(event_type):
            return JSONResponse({"detail": BAD_NOTIFY_BODY}, status_code=400, headers=_NO_STORE)
        if event_type == "run_failed" and "run_id" not in body:
            body["run_id"] = next(self._state.run_ids)
        notification = await self._state.notify(event_type, **body)
        if notification is None:
            return JSONResponse({"detail": "The mock has no notifications_url."}, status_code=409, headers=_NO_STORE)
        return JSONResponse(notification.as_json(), headers=_NO_STORE)
