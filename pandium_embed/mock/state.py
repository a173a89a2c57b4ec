"""What the stand-in's parts share: its settings, validated once, and what it has seen and offered.

``MockPandium`` builds one ``MockState`` and hands it to each of its mounted apps (the hosted pages,
the REST API, the notification routes and the ``/__mock__`` control routes). The server thread and a
test's thread both use it: what they share is guarded by locks or replaced in one assignment.
"""

from __future__ import annotations

import copy
import itertools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..net import origin_of
from ..validate import is_segment, secret_bytes
from .catalog import Connector, ExternalIntegration, Integration
from .notifications import Notification, Notifier
from .payloads import keycloak_username
from .records import Records
from .scenarios import Scenarios, current_scenario
from .verify import JtiMemory
from .view_rules import check_external_integrations, check_groups

__all__ = ["RESERVED_PREFIX", "MockState"]

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
# The API remembers the newest tenants its pages offered, like the records: bounded for a long-running CLI.
TENANT_MEMORY = 1000


class MockState:
    """The settings and memory of one stand-in (see ``MockPandium`` for the arguments)."""

    def __init__(
        self,
        *,
        org: str,
        secret: str | bytes,
        parent_origins: Iterable[str],
        integrations: Iterable[Integration],
        connectors: Iterable[Connector],
        clock: Callable[[], float],
        skew: float,
        replay_memory: int,
        api_key: str | None,
        notifications_url: str | None,
        account_id: int,
        groups: Mapping[str, Iterable[str | int]] | None = None,
        external_integrations: Iterable[ExternalIntegration] = (),
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
        self.org = org
        self.secret = secret_bytes(secret)
        self.api_key = api_key.encode("utf-8") if api_key is not None else None
        self.parent_origins: tuple[str, ...] = ()
        for origin in parent_origins:
            self.add_parent_origin(origin)
        self.integrations: tuple[Integration, ...] = tuple(integrations)
        self.connectors: tuple[Connector, ...] = tuple(connectors)
        self.integrations_by_id: dict[str, Integration] = _index(
            self.integrations, Integration, "id", BAD_INTEGRATION, "name"
        )
        self.connectors_by_name: dict[str, Connector] = _index(
            self.connectors, Connector, "name", BAD_CONNECTOR, "system"
        )
        self.groups = check_groups(groups)
        self.external_integrations = check_external_integrations(external_integrations)
        self.clock = clock
        self.skew = float(skew)
        self.jtis = JtiMemory(max_entries=replay_memory)
        self.records = Records()
        self.scenarios = Scenarios()
        self.notifier = Notifier(url=notifications_url, org=org, account_id=account_id, clock=clock)
        self.tenant_ids = itertools.count(1)
        self.run_ids = itertools.count(1)
        self._tenants: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # Offered tenants become created when their page says so: tenant_created is sent once.
        self._created: set[str] = set()
        # The allowed_installs of the token whose page offered a tenant, checked when it is created.
        self._install_limits: dict[str, int] = {}
        # Sync triggers: trigger id -> the run's status (Pandium's GET /v2/runs/triggers/<id>/status).
        self._runs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.tenants_lock = threading.Lock()

    def add_parent_origin(self, origin: str) -> str:
        normalised = _parent_origin(origin)
        if normalised not in self.parent_origins:
            # One tuple assignment: a request in another thread sees the old or the new tuple.
            self.parent_origins = (*self.parent_origins, normalised)
        return normalised

    # -- the tenants its pages offered (what the REST API serves) -----------------------------------

    def remember_tenant(self, tenant: dict[str, Any], *, allowed_installs: int | None = None) -> None:
        # A scenario's custom fields go into the tenant before the page posts it and the API serves it,
        # so both tell the same story.
        scenario = current_scenario.get()
        if scenario is not None:
            tenant.update(copy.deepcopy(dict(scenario.tenant)))
        with self.tenants_lock:
            key = str(tenant["id"])
            self._tenants[key] = tenant
            if allowed_installs is not None:
                self._install_limits[key] = allowed_installs
            while len(self._tenants) > TENANT_MEMORY:
                forgotten, _ = self._tenants.popitem(last=False)
                self._install_limits.pop(forgotten, None)
                self._created.discard(forgotten)

    def tenant(self, tenant_id: str) -> dict[str, Any] | None:
        """The tenant itself (change it only under ``tenants_lock``), or ``None``."""
        with self.tenants_lock:
            return self._tenants.get(tenant_id)

    def mark_created(self, tenant_id: str) -> bool | int | None:
        """``None``: no page offered this tenant; an ``int``: refused, the user already has that many
        installs, their ``allowed_installs``; else whether this is the first time it was created."""
        with self.tenants_lock:
            tenant = self._tenants.get(tenant_id)
            if tenant is None:
                return None
            if tenant_id in self._created:
                return False
            limit = self._install_limits.get(tenant_id)
            if limit is not None and self._installs_of(_username(tenant)) >= limit:
                return limit
            self._created.add(tenant_id)
            return True

    def installs_of(self, sub: str) -> int:
        """How many tenants the user has that are not archived (what ``allowed_installs`` counts)."""
        with self.tenants_lock:
            return self._installs_of(keycloak_username(sub))

    def _installs_of(self, username: str | None) -> int:
        return sum(
            1
            for key in self._created
            if not self._tenants[key].get("archived") and _username(self._tenants[key]) == username
        )

    def created_tenants(self, *, user_name: str | None, archived: bool) -> list[dict[str, Any]]:
        """Copies of the tenants whose Save completed, oldest first: Pandium's ``GET /v2/tenants``."""
        wanted = None if user_name is None else keycloak_username(user_name)
        with self.tenants_lock:
            return [
                copy.deepcopy(tenant)
                for key, tenant in self._tenants.items()
                if key in self._created
                and bool(tenant.get("archived")) == archived
                and (wanted is None or _username(tenant) == wanted)
            ]

    def update_tenant(self, tenant_id: str, changes: Mapping[str, bool]) -> tuple[dict[str, Any], bool] | None:
        """Set ``archived`` / ``paused``; a copy of the tenant and whether this archived it (``None``: no
        such tenant)."""
        with self.tenants_lock:
            tenant = self._tenants.get(tenant_id)
            if tenant is None:
                return None
            archiving = changes.get("archived") is True and not tenant["archived"]
            for key in ("archived", "paused"):
                if key in changes:
                    tenant[key] = changes[key]
            tenant["modified_date"] = naive_utc(self.clock())
            return copy.deepcopy(tenant), archiving

    # -- runs ------------------------------------------------------------------------------------------

    def trigger_run(self, tenant_id: str, mode: str) -> str:
        """A sync of the tenant: its trigger id. The stand-in's runs complete at once."""
        trigger_id = str(uuid.uuid4())
        with self.tenants_lock:
            self._runs[trigger_id] = {"status": "completed", "tenant_id": tenant_id, "mode": mode}
            while len(self._runs) > TENANT_MEMORY:
                self._runs.popitem(last=False)
        return trigger_id

    def run_status(self, trigger_id: str) -> dict[str, Any] | None:
        with self.tenants_lock:
            run = self._runs.get(trigger_id)
            return None if run is None else {"status": run["status"]}

    # -- notifications --------------------------------------------------------------------------------

    async def notify(self, event_type: str, **fields: Any) -> Notification | None:
        tenant_id = fields.get("tenant_id")
        if tenant_id is not None:
            tenant = self.tenant(str(tenant_id))
            if tenant is not None:
                fields = {**_tenant_fields(tenant), **fields}
        if event_type == "run_failed":
            # One of the fields Pandium documents for run_failed (pandium_embed.webhooks.EVENT_FIELDS).
            fields = {"run_status": "failed", **fields}
        return await self.notifier.send(self.notifier.payload(event_type, fields))


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


def _username(tenant: Mapping[str, Any]) -> str | None:
    users = tenant.get("connected_users")
    pandium = users.get("pandium") if isinstance(users, Mapping) else None
    username = pandium.get("username") if isinstance(pandium, Mapping) else None
    return username if isinstance(username, str) else None


def naive_utc(now: float) -> str:
    """``now`` as Pandium writes its dates: ISO 8601 in UTC, without a zone."""
    return datetime.fromtimestamp(now, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _tenant_fields(tenant: Mapping[str, Any]) -> dict[str, Any]:
    integration: Mapping[str, Any] = tenant.get("integration") or {}
    return {
        "tenant_id": tenant["id"],
        "tenant_name": tenant.get("name"),
        "integration_id": integration.get("id"),
        "integration_name": integration.get("name"),
    }
