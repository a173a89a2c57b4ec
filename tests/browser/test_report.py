"""<pandium-embed report>: accepted pandium-success / pandium-save-sync messages are forwarded to the
host's POST <prefix>/events, where the middleware hands them to on_connected (real middleware on
127.0.0.1, the real MockPandium on localhost); no report without the attribute; a failed report is
an event, never an exception. The full flow (loader, mint, MockPandium, events, report) runs against
both front doors: PandiumMiddleware (ASGI) and PandiumWSGIMiddleware on a Flask host."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Request, Route

from tests.support.mock_host import BROKEN_INTEGRATION, MockHost
from tests.support.page import approve_auth_only, events, frame, install, wait_for_events


def record_reports(page: Page) -> list[dict[str, Any]]:
    """Every request the page makes to an events route, in the order it made them."""
    sent: list[dict[str, Any]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/events"):
            sent.append(
                {
                    "url": request.url,
                    "method": request.method,
                    "content_type": request.headers.get("content-type"),
                    "body": json.loads(request.post_data or "null"),
                }
            )

    page.on("request", on_request)
    return sent


def test_an_auth_only_success_reaches_on_connected(page: Page, any_host: MockHost) -> None:
    host = any_host
    sent = record_reports(page)
    host.open(page, '<pandium-embed id="conn" connector="hubspot" report></pandium-embed>')
    wait_for_events(page, "load", target="conn")
    approve_auth_only(page, frame(page, "conn"))
    [success] = wait_for_events(page, "success", target="conn")
    tenant = success["detail"]["tenant"]

    [(sub, event)] = host.reports.wait_for(1)
    assert sub == "user-1"
    assert (event.kind, event.tenant_id, event.tenant_name) == ("success", str(tenant["id"]), tenant["name"])
    assert (event.integration_id, event.integration_name) == (str(tenant["integration"]["id"]), "HubSpot")
    assert event.webhook_url == success["detail"]["webhook_url"]
    assert event.connector == "hubspot"
    assert event.verified is False

    [request] = sent
    assert request["url"] == f"{host.server.url}/pandium/events"
    assert (request["method"], request["content_type"]) == ("POST", "application/json")
    assert request["body"] == {
        "type": "pandium-success",
        "connector": "hubspot",
        "tenant": tenant,
        "webhook_url": success["detail"]["webhook_url"],
    }
    assert events(page, "error") == []


def test_a_popup_success_is_reported_too(page: Page, host: MockHost) -> None:
    host.open(page, '<pandium-embed id="pop" mode="popup" connector="hubspot" report></pandium-embed>')
    with page.expect_popup() as info:
        page.locator("#pop > button").click()
    popup = info.value
    popup.wait_for_load_state()
    approve_auth_only(page, popup)
    [success] = wait_for_events(page, "success", target="pop")
    [(_, event)] = host.reports.wait_for(1)
    assert (event.kind, event.tenant_id) == ("success", str(success["detail"]["tenant"]["id"]))
    assert event.webhook_url == success["detail"]["webhook_url"]


def test_save_sync_is_reported_and_nothing_without_the_attribute(page: Page, host: MockHost) -> None:
    sent = record_reports(page)
    host.open(
        page,
        '<pandium-embed id="quiet" view="marketplace"></pandium-embed>'
        '<pandium-embed id="loud" view="marketplace" report></pandium-embed>',
        sized=("quiet", "loud"),
    )
    install(page, "quiet", "HubSpot")
    wait_for_events(page, "save-sync", target="quiet")
    # Cancelling is never reported.
    market = frame(page, "loud")
    market.get_by_role("button", name="Install NetSuite").click()
    market.get_by_role("button", name="Cancel").click()
    wait_for_events(page, "install-cancel", target="loud")
    # Positive control: the element with the attribute reports its save.
    install(page, "loud", "Salesforce")
    [saved] = wait_for_events(page, "save-sync", target="loud")

    [(_, event)] = host.reports.wait_for(1)
    assert (event.kind, event.integration_name, event.webhook_url) == ("save-sync", "Salesforce", None)
    assert event.tenant_id == str(saved["detail"]["tenant"]["id"])
    # The page made one report request: the quiet element's save (earlier) sent none.
    assert [request["body"] for request in sent] == [
        {"type": "pandium-save-sync", "connector": None, "tenant": saved["detail"]["tenant"]}
    ]


def fail_with(status: int) -> Callable[[Route], None]:
    def handler(route: Route) -> None:
        route.fulfill(status=status, body="no")

    return handler


@pytest.mark.parametrize(
    ("integration", "answer", "status"),
    [
        # The host's own on_connected raises: the middleware answers 500.
        (BROKEN_INTEGRATION, None, 500),
        # Answers a real server would give (a proxy's 502, a session expired to 401).
        ("Salesforce", fail_with(502), 502),
        ("Salesforce", fail_with(401), 401),
        # The network fails: no response at all.
        ("Salesforce", lambda route: route.abort(), 0),
    ],
)
def test_a_failed_report_is_an_error_event_and_the_success_still_arrives(
    page: Page, host: MockHost, integration: str, answer: Any, status: int
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if answer is not None:
        page.route("**/pandium/events", answer)
    host.open(page, '<pandium-embed id="m" view="marketplace" report></pandium-embed>', sized=("m",))
    install(page, "m", integration)
    [failed] = wait_for_events(page, "error", target="m")
    assert failed["detail"] == {"status": status, "reason": "report-failed"}
    assert [e["detail"]["tenant"]["integration"]["name"] for e in events(page, "save-sync", "m")] == [integration]
    assert host.reports.received == []
    assert errors == []
