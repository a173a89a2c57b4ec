"""In-process figures: the ASGI app called directly with a prebuilt scope, no network, no server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from starlette.types import ASGIApp, Message, Scope

from . import apps
from .harness import Spread, alternate, calibrate, paired_ratios, quiet_gc


def make_scope(path: str, *, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("ascii"),
        "root_path": "",
        "query_string": b"",
        "headers": headers
        or [
            (b"host", b"app.example.com"),
            (b"accept", b"text/html"),
            (b"sec-fetch-mode", b"navigate"),
            (b"sec-fetch-site", b"same-origin"),
            (b"cookie", f"{apps.SESSION_COOKIE}={apps.SESSION_ID}".encode("ascii")),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Message) -> None:
    return None


async def _batch(app: ASGIApp, scope: Scope, n: int) -> float:
    """Seconds for ``n`` requests, the GC kept out of the loop. Each call gets a shallow copy of the
    scope because Starlette writes into it (app, router, endpoint...)."""
    with quiet_gc():
        start = time.perf_counter_ns()
        for _ in range(n):
            await app(dict(scope), _receive, _send)
        return (time.perf_counter_ns() - start) / 1e9


async def capture(app: ASGIApp, scope: Scope) -> tuple[int, dict[str, str], bytes]:
    """One request, for the correctness checks made before anything is timed."""
    messages: list[Message] = []

    async def send(message: Message) -> None:
        messages.append(message)

    await app(dict(scope), _receive, send)
    start = messages[0]
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], headers, body


def check_redirect(status: int, headers: dict[str, str]) -> dict[str, Any]:
    """A mint answer must be a 303 to the marketplace carrying a token PyJWT accepts."""
    if status != 303:
        raise AssertionError(f"expected 303, got {status}")
    location = headers["location"]
    if not location.startswith(apps.MARKETPLACE_BASE + "?tenant="):
        raise AssertionError(f"unexpected Location {location[:60]}...")
    token = parse_qs(urlsplit(location).query)["tenant"][0]
    claims: dict[str, Any] = jwt.decode(token, apps.SECRET, algorithms=["HS256"])
    return claims


@dataclass(frozen=True)
class InProcessFigures:
    bare_ns: Spread
    noop_ns: Spread
    ours_ns: Spread
    passthrough_overhead: Spread  # ours / noop - 1, paired per round
    wrapped_vs_bare: Spread  # ours / bare - 1, paired per round
    mint_ours_rps: Spread
    mint_docs_rps: Spread
    mint_ratio: Spread  # ours rps / docs rps, paired per round


def _timer(loop: asyncio.AbstractEventLoop, app: ASGIApp, scope: Scope, n: int) -> Callable[[], float]:
    def run() -> float:
        return loop.run_until_complete(_batch(app, scope, n)) / n * 1e9  # ns per request

    return run


def measure(
    *, rounds: int = 15, batch_seconds: float = 0.25, max_seconds: float = 60.0, log: Callable[[str], None] = print
) -> InProcessFigures:
    loop = asyncio.new_event_loop()
    try:
        return _measure(loop, rounds, batch_seconds, max_seconds, log)
    finally:
        loop.close()


def _measure(
    loop: asyncio.AbstractEventLoop, rounds: int, batch_seconds: float, max_seconds: float, log: Callable[[str], None]
) -> InProcessFigures:
    run: Callable[[Awaitable[float]], float] = loop.run_until_complete
    # Three separate host apps, so no variant warms another's caches.
    bare = apps.host_app()
    noop = apps.NoopMiddleware(apps.host_app())
    ours = apps.pandium(apps.host_app())
    hello = make_scope("/hello")
    for app in (bare, noop, ours):
        status, _, body = loop.run_until_complete(capture(app, hello))
        if (status, body) != (200, b"hello"):
            raise AssertionError(f"pass-through route answered {status} {body!r}")

    n = calibrate(lambda k: run(_batch(noop, hello, k)), batch_seconds)
    for app in (bare, noop, ours):  # warm up
        run(_batch(app, hello, n))
    log(f"  pass-through: {n} requests per batch, up to {rounds} alternating rounds")
    passthrough = alternate(
        {"bare": _timer(loop, bare, hello, n), "noop": _timer(loop, noop, hello, n), "ours": _timer(loop, ours, hello, n)},
        rounds,
        max_seconds=max_seconds / 2,
    )

    # Mint: both routes live in the same wrapped app, so they share it and the identify function.
    app = apps.pandium(apps.host_app())
    ours_scope = make_scope("/pandium/marketplace")
    docs_scope = make_scope("/docs/marketplace")
    ours_claims = check_redirect(*loop.run_until_complete(capture(app, ours_scope))[:2])
    docs_claims = check_redirect(*loop.run_until_complete(capture(app, docs_scope))[:2])
    for claims in (ours_claims, docs_claims):
        claims.pop("iat"), claims.pop("jti")
    if ours_claims != docs_claims:
        raise AssertionError(f"the two mint routes sign different claims: {ours_claims} != {docs_claims}")

    m = calibrate(lambda k: run(_batch(app, docs_scope, k)), batch_seconds)
    run(_batch(app, ours_scope, m))
    run(_batch(app, docs_scope, m))
    log(f"  mint: {m} requests per batch, up to {rounds} alternating rounds")
    mint = alternate(
        {"ours": _timer(loop, app, ours_scope, m), "docs": _timer(loop, app, docs_scope, m)},
        rounds,
        max_seconds=max_seconds / 2,
    )
    ours_rps = [1e9 / ns for ns in mint["ours"]]
    docs_rps = [1e9 / ns for ns in mint["docs"]]
    return InProcessFigures(
        bare_ns=Spread.of(passthrough["bare"]),
        noop_ns=Spread.of(passthrough["noop"]),
        ours_ns=Spread.of(passthrough["ours"]),
        passthrough_overhead=Spread.of([r - 1 for r in paired_ratios(passthrough["ours"], passthrough["noop"])]),
        wrapped_vs_bare=Spread.of([r - 1 for r in paired_ratios(passthrough["ours"], passthrough["bare"])]),
        mint_ours_rps=Spread.of(ours_rps),
        mint_docs_rps=Spread.of(docs_rps),
        mint_ratio=Spread.of(paired_ratios(ours_rps, docs_rps)),
    )


if __name__ == "__main__":
    figures = measure(rounds=7, max_seconds=30)
    print(figures)
