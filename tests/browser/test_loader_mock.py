"""Full flows: <pandium-embed> in a host app behind PandiumMiddleware, against the real MockPandium on
another origin (marketplace, install-only, Auth-Only with its consent popup)."""

from __future__ import annotations

import json

from playwright.sync_api import Page

from tests.support.mock import load_success_example, shape
from tests.support.mock_host import MockHost
from tests.support.page import events, frame, wait_for_events


def content_height(page: Page, element_id: str) -> int:
    handle = page.locator(f"#{element_id} > iframe").element_handle().content_frame()
    assert handle is not None
    return int(handle.evaluate("Math.ceil(document.getElementById('pandium-root').getBoundingClientRect().height)"))


def test_marketplace_loads_resizes_and_reports_save_sync(page: Page, host: MockHost) -> None:
    host.open(page, '<pandium-embed id="m" view="marketplace"></pandium-embed>')
    wait_for_events(page, "load", target="m")
    [first] = wait_for_events(page, "resize", target="m")
    assert first["detail"]["height"] == content_height(page, "m")
    assert page.evaluate("() => document.querySelector('#m > iframe').style.height") == f"{content_height(page, 'm')}px"
    [accepted] = host.mock.accepted
    assert (accepted.flow, accepted.claims["sub"]) == ("marketplace", "user-1")

    market = frame(page, "m")
    market.get_by_role("button", name="Install HubSpot").click()
    resized = wait_for_events(page, "resize", 2, target="m")
    assert resized[1]["detail"]["height"] > resized[0]["detail"]["height"]
    market.locator("#save").click()
    [saved] = wait_for_events(page, "save-sync", target="m")
    assert saved["detail"]["tenant"]["integration"] == {"id": 1, "name": "HubSpot"}
    assert set(saved["detail"]) == {"tenant"}

    market.locator("#install-3").click()
    market.get_by_role("button", name="Cancel").click()
    [cancelled] = wait_for_events(page, "install-cancel", target="m")
    assert cancelled["detail"] == {"tenant": {"id": None, "integration": {"id": 3, "name": "NetSuite"}}}
    assert host.mock.rejected == []
    assert events(page, "error") == []


def test_install_only(page: Page, host: MockHost) -> None:
    host.open(page, '<pandium-embed id="i" integration="2"></pandium-embed>', sized=("i",))
    install = frame(page, "i")
    assert install.locator("#install-title").inner_text() == "Install Salesforce"
    install.get_by_role("button", name="Save").click()
    [saved] = wait_for_events(page, "save-sync", target="i")
    assert saved["detail"]["tenant"]["integration"] == {"id": 2, "name": "Salesforce"}
    assert [record.flow for record in host.mock.accepted] == ["install"]


def test_auth_only_popup_ends_in_success_on_the_right_element(page: Page, host: MockHost) -> None:
    host.open(
        page,
        '<pandium-embed id="market" view="marketplace"></pandium-embed>'
        '<pandium-embed id="conn" connector="hubspot"></pandium-embed>',
        sized=("market", "conn"),
    )
    with page.expect_popup() as popup_info:
        frame(page, "conn").get_by_role("button", name="Connect HubSpot").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url.startswith(f"{host.mock.url}/__mock__/consent/hubspot?state=")
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Approve").click()

    [success] = wait_for_events(page, "success", target="conn")
    detail = success["detail"]
    assert set(detail) == {"tenant", "webhook_url"}
    example = load_success_example()
    assert shape(detail["tenant"]) == shape(example["tenant"])
    assert detail["webhook_url"].startswith(f"{host.mock.url}/__mock__/webhooks/")
    jwt_attributes = detail["tenant"]["connected_users"]["pandium"]["attributes"]["jwt"]
    assert json.loads(jwt_attributes["extra_tenant_info"]) == {
        "connector_name": "hubspot",
        "integration_name": "HubSpot",
        "token": "host-api-token-for-user-1",
    }
    [message] = [e for e in events(page, "message", "conn") if e["detail"]["type"] == "pandium-success"]
    assert shape(message["detail"]["data"]) == shape(example)
    # Only the element whose frame connected hears about it.
    assert events(page, "success", "market") == []
    assert len(events(page, "success")) == 1
    assert sorted(record.flow for record in host.mock.accepted) == ["connect", "marketplace"]
