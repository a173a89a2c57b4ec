"""The demo end to end in Chromium: sign in, marketplace, Auth-Only connect through the popup, the event
panel, sign out and the 401 that follows. Host and stand-in on two origins, as `make demo` runs them."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from demo.__main__ import CONNECTORS, ORG
from demo.app import create_app
from pandium_embed import PandiumConfig
from pandium_embed.mock import MockPandium
from pandium_embed.mock.server import BackgroundServer

pytestmark = pytest.mark.browser


@dataclass
class Demo:
    url: str
    mock: MockPandium
    pandium_origin: str


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    secret = secrets.token_urlsafe(32)
    mock = MockPandium(secret=secret, org=ORG)
    with BackgroundServer(mock, url_host="localhost") as mock_server:
        config = PandiumConfig(
            ORG,
            secret,
            marketplace_base_url=mock_server.url,
            install_base_url=mock_server.url,
            connect_base_url=mock_server.url,
            connectors=CONNECTORS,
        )
        host = BackgroundServer(create_app(config, session_secret="demo-test-session"))
        mock.add_parent_origin(host.origin)  # the port is bound (and known) before the server starts
        with host:
            yield Demo(host.url, mock, mock_server.origin)


def sign_in(page: Page, demo: Demo, username: str) -> None:
    page.goto(f"{demo.url}/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("#sign-in")
    expect(page).to_have_url(f"{demo.url}/integrations")


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


def test_sign_in_marketplace_connect_events_and_sign_out(page: Page, demo: Demo) -> None:
    problems = watch_console(page)
    sign_in(page, demo, "ann")

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


def test_view_rules_reach_pandium_per_user(page: Page, demo: Demo) -> None:
    sign_in(page, demo, "bob")
    marketplace = page.frame_locator("pandium-embed#marketplace iframe")
    expect(marketplace.get_by_text("HubSpot").first).to_be_visible()
    expect(marketplace.get_by_text("NetSuite")).to_have_count(0)


def test_the_demo_sends_the_strict_csp_and_coop_it_recommends(page: Page, demo: Demo) -> None:
    response = page.goto(f"{demo.url}/login")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert f"frame-src 'self' {demo.pandium_origin}" in csp
    assert response.headers["cross-origin-opener-policy"] == "same-origin-allow-popups"


def test_a_wrong_password_is_refused(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.url}/login")
    page.fill("#username", "ann")
    page.fill("#password", "nope")
    page.click("#sign-in")
    expect(page.get_by_role("alert")).to_contain_text("wrong password")


def test_pages_need_a_session(context: BrowserContext, demo: Demo) -> None:
    page = context.new_page()
    page.goto(f"{demo.url}/integrations")
    expect(page).to_have_url(f"{demo.url}/login")
