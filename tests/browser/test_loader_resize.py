"""Hostile heights: pandium-content-height-change sizes the frame, safely and at most once a frame."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.support.loader_bed import LoaderEnv
from tests.support.page import events, frame_of, loaded, post, wait_for_events, wait_for_raw

HEIGHT = "{message: 'pandium-content-height-change', probe: %r, height: %s}"


def next_frames(page: Page) -> None:
    """Let two animation frames pass: any write scheduled before now has happened."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def frame_height(page: Page, element_id: str) -> str:
    return str(page.evaluate("(id) => document.querySelector(`#${id} > iframe`).style.height", element_id))


def resizes(page: Page, element_id: str) -> list[int]:
    return [int(e["detail"]["height"]) for e in events(page, "resize", element_id)]


def test_default_height_and_frame_style_before_any_message(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(
        env.page(
            '<pandium-embed id="a"></pandium-embed>'
            '<pandium-embed id="b" min-height="700"></pandium-embed>'
            '<pandium-embed id="c" max-height="250.5px"></pandium-embed>'
        )
    )
    loaded(page, "a")
    assert frame_height(page, "a") == "600px"
    assert frame_height(page, "b") == "700px"
    assert frame_height(page, "c") == "251px"
    style = page.evaluate(
        "() => { const s = document.querySelector('#a > iframe').style; return [s.display, s.width, s.borderStyle]; }"
    )
    assert style == ["block", "100%", "none"]
    assert events(page, "resize") == []


INVALID_HEIGHTS = ["NaN", "Infinity", "-Infinity", "-5", "'900'", "null", "{}", "[900]", "true", "undefined", "1e400"]


def test_valid_heights_apply_rounded_up_and_invalid_ones_are_ignored(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>'))
    frame = loaded(page, "a")
    post(frame, HEIGHT % ("first", "812.2"))
    wait_for_events(page, "resize", target="a")
    assert frame_height(page, "a") == "813px"
    for index, value in enumerate(INVALID_HEIGHTS):
        post(frame, HEIGHT % (f"bad{index}", value))
        wait_for_raw(page, f"bad{index}")
        # Each bad value gets its own frames: a wrongly accepted one would write before the next.
        next_frames(page)
    assert frame_height(page, "a") == "813px"
    post(frame, "{message: 'pandium-content-height-change'}")
    post(frame, HEIGHT % ("last", "700"))
    wait_for_events(page, "resize", 2, target="a")
    assert resizes(page, "a") == [813, 700]
    assert frame_height(page, "a") == "700px"
    # Every message is still reported as a message; only the valid ones resize.
    assert len(events(page, "message", "a")) == len(INVALID_HEIGHTS) + 3


def test_heights_clamp_to_min_and_max(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a" min-height="300" max-height="900px"></pandium-embed>'))
    frame = loaded(page, "a")
    for count, value in enumerate(["100", "5000", "450.5", "0"], start=1):
        post(frame, HEIGHT % (value, value))
        wait_for_events(page, "resize", count, target="a")
    assert resizes(page, "a") == [300, 900, 451, 300]
    assert frame_height(page, "a") == "300px"


def test_a_burst_writes_at_most_once_per_animation_frame_and_the_last_wins(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>'))
    frame = loaded(page, "a")
    page.evaluate(
        """() => { window.__writes = [];
        new MutationObserver((records) => { for (const r of records) window.__writes.push(
            {time: document.timeline.currentTime, height: r.target.style.height}); })
          .observe(document.querySelector("#a > iframe"), {attributes: true, attributeFilter: ["style"]}); }"""
    )
    frame.evaluate(
        "() => { for (let i = 1; i <= 100; i++) parent.postMessage({message: 'pandium-content-height-change', probe: 'burst', height: 400 + i}, '*'); }"
    )
    wait_for_raw(page, "burst", 100)
    next_frames(page)
    writes = page.evaluate("() => window.__writes")
    times = [w["time"] for w in writes]
    assert 1 <= len(writes) <= 5
    assert len(set(times)) == len(times), "two style writes in one animation frame"
    assert writes[-1]["height"] == "500px"
    assert resizes(page, "a")[-1] == 500
    assert len(resizes(page, "a")) == len(writes)

    # Under 1 px after rounding up: no write and no event; then a real change writes once.
    post(frame, HEIGHT % ("tiny", "499.2"))
    wait_for_raw(page, "tiny")
    next_frames(page)
    assert len(page.evaluate("() => window.__writes")) == len(writes)
    assert len(resizes(page, "a")) == len(writes)
    post(frame, HEIGHT % ("real", "650"))
    wait_for_events(page, "resize", len(writes) + 1, target="a")
    assert [w["height"] for w in page.evaluate("() => window.__writes")][len(writes) :] == ["650px"]


def test_a_height_flood_still_ends_at_the_last_height(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>'))
    frame = loaded(page, "a")
    frame.evaluate(
        "() => { for (let i = 1; i <= 3000; i++) parent.postMessage({message: 'pandium-content-height-change', probe: 'h', height: i}, '*'); }"
    )
    wait_for_raw(page, "h", 3000)
    next_frames(page)
    assert frame_height(page, "a") == "3000px"
    # Over the message budget, heights are applied but not reported one by one.
    assert len(events(page, "message", "a")) <= 300
    assert frame_of(page, "#a").url.startswith(env.pandium.url)
