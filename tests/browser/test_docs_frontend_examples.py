"""The Frontend page's markup and scripts (docs/examples/*.html, *.js) do what the page says, run as
written in Chromium against the real middleware."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from pandium_embed.mock import Connector
from tests.support.docs import example
from tests.support.loader_bed import LoaderEnv
from tests.support.mock_host import MockHost
from tests.support.page import approve_connection, events, loaded, post


@pytest.fixture
def pandium_mock_options() -> dict[str, Any]:
    # The docs' connector, on the mock's HubSpot integration.
    return {"connectors": [Connector("gwt", "GWT", integration_id="1")]}


EVENTS_PAGE = (
    '<pandium-embed id="c" connector="gwt"></pandium-embed>'
    "<script>window.saveConnection = (id, url) => { window.__saved = [id, url]; };</script>"
    f"<script>{example('events.js')}</script>"
)


def test_the_events_example_saves_a_connection(signed_in: Page, env: LoaderEnv) -> None:
    signed_in.goto(env.page(EVENTS_PAGE))
    post(loaded(signed_in, "c"), "{message: 'pandium-success', tenant: {id: 11}, webhook_url: 'https://hook.test/1'}")
    signed_in.wait_for_function("() => window.__saved !== undefined")
    assert signed_in.evaluate("() => window.__saved") == [11, "https://hook.test/1"]


def test_the_events_example_sends_a_signed_out_user_to_login(browser: Browser, env: LoaderEnv) -> None:
    context = browser.new_context()  # no session cookie
    try:
        page = context.new_page()
        page.goto(env.page(EVENTS_PAGE))
        page.wait_for_url(f"{env.host.url}/login")
    finally:
        context.close()


def test_the_popup_markup_connects_and_reports(page: Page, host: MockHost) -> None:
    host.open(page, example("popup.html"))
    with page.expect_popup() as info:
        page.get_by_role("button", name="Connect Great Widgets").click()
    popup = info.value
    popup.wait_for_load_state()
    approve_connection(popup, "GWT")
    [(sub, event)] = host.reports.wait_for(1)
    assert (sub, event.kind, event.connector) == ("user-1", "success", "gwt")
    assert [record.flow for record in host.mock.accepted] == ["connect"]


def test_the_popup_open_example_refreshes_on_success_and_close(page: Page, host: MockHost) -> None:
    host.open(
        page,
        '<button id="connect" class="btn">Connect</button>'
        "<script>window.__calls = [];"
        " function refreshConnections(id) { window.__calls.push(['refresh', id === undefined ? null : id]); }"
        " function showPopupHelp() { window.__calls.push(['help']); }</script>"
        f"<script>{example('popup_open.js')}</script>",
    )
    with page.expect_popup() as info:
        page.locator("#connect").click()
    popup = info.value
    popup.wait_for_load_state()
    approve_connection(popup, "GWT")
    page.wait_for_function("() => window.__calls.length === 1")
    [(_, event)] = host.reports.wait_for(1)
    assert page.evaluate("() => window.__calls") == [["refresh", int(event.tenant_id)]]
    popup.close()
    page.wait_for_function("() => window.__calls.length === 2")
    assert page.evaluate("() => window.__calls")[1] == ["refresh", None]
    # The handle is detached: the page-level recorder hears nothing.
    assert events(page) == []


def test_the_popup_open_example_explains_a_blocked_popup(page: Page, host: MockHost) -> None:
    host.open(
        page,
        '<button id="connect">Connect</button>'
        "<script>window.__calls = []; function refreshConnections() {}"
        " function showPopupHelp() { window.__calls.push('help'); }"
        " window.open = () => null;</script>"  # what a browser's popup blocker answers
        f"<script>{example('popup_open.js')}</script>",
    )
    page.locator("#connect").click()
    page.wait_for_function("() => window.__calls.length === 1")
    assert page.evaluate("() => window.__calls") == ["help"]
