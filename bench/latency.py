"""``python -m bench latency``: how long a distant user waits for the integrations page, by way of opening it.

On loopback a frame's first event comes as fast with ``<pandium-embed>`` as with a bare ``<iframe>``;
real users sit 20-200 ms from Pandium, over TLS, where round trips decide what they wait for. So: the
stand-in (``MockPandium``) serves HTTPS and HTTP/2, as Pandium's CDN does, with a certificate made for the
run (trustme) that Chromium trusts for the run (its key's SPKI hash), served by hypercorn (uvicorn has no
HTTP/2: over HTTP/1.1 each of the page's assets would cost a connection of its own), and both the stand-in and the host app sit behind a loopback proxy
adding a round-trip time to every byte and to each TCP handshake (``bench.netem``). Each measurement is a
new browser context (so a new, cold connection pool) on the host's page, which then opens the page in one
of five ways, timed from that moment to the Pandium page's first message:

- ``redirect``: a hand-written ``<iframe src="/pandium/marketplace">`` -- the host's mint-and-redirect
  route, then Pandium (the seed's way, and the baseline of every ratio);
- ``fetch``: ``POST /pandium/token``, then an iframe at the URL it answers (what peers do);
- ``cold``: ``<pandium-embed view="marketplace">`` inserted;
- ``prewarmed``: the same, ``IDLE_MS`` after ``<script src="/pandium/prewarm.js" data-pandium-prewarm>``
  ran (the time before a click is free);
- ``preloaded``: a ``hidden`` ``<pandium-embed>`` inserted ``IDLE_MS`` before, shown at the moment: timed
  to its first event delivered and the next frame painted.

Variants and round-trip times alternate within each round; the figures are medians. Only loopback.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .netem import DelayProxy
from .report import write_section

RTTS_MS = (20, 100, 200)
VARIANTS = ("redirect", "fetch", "cold", "prewarmed", "preloaded")
BASELINE = "redirect"
# What a user spends before the click that opens the page (reading the settings page, moving the mouse).
IDLE_MS = 1200
TIMEOUT_MS = 20_000
ROUTE = "/pandium/marketplace"
# The budgets at 100 ms (ratios of medians to the redirect).
BUDGETS = {"cold": 1.05, "prewarmed": 0.7, "preloaded": 0.2}

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>latency bench</title>
<script src="/pandium/embed.js"></script></head>
<body><div id="box"></div></body></html>
"""

# One measurement: resolves with the ms from the moment the page is asked for to its first message (or,
# preloaded, to its first event shown and painted).
MEASURE_JS = """
async ([kind, route, pandiumOrigin, idleMs, timeoutMs]) => {
  const box = document.getElementById("box");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const firstMessage = () => new Promise((resolve) => {
    const heard = (event) => {
      if (event.origin !== pandiumOrigin) return;
      removeEventListener("message", heard);
      resolve(performance.now());
    };
    addEventListener("message", heard);
  });
  const within = (promise) => Promise.race([promise, sleep(timeoutMs).then(() => { throw new Error(kind + ": nothing within " + timeoutMs + " ms"); })]);
  const embed = () => {
    const element = document.createElement("pandium-embed");
    element.setAttribute("view", "marketplace");
    element.addEventListener("pandium:error", (event) => console.error("pandium:error " + JSON.stringify(event.detail)));
    return element;
  };
  if (kind === "preloaded") {
    const element = embed();
    element.hidden = true;
    const talked = firstMessage();
    box.appendChild(element);
    await within(talked);
    await sleep(idleMs);
    const shown = new Promise((resolve) => element.addEventListener("pandium:load", resolve, {once: true}));
    const start = performance.now();
    element.hidden = false;
    await within(shown);
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    return performance.now() - start;
  }
  if (kind === "prewarmed") {
    // The served opt-in script, marked to prewarm as soon as it runs.
    const script = document.createElement("script");
    script.src = "/pandium/prewarm.js";
    script.setAttribute("data-pandium-prewarm", "");
    document.head.appendChild(script);
    await sleep(idleMs);
  }
  const heard = firstMessage();
  const start = performance.now();
  if (kind === "redirect") {
    const frame = document.createElement("iframe");
    frame.src = route;
    box.appendChild(frame);
  } else if (kind === "fetch") {
    const response = await fetch("/pandium/token", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({flow: "marketplace"})});
    const frame = document.createElement("iframe");
    frame.src = (await response.json()).url;
    box.appendChild(frame);
  } else {
    box.appendChild(embed());
  }
  return (await within(heard)) - start;
}
"""


