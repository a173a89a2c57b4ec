"""Reports: what the loader saw happen, sent to the backend, one feature under one word.

``<pandium-embed report>`` makes the loader report each ``pandium-success`` and ``pandium-save-sync``
to ``POST <prefix>/events``, a route that exists only with the ``on_connected`` option; the hook
receives each report as a ``ConnectedTenant`` (unverified). The attribute, route, hook and class keep
their published names.

The body the loader's ``<pandium-embed report>`` sends, as JSON (``Content-Type: application/json``,
at most ``MAX_EVENT_BODY_SIZE`` bytes)::

    {
      "type": "pandium-success",          # or "pandium-save-sync"
      "tenant": {                          # Pandium's tenant object; only these keys are read
        "id": 11,                          # integer, or a string of 1-128 letters, digits, "-", "_"
        "name": "test-tenant",             # string
        "integration": {"id": 1, "name": "test-integration"}
      },
      "webhook_url": "https://...",        # required for pandium-success, ignored for save-sync
      "connector": "gwt"                   # optional: the element's connector attribute
    }

Any other key, at the top level or inside ``tenant``, is ignored, so the loader may forward Pandium's
whole tenant object. Nothing in it is trusted: the page that posted it runs in the user's browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from .net import is_loopback_host
from .responses import Refused
from .validate import segment_id

__all__ = ["MAX_EVENT_BODY_SIZE", "ConnectedTenant", "EventKind", "EventRejected", "parse_event"]

# Pandium's full tenant object is ~2 KB; 64 KiB leaves room for large configs and nothing more.
MAX_EVENT_BODY_SIZE = 64 * 1024
MAX_NAME_LENGTH = 256
MAX_WEBHOOK_URL_LENGTH = 2048

EventKind = Literal["success", "save-sync"]
_KINDS: Mapping[str, EventKind] = {"pandium-success": "success", "pandium-save-sync": "save-sync"}

NOT_AN_OBJECT = 'The body must be a JSON object like {"type": "pandium-success", "tenant": {...}}.'
BAD_TYPE = 'The "type" field must be "pandium-success" or "pandium-save-sync".'
BAD_TENANT = 'The "tenant" field must be an object with "id", "name" and "integration": {"id", "name"}.'
BAD_TENANT_ID = 'The tenant "id" must be an integer or 1-128 letters, digits, "-" or "_".'
BAD_TENANT_NAME = 'The tenant "name" must be a string of at most 256 characters.'
BAD_INTEGRATION = (
    'The tenant "integration" must be {"id": <integer or 1-128 letters, digits, "-", "_">, '
    '"name": <non-empty string of at most 256 characters>}.'
)
BAD_WEBHOOK_URL = (
    'A pandium-success event needs "webhook_url": an https:// URL of at most 2048 characters '
    "(http:// only on loopback)."
)
BAD_CONNECTOR = 'The "connector" field, if given, must be one of the configured connectors.'


class EventRejected(Refused):
    """The reported body is not a valid event (a 400); ``detail`` says which field (never its value)."""

    def __init__(self, detail: str) -> None:
        super().__init__("bad-request", detail)


@dataclass(frozen=True, slots=True)
class ConnectedTenant:
    """A tenant the user's browser says Pandium created or saved. **Unverified.**

    It came from the page in the user's browser, so the user (or a script on the page) could have
    made any of it up, another user's tenant id included. Treat it as a hint: before granting
    anything, confirm the tenant through Pandium's API (``pandium_embed.api.verify_tenant`` with the
    signed-in user's ``sub``, which also checks the tenant is theirs) and check the answer is what
    you expect.

    ``kind`` is ``"success"`` (the Auth-Only page's ``pandium-success``) or ``"save-sync"``.
    ``webhook_url`` (success only) triggers the integration: it works as a credential, so ``repr``
    masks it and nothing here logs it. Ids are strings (Pandium's are integers: ``"11"``).
    """

    kind: EventKind
    tenant_id: str
    integration_id: str
    integration_name: str
    tenant_name: str | None = None
    webhook_url: str | None = None
    connector: str | None = None
    # Says where it came from, for code that later mixes these with verified tenants.
    source: Literal["browser"] = "browser"
    verified: bool = False

    def __repr__(self) -> str:
        webhook = None if self.webhook_url is None else "'***'"
        return (
            f"ConnectedTenant(kind={self.kind!r}, tenant_id={self.tenant_id!r}, "
            f"integration_id={self.integration_id!r}, integration_name={self.integration_name!r}, "
            f"tenant_name={self.tenant_name!r}, webhook_url={webhook}, connector={self.connector!r}, "
            f"source={self.source!r}, verified={self.verified!r})"
        )


def _identifier(value: Any, message: str) -> str:
    # Ids end up in API paths (/v2/tenants/<id>) and database keys: one plain segment only.
    identifier = segment_id(value)
    if identifier is None:
        raise EventRejected(message)
    return identifier


def _webhook_url(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_WEBHOOK_URL_LENGTH:
        raise EventRejected(BAD_WEBHOOK_URL)
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        raise EventRejected(BAD_WEBHOOK_URL) from None
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))
    if not host or not secure or parts.username is not None or parts.password is not None:
        raise EventRejected(BAD_WEBHOOK_URL)
    if any(ord(char) < 0x21 or char == "\\" for char in value):
        raise EventRejected(BAD_WEBHOOK_URL)
    return value


def parse_event(value: Any, *, connectors: Mapping[str, str]) -> ConnectedTenant:
    """Validate the JSON of ``POST <prefix>/events`` (see the module docstring) into an event."""
    if not isinstance(value, dict):
        raise EventRejected(NOT_AN_OBJECT)
    reported_type = value.get("type")
    kind = _KINDS.get(reported_type) if isinstance(reported_type, str) else None
    if kind is None:
        raise EventRejected(BAD_TYPE)
    tenant = value.get("tenant")
    if not isinstance(tenant, dict) or "id" not in tenant or not isinstance(tenant.get("integration"), dict):
        raise EventRejected(BAD_TENANT)
    tenant_id = _identifier(tenant["id"], BAD_TENANT_ID)
    # Required, as in the message schema (pandium_embed/schema): every tenant Pandium reports has a name.
    tenant_name = tenant.get("name")
    if not (isinstance(tenant_name, str) and len(tenant_name) <= MAX_NAME_LENGTH):
        raise EventRejected(BAD_TENANT_NAME)
    integration: dict[str, Any] = tenant["integration"]
    integration_id = _identifier(integration.get("id"), BAD_INTEGRATION)
    integration_name = integration.get("name")
    if not isinstance(integration_name, str) or not integration_name or len(integration_name) > MAX_NAME_LENGTH:
        raise EventRejected(BAD_INTEGRATION)
    # save-sync carries no webhook: whatever a page sends there is dropped, never passed on.
    webhook_url = _webhook_url(value.get("webhook_url")) if kind == "success" else None
    connector = value.get("connector")
    if connector is not None and not (isinstance(connector, str) and connector in connectors):
        raise EventRejected(BAD_CONNECTOR)
    return ConnectedTenant(
        kind=kind,
        tenant_id=tenant_id,
        integration_id=integration_id,
        integration_name=integration_name,
        tenant_name=tenant_name,
        webhook_url=webhook_url,
        connector=connector,
    )
