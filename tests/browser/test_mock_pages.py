"""MockPandium's pages in Chromium, framed by a host app on another origin.

The host (http://127.0.0.1:<port>) is a tiny Starlette app behind the real ``PandiumMiddleware``,
configured by ``pandium_mock.config()``: its iframe points at the same-origin mint route, which
redirects to the stand-in (http://localhost:<port>). The host page records every ``message`` event
with its origin in ``window.__messages``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Page
from playwright.sync_api import Route as BrowserRoute
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, Router

from pandium_embed import PandiumMiddleware
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.mock import USER, load_success_example, shape

HOST_API_CREDENTIAL = "host-api-credential-for-user-1"
# A second registered parent that is not this page's: the framed page must not post to it.
OTHER_PARENT = "http://127.0.0.1:9"

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Host</title>
<script>
  window.__messages = [];
  window.addEventListener("message", function (event) {
    var frame = document.getElementById("pandium");
    window.__messages.push({
      origin: event.origin,
      fromFrame: event.source === frame.contentWindow,
      data: event.data,
    });
  });
</script></head>
<body><h1>Host app</h1><iframe id="pandium" src="{src}" width="960" height="640"></iframe></body></html>
"""


async def host_page(request: Request) -> Response:
    src = request.query_params.get("src", "")
    if not src.startswith("/pandium/"):
        return Response("src must be a /pandium/ route", status_code=400)
    return HTMLResponse(HOST_PAGE.replace("{src}", html.escape(src)))


@dataclass
class Host:
    url: str
    mock: MockPandiumServer


# Overrides conftest's `host`: these tests need only a page that frames a URL and records messages.
@pytest.fixture
def host(pandium_mock: MockPandiumServer) -> Iterator[Host]:
    with serve_host(pandium_mock) as host:
        yield host


@contextmanager
def serve_host(pandium_mock: MockPandiumServer, url_host: str = "127.0.0.1") -> Iterator[Host]:
    config = pandium_mock.config(connectors=pandium_mock.connectors)
    app = PandiumMiddleware(
        Router(routes=[Route("/", host_page)]),
        config=config,
        identify=lambda request: USER,
        connector_token=lambda request, user, connector: HOST_API_CREDENTIAL,
    )
    with BackgroundServer(app, url_host=url_host) as server:
        pandium_mock.add_parent_origin(server.origin)
        pandium_mock.add_parent_origin(OTHER_PARENT)
        yield Host(url=server.url, mock=pandium_mock)


def open_embed(page: Page, host: Host, route: str) -> FrameLocator:
    page.set_default_timeout(15_000)
    page.goto(f"{host.url}/?src={route}")
    wait_for(page, "pandium-content-height-change")
    return page.frame_locator("#pandium")


def wait_for(page: Page, name: str) -> None:
    page.wait_for_function("(name) => window.__messages.some((m) => m.data && m.data.message === name)", arg=name)


def messages(page: Page, name: str | None = None) -> list[dict[str, Any]]:
    recorded: list[dict[str, Any]] = page.evaluate("window.__messages")
    return [m for m in recorded if name is None or (isinstance(m["data"], dict) and m["data"].get("message") == name)]


def assert_all_from_the_mock(page: Page, host: Host) -> None:
    recorded = messages(page)
    assert recorded
    for message in recorded:
        assert message["origin"] == host.mock.origin
        assert message["fromFrame"] is True
        assert isinstance(message["data"], dict) and message["data"]["message"].startswith("pandium-")


@pytest.mark.parametrize(
    ("route", "flow"),
    [
        ("/pandium/marketplace", "marketplace"),
        ("/pandium/install/2", "install"),
        ("/pandium/connect/hubspot", "connect"),
    ],
)
def test_each_page_loads_framed_and_reports_its_height(page: Page, host: Host, route: str, flow: str) -> None:
    open_embed(page, host, route)

    [first] = messages(page, "pandium-content-height-change")
    assert set(first["data"]) == {"message", "height"}
    frame = page.frames[1]
    assert frame.url.startswith(f"{host.mock.url}/acme")
    content_height = frame.evaluate("Math.ceil(document.getElementById('pandium-root').getBoundingClientRect().height)")
    assert first["data"]["height"] == content_height > 0
    assert_all_from_the_mock(page, host)
    [accepted] = host.mock.accepted
    assert accepted.flow == flow and accepted.claims["sub"] == "user-1"
    assert host.mock.rejected == []


