"""Your own browser test: your app and MockPandium on two loopback origins, a signed-in user, Chromium."""

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from pandium_embed.testing.chromium import CHROMIUM_ARGS, chromium_path
from pandium_embed.testing.server import BackgroundServer

from myapp import create_app


@pytest.fixture
def server(pandium_mock):
    app = create_app(pandium_mock.config(), session_secret="test-only-session-key")
    with BackgroundServer(app) as server:  # on 127.0.0.1; the mock is on localhost: two origins
        pandium_mock.add_parent_origin(server.origin)  # let the mock's pages be framed by the app
        yield server


def test_a_signed_in_user_sees_the_marketplace(server, pandium_mock):
    expect.set_options(timeout=15_000)  # a busy CI machine may take longer than the default 5 s
    with sync_playwright() as playwright:
        # chromium_path(): a system Chromium, for machines where Playwright cannot download its own browser.
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.request.post(f"{server.url}/login", data={"username": "ann"})  # sets the page's session cookie
        page.goto(f"{server.url}/integrations")
        frame = page.frame_locator("pandium-embed iframe")
        expect(frame.locator("#viewer")).to_have_text("Ann Example")
        expect(frame.get_by_role("button", name="Install HubSpot")).to_be_visible()
        browser.close()
    assert pandium_mock.accepted[-1].claims["sub"] == "ann"


def test_a_visitor_who_is_not_signed_in_gets_no_token(server, pandium_mock):
    assert httpx.get(f"{server.url}/pandium/marketplace").status_code == 401
    assert pandium_mock.accepted == []
