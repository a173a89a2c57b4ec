"""Time to first event: ``<pandium-embed>`` inserted -> ``pandium:load``, against a hand-written iframe.

Headless Chromium (Debian's, through Playwright's sync API, launched as the browser tests launch it),
a host app behind ``PandiumMiddleware`` on ``127.0.0.1`` and the Pandium stand-in (``MockPandium``)
on ``localhost``: two origins, the real mint-and-redirect route, a fresh token per frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .harness import Paired, Run, alternate, paired

ROUTE = "/pandium/marketplace"
TIMEOUT_MS = 15_000

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>bench</title>
<script src="/pandium/embed.js"></script></head>
<body><div id="box"></div></body></html>
"""

# Insert one frame and resolve with the ms until its first event. performance.now() is taken just
# before the element is attached, so both variants are timed from the same point.
MEASURE_JS = """
([kind, route, timeoutMs]) => new Promise((resolve, reject) => {
  const box = document.getElementById("box");
  box.replaceChildren();
  let element;
  const timer = setTimeout(() => reject(new Error(kind + ": no event within " + timeoutMs + " ms")), timeoutMs);
  const done = (event) => {
    clearTimeout(timer);
    resolve({ms: performance.now() - start, type: event.type});
  };
  if (kind === "embed") {
    element = document.createElement("pandium-embed");
    element.setAttribute("view", "marketplace");
    element.addEventListener("pandium:load", done, {once: true});
    element.addEventListener("pandium:error", (e) => reject(new Error("pandium:error " + JSON.stringify(e.detail))), {once: true});
  } else {
    element = document.createElement("iframe");
    element.src = route;
    element.addEventListener("load", done, {once: true});
  }
  const start = performance.now();
  box.appendChild(element);
})
"""


@dataclass(frozen=True)
class FirstEventFigures:
    embed_vs_iframe: Paired  # ms, embed / iframe per round (wall time: a browser is many processes)
    loads_accepted: int  # tokens the stand-in accepted during the run (one per frame)


class NotMeasured(Exception):
    """The figure cannot be measured here; the message says why."""


def measure(*, rounds: int = 15, log: Callable[[str], None] = print) -> FirstEventFigures:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route, Router

    from pandium_embed import PandiumMiddleware, PandiumUser
    from pandium_embed.background_server import BackgroundServer
    from pandium_embed.mock.mock_server import MockPandiumServer

    # The browser tests' launch settings (tests/browser/conftest.py takes them from here too).
    from pandium_embed.testing.chromium import CHROMIUM_ARGS, chromium_path

    try:
        executable = chromium_path()
    except RuntimeError as error:
        raise NotMeasured(str(error)) from None
    user = PandiumUser("user-8c1d4e", display_name="Ada", email="ada@example.com")

    async def page(request: Request) -> Response:
        return HTMLResponse(HOST_PAGE)

    async def identify(request: Request) -> PandiumUser:
        return user

    with MockPandiumServer() as mock:
        app = PandiumMiddleware(Router(routes=[Route("/", page)]), config=mock.config(), identify=identify)
        with BackgroundServer(app) as host, sync_playwright() as playwright:
            mock.add_parent_origin(host.origin)
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            try:
                tab = browser.new_page()
                tab.set_default_timeout(TIMEOUT_MS)
                tab.goto(host.url + "/")
                tab.wait_for_function("() => customElements.get('pandium-embed') !== undefined")

                def run(kind: str) -> Callable[[], Run]:
                    def once() -> Run:
                        result = tab.evaluate(MEASURE_JS, [kind, ROUTE, TIMEOUT_MS])
                        return Run(float(result["ms"]))

                    return once

                accepted_before = len(mock.accepted)
                for kind in ("embed", "iframe", "embed", "iframe"):  # warm-up
                    run(kind)()
                log(f"  Chromium: {rounds} alternating rounds")
                started = time.monotonic()
                runs = alternate(
                    {"embed": run("embed"), "iframe": run("iframe")}, rounds, max_seconds=120, max_rounds=rounds
                )
                log(f"  took {time.monotonic() - started:.1f} s")
                accepted = len(mock.accepted) - accepted_before
                rejected = len(mock.rejected)
            except PlaywrightError as error:
                raise NotMeasured(f"Chromium run failed: {str(error).splitlines()[0]}") from None
            finally:
                browser.close()
    frames = 4 + 2 * len(runs["embed"])
    if rejected or accepted != frames:
        raise NotMeasured(f"the stand-in accepted {accepted} of {frames} frames' tokens ({rejected} rejected)")
    return FirstEventFigures(
        embed_vs_iframe=paired(runs["embed"], runs["iframe"]),
        loads_accepted=accepted,
    )


if __name__ == "__main__":
    print(measure(rounds=5))
