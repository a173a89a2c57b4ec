"""Prewarm (a hidden frame opening the connection a later frame reuses) and preload (a hidden element
whose events wait until it is shown), in Chromium against the real stand-in behind a counting proxy."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from bench.netem import DelayProxy
from pandium_embed.loader import browser_settings
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.docs import ROOT, example
from tests.support.mock_host import MockHost, base_urls, mock_host
from tests.support.npm import bundle
from tests.support.page import events, wait_for_events

# Every iframe the page ever adds, with its URL at insertion.
FRAMES_JS = """() => {
  window.__frames = [];
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeName === "IFRAME") window.__frames.push(n.src);
  }).observe(document, {childList: true, subtree: true});
}"""
JS_EXAMPLES = ROOT / "js" / "examples"


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
    # Three marked links, one naming an origin that is not configured (and the host's own).
    proxied_host.open(
        page,
        "<a id=a href=#a data-pandium-prewarm>a</a><a id=b href=#b data-pandium-prewarm>b</a>"
        f"<a id=c href=#c data-pandium-prewarm='https://evil.example {proxied_host.server.origin}'>c</a>"
        '<script src="/pandium/prewarm.js"></script>',
    )
    page.evaluate(FRAMES_JS)
    for target in ("#c", "#a", "#b", "#c"):
        page.focus(target)
    page.wait_for_function("() => window.__frames.length === 1")
    page.wait_for_function(NO_FRAME_LEFT)  # removed once loaded
    assert page.evaluate("() => window.__frames") == [f"{origin}/robots.txt"]
    assert proxy.first_lines == [b"GET /robots.txt HTTP/1.1"]
    assert proxied_host.mock.accepted == [] and proxied_host.mock.rejected == []


def test_prewarm_names_only_configured_origins(page: Page, proxied_host: MockHost, proxy: DelayProxy) -> None:
    proxied_host.open(
        page,
        "<a id=c href=#c data-pandium-prewarm='https://evil.example not-a-url'>c</a>"
        "<a id=ok href=#ok data-pandium-prewarm>ok</a>"
        '<script src="/pandium/prewarm.js"></script>',
    )
    page.evaluate(FRAMES_JS)
    page.focus("#c")
    # Nothing to wait for: a prewarm adds its frames in the handler, so none now means none at all.
    assert page.evaluate("() => window.__frames") == []
    assert proxy.connections == 0
    # The script is there and listening: the same intent on a link naming no origin prewarms the configured one.
    page.focus("#ok")
    assert page.evaluate("() => window.__frames") == [f"http://localhost:{proxy.port}/robots.txt"]


def test_the_prewarm_example_prewarms_once_on_hover_and_focus(
    page: Page, proxied_host: MockHost, proxy: DelayProxy
) -> None:
    proxied_host.open(page, example("prewarm.html"))  # opened at its load event: the async script has run
    page.evaluate(FRAMES_JS)
    page.hover("a")
    page.wait_for_function("() => window.__frames.length === 1")
    page.wait_for_function(NO_FRAME_LEFT)
    page.mouse.move(0, 0)
    page.focus("a")  # a second intent within the minute: nothing more
    assert page.evaluate("() => window.__frames") == [f"http://localhost:{proxy.port}/robots.txt"]
    assert proxy.first_lines == [b"GET /robots.txt HTTP/1.1"]


def test_the_prewarm_now_example_prewarms_as_it_runs(page: Page, proxied_host: MockHost, proxy: DelayProxy) -> None:
    proxied_host.open(page, example("prewarm-now.html"))
    page.wait_for_function("() => window.__added.includes('IFRAME')")
    page.wait_for_function(NO_FRAME_LEFT)
    assert proxy.first_lines == [b"GET /robots.txt HTTP/1.1"]


def test_the_npm_prewarm_example(page: Page, proxied_host: MockHost, proxy: DelayProxy, npm_project: Path) -> None:
    proxied_host.pages.assets["prewarm.js"] = bundle(npm_project, JS_EXAMPLES / "prewarm.js", "prewarm.out.js")
    config = proxied_host.mock.config(**base_urls(f"http://localhost:{proxy.port}"))
    settings = html.escape(browser_settings(config), quote=True)
    proxied_host.open(
        page,
        f'<meta name="pandium-embed" content="{settings}"><script type="module" src="/assets/prewarm.js"></script>',
    )
    page.wait_for_function("() => window.__added.includes('IFRAME')")
    page.wait_for_function(NO_FRAME_LEFT)
    assert proxy.first_lines == [b"GET /robots.txt HTTP/1.1"]
    assert proxied_host.mock.accepted == []


def test_a_hidden_element_loads_at_once_and_delivers_its_events_when_shown(page: Page, proxied_host: MockHost) -> None:
    proxied_host.open(page, FRAME_LOADS + example("preload.html") + f"<script>{example('preload.js')}</script>")
    # Its page is up (it has talked to the window and its frame has loaded) while the element is hidden...
    page.wait_for_function("() => window.__raw.length > 0 && window.__frameLoads === 1")
    assert len(proxied_host.mock.accepted) == 1
    # ...and no event reached the host yet, though the element has seen the frame's load by now.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve))")
    assert events(page) == []
    page.click("#show-integrations")
    wait_for_events(page, "load", target="integrations")
    wait_for_events(page, "resize", target="integrations")  # held while hidden, delivered in order
    assert len(proxied_host.mock.accepted) == 1  # shown, not minted again


def test_a_preloaded_element_moved_into_place_keeps_its_frame(page: Page, proxied_host: MockHost) -> None:
    proxied_host.open(
        page, '<main id="route"></main>' + example("preload.html") + f"<script>{example('preload.js')}</script>"
    )
    page.wait_for_function("() => window.__raw.length > 0")
    page.evaluate("() => { window.__frame = document.querySelector('#integrations > iframe'); }")
    # A route change: moveBefore keeps the frame's document (appendChild would reload it and mint again).
    page.evaluate("() => showIntegrationsIn(document.getElementById('route'))")
    wait_for_events(page, "load", target="integrations")
    assert page.evaluate("() => document.querySelector('#route > #integrations > iframe') === window.__frame")
    assert len(proxied_host.mock.accepted) == 1
