"""The README's script-tag and bundled examples (js/examples/), run as written in Chromium against the
real middleware and MockPandium; the bundled one from the packed npm package, on a page that also loads
the served script (one definition, one mint)."""

from __future__ import annotations

import html
from pathlib import Path

from playwright.sync_api import Page

from pandium_embed.loader import browser_settings
from tests.support.mock_host import TIMEOUT_MS, MockHost
from tests.support.npm import bundle
from tests.support.page import events, frame, wait_for_events

EXAMPLES = Path(__file__).resolve().parents[2] / "js" / "examples"


def serve(page: Page, host: MockHost, name: str, head: str, body: str) -> None:
    host.pages.pages[name] = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{name}</title>"
        f'<script src="/recorder.js"></script>{head}</head><body>{body}</body></html>',
        {},
    )
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{host.server.url}/p/{name}")


def test_the_script_tag_example(page: Page, host: MockHost) -> None:
    serve(page, host, "script-tag", "", (EXAMPLES / "script-tag.html").read_text(encoding="utf-8"))
    wait_for_events(page, "load")
    wait_for_events(page, "resize")
    assert [record.flow for record in host.mock.accepted] == ["marketplace"]
    assert events(page, "error") == []


def test_the_bundled_example_beside_the_served_script(page: Page, host: MockHost, npm_project: Path) -> None:
    host.pages.assets["bundled.js"] = bundle(npm_project, EXAMPLES / "bundled.js", "bundled.out.js")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    settings = html.escape(browser_settings(host.mock.config(connectors=host.mock.connectors)), quote=True)
    serve(
        page,
        host,
        "bundled",
        f'<meta name="pandium-embed" content="{settings}"><script src="/pandium/embed.js"></script>'
        '<script type="module" src="/assets/bundled.js"></script>',
        '<pandium-embed id="m" view="marketplace"></pandium-embed>',
    )
    wait_for_events(page, "resize", target="m")
    market = frame(page, "m")
    market.get_by_role("button", name="Install HubSpot").click()
    with page.expect_console_message(lambda message: message.text.startswith("Pandium saved")) as logged:
        market.locator("#save").click()
    [saved] = wait_for_events(page, "save-sync", target="m")
    assert logged.value.text == f"Pandium saved tenant {saved['detail']['tenant']['id']}"
    # Both copies on one page: one definition (the first), no error, and configure() minted nothing more.
    assert page.evaluate("() => customElements.get('pandium-embed') === window.PandiumEmbed")
    assert [record.flow for record in host.mock.accepted] == ["marketplace"]
    assert errors == []


def test_the_pure_entry_defines_nothing_until_define_and_then_starts_once(
    page: Page, host: MockHost, npm_project: Path
) -> None:
    here = Path(__file__).parent
    host.pages.assets["pure.js"] = bundle(npm_project, here / "pure_entry.js", "pure.out.js")
    settings = html.escape(browser_settings(host.mock.config(connectors=host.mock.connectors)), quote=True)
    serve(
        page,
        host,
        "pure",
        f'<meta name="pandium-embed" content="{settings}"><script type="module" src="/assets/pure.js"></script>',
        '<pandium-embed id="m" view="marketplace"></pandium-embed>',
    )
    wait_for_events(page, "resize", target="m")
    assert page.evaluate("() => window.__definedBeforeDefine") is False
    # Server-rendered markup started once, with the settings given before define(): one mint, one load.
    assert [record.flow for record in host.mock.accepted] == ["marketplace"]
    assert len(events(page, "load", "m")) == 1
