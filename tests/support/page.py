"""Reading a Playwright page that runs the test recorder (``/recorder.js``): the pandium:* events
it saw, the raw messages, the frames."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import ConsoleMessage, Frame, FrameLocator, Page


def events(page: Page, type_: str | None = None, target: str | None = None) -> list[dict[str, Any]]:
    """The recorded pandium:* events, optionally of one type (``"success"``) and one element id."""
    found: list[dict[str, Any]] = page.evaluate("() => window.__events")
    return [
        e
        for e in found
        if (type_ is None or e["type"] == "pandium:" + type_) and (target is None or e["target"] == target)
    ]


def wait_for_events(page: Page, type_: str, count: int = 1, target: str | None = None) -> list[dict[str, Any]]:
    page.wait_for_function(
        "([type, count, target]) => window.__events.filter("
        "(e) => e.type === type && (target === null || e.target === target)).length >= count",
        arg=["pandium:" + type_, count, target],
    )
    return events(page, type_, target)


def wait_for_raw(page: Page, probe: str, count: int = 1) -> None:
    """Wait until the window itself has received ``count`` messages tagged ``probe``: by then the
    loader's listener has run on them too (same dispatch)."""
    page.wait_for_function(
        "([probe, count]) => window.__raw.filter((m) => m.probe === probe).length >= count",
        arg=[probe, count],
    )


def frame_of(page: Page, selector: str) -> Frame:
    """The content frame of the iframe inside the element matched by ``selector``."""
    handle = page.locator(f"{selector} > iframe").element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


def post(frame: Frame, message_js: str) -> None:
    """``parent.postMessage(<message_js>, "*")`` from inside ``frame``; the message is JS source so
    NaN, Infinity, Dates and friends survive."""
    frame.evaluate(f"() => parent.postMessage({message_js}, '*')")


def loaded(page: Page, element_id: str) -> Frame:
    """Wait for the element's first pandium:load and return its frame."""
    wait_for_events(page, "load", target=element_id)
    return frame_of(page, f"#{element_id}")


def message_listeners(page: Page) -> int:
    """How many "message" listeners the window has, read through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    try:
        window = session.send("Runtime.evaluate", {"expression": "window"})
        listeners = session.send("DOMDebugger.getEventListeners", {"objectId": window["result"]["objectId"]})
        return sum(1 for listener in listeners["listeners"] if listener["type"] == "message")
    finally:
        session.detach()


def frame(page: Page, element_id: str) -> FrameLocator:
    """The iframe inside <pandium-embed id=element_id>."""
    return page.frame_locator(f"#{element_id} > iframe")


def console_messages(page: Page, kind: str) -> list[str]:
    """The texts of the console messages of ``kind`` ("error", "warning") the page logs from now on."""
    texts: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == kind:
            texts.append(message.text)

    page.on("console", on_console)
    return texts


def approve_auth_only(page: Page, connect_page: Page | FrameLocator) -> None:
    """Click "Connect HubSpot" on the Auth-Only page and approve in its consent popup."""
    with page.context.expect_page() as consent_info:
        connect_page.get_by_role("button", name="Connect HubSpot").click()
    consent = consent_info.value
    consent.wait_for_load_state()
    with consent.expect_event("close"):
        consent.get_by_role("button", name="Approve").click()


def install(page: Page, element_id: str, integration: str) -> None:
    """On the marketplace in <pandium-embed id=element_id>: Install ``integration``, then Save."""
    market = frame(page, element_id)
    market.get_by_role("button", name=f"Install {integration}").click()
    market.locator("#save").click()