def test_buttons_stay_disabled_until_the_page_script_handles_them(page: Page, host: Host) -> None:
    # A click before the stand-in's script has attached its handlers would be lost: the buttons are
    # served disabled, so Playwright (and a user) waits. Hold the script back to see that state.
    held: list[BrowserRoute] = []
    page.route("**/__mock__/static/mock.js", lambda route: held.append(route))
    page.set_default_timeout(15_000)
    page.goto(f"{host.url}/?src=/pandium/marketplace", wait_until="commit")
    frame = page.frame_locator("#pandium")
    install = frame.get_by_role("button", name="Install HubSpot")
    install.wait_for(state="visible")
    for _ in range(300):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the stand-in's page never asked for its script"
    assert install.is_disabled()
    assert frame.locator("#save").is_disabled()

    held[0].continue_()
    install.click()
    frame.locator("#install-panel").wait_for(state="visible")
    assert install.is_enabled() and frame.locator("#save").is_enabled()


def test_with_several_parent_origins_the_page_posts_to_its_own_parent_only(
    page: Page, pandium_mock: MockPandiumServer
) -> None:
    # The development set-up: the app (a dev server) and the stand-in on two ports of localhost, one site,
    # so Chromium runs the frame in the page's process and reports a post to a registered parent that is
    # not this page's (OTHER_PARENT) with a console warning, the very text of a broken set-up. The page
    # must post only to its actual parent, and its messages still arrive.
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    with serve_host(pandium_mock, url_host="localhost") as host:
        assert pandium_mock.app.parent_origins == (f"http://localhost:{host.url.rsplit(':', 1)[1]}", OTHER_PARENT)
        frame = open_embed(page, host, "/pandium/marketplace")
        frame.get_by_role("button", name="Install HubSpot").click()
        frame.locator("#save").click()
        wait_for(page, "pandium-save-sync")
        assert_all_from_the_mock(page, host)
    assert [line for line in console if "does not match the recipient window's origin" in line] == []


def test_installed_integrations_show_as_installed(page: Page, host: Host) -> None:
    frame = open_embed(page, host, "/pandium/marketplace")
    assert frame.locator("#installed-4").is_visible()
    assert not frame.locator("#install-4").is_visible()
    assert frame.locator("#install-1").is_visible()


def test_marketplace_install_ends_in_save_sync(page: Page, host: Host) -> None:
    frame = open_embed(page, host, "/pandium/marketplace")
    assert frame.locator("#viewer").inner_text() == "Ann Example"

    frame.get_by_role("button", name="Install HubSpot").click()
    # Opening the set-up panel makes the content taller: a new height is reported.
    page.wait_for_function(
        "() => window.__messages.filter((m) => m.data.message === 'pandium-content-height-change').length >= 2"
    )
    frame.locator("#save").click()
    wait_for(page, "pandium-save-sync")

    [saved] = messages(page, "pandium-save-sync")
    tenant = saved["data"]["tenant"]
    assert set(saved["data"]) == {"message", "tenant"}
    assert tenant["integration"] == {"id": 1, "name": "HubSpot"}
    assert tenant["connected_users"]["pandium"]["attributes"]["jwt"]["display_name"] == "Ann Example"
    assert frame.locator("#installed-1").is_visible()
    assert not frame.locator("#install-1").is_visible()
    heights = [m["data"]["height"] for m in messages(page, "pandium-content-height-change")]
    assert heights[1] > heights[0]
    assert_all_from_the_mock(page, host)


