"""Pop-out mode: <pandium-embed mode="popup"> and PandiumEmbed.open() open the mint route in a popup
window (host app behind the real middleware on 127.0.0.1, the real MockPandium on localhost), accept
messages only from that window on a Pandium origin, and report a blocked or closed popup."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.support.mock import load_success_example, shape
from tests.support.mock_host import MockHost
from tests.support.page import events, message_listeners, wait_for_events, wait_for_raw

SUCCESS = "{message: 'pandium-success', probe: %r, webhook_url: 'https://hooks.example/1', tenant: {id: %d, name: 't'}}"
# window.open counted, so "opened once" is read from the page rather than inferred from silence.
COUNT_OPENS = "(() => { const open = window.open; window.__opens = 0; window.open = (...a) => (window.__opens++, open.apply(window, a)); })()"
# Playwright's Chromium never blocks popups (it runs with popup blocking off, and calls without a
# user gesture succeed too), so the blocked branch is reached by making window.open return what a
# blocking browser returns: null. The URLs asked for are kept.
BLOCK_POPUPS = "window.__asked = []; window.open = (url) => { window.__asked.push(url); return null; };"


def open_popup(page: Page, selector: str) -> Page:
    """Click the button inside ``selector`` and return the popup, loaded on Pandium's page."""
    with page.expect_popup() as info:
        page.locator(f"{selector} button").click()
    popup = info.value
    popup.wait_for_load_state()
    return popup


def success_ids(page: Page, target: str | None = None) -> list[int]:
    return [int(e["detail"]["tenant"]["id"]) for e in events(page, "success", target)]


def test_popup_mode_completes_an_auth_only_connect(page: Page, host: MockHost) -> None:
    host.open(page, '<pandium-embed id="pop" mode="popup" connector="hubspot"></pandium-embed>')
    button = page.locator("#pop > button")
    assert button.inner_text() == "Connect hubspot"
    assert button.get_attribute("type") == "button"
    assert page.locator("#pop iframe").count() == 0

    popup = open_popup(page, "#pop")
    assert popup.url.startswith(f"{host.mock.url}/{host.mock.org}/hubspot/auth")
    assert popup.evaluate("() => [outerWidth, outerHeight]") == [720, 800]
    [accepted] = host.mock.accepted
    assert (accepted.flow, accepted.claims["sub"]) == ("connect", "user-1")

    # Pandium's Auth-Only page opens its own consent popup, which answers it; the page then posts
    # pandium-success to the window that opened it: our host page.
    with popup.expect_popup() as consent_info:
        popup.get_by_role("button", name="Connect HubSpot").click()
    consent = consent_info.value
    consent.wait_for_load_state()
    with consent.expect_event("close"):
        consent.get_by_role("button", name="Approve").click()

    [success] = wait_for_events(page, "success", target="pop")
    detail = success["detail"]
    assert set(detail) == {"tenant", "webhook_url"}
    assert shape(detail["tenant"]) == shape(load_success_example()["tenant"])
    assert detail["webhook_url"].startswith(f"{host.mock.url}/__mock__/webhooks/")
    assert success["frozen"] and success["bubbles"] and success["composed"]
    [message] = [e for e in events(page, "message", "pop") if e["detail"]["type"] == "pandium-success"]
    assert message["detail"]["data"]["tenant"] == detail["tenant"]
    assert events(page, "close") == []

    # Closing the window (here: the user) is seen by polling and reported once.
    popup.close()
    [closed] = wait_for_events(page, "close", target="pop")
    assert closed["detail"] == {}
    assert events(page, "error") == []


def test_the_buttons_text_and_your_own_content(page: Page, host: MockHost) -> None:
    host.open(
        page,
        '<pandium-embed id="market" mode="popup"></pandium-embed>'
        '<pandium-embed id="own" mode="popup" integration="2"><button id="mine" class="btn">Set up Salesforce</button></pandium-embed>',
    )
    # The script ran before the markup: the child content arrived after the element was upgraded.
    assert page.locator("#market > button").inner_text() == "Open integrations"
    assert page.eval_on_selector("#own", "(el) => [...el.children].map((c) => c.id)") == ["mine"]
    # An element created once the document is parsed gets its button at once.
    page.evaluate(
        "() => { const el = document.createElement('pandium-embed'); el.id = 'late'; el.setAttribute('mode', 'popup');"
        " el.setAttribute('connector', 'gwt'); document.body.append(el); }"
    )
    assert page.locator("#late > button").inner_text() == "Connect gwt"

    popup = open_popup(page, "#own")
    assert popup.url.startswith(f"{host.mock.url}/{host.mock.org}/tenants/create/2")
    assert [record.flow for record in host.mock.accepted] == ["install"]


