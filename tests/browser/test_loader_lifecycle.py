"""Hostile pages and the element's life: routes it resolves, the iframe it builds, errors it reports,
reload(), removal, a strict-CSP host page and a host mounted under a sub-path."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.support.loader_bed import CONNECTOR, ORG, SLOW_SECONDS, LoaderEnv
from tests.support.page import (
    console_messages,
    events,
    frame_of,
    loaded,
    message_listeners,
    post,
    wait_for_events,
    wait_for_raw,
)

PROBE = "{message: 'pandium-probe', probe: %r}"
SANDBOX = (
    "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox "
    "allow-storage-access-by-user-activation"
)


def frame_path(page: Page, element_id: str, env: LoaderEnv) -> str:
    url = frame_of(page, f"#{element_id}").url
    assert url.startswith(env.pandium.url + "/")
    return url[len(env.pandium.url) :].split("?")[0]


def test_the_iframe_is_built_with_the_documented_attributes(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(
        env.page(
            '<pandium-embed id="a"></pandium-embed>'
            '<pandium-embed id="b" title="Connect your shop" loading="lazy"></pandium-embed>'
        )
    )
    loaded(page, "a")
    attributes: dict[str, Any] = page.evaluate(
        """() => { const f = document.querySelector("#a > iframe"), g = document.querySelector("#b > iframe");
        return { sandbox: f.getAttribute("sandbox"), allow: f.getAttribute("allow"), referrer: f.getAttribute("referrerpolicy"),
          title: f.title, loading: f.loading, titleB: g.title, loadingB: g.loading, children: document.querySelector("#a").children.length,
          shadow: document.querySelector("#a").shadowRoot, styles: document.querySelectorAll("style").length,
          styleAttr: document.querySelector("#a").getAttribute("style") }; }"""
    )
    assert attributes == {
        "sandbox": SANDBOX,
        # Named explicitly: with a redirecting src the default ('src') would be the host app.
        "allow": f"clipboard-write {env.pandium.origin}",
        "referrer": "strict-origin-when-cross-origin",
        "title": "Pandium integrations",
        "loading": "auto",
        "titleB": "Connect your shop",
        "loadingB": "lazy",
        "children": 1,
        "shadow": None,
        "styles": 0,
        "styleAttr": None,
    }


def test_attributes_resolve_to_the_middlewares_routes(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(
        env.page(
            '<pandium-embed id="m" view="marketplace"></pandium-embed>'
            '<pandium-embed id="i" integration="42"></pandium-embed>'
            f'<pandium-embed id="c" connector="{CONNECTOR}"></pandium-embed>'
            '<pandium-embed id="odd" integration="a b/../c"></pandium-embed>'
        )
    )
    for element_id in ("m", "i", "c"):
        loaded(page, element_id)
    assert frame_path(page, "m", env) == f"/{ORG}"
    assert frame_path(page, "i", env) == f"/{ORG}/tenants/create/42"
    assert frame_path(page, "c", env) == f"/{ORG}/{CONNECTOR}/auth"
    xti = [claims["ti"]["xti"] for claims in env.fake.claims if "xti" in claims.get("ti", {})]
    assert {
        "connector_name": CONNECTOR,
        "integration_name": "Great Widgets",
        "token": "host-api-token-for-user-1",
    } in xti
    # The segment is encoded: it stays one segment, which the middleware refuses (404).
    src = page.evaluate("() => document.querySelector('#odd > iframe').src")
    assert src == f"{env.host.url}/pandium/install/a%20b%2F..%2Fc"
    error = wait_for_events(page, "error", target="odd")
    assert error[0]["detail"] == {"status": 404, "reason": "not-found"}


def test_a_logged_out_user_gets_pandium_error_401(env: LoaderEnv, page: Page) -> None:
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>'))
    wait_for_events(page, "error", target="a")
    assert [e["detail"] for e in events(page, "error")] == [{"status": 401, "reason": "not-signed-in"}]
    # load still fires: it means "navigation finished", never success.
    assert len(events(page, "load", "a")) == 1


def test_unknown_connector_and_a_failing_hook_are_reported(env: LoaderEnv, page: Page) -> None:
    env.sign_in(page.context, user="broken")
    page.goto(
        env.page(
            f'<pandium-embed id="n" connector="nope"></pandium-embed><pandium-embed id="s" connector="{CONNECTOR}"></pandium-embed>'
        )
    )
    wait_for_events(page, "error", target="n")
    wait_for_events(page, "error", target="s")
    assert events(page, "error", "n")[0]["detail"] == {"status": 404, "reason": "not-found"}
    assert events(page, "error", "s")[0]["detail"] == {"status": 500, "reason": "server-error"}


def test_a_frame_that_does_not_load_in_time_reports_a_timeout(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(
        env.page(
            f'<pandium-embed id="a" src="{env.pandium.url}/slow" origin="{env.pandium.origin}" timeout="300"></pandium-embed>'
        ),
        # The page's own load event waits for the frame: don't wait for it.
        wait_until="domcontentloaded",
    )
    wait_for_events(page, "error", target="a")
    assert events(page, "error")[0]["detail"] == {"status": 0, "reason": "timeout"}
    assert events(page, "load") == []
    assert SLOW_SECONDS > 1
    # The frame still loads later: load means "navigation finished", whenever that is.
    wait_for_events(page, "load", target="a")
    assert len(events(page, "error")) == 1


def test_reload_mints_a_fresh_token(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a" integration="7"></pandium-embed>'))
    loaded(page, "a")
    before = list(env.fake.jtis)
    page.evaluate("() => document.getElementById('a').reload()")
    wait_for_events(page, "load", 2, target="a")
    new = env.fake.jtis[len(before) :]
    assert len(new) == 1
    assert new[0] not in before
    assert page.evaluate("() => document.querySelectorAll('#a > iframe').length") == 1
    post(frame_of(page, "#a"), PROBE % "after-reload")
    wait_for_events(page, "probe", target="a")


def test_changing_the_route_attribute_reloads_the_frame(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a" integration="1"></pandium-embed>'))
    loaded(page, "a")
    minted = len(env.fake.jtis)
    # Set to the value it has (as React does while hydrating): nothing changes, no new mint.
    page.evaluate("() => document.getElementById('a').setAttribute('integration', '1')")
    page.evaluate("() => document.getElementById('a').setAttribute('integration', '2')")
    wait_for_events(page, "load", 2, target="a")
    assert frame_path(page, "a", env) == f"/{ORG}/tenants/create/2"
    assert len(env.fake.jtis) == minted + 1
    assert len(events(page, "load", "a")) == 2


def test_the_loader_included_twice_defines_once_and_delivers_once(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(
        env.page(
            '<pandium-embed id="a"></pandium-embed>',
            head='<script src="/pandium/embed.js"></script><script src="/raw/pandium-embed.js"></script>',
        )
    )
    frame = loaded(page, "a")
    post(frame, PROBE % "once")
    wait_for_events(page, "probe")
    wait_for_raw(page, "once")
    post(frame, PROBE % "control")
    wait_for_events(page, "probe", 2)
    assert len(events(page, "probe")) == 2
    assert len(events(page, "message")) == 2
    assert page.evaluate("() => typeof customElements.get('pandium-embed')") == "function"
    assert errors == []


@pytest.mark.parametrize("order", ["script-first", "markup-first", "created-later"])
def test_markup_and_script_in_either_order(env: LoaderEnv, signed_in: Page, order: str) -> None:
    page = signed_in
    element = '<pandium-embed id="a"></pandium-embed>'
    if order == "script-first":
        url = env.page(element)
    elif order == "markup-first":
        url = env.page(element + '<script src="/pandium/embed.js"></script>', loader="")
    else:
        url = env.page("")
    page.goto(url)
    if order == "created-later":
        page.evaluate(
            "() => { const el = document.createElement('pandium-embed'); el.id = 'a'; document.body.append(el); }"
        )
    frame = loaded(page, "a")
    post(frame, PROBE % order)
    wait_for_events(page, "probe", target="a")


def test_removal_tears_down_the_frame_and_the_listener(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>'))
    loaded(page, "a")
    listeners = message_listeners(page)
    page.evaluate(
        "() => { const el = document.getElementById('a'); window.__old = el.querySelector('iframe'); window.__el = el; el.remove(); }"
    )
    assert message_listeners(page) == listeners - 1
    assert page.evaluate("() => [window.__old.isConnected, window.__el.children.length]") == [False, 0]
    # Put the old iframe back on its own: it navigates to the mint route again and posts, but the
    # element no longer listens and no longer owns it.
    page.evaluate("() => document.body.append(window.__old)")
    old = page.locator("body > iframe").element_handle().content_frame()
    assert old is not None
    old.wait_for_url(f"{env.pandium.url}/**")
    old.wait_for_load_state()
    post(old, PROBE % "old")
    wait_for_raw(page, "old")
    assert events(page, "probe") == []
    # Put the element back: a new frame and listener, and events again.
    page.evaluate("() => document.body.append(window.__el)")
    frame = loaded(page, "a")
    assert message_listeners(page) == listeners
    post(frame, PROBE % "back")
    wait_for_events(page, "probe", target="a")
    assert [e["detail"]["probe"] for e in events(page, "probe")] == ["back"]


def test_a_message_posted_at_script_start_is_not_lost(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a" integration="early"></pandium-embed>'))
    early = wait_for_events(page, "early", target="a")
    assert early[0]["detail"] == {"message": "pandium-early", "probe": "early"}
    # It really came before the frame finished loading.
    raw_at = next(m["at"] for m in page.evaluate("() => window.__raw") if m["probe"] == "early")
    load_at = wait_for_events(page, "load", target="a")[0]["at"]
    assert raw_at < load_at


def test_a_strict_csp_host_page_reports_no_violation(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    console_errors = console_messages(page, "error")
    csp = f"default-src 'self'; frame-src 'self' {env.pandium.origin}"
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>', headers={"Content-Security-Policy": csp}))
    frame = loaded(page, "a")
    post(frame, "{message: 'pandium-content-height-change', height: 420}")
    post(frame, "{message: 'pandium-success', webhook_url: 'https://h/1', tenant: {id: 1, name: 'x'}}")
    wait_for_events(page, "resize", target="a")
    wait_for_events(page, "success", target="a")
    assert page.evaluate("() => document.querySelector('#a > iframe').style.height") == "420px"
    assert page.evaluate("() => window.__violations") == []
    assert console_errors == []
    # A control: the same page does report a violation when something breaks the policy.
    page.evaluate(
        "() => { const s = document.createElement('div'); s.setAttribute('style', 'color: red'); document.body.append(s); }"
    )
    page.wait_for_function("() => window.__violations.length > 0")


def test_under_a_sub_path_the_routes_follow_the_script(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    # Only /app/... exists on this server: /pandium/marketplace would be a 404 outside the mount.
    page.goto(env.page('<pandium-embed id="a"></pandium-embed>', root_path="/app", server=env.mounted))
    loaded(page, "a")
    assert (
        page.evaluate("() => new URL(document.querySelector('#a > iframe').src).pathname") == "/app/pandium/marketplace"
    )
    assert frame_path(page, "a", env) == f"/{ORG}"


def test_under_a_sub_path_a_module_copy_uses_the_baked_prefix_with_it(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    # As a module, the script has no document.currentScript to find its routes from: the prefix the
    # middleware baked in must carry the mount's root path.
    url = env.page(
        '<pandium-embed id="a"></pandium-embed>',
        head='<script type="module" src="/app/pandium/embed.js"></script>',
        loader="",
        root_path="/app",
        server=env.mounted,
    )
    page.goto(url)
    loaded(page, "a")
    assert (
        page.evaluate("() => new URL(document.querySelector('#a > iframe').src).pathname") == "/app/pandium/marketplace"
    )
    assert frame_path(page, "a", env) == f"/{ORG}"


def test_a_copied_loader_falls_back_to_the_baked_prefix(env: LoaderEnv, signed_in: Page) -> None:
    page = signed_in
    page.goto(env.page('<pandium-embed id="a" integration="9"></pandium-embed>', loader="/static/loader.js"))
    loaded(page, "a")
    assert page.evaluate("() => new URL(document.querySelector('#a > iframe').src).pathname") == "/pandium/install/9"
    post(frame_of(page, "#a"), PROBE % "baked")
    wait_for_events(page, "probe", target="a")
