"""Page objects for end-to-end tests of your own app against MockPandium, with Playwright for Python.

    from pandium_embed.testing import PandiumFrame

    def test_install_hubspot(page, app_url):        # pytest-playwright's `page`, or any sync Page
        frame = PandiumFrame(page)                   # the first <pandium-embed>; before goto, to hear all
        page.goto(f"{app_url}/integrations")
        frame.install("1")
        detail = frame.save()                               # the host page's pandium:save-sync detail
        assert detail["tenant"]["integration"]["name"] == "HubSpot"

The page objects use only the stand-in's ``data-testid`` hooks (see ``pandium_embed.mock.pages``), so
a restyle of its pages does not break your tests. They drive the framed mode (``<pandium-embed>`` with
an iframe); every wait is a positive condition with a timeout, never a sleep.

Needs Playwright (``pip install "pandium-embed[testing]"``). ``pandium_embed.testing.server`` serves your
app on a free loopback port for such tests.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

__all__ = ["DEFAULT_TIMEOUT_MS", "EVENT_NAMES", "NoPandiumEvent", "PandiumFrame"]

DEFAULT_TIMEOUT_MS = 15_000
# What <pandium-embed> dispatches (its one event table is js/src/events.ts; tests/integration/test_event_vocabulary.py
# holds this list to it); each bubbles to document, where the recorder listens.
EVENT_NAMES = (
    "pandium:load",
    "pandium:resize",
    "pandium:success",
    "pandium:install-cancel",
    "pandium:save-sync",
    "pandium:error",
    "pandium:message",
    "pandium:close",
    "pandium:diagnostic",
)

# Records every pandium:* event on the page, in order, with its target element. Installed as an init
# script (so events of later navigations are caught from the start) and run once on the current page;
# the guard makes the second run a no-op.
_RECORDER = """
(() => {
  if (window.__pandiumTestingEvents) return;
  const events = [];
  Object.defineProperty(window, "__pandiumTestingEvents", { value: events });
  for (const type of EVENT_NAMES) {
    const record = (event) => events.push({ type, target: event.target, detail: event.detail });
    document.addEventListener(type, record, true);
  }
})()
""".replace("EVENT_NAMES", json.dumps(EVENT_NAMES))

# Resolves with the first event of `type` on `element` at or after index `from`: {index, detail}.
_NEXT_EVENT = """
([element, type, from]) => {
  const events = window.__pandiumTestingEvents || [];
  for (let i = from; i < events.length; i++) {
    if (events[i].type === type && events[i].target === element) return { index: i, detail: events[i].detail };
  }
  return null;
}
"""
_COUNT = "() => (window.__pandiumTestingEvents || []).length"
_TYPES_SEEN = (
    "(element) => (window.__pandiumTestingEvents || []).filter((e) => e.target === element).map((e) => e.type)"
)

NO_EVENT = (
    "No {name} reached the host page within {seconds:g} s (this element dispatched: {seen}). "
    "A refused or failing Pandium page, or a 'silent' scenario, sends none."
)
WRONG_PAGE = "The frame shows MockPandium's {shown!r} page, not {wanted}."
NOT_THIS_INTEGRATION = "The install-only page is for integration {shown!r}, not {wanted!r}."


class NoPandiumEvent(AssertionError):
    """The host page did not receive the expected ``pandium:*`` event in time."""


def _attribute(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'[{name}="{escaped}"]'


def _testid(name: str) -> str:
    # A CSS attribute selector rather than get_by_test_id: that one follows a project-wide setting
    # (selectors.set_test_id_attribute) that a user's suite may have changed.
    return _attribute("data-testid", name)


class PandiumFrame:
    """A ``<pandium-embed>`` element on your host page and MockPandium's page inside it.

    ``element`` is a CSS selector or a Locator (default: the first ``pandium-embed``), found lazily.
    Create it before ``page.goto(...)``: it records the page's ``pandium:*`` events from the start of
    every navigation after that (and, on the page already open, from now on).
    """

    def __init__(
        self, page: Page, element: str | Locator = "pandium-embed", *, timeout_ms: float = DEFAULT_TIMEOUT_MS
    ) -> None:
        self.page = page
        self.element: Locator = page.locator(element).first if isinstance(element, str) else element
        self.timeout_ms = timeout_ms
        page.add_init_script(_RECORDER)
        page.evaluate(_RECORDER)
        # Per event type: the index after the last event this object returned.
        self._cursors: dict[str, int] = {}

    # -- MockPandium's page ------------------------------------------------------------------------

    @property
    def frame(self) -> FrameLocator:
        """MockPandium's page inside the element's iframe."""
        return self.element.locator("iframe").content_frame

    def _find(self, testid: str) -> Locator:
        return self.frame.locator(_testid(testid))

    def showing(self) -> str:
        """Which page the frame shows once it has loaded: ``marketplace``, ``install``, ``auth`` or ``error``."""
        kind = self._find("pandium-page").get_attribute("data-page", timeout=self.timeout_ms)
        if kind is None:
            raise AssertionError("The frame's page has no data-page attribute: it is not one of MockPandium's pages.")
        return kind

    def signed_in_as(self) -> str:
        """The name the page shows for the signed-in user (display name, else full name, else ``sub``)."""
        return self._find("signed-in-as").inner_text(timeout=self.timeout_ms)

    def refusal(self) -> str:
        """The reason code of a refused page (``expired``, ``replayed``, ``server-error``, ...)."""
        reason = self._find("refusal").get_attribute("data-reason", timeout=self.timeout_ms)
        if reason is None:
            raise AssertionError("The refusal page has no data-reason attribute: it is not MockPandium's refusal.")
        return reason

    def install(self, integration_id: str | int) -> None:
        """Open the set-up panel of one integration: its Install button on the marketplace, or check
        that the install-only page is for it."""
        wanted = str(integration_id)
        shown = self.showing()
        if shown == "marketplace":
            card = self.frame.locator(_testid("integration") + _attribute("data-integration-id", wanted))
            card.locator(_testid("install")).click(timeout=self.timeout_ms)
        elif shown != "install":
            raise AssertionError(WRONG_PAGE.format(shown=shown, wanted="the marketplace or an install-only page"))
        panel = self._find("install-panel")
        panel.wait_for(state="visible", timeout=self.timeout_ms)
        panel_id = panel.get_attribute("data-integration-id", timeout=self.timeout_ms)
        if panel_id != wanted:
            raise AssertionError(NOT_THIS_INTEGRATION.format(shown=panel_id, wanted=wanted))

    def save(self) -> dict[str, Any]:
        """Click Save; returns the host page's ``pandium:save-sync`` detail (``{"tenant": {...}}``)."""
        return self._after(lambda: self._find("save").click(timeout=self.timeout_ms), "pandium:save-sync")

    def cancel(self) -> dict[str, Any]:
        """Click Cancel; returns the host page's ``pandium:install-cancel`` detail."""
        return self._after(lambda: self._find("cancel").click(timeout=self.timeout_ms), "pandium:install-cancel")

    def connect(self, *, approve: bool = True) -> dict[str, Any] | None:
        """On the Auth-Only page: click Connect, answer the consent popup, wait until it has closed.

        Returns the host page's ``pandium:success`` detail (``{"tenant", "webhook_url"}``), or ``None``
        when the connection was denied (by ``approve=False`` or a ``deny_consent`` scenario).
        """
        cursor = self._mark("pandium:success")
        with self.page.expect_popup(timeout=self.timeout_ms) as popup_info:
            self._find("connect").click(timeout=self.timeout_ms)
        popup = popup_info.value
        with popup.expect_event("close", timeout=self.timeout_ms):
            try:
                popup.locator(_testid("approve" if approve else "deny")).click(
                    timeout=self.timeout_ms, no_wait_after=True
                )
            except PlaywrightError:
                # The consent window closes itself right after the answer; on a busy machine it can be
                # gone before Playwright reports the click as done. Only a window still open is an error.
                if not popup.is_closed():
                    raise
        outcome = self.frame.locator(
            ", ".join(_testid("status") + _attribute("data-outcome", word) for word in ("connected", "denied"))
        )
        if outcome.get_attribute("data-outcome", timeout=self.timeout_ms) == "denied":
            return None
        return self._next("pandium:success", cursor)

    # -- the host page's events ----------------------------------------------------------------------

    def wait_for_event(self, name: str) -> dict[str, Any]:
        """The detail of the next ``name`` event (e.g. ``"pandium:error"``) this object has not returned
        yet, counting from the recorder's start; waits for it if need be."""
        return self._next(name, self._cursors.get(name, 0))

    def events(self, name: str) -> list[dict[str, Any]]:
        """Every ``name`` event of this element recorded so far, oldest first (no waiting)."""
        details: list[dict[str, Any]] = self.page.evaluate(
            "([element, type]) => (window.__pandiumTestingEvents || [])"
            ".filter((e) => e.type === type && e.target === element).map((e) => e.detail)",
            [self.element.element_handle(timeout=self.timeout_ms), name],
        )
        return details

    def _mark(self, name: str) -> int:
        # Events before an action are not its result.
        cursor: int = self.page.evaluate(_COUNT)
        self._cursors[name] = cursor
        return cursor

    def _after(self, action: Any, name: str) -> dict[str, Any]:
        cursor = self._mark(name)
        action()
        return self._next(name, cursor)

    def _next(self, name: str, cursor: int) -> dict[str, Any]:
        element = self.element.element_handle(timeout=self.timeout_ms)
        try:
            handle = self.page.wait_for_function(_NEXT_EVENT, arg=[element, name, cursor], timeout=self.timeout_ms)
        except PlaywrightTimeoutError:
            seen = self.page.evaluate(_TYPES_SEEN, element)
            raise NoPandiumEvent(
                NO_EVENT.format(name=name, seconds=self.timeout_ms / 1000, seen=", ".join(seen) or "nothing")
            ) from None
        found: dict[str, Any] = handle.json_value()
        self._cursors[name] = found["index"] + 1
        detail: dict[str, Any] = found["detail"]
        return detail