@dataclass(frozen=True)
class LatencyFigures:
    medians: dict[int, dict[str, float]]  # rtt ms -> variant -> median ms
    rounds: int
    accepted: int  # tokens the stand-in accepted (one per measurement)

    def ratio(self, rtt: int, variant: str) -> float:
        return self.medians[rtt][variant] / self.medians[rtt][BASELINE]

    def summary_line(self) -> str:
        r = {v: self.ratio(100, v) for v in VARIANTS}
        return (
            f"latency@100ms: cold {r['cold']:.2f} prewarmed {r['prewarmed']:.2f} "
            f"preloaded {r['preloaded']:.2f} fetch-then-set {r['fetch']:.2f}"
        )


class NotMeasured(Exception):
    """The figures cannot be measured here; the message says why."""


@contextmanager
def _http2_server(app: Any, cert: str, key: str) -> Iterator[int]:
    """Serve ``app`` over HTTPS with HTTP/2 (hypercorn, ALPN h2) on a free loopback port, in a thread."""
    import asyncio
    import threading

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = ["127.0.0.1:0"]
    config.certfile, config.keyfile = cert, key
    config.accesslog = config.errorlog = None
    sockets = config.create_sockets()
    port: int = sockets.secure_sockets[0].getsockname()[1]
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def run() -> None:
        await serve(app, config, shutdown_trigger=stop.wait)

    # The socket bound above, so the port is known before the server starts and nothing races for it.
    config.bind = [f"fd://{sockets.secure_sockets[0].fileno()}"]
    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)


@contextmanager
def _certificate() -> Iterator[tuple[str, str, str]]:
    """(cert file, key file, Chromium's SPKI hash) of a certificate for ``localhost``, made for the run."""
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    authority = trustme.CA()
    leaf = authority.issue_cert("localhost")
    with tempfile.TemporaryDirectory() as folder:
        cert, key = Path(folder, "cert.pem"), Path(folder, "key.pem")
        leaf.cert_chain_pems[0].write_to_path(str(cert))
        leaf.private_key_pem.write_to_path(str(key))
        public = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes()).public_key()
        spki = public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        yield str(cert), str(key), base64.b64encode(hashlib.sha256(spki).digest()).decode()


