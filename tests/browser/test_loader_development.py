"""The development build of the loader explains every silence, on the console and as
`pandium:diagnostic`; the production build, given the same pages, says nothing. The test bed's config is
a sandbox with loopback overrides, so the middleware serves the development build at /pandium/embed.js;
the other copies are rendered here (a prefix nothing answers, each build)."""

from __future__ import annotations

from dataclasses import replace

from playwright.sync_api import Page

from pandium_embed.loader import render_loader
from tests.support.loader_bed import LoaderEnv
from tests.support.page import console_messages, events, loaded, post, wait_for_events

SUCCESS = "{message: 'pandium-success', probe: 'x', webhook_url: 'https://hooks.example/1', tenant: {id: 1, name: 't'}}"


def ours(warnings: list[str]) -> list[str]:
    return [w for w in warnings if w.startswith("pandium-embed:")]


def diagnostics(page: Page, reason: str) -> list[str]:
    return [e["detail"]["text"] for e in events(page, "diagnostic") if e["detail"]["reason"] == reason]


def test_a_frame_that_shows_the_hosts_own_page_names_the_missing_proxy(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    warnings = console_messages(page, "warning")
    # A prefix nothing in front of the app answers (a dev server without a proxy for it): the mint route
    # gets this site's own page (here its 404 page; a dev server's index.html fallback alike).
    unproxied = replace(env.config, prefix="/spa")
    env.pages.assets["unproxied.js"] = render_loader(unproxied, development=True)[0]
    page.goto(env.page('<pandium-embed id="a" view="marketplace"></pandium-embed>', loader="/assets/unproxied.js"))
    wait_for_events(page, "diagnostic", target="a")
    text = (
        "the frame shows this site's own page (/spa/marketplace), not Pandium's: nothing ran the middleware for "
        "/spa/. Behind a dev server (Vite, webpack, Next.js), proxy /spa/ to the backend that runs "
        "PandiumMiddleware; otherwise add the middleware to this app (its prefix must be /spa)"
    )
    assert diagnostics(page, "host-page") == [text]
    assert ours(warnings) == ["pandium-embed: " + text]


def test_a_frame_whose_page_never_speaks_names_the_likely_causes(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    warnings = console_messages(page, "warning")
    page.goto(env.page(f'<pandium-embed id="a" src="{env.pandium.url}/plain" expect-message="300"></pandium-embed>'))
    wait_for_events(page, "error", target="a")
    [text] = diagnostics(page, "no-message")
    assert text.startswith(f"the frame loaded but its page sent no message from {env.pandium.url} within 0.3 s")
    assert "as a parent (the stand-in's --parent-origin)? A frame-ancestors refusal" in text
    assert "pandium-embed mock" in text and env.host.url in text
    assert ours(warnings) == ["pandium-embed: " + text]
    assert [e["detail"] for e in events(page, "error", "a")] == [{"status": 0, "reason": "no-message"}]


def test_a_refused_report_says_what_the_middleware_answered(env: LoaderEnv, signed_in: Page) -> None:
    # The test bed's middleware has no on_connected hook, so it has no /events route: 404.
    page = signed_in
    page.goto(env.page('<pandium-embed id="a" report></pandium-embed>'))
    own = loaded(page, "a")
    warnings = console_messages(page, "warning")
    post(own, SUCCESS)
    wait_for_events(page, "diagnostic", target="a")
    [text] = diagnostics(page, "refused")
    assert text.startswith("POST /pandium/events (report) answered 404 not-found: ")
    assert ours(warnings) == ["pandium-embed: " + text]
    assert {"status": 404, "reason": "report-failed"} in [e["detail"] for e in events(page, "error", "a")]


def test_the_production_build_says_nothing_about_the_same_pages(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    warnings = console_messages(page, "warning")
    # The production build with the unproxied prefix of the first test.
    env.pages.assets["unproxied.production.js"] = render_loader(replace(env.config, prefix="/spa"), development=False)[
        0
    ]
    page.goto(
        env.page(
            '<pandium-embed id="a" view="marketplace"></pandium-embed>'
            f'<pandium-embed id="b" src="{env.pandium.url}/plain" expect-message="300"></pandium-embed>'
            f'<iframe id="c" src="{env.pandium.url}/plain"></iframe>'
            f'<pandium-embed id="d" src="{env.pandium.url}/plain"></pandium-embed>',
            loader="/assets/unproxied.production.js",
        )
    )
    wait_for_events(page, "error", target="b")
    frame = page.locator("#c").element_handle().content_frame()
    assert frame is not None
    post(frame, SUCCESS)
    wait_for_events(page, "load", target="a")
    # A control that the production loader is running and hears its own frame.
    post(loaded(page, "d"), SUCCESS)
    wait_for_events(page, "success", target="d")
    assert events(page, "diagnostic") == []
    assert ours(warnings) == []