def test_marketplace_cancel_ends_in_install_cancel(page: Page, host: Host) -> None:
    frame = open_embed(page, host, "/pandium/marketplace")
    frame.locator("#install-3").click()
    frame.get_by_role("button", name="Cancel").click()
    wait_for(page, "pandium-install-cancel")

    [cancelled] = messages(page, "pandium-install-cancel")
    assert cancelled["data"] == {
        "message": "pandium-install-cancel",
        "tenant": {"id": None, "integration": {"id": 3, "name": "NetSuite"}},
    }
    assert messages(page, "pandium-save-sync") == []
    assert not frame.locator("#install-panel").is_visible()
    assert_all_from_the_mock(page, host)


def test_install_only_page(page: Page, host: Host) -> None:
    frame = open_embed(page, host, "/pandium/install/2")
    assert frame.locator("#install-title").inner_text() == "Install Salesforce"
    frame.get_by_role("button", name="Save").click()
    wait_for(page, "pandium-save-sync")
    [saved] = messages(page, "pandium-save-sync")
    assert saved["data"]["tenant"]["integration"] == {"id": 2, "name": "Salesforce"}
    assert "is installed" in frame.locator("#status").inner_text()


def test_auth_only_connect_approve_posts_success(page: Page, host: Host) -> None:
    frame = open_embed(page, host, "/pandium/connect/hubspot")

    with page.expect_popup() as popup_info:
        frame.get_by_role("button", name="Connect HubSpot").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url.startswith(f"{host.mock.url}/__mock__/consent/hubspot?state=")
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Approve").click()
    assert popup.is_closed()
    wait_for(page, "pandium-success")

    [success] = messages(page, "pandium-success")
    data = success["data"]
    assert shape(data) == shape(load_success_example())
    assert data["webhook_url"].startswith(f"{host.mock.url}/__mock__/webhooks/")
    jwt_attributes = data["tenant"]["connected_users"]["pandium"]["attributes"]["jwt"]
    assert jwt_attributes["display_name"] == "Ann Example"
    assert jwt_attributes["full_name"] == "Ann Q. Example"
    assert json.loads(jwt_attributes["extra_tenant_info"]) == {
        "connector_name": "hubspot",
        "integration_name": "HubSpot",
        "token": HOST_API_CREDENTIAL,
    }
    assert data["tenant"]["integration"] == {"id": 1, "name": "HubSpot"}
    assert frame.locator("#status").inner_text() == "Connected to HubSpot."
    assert_all_from_the_mock(page, host)
    assert host.mock.rejected == []
    # One message per event although two parent origins are registered: the mismatched post is dropped.
    assert len(messages(page, "pandium-success")) == 1


def test_auth_only_deny_posts_nothing(page: Page, host: Host) -> None:
    frame = open_embed(page, host, "/pandium/connect/hubspot")
    with page.expect_popup() as popup_info:
        frame.locator("#connect").click()
    popup = popup_info.value
    with popup.expect_event("close"):
        popup.locator("#deny").click()
    frame.locator("#status").filter(has_text="denied").wait_for()
    assert messages(page, "pandium-success") == []


def test_an_unregistered_parent_cannot_frame_the_pages(page: Page, pandium_mock: MockPandiumServer) -> None:
    config = pandium_mock.config()
    app = PandiumMiddleware(Router(routes=[Route("/", host_page)]), config=config, identify=lambda request: USER)
    with BackgroundServer(app) as server:
        pandium_mock.add_parent_origin(OTHER_PARENT)  # some other app, not this one
        page.set_default_timeout(15_000)
        page.goto(f"{server.url}/?src=/pandium/marketplace")
        [frame] = page.main_frame.child_frames
        # The mock served the page (the token was accepted), but Chromium refused to render it framed:
        # the frame ends on Chromium's error page (this times out if the mock's page is shown).
        frame.wait_for_url("chrome-error://chromewebdata/")
        assert len(pandium_mock.accepted) == 1
        assert messages(page) == []