def test_only_the_popups_own_window_on_a_pandium_origin_is_heard(page: Page, host: MockHost) -> None:
    host.open(
        page,
        '<pandium-embed id="framed" view="marketplace"></pandium-embed>'
        '<pandium-embed id="pop" mode="popup"></pandium-embed>',
    )
    wait_for_events(page, "load", target="framed")
    own = open_popup(page, "#pop")
    assert own.url.startswith(f"{host.mock.url}/{host.mock.org}")

    # Another window on Pandium's origin, opened by the same page: an origin check alone passes it.
    with page.expect_popup() as other_info:
        page.evaluate("() => { window.open('/pandium/marketplace', '_blank', 'popup'); }")
    other = other_info.value
    other.wait_for_load_state()
    assert other.url.startswith(host.mock.url)
    other.evaluate(f"() => opener.postMessage({SUCCESS % ('other', 1)}, '*')")
    wait_for_raw(page, "other")

    # A frame on Pandium's origin (another element's): its own element hears it, the popup's does not.
    frame = page.locator("#framed > iframe").element_handle().content_frame()
    assert frame is not None
    frame.evaluate(f"() => parent.postMessage({SUCCESS % ('frame', 2)}, '*')")
    wait_for_raw(page, "frame")

    # The host page posting to itself.
    page.evaluate(f"() => window.postMessage({SUCCESS % ('self', 3)}, '*')")
    wait_for_raw(page, "self")

    # Positive control: the popup's own window.
    own.evaluate(f"() => opener.postMessage({SUCCESS % ('own', 4)}, '*')")
    wait_for_events(page, "success", target="pop")
    assert success_ids(page, "pop") == [4]
    assert success_ids(page, "framed") == [2]

    # The popup navigated to an origin that is not Pandium's: still its window, but not trusted.
    # (navigated by its own script, as a page would: a browser-initiated navigation cuts the opener)
    with own.expect_navigation():
        own.evaluate("(url) => location.assign(url)", f"{host.server.url}/same-origin")
    assert own.url == f"{host.server.url}/same-origin"
    own.evaluate(f"() => opener.postMessage({SUCCESS % ('moved', 5)}, '*')")
    wait_for_raw(page, "moved")
    frame.evaluate(f"() => parent.postMessage({SUCCESS % ('frame', 6)}, '*')")
    wait_for_events(page, "success", 2, target="framed")
    assert success_ids(page, "pop") == [4]


def test_a_blocked_popup_emits_an_error(page: Page, host: MockHost) -> None:
    page.add_init_script(BLOCK_POPUPS)
    host.open(page, '<pandium-embed id="pop" mode="popup" connector="hubspot"></pandium-embed>')
    page.locator("#pop > button").click()
    [blocked] = wait_for_events(page, "error", target="pop")
    assert blocked["detail"] == {"status": 0, "reason": "popup-blocked"}
    # The function form reports it after returning, so a listener added right away hears it.
    # (with a polluted Object.prototype: the options' own keys only become attributes)
    page.evaluate(
        "() => { window.__blocked = null; Object.prototype.src = 'https://evil.example/';"
        " try { const handle = PandiumEmbed.open({connector: 'hubspot'});"
        " handle.addEventListener('pandium:error', (e) => { window.__blocked = e.detail; }); }"
        " finally { delete Object.prototype.src; } }"
    )
    detail: dict[str, Any] = page.wait_for_function("() => window.__blocked").json_value()
    assert detail == {"status": 0, "reason": "popup-blocked"}
    assert page.evaluate("() => window.__asked") == [f"{host.server.url}/pandium/connect/hubspot"] * 2
    assert host.mock.accepted == []


