"""Prewarm (a hidden frame opening the connection a later frame reuses) and preload (a hidden element
whose events wait until it is shown), in Chromium against the real stand-in behind a counting proxy."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from bench.netem import DelayProxy
from pandium_embed.mock.harness import MockPandiumServer
from tests.support.mock_host import MockHost, mock_host
from tests.support.page import events, wait_for_events

# Every iframe the page ever adds, with its URL at insertion.
FRAMES_JS = """() => {
  window.__frames = [];
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeName === "IFRAME") window.__frames.push(n.src);
  }).observe(document, {childList: true, subtree: true});
}"""
NO_FRAME_LEFT = "() => !document.querySelector('iframe')"
# In the body before the element: counts the `load`s of every iframe it adds (what `pandium:load` follows).
FRAME_LOADS = (
    "<script>window.__frameLoads = 0; new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes)"
    " if (n.nodeName === 'IFRAME') n.addEventListener('load', () => window.__frameLoads++); })"
    ".observe(document, {childList: true, subtree: true});</script>"
)


@pytest.fixture
def proxy(pandium_mock: MockPandiumServer) -> Iterator[DelayProxy]:
    """A proxy in front of the stand-in, counting the connections the browser opens to it."""
    with DelayProxy(urlsplit(pandium_mock.url).port or 0) as proxy:
        yield proxy


@pytest.fixture
def proxied_host(pandium_mock: MockPandiumServer, proxy: DelayProxy) -> Iterator[MockHost]:
    with mock_host(pandium_mock, pandium_url=f"http://localhost:{proxy.port}") as host:
        yield host


def test_prewarm_opens_one_connection_to_the_configured_origin_with_no_token(
    page: Page, proxied_host: MockHost, proxy: DelayProxy
) -> None:
    origin = f"http://localhost:{proxy.port}"
    proxied_host.open(page, "<p>settings</p>")
    page.evaluate(FRAMES_JS)
    # Twice, and once naming an origin that is not configured (and the host's own): one frame, one origin.
    page.evaluate(
        "() => { PandiumEmbed.prewarm(); PandiumEmbed.prewarm(); PandiumEmbed.prewarm(['https://evil.example', location.origin]); }"
    )
    page.wait_for_function(NO_FRAME_LEFT)  # removed once loaded
    assert page.evaluate("() => window.__frames") == [f"{origin}/robots.txt"]
    assert proxy.first_lines == [b"GET /robots.txt HTTP/1.1"]
    assert proxied_host.mock.accepted == [] and proxied_host.mock.rejected == []


def test_prewarm_names_only_configured_origins(page: Page, proxied_host: MockHost, proxy: DelayProxy) -> None:
    proxied_host.open(page, "<p>settings</p>")
    page.evaluate(FRAMES_JS)
    page.evaluate("() => PandiumEmbed.prewarm(['https://evil.example', location.origin, 'not a url'])")
    # Nothing to wait for: prewarm adds its frames synchronously, so none now means none at all.
    assert page.evaluate("() => window.__frames") == []
    assert proxy.connections == 0


def test_hovering_a_marked_link_prewarms_once(page: Page, proxied_host: MockHost, proxy: DelayProxy) -> None:
    proxied_host.open(page, '<p><a id="go" href="#integrations" data-pandium-prewarm><span>Integrations</span></a></p>')
    page.evaluate(FRAMES_JS)
    page.hover("#go span")
    page.wait_for_function("() => window.__frames.length === 1")
    page.wait_for_function(NO_FRAME_LEFT)
    page.mouse.move(0, 0)
    page.focus("#go")  # a second intent within the minute: nothing more
    assert page.evaluate("() => window.__frames") == [f"http://localhost:{proxy.port}/robots.txt"]
    assert proxy.first_lines == [b"GET /robots.txt HTTP/1.1"]


def test_a_hidden_element_loads_at_once_and_delivers_its_events_when_shown(page: Page, proxied_host: MockHost) -> None:
    proxied_host.open(page, FRAME_LOADS + '<pandium-embed id="p" view="marketplace" hidden></pandium-embed>')
    # Its page is up (it has talked to the window and its frame has loaded) while the element is hidden...
    page.wait_for_function("() => window.__raw.length > 0 && window.__frameLoads === 1")
    assert len(proxied_host.mock.accepted) == 1
    # ...and no event reached the host yet, though the element has seen the frame's load by now.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve))")
    assert events(page) == []
    page.evaluate("() => { document.getElementById('p').hidden = false; }")
    [load] = wait_for_events(page, "load", target="p")
    assert load["target"] == "p"
    assert len(proxied_host.mock.accepted) == 1  # shown, not minted again


def test_a_preloaded_element_moved_into_place_keeps_its_frame(page: Page, proxied_host: MockHost) -> None:
    proxied_host.open(
        page, '<main id="route"></main><div id="parking"><pandium-embed id="p" view="marketplace" hidden></pandium-embed></div>'
    )
    page.wait_for_function("() => window.__raw.length > 0")
    page.evaluate("() => { window.__frame = document.querySelector('#p > iframe'); }")
    # A route change: moveBefore keeps the frame's document (appendChild would reload it and mint again).
    page.evaluate(
        "() => { const p = document.getElementById('p'); document.getElementById('route').moveBefore(p, null); p.hidden = false; }"
    )
    wait_for_events(page, "load", target="p")
    assert page.evaluate("() => document.querySelector('#route > #p > iframe') === window.__frame")
    assert len(proxied_host.mock.accepted) == 1
