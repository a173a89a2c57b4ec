"""`expect-message` and `fallback="popup"`: a frame whose page never talks (here: MockPandium does not
know the host's origin, so it refuses to be framed there and posts to nobody) still loads; the element
says so with `pandium:error {status: 0, reason: "no-message"}` and can swap the frame for the pop-out
button."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.mock_host import MockHost, mock_host
from tests.support.page import events, wait_for_events


@pytest.fixture
def silent_host(pandium_mock: MockPandiumServer) -> Iterator[MockHost]:
    with mock_host(pandium_mock, registered=False) as host:
        yield host


def test_a_silent_frame_is_an_error_after_expect_message(page: Page, silent_host: MockHost) -> None:
    silent_host.open(
        page,
        '<pandium-embed id="watched" view="marketplace" expect-message="500"></pandium-embed>'
        '<pandium-embed id="unwatched" view="marketplace"></pandium-embed>',
    )
    wait_for_events(page, "load", target="unwatched")
    [error] = wait_for_events(page, "error", target="watched")
    assert error["detail"] == {"status": 0, "reason": "no-message"}
    # It is an error event only: the frame stays, and the element without the attribute says nothing.
    assert page.locator("#watched > iframe").count() == 1
    assert events(page, "message") == []
    assert events(page, "error", "unwatched") == []
    # Before the load there was nothing to wait for: the error follows the load.
    [load] = events(page, "load", "watched")
    assert load["at"] + 500 <= error["at"]


def test_fallback_popup_swaps_the_silent_frame_for_the_pop_out_button(page: Page, silent_host: MockHost) -> None:
    silent_host.open(
        page, '<pandium-embed id="c" integration="2" expect-message="500" fallback="popup"></pandium-embed>'
    )
    wait_for_events(page, "error", target="c")
    button = page.locator("#c > button")
    button.wait_for()
    assert button.inner_text() == "Open integrations"
    assert page.locator("#c > iframe").count() == 0
    # The button opens the same route in a popup: a fresh mint, at top level.
    minted = len(silent_host.mock.accepted)
    with page.expect_popup() as info:
        button.click()
    info.value.wait_for_load_state()
    assert len(silent_host.mock.accepted) == minted + 1
    assert silent_host.mock.accepted[-1].flow == "install"


def test_fallback_popup_with_your_own_content_keeps_it_and_makes_it_the_opener(
    page: Page, silent_host: MockHost
) -> None:
    silent_host.open(
        page,
        '<pandium-embed id="c" integration="2" expect-message="500" fallback="popup">'
        '<p id="own">Integrations open in a window if they cannot show here.</p></pandium-embed>'
        # While the frame is there, your content is just content: a click in it (at the frame's load,
        # before the silence is even timed) opens nothing, not even a blocked popup.
        "<script>document.getElementById('c').addEventListener('pandium:load', () => "
        "document.getElementById('own').click(), {once: true});</script>",
    )
    [error] = wait_for_events(page, "error", target="c")
    assert error["detail"] == {"status": 0, "reason": "no-message"}
    page.wait_for_function("() => !document.querySelector('#c > iframe')")
    assert page.evaluate("() => [...document.querySelector('#c').children].map((n) => n.id)") == ["own"]
    # Now your content stands for the button (none is added), as in pop-out mode: a click in it opens
    # the same route in a popup, with a fresh mint.
    minted = len(silent_host.mock.accepted)
    with page.expect_popup() as info:
        page.locator("#own").click()
    info.value.wait_for_load_state()
    assert len(silent_host.mock.accepted) == minted + 1
    assert silent_host.mock.accepted[-1].flow == "install"
    assert page.locator("#c > button").count() == 0
    assert [e["detail"]["reason"] for e in events(page, "error", "c")] == ["no-message"]


def test_a_talking_frame_is_never_reported_silent(page: Page, host: MockHost) -> None:
    host.open(page, '<pandium-embed id="m" view="marketplace" expect-message="2000" fallback="popup"></pandium-embed>')
    wait_for_events(page, "resize", target="m")
    # Past the deadline (measured from the page's own clock, not the test's): still no error, still a frame.
    page.wait_for_function("() => performance.now() > window.__events.find((e) => e.type === 'pandium:load').at + 2500")
    assert events(page, "error") == []
    assert page.locator("#m > iframe").count() == 1
