"""``MockPandium``: an ASGI app that behaves like Pandium's hosted pages, for development and tests.

It serves the same paths as the real hosts, so a ``PandiumConfig`` whose three base URLs point at it
works unchanged. Reserved paths live under ``/__mock__/`` (an org may not be called that).

It is four mounted Starlette apps over one ``MockState``: the hosted pages (``page_routes``), Pandium's
REST API under ``/v2`` (``api_routes``), the notification routes and the control routes under
``/__mock__`` (``notification_routes``, ``control_routes``). This class is their front: the settings,
what the stand-in saw, scenarios and notifications, for Python tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.routing import Mount, Router
from starlette.types import Receive, Scope, Send

from .api_routes import ApiRoutes
from .catalog import DEFAULT_CONNECTORS, DEFAULT_INTEGRATIONS, Connector, ExternalIntegration, Integration
from .control_routes import (
    SCENARIO_NEEDS_JSON,
    SCENARIO_TOO_LARGE,
    ControlRoutes,
    clear_records,
    records_json,
    set_scenario,
)
from .notification_routes import NotificationRoutes
from .notifications import Notification
from .page_routes import PAGE_REASONS, PageRoutes
from .records import AcceptedToken, RejectedToken
from .scenarios import Scenario
from .state import (
    BAD_ACCOUNT_ID,
    BAD_API_KEY,
    BAD_CONNECTOR,
    BAD_INTEGRATION,
    BAD_ORG,
    BAD_PARENT_ORIGIN,
    BAD_SKEW,
    MISSING_SECRET,
    RESERVED_PREFIX,
    MockState,
)
from .verify import DEFAULT_REPLAY_MEMORY, DEFAULT_SKEW

__all__ = [
    # Importable from here as the tests and the CLI always have; each lives with the part that uses it.
    "BAD_ACCOUNT_ID",
    "BAD_API_KEY",
    "BAD_CONNECTOR",
    "BAD_INTEGRATION",
    "BAD_ORG",
    "BAD_PARENT_ORIGIN",
    "BAD_SKEW",
    "MISSING_SECRET",
    "PAGE_REASONS",
    "RESERVED_PREFIX",
    "SCENARIO_NEEDS_JSON",
    "SCENARIO_TOO_LARGE",
    "MockPandium",
]


class MockPandium:
    """A faithful local stand-in for Pandium's hosted pages.

    ``MockPandium(org="acme", secret=..., parent_origins=["http://127.0.0.1:8000"])`` serves
    ``/<org>`` (marketplace), ``/<org>/tenants/create/<integration_id>`` (install-only) and
    ``/<org>/<connector>/auth`` (Auth-Only), each taking ``?tenant=<jwt>`` and verifying it as
    Pandium does. ``clock`` returns epoch seconds; ``skew`` is how far in the future ``iat`` may be.

    It applies a token's marketplace rules as a configured Pandium would, by the assumptions written in
    ``pandium_embed.mock.view_rules``: ``hidden_integrations`` hides tiles; ``user_group`` /
    ``user_tier`` select the integrations of a group in ``groups`` (``{"gold": ["1", "2"]}``);
    ``allowed_installs`` refuses an install past the limit; ids in ``ti.ili`` of ``external_integrations``
    show as installed with an "Open" link to their URL.

    It also serves the part of Pandium's REST API that ``PandiumAPI`` calls (``api_routes``): the tenants
    its pages created (listed, read, archived), syncs and their run status, and the integrations, each
    checked against ``api_key`` in the ``X-API-KEY`` header (401 otherwise; with ``api_key=None`` every
    request is 401). Each tenant carries the minting token's ``sub``, ASCII letters lower-cased, as
    ``connected_users.pandium.username``, which is what ``verify_tenant`` checks ownership against.

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
        groups: Mapping[str, Iterable[str | int]] | None = None,
        external_integrations: Iterable[ExternalIntegration] = (),
    ) -> None:
        self._state = state = MockState(
            org=org,
            secret=secret,
            parent_origins=parent_origins,
            integrations=integrations,
            connectors=connectors,
            clock=clock,
            skew=skew,
            replay_memory=replay_memory,
            api_key=api_key,
            notifications_url=notifications_url,
            account_id=account_id,
            groups=groups,
            external_integrations=external_integrations,
        )
        pages = PageRoutes(state)
        # Three parts share /__mock__: their routes go into one router there (a Mount does not fall
        # through to the next one when its app has no such path).
        reserved = Router(
            routes=[
                *ControlRoutes(state).app.routes,
                *NotificationRoutes(state).app.routes,
                *pages.reserved_app.routes,
            ],
            redirect_slashes=False,
        )
        self._router = Router(
            routes=[
                Mount(RESERVED_PREFIX, app=reserved),
                Mount("/v2", app=ApiRoutes(state).app),
                Mount("", app=pages.app),
            ],
            redirect_slashes=False,
        )

    @property
    def org(self) -> str:
        return self._state.org

    @property
    def integrations(self) -> tuple[Integration, ...]:
        return self._state.integrations

    @property
    def connectors(self) -> tuple[Connector, ...]:
        return self._state.connectors

    @property
    def external_integrations(self) -> tuple[ExternalIntegration, ...]:
        return self._state.external_integrations

    @property
    def groups(self) -> dict[str, frozenset[str]]:
        """``{group name: ids of the integrations it sees}``, for ``xti.user_group`` / ``xti.user_tier``."""
        return dict(self._state.groups)

    def __repr__(self) -> str:
        # Never the secret.
        return (
            f"MockPandium(org={self.org!r}, parent_origins={self.parent_origins!r}, "
            f"integrations={len(self.integrations)}, connectors={len(self.connectors)})"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._router(scope, receive, send)

    # -- configuration after start ---------------------------------------------------------------

    @property
    def parent_origins(self) -> tuple[str, ...]:
        """The origins allowed to frame the pages and to receive their messages."""
        return self._state.parent_origins

    def add_parent_origin(self, origin: str) -> str:
        """Allow ``origin`` (e.g. a host server started after the mock) to frame the pages.

        Returns the normalised origin. Safe to call while the server runs in another thread.
        """
        return self._state.add_parent_origin(origin)

    @property
    def connector_integrations(self) -> dict[str, str]:
        """``{connector name: integration name}``, ready for ``PandiumConfig(connectors=...)``."""
        integrations = self._state.integrations_by_id
        return {
            connector.name: (
                integrations[connector.integration_id].name
                if connector.integration_id in integrations
                else connector.system
            )
            for connector in self.connectors
        }

    # -- introspection -----------------------------------------------------------------------------

    @property
    def accepted(self) -> list[AcceptedToken]:
        """Each accepted token, oldest first."""
        return self._state.records.accepted

    @property
    def rejected(self) -> list[RejectedToken]:
        """Each refused page with its reason, oldest first."""
        return self._state.records.rejected

    @property
    def notifications(self) -> list[Notification]:
        """Each notification sent (delivered or not), oldest first."""
        return self._state.notifier.sent

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The same JSON as ``GET /__mock__/records``."""
        return records_json(self._state)

    def clear_records(self) -> None:
        clear_records(self._state)

    # -- notifications ---------------------------------------------------------------------------------

    @property
    def notifications_url(self) -> str | None:
        return self._state.notifier.url

    @notifications_url.setter
    def notifications_url(self, url: str | None) -> None:
        """Point the notifications at a receiver started after the mock (``None`` turns them off)."""
        self._state.notifier.url = url

    async def notify(self, event_type: str, **fields: Any) -> Notification | None:
        """Send a notification now: the common fields, then ``fields`` (a known ``tenant_id`` adds the
        tenant's name and integration). ``None`` without a notifications URL."""
        return await self._state.notify(event_type, **fields)

    async def run_failed(self, tenant_id: int | str, *, message: str = "The run failed.") -> Notification | None:
        """Send ``run_failed`` for ``tenant_id``, as Pandium does when an integration run fails."""
        return await self.notify("run_failed", tenant_id=tenant_id, run_id=next(self._state.run_ids), message=message)

    async def redeliver(self, notification: Notification) -> Notification | None:
        """Send ``notification``'s payload again, unchanged: what a sender's retry looks like."""
        return await self._state.notifier.send(notification.payload)

    # -- scenarios -----------------------------------------------------------------------------------

    def scenario(self, **fields: Any) -> Scenario:
        """Misbehave on purpose from now on; replaces the active scenario. The keyword arguments are
        ``Scenario``'s fields (``pandium_embed.mock.scenarios``); a field left out keeps its default.
        Raises ``ScenarioError`` (a ``ValueError``) naming a wrong field."""
        return set_scenario(self._state, fields)

    def reset_scenario(self) -> None:
        """Behave again."""
        self._state.scenarios.reset()

    @property
    def active_scenario(self) -> Scenario | None:
        return self._state.scenarios.active