def measure(*, rounds: int = 5, log: Callable[[str], None] = print) -> LatencyFigures:
    import secrets

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route, Router

    from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
    from pandium_embed.background_server import BackgroundServer
    from pandium_embed.mock import MockPandium
    from pandium_embed.mock.browser import CHROMIUM_ARGS, chromium_path

    try:
        executable = chromium_path()
    except RuntimeError as error:
        raise NotMeasured(str(error)) from None
    user = PandiumUser("user-8c1d4e", display_name="Ada", email="ada@example.com")
    secret = secrets.token_urlsafe(32)

    async def page(request: Request) -> Response:
        return HTMLResponse(HOST_PAGE)

    async def identify(request: Request) -> PandiumUser:
        return user

    medians: dict[int, dict[str, list[float]]] = {rtt: {v: [] for v in VARIANTS} for rtt in RTTS_MS}
    with ExitStack() as stack:
        cert, key, spki = stack.enter_context(_certificate())
        mock = MockPandium(org="acme", secret=secret)
        pandium_port = stack.enter_context(_http2_server(mock, cert, key))
        pandium_proxy = stack.enter_context(DelayProxy(pandium_port))
        pandium_url = f"https://localhost:{pandium_proxy.port}"
        config = PandiumConfig(
            org="acme",
            secret=secret,
            marketplace_base_url=pandium_url,
            install_base_url=pandium_url,
            connect_base_url=pandium_url,
        )
        app = PandiumMiddleware(Router(routes=[Route("/", page)]), config=config, identify=identify)
        host = stack.enter_context(BackgroundServer(app))
        host_proxy = stack.enter_context(DelayProxy(host.port))
        host_url = f"http://127.0.0.1:{host_proxy.port}"
        mock.add_parent_origin(host_url)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={spki}"],
            headless=True,
        )
        stack.callback(browser.close)

        def once(kind: str, rtt: int) -> float:
            pandium_proxy.rtt = host_proxy.rtt = rtt / 1000
            # A new context is a new connection pool: every variant starts as cold as the others.
            context = browser.new_context()
            try:
                tab = context.new_page()
                tab.set_default_timeout(TIMEOUT_MS)
                tab.goto(host_url + "/")
                tab.wait_for_function("() => customElements.get('pandium-embed') !== undefined")
                return float(tab.evaluate(MEASURE_JS, [kind, ROUTE, pandium_url, IDLE_MS, TIMEOUT_MS]))
            finally:
                context.close()

        started = time.monotonic()
        try:
            for kind in VARIANTS:  # warm-up: the servers' and browser's first-use costs
                once(kind, 0)
            for n in range(rounds):
                for rtt in RTTS_MS:
                    # Rotated each round, so no variant always runs first or last.
                    order = VARIANTS[n % len(VARIANTS) :] + VARIANTS[: n % len(VARIANTS)]
                    for kind in order:
                        medians[rtt][kind].append(once(kind, rtt))
                log(f"  round {n + 1}/{rounds} ({time.monotonic() - started:.0f} s)")
        except PlaywrightError as error:
            raise NotMeasured(f"Chromium run failed: {str(error).splitlines()[0]}") from None
    frames = len(VARIANTS) * (1 + rounds * len(RTTS_MS))
    if mock.rejected or len(mock.accepted) != frames:
        reasons = sorted({(r.reason, r.path) for r in mock.rejected})
        raise NotMeasured(
            f"{reasons} the stand-in accepted {len(mock.accepted)} of {frames} tokens ({len(mock.rejected)} rejected)"
        )
    return LatencyFigures(
        medians={rtt: {v: statistics.median(runs) for v, runs in by.items()} for rtt, by in medians.items()},
        rounds=rounds,
        accepted=len(mock.accepted),
    )


def report(figures: LatencyFigures) -> tuple[str, list[str]]:
    """The Markdown table, and the budgets missed at 100 ms."""
    lines = [
        "| round trip | " + " | ".join(VARIANTS) + " |",
        "|---|" + "---|" * len(VARIANTS),
    ]
    for rtt in RTTS_MS:
        cells = [
            f"{figures.medians[rtt][v]:.0f} ms" + ("" if v == BASELINE else f" ({figures.ratio(rtt, v):.2f}x)")
            for v in VARIANTS
        ]
        lines.append(f"| {rtt} ms | " + " | ".join(cells) + " |")
    missed = [
        f"{variant} {figures.ratio(100, variant):.2f}x > {limit}x"
        for variant, limit in BUDGETS.items()
        if figures.ratio(100, variant) > limit
    ]
    return "\n".join(lines), missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench latency", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    try:
        figures = measure(rounds=args.rounds, log=lambda text: print(text, file=sys.stderr))
    except NotMeasured as reason:
        print(f"latency: not measured: {reason}", file=sys.stderr)
        return 1
    table, missed = report(figures)
    verdict = (
        "Budgets at 100 ms met (cold ≤ 1.05x, prewarmed ≤ 0.7x, preloaded ≤ 0.2x)."
        if not missed
        else "Budgets at 100 ms MISSED: " + "; ".join(missed) + "."
    )
    body = (
        f"{table}\n\nMedians of {figures.rounds} alternating rounds; ratios to `redirect` at the same round trip; "
        f"{figures.accepted} tokens accepted by the stand-in, none rejected. {verdict}"
    )
    if not args.no_write:
        write_section("latency", body)
    print(table)
    print()
    print(verdict)
    print(figures.summary_line())
    return 0 if not missed else 1