def test_open_while_open_focuses_the_same_popup_and_close_closes_it(page: Page, host: MockHost) -> None:
    page.add_init_script(COUNT_OPENS)
    host.open(page, '<pandium-embed id="pop" mode="popup" view="marketplace"></pandium-embed>')
    popup = open_popup(page, "#pop")
    assert page.evaluate("() => { document.getElementById('pop').open(); return window.__opens; }") == 1
    with popup.expect_event("close"):
        page.evaluate("() => document.getElementById('pop').close()")
    wait_for_events(page, "close", target="pop")
    # Closed, the next click opens a fresh window, with a fresh token.
    again = open_popup(page, "#pop")
    assert page.evaluate("() => window.__opens") == 2
    assert [record.flow for record in host.mock.accepted] == ["marketplace", "marketplace"]
    again.evaluate(f"() => opener.postMessage({SUCCESS % ('again', 7)}, '*')")
    wait_for_events(page, "success", target="pop")
    assert len(events(page, "close", "pop")) == 1


def test_pandium_embed_open_returns_a_handle_that_stops_listening_when_the_popup_closes(
    page: Page, host: MockHost
) -> None:
    host.open(page, '<button id="mine">Connect</button>')
    baseline = message_listeners(page)
    page.evaluate(
        """() => {
          window.__heard = [];
          document.getElementById("mine").addEventListener("click", () => {
            const handle = (window.__handle = PandiumEmbed.open({ connector: "hubspot", report: false, width: 600, height: 500 }));
            for (const type of ["pandium:success", "pandium:close"]) handle.addEventListener(type, (e) => window.__heard.push([e.type, e.detail]));
          });
        }"""
    )
    with page.expect_popup() as info:
        page.locator("#mine").click()
    popup = info.value
    popup.wait_for_load_state()
    assert page.evaluate("() => window.__handle instanceof PandiumEmbed && !window.__handle.isConnected")
    # Options are the element's attributes; false leaves one out.
    assert page.evaluate(
        "() => [window.__handle.getAttribute('connector'), window.__handle.hasAttribute('report')]"
    ) == [
        "hubspot",
        False,
    ]
    assert popup.evaluate("() => [outerWidth, outerHeight]") == [600, 500]
    assert message_listeners(page) == baseline + 1
    popup.evaluate(f"() => opener.postMessage({SUCCESS % ('handle', 8)}, '*')")
    page.wait_for_function("() => window.__heard.length === 1")
    [[kind, detail]] = page.evaluate("() => window.__heard")
    assert (kind, detail["tenant"]["id"]) == ("pandium:success", 8)
    # The handle is detached: its events do not reach document.
    assert events(page, "success") == []

    popup.close()
    page.wait_for_function("() => window.__heard.length === 2")
    assert page.evaluate("() => window.__heard[1]") == ["pandium:close", {}]
    assert message_listeners(page) == baseline


def test_removing_the_element_stops_listening_and_leaves_the_popup_open(page: Page, host: MockHost) -> None:
    host.open(page, '<pandium-embed id="pop" mode="popup" view="marketplace"></pandium-embed>')
    baseline = message_listeners(page)
    popup = open_popup(page, "#pop")
    assert message_listeners(page) == baseline + 1
    page.evaluate(
        "() => { const el = document.getElementById('pop'); window.__removed = el; window.__heard = [];"
        " for (const t of ['pandium:success', 'pandium:message', 'pandium:close'])"
        "   el.addEventListener(t, (e) => window.__heard.push(e.type + ' ' + (e.detail.type || '')));"
        " el.remove(); }"
    )
    assert message_listeners(page) == baseline
    popup.evaluate(f"() => opener.postMessage({SUCCESS % ('removed', 9)}, '*')")
    wait_for_raw(page, "removed")
    # The user may still be using it: removal does not close the window.
    assert not popup.is_closed()
    assert popup.evaluate("() => !!window.opener")
    popup.close()
    # Positive control: put back, the element builds a new button, and a new popup is heard.
    page.evaluate("() => document.body.append(window.__removed)")
    again = open_popup(page, "#pop")
    again.evaluate(f"() => opener.postMessage({SUCCESS % ('back', 10)}, '*')")
    page.wait_for_function("() => window.__heard.includes('pandium:success ')")
    heard = [h for h in page.evaluate("() => window.__heard") if h != "pandium:message pandium-content-height-change"]
    assert heard == ["pandium:success ", "pandium:message pandium-success"]
    assert page.locator("#pop > button").count() == 1
