"""The tenant objects the stand-in's pages post, in the shape of Pandium's documented example
(tests/fixtures/pandium-success.example.json), filled from the accepted token's claims."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..validate import ascii_lower

__all__ = ["cancelled_tenant", "keycloak_username", "pandium_id", "success_message", "tenant_payload"]

# The constant parts of a tenant, as in Pandium's example.
USER_SCHEDULE = "*/30 * * * *"
SCHEDULE = "8-59/30 * * * *"
KEYCLOAK_URI = "authz.mock.pandium.invalid"


def keycloak_username(sub: str) -> str:
    """The username Pandium's Keycloak records for a token's ``sub`` (lower-cased, as Keycloak stores
    usernames; only ASCII case is known to change). The tenants' ``connected_users.pandium.username``
    and what the API's ``user_name`` filter compares."""
    return ascii_lower(sub)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "user"


def _status_key(value: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", value.upper()).strip("_") or "CONNECTOR"


def pandium_id(value: str) -> int | str:
    # Pandium's ids are integers; ours are configured as strings and kept as strings if not numeric.
    return int(value) if value.isdigit() else value


def _optional_str(mapping: Mapping[str, Any], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) else None


def tenant_payload(
    claims: Mapping[str, Any],
    *,
    tenant_id: int,
    org: str,
    integration_id: str,
    integration_name: str,
    now: float,
    connector: str | None = None,
) -> dict[str, Any]:
    """A tenant for the user of ``claims`` on one integration, created at ``now``."""
    ti: Mapping[str, Any] = claims.get("ti") or {}
    xti: Mapping[str, Any] = ti.get("xti") or {}
    sub: str = claims["sub"]
    email = _optional_str(ti, "uem")
    created = datetime.fromtimestamp(now, UTC).replace(tzinfo=None)
    auth: dict[str, Any] = {"connected": True}
    if connector is not None:
        changed = created.isoformat(timespec="milliseconds") + "Z"
        for system in (connector, org):
            auth[f"{_status_key(system)}_AUTH_STATUS"] = "Connected"
            auth[f"{_status_key(system)}_LAST_CHANGE"] = changed
    installed = ti.get("ili") or []
    return {
        "id": tenant_id,
        "name": f"{_slug(integration_name)}-{_slug(sub)}",
        "namespace": org,
        "archived": False,
        "paused": False,
        "source": "admin",
        "configs": {},
        "created_date": created.isoformat(timespec="microseconds"),
        "modified_date": created.isoformat(timespec="microseconds"),
        "user_schedule": USER_SCHEDULE,
        "schedule": SCHEDULE,
        "integration": {"id": pandium_id(integration_id), "name": integration_name},
        "integration_release": None,
        "integration_release_channel": "Default",
        "connected_users": {
            "pandium": {
                # Stable per user, like a real Keycloak account id.
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"pandium-mock:{org}:{sub}")),
                "email": email,
                # Pandium records the token's sub here (its Keycloak stores usernames lower-cased; only
                # ASCII case is known to change): this is what verify_tenant checks a tenant's owner against.
                "username": keycloak_username(sub),
                "first_name": None,
                "last_name": None,
                "email_verified": True,
                "enabled": True,
                "realm_id": org,
                "created_timestamp": int(now * 1000),
                "attributes": {
                    "jwt": {
                        "display_name": _optional_str(ti, "udn"),
                        "full_name": _optional_str(ti, "ufn"),
                        "external_integrations": ",".join(str(item) for item in installed),
                        "auditable_uid": _optional_str(ti, "aid"),
                        "auditable_display_name": _optional_str(ti, "adn"),
                        "extra_tenant_info": json.dumps(xti, separators=(",", ":"), ensure_ascii=False),
                        "namespace": org,
                        "keycloak_uri": KEYCLOAK_URI,
                    }
                },
            }
        },
        "status": {
            "tenant_id": tenant_id,
            "last_run": {},
            "current_run": {},
            "last_successful_run": {},
            "dynamic_configs": {},
            "auth": auth,
        },
    }


def cancelled_tenant(*, integration_id: str, integration_name: str) -> dict[str, Any]:
    """What ``pandium-install-cancel`` carries: no tenant was created, so only the integration."""
    return {"id": None, "integration": {"id": pandium_id(integration_id), "name": integration_name}}


def success_message(*, webhook_url: str, tenant: Mapping[str, Any]) -> dict[str, Any]:
    """The Auth-Only page's ``pandium-success`` message."""
    return {"message": "pandium-success", "webhook_url": webhook_url, "tenant": dict(tenant)}
