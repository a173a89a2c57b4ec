"""The demo end to end in Chromium: sign in, marketplace, Auth-Only connect through the popup, the event
panel, sign out and the 401 that follows. Host and stand-in on two origins, as `make demo` runs them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from demo.serve import RunningDemo, running_demo, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo() -> Iterator[RunningDemo]:
    with running_demo() as running:
        yield running


# Expected in this flow: the 401 the mint route answers after sign-out, and Chromium's standing
# remark whenever a frame with allow-scripts + allow-same-origin shows a same-origin page (that 401).
EXPECTED_CONSOLE = ("status of 401", "can escape its sandboxing")


def watch_console(page: Page) -> list[str]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"} and not any(text in message.text for text in EXPECTED_CONSOLE):
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_sign_in_marketplace_connect_events_and_sign_out(page: Page, demo: RunningDemo) -> None:
    problems = watch_console(page)
    sign_in(page, demo.url, "ann")

    marketplace = page.frame_locator("pandium-embed#marketplace iframe")
    expect(marketplace.get_by_text("HubSpot").first).to_be_visible()
    expect(page.locator("#event-log li[data-type='pandium:load']")).to_have_count(1)
    expect(page.locator("#event-log li[data-type='pandium:resize']").first).to_be_visible()

    page.click("a[href='/connections']")
    page.click("button[data-connect='hubspot']")
    frame = page.frame_locator(".tile[data-connector='hubspot'] pandium-embed iframe")
    with page.expect_popup() as popup_info:
        frame.get_by_role("button", name="Connect HubSpot").click()
    popup = popup_info.value
    popup.get_by_role("button", name="Approve").click()
    success = page.locator("#event-log li[data-type='pandium:success']")
    expect(success).to_have_count(1)
    expect(success).to_contain_text("webhook_url")
    expect(page.locator(".tile[data-connector='hubspot'] [data-status]")).to_contain_text("Connected")

    page.click("#logout")
    error = page.locator("#event-log li[data-type='pandium:error']")
    expect(error).to_have_count(1)
    expect(error).to_contain_text('"status":401')
    expect(page.locator("#signed-out-banner")).to_be_visible()
    assert problems == [], problems


def test_view_rules_reach_pandium_per_user(page: Page, demo: RunningDemo) -> None:
    sign_in(page, demo.url, "bob")
    marketplace = page.frame_locator("pandium-embed#marketplace iframe")
    expect(marketplace.get_by_text("HubSpot").first).to_be_visible()
    expect(marketplace.get_by_text("NetSuite")).to_have_count(0)


def test_the_demo_sends_the_strict_csp_and_coop_it_recommends(page: Page, demo: RunningDemo) -> None:
    response = page.goto(f"{demo.url}/login")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert f"frame-src 'self' {demo.pandium_origin}" in csp
    assert response.headers["cross-origin-opener-policy"] == "same-origin-allow-popups"


def test_a_wrong_password_is_refused(page: Page, demo: RunningDemo) -> None:
    page.goto(f"{demo.url}/login")
    page.fill("#username", "ann")
    page.fill("#password", "nope")
    page.click("#sign-in")
    expect(page.get_by_role("alert")).to_contain_text("wrong password")


def test_pages_need_a_session(context: BrowserContext, demo: RunningDemo) -> None:
    page = context.new_page()
    page.goto(f"{demo.url}/integrations")
    expect(page).to_have_url(f"{demo.url}/login")
