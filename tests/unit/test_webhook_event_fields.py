"""The fields Pandium's notifications page documents per event type, as typed WebhookEvent attributes."""

from __future__ import annotations

from typing import Any

import pytest

from pandium_embed.webhooks import EVENT_FIELDS, KNOWN_EVENT_TYPES, parse_webhook

COMMON = {
    "environment": "acme",
    "account_id": 12,
    "account_name": "Acme",
    "timestamp": "2026-11-29T10:00:00Z",
}
RUN_FAILED = {
    "event_type": "run_failed",
    **COMMON,
    "run_id": 801,
    "run_status": "Failed (Integration Issue)",
    "admin_link": "https://app.sandbox.pandium.com/acme/tenants/11/runs/801",
    "api_link": "https://api.sandbox.pandium.com/v2/runs/801",
    "api_status_link": "https://api.sandbox.pandium.com/v2/runs/triggers/t-1/status",
    "api_triggers_link": "https://api.sandbox.pandium.com/v2/tenants/11/runs",
    "tenant_id": 11,
    "tenant_name": "hubspot-user-1",
    "integration_id": 3,
    "integration_name": "HubSpot",
    "something_new": {"kept": True},
}


def test_every_known_event_type_has_its_documented_fields() -> None:
    assert set(EVENT_FIELDS) == set(KNOWN_EVENT_TYPES)
    assert EVENT_FIELDS["integration_created"] == ("integration_id", "integration_name")
    assert "partner_id" in EVENT_FIELDS["partner_integration_updated"]
    assert {"tenant_id", "run_id", "admin_link"} <= set(EVENT_FIELDS["run_failed"])


def test_a_run_failed_notification_exposes_its_fields_typed() -> None:
    event = parse_webhook(RUN_FAILED)
    assert (event.run_id, event.tenant_id, event.integration_id) == ("801", "11", "3")
    assert (event.run_status, event.tenant_name, event.integration_name) == (
        "Failed (Integration Issue)",
        "hubspot-user-1",
        "HubSpot",
    )
    assert event.admin_link == RUN_FAILED["admin_link"]
    assert event.api_status_link == RUN_FAILED["api_status_link"]
    assert event.api_triggers_link == RUN_FAILED["api_triggers_link"]
    assert event.api_link == RUN_FAILED["api_link"]
    assert event.documented_fields == EVENT_FIELDS["run_failed"]
    # Every field beyond the common five stays in data as sent, the unknown one included.
    assert event.data["something_new"] == {"kept": True}
    assert event.data["run_id"] == 801
    assert event.partner_id is None and event.partner_name is None


def test_a_partner_event_exposes_the_partner() -> None:
    body = {"event_type": "partner_integration_updated", **COMMON, "integration_id": 5, "partner_id": 9}
    event = parse_webhook({**body, "integration_name": "Ledger", "partner_name": "Bookkeepers Ltd"})
    assert (event.integration_id, event.integration_name, event.partner_id, event.partner_name) == (
        "5",
        "Ledger",
        "9",
        "Bookkeepers Ltd",
    )
    assert event.tenant_id is None and event.run_id is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("run_id", -1),
        ("run_id", "../801"),
        ("run_id", True),
        ("tenant_id", 1.5),
        ("tenant_name", 7),
        ("tenant_name", ""),
        ("tenant_name", "x" * 257),
        ("run_status", ["failed"]),
        ("admin_link", "javascript:alert(1)"),
        ("admin_link", "https://example.test/a b"),
        ("api_link", "https://example.test/\r\nSet-Cookie: x"),
        ("api_link", "https://exämple.test/"),
        ("api_status_link", 12),
    ],
)
def test_a_field_in_another_shape_is_none_and_the_delivery_still_goes_through(field: str, value: Any) -> None:
    # Pandium documents no retries: refusing a notification over a per-event field could lose it.
    event = parse_webhook({**RUN_FAILED, field: value})
    assert getattr(event, field) is None
    assert event.data[field] == value
    assert event.tenant_name is not None or field == "tenant_name"


def test_absent_fields_are_none() -> None:
    event = parse_webhook({"event_type": "integration_created", **COMMON})
    assert all(getattr(event, name) is None for names in EVENT_FIELDS.values() for name in names)


def test_an_unknown_event_type_keeps_its_fields_and_reads_documented_names() -> None:
    event = parse_webhook({"event_type": "tenant_paused", **COMMON, "tenant_id": 4, "reason": "billing"})
    assert event.known is False and event.documented_fields == ()
    assert event.tenant_id == "4"
    assert dict(event.data) == {"tenant_id": 4, "reason": "billing"}
