"""In-process figures: the ASGI app called directly with a prebuilt scope, no network, no server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from starlette.types import ASGIApp, Message, Scope

from . import apps
from .harness import Paired, Run, alternate, calibrate, paired, quiet_gc, run_of


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


async def _batch(app: ASGIApp, scope: Scope, n: int) -> tuple[int, int]:
    """(wall ns, CPU ns) for ``n`` requests, the GC kept out of the loop. Each call gets a shallow
    copy of the scope because Starlette writes into it (app, router, endpoint...)."""
    with quiet_gc():
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        for _ in range(n):
            await app(dict(scope), _receive, _send)
        return time.perf_counter_ns() - wall, time.thread_time_ns() - cpu


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
    passthrough: Paired  # ours / no-op wrapper, ns per request
    wrapped_vs_bare: Paired  # ours / bare app
    mint: Paired  # docs-style ns / ours ns = ours req/s / docs-style req/s
    unused_hooks: Paired  # ours as shipped ns / ours with telemetry=False ns (no audit hook in either)
    passthrough_batch: int
    mint_batch: int


def _timer(loop: asyncio.AbstractEventLoop, app: ASGIApp, scope: Scope, n: int) -> Callable[[], Run]:
    def run() -> Run:
        wall, cpu = loop.run_until_complete(_batch(app, scope, n))
        return run_of(wall, cpu, n)  # wall ns per request

    return run


def measure(
    *, rounds: int = 101, batch_seconds: float = 0.005, max_seconds: float = 60.0, log: Callable[[str], None] = print
) -> InProcessFigures:
    loop = asyncio.new_event_loop()
    try:
        return _measure(loop, rounds, batch_seconds, max_seconds, log)
    finally:
        loop.close()


def _seconds(loop: asyncio.AbstractEventLoop, app: ASGIApp, scope: Scope) -> Callable[[int], float]:
    return lambda k: loop.run_until_complete(_batch(app, scope, k))[0] / 1e9


def _measure(
    loop: asyncio.AbstractEventLoop, rounds: int, batch_seconds: float, max_seconds: float, log: Callable[[str], None]
) -> InProcessFigures:
    # Three separate host apps, so no variant warms another's caches.
    bare = apps.host_app()
    noop = apps.NoopMiddleware(apps.host_app())
    ours = apps.pandium(apps.host_app())
    hello = make_scope("/hello")
    for app in (bare, noop, ours):
        status, _, body = loop.run_until_complete(capture(app, hello))
        if (status, body) != (200, b"hello"):
            raise AssertionError(f"pass-through route answered {status} {body!r}")

    n = calibrate(_seconds(loop, noop, hello), batch_seconds)
    for app in (bare, noop, ours):  # warm up
        for _ in range(20):
            loop.run_until_complete(_batch(app, hello, n))
    log(f"  pass-through: {n} requests per batch, until {rounds} clean alternating rounds")
    passthrough = alternate(
        {
            "bare": _timer(loop, bare, hello, n),
            "noop": _timer(loop, noop, hello, n),
            "ours": _timer(loop, ours, hello, n),
        },
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

    m = calibrate(_seconds(loop, app, docs_scope), batch_seconds)
    for _ in range(20):
        loop.run_until_complete(_batch(app, ours_scope, m))
        loop.run_until_complete(_batch(app, docs_scope, m))
    log(f"  mint: {m} requests per batch, until {rounds} clean alternating rounds")
    mint = alternate(
        {"ours": _timer(loop, app, ours_scope, m), "docs": _timer(loop, app, docs_scope, m)},
        rounds,
        max_seconds=max_seconds / 2,
    )

    # Unused audit hook and OpenTelemetry: the mint route as shipped (no on_mint; the OTel API's no-op
    # providers when installed) against the same middleware with telemetry=False, each in its own app.
    shipped = apps.pandium(apps.host_app())
    untraced = apps.pandium(apps.host_app(), telemetry=False)
    for variant in (shipped, untraced):
        check_redirect(*loop.run_until_complete(capture(variant, ours_scope))[:2])
        for _ in range(20):
            loop.run_until_complete(_batch(variant, ours_scope, m))
    log(f"  unused hooks: {m} mints per batch, until {rounds} clean alternating rounds")
    hooks = alternate(
        {"shipped": _timer(loop, shipped, ours_scope, m), "untraced": _timer(loop, untraced, ours_scope, m)},
        rounds,
        max_seconds=max_seconds / 4,
    )
    return InProcessFigures(
        passthrough=paired(passthrough["ours"], passthrough["noop"]),
        wrapped_vs_bare=paired(passthrough["ours"], passthrough["bare"]),
        mint=paired(mint["docs"], mint["ours"]),
        unused_hooks=paired(hooks["shipped"], hooks["untraced"]),
        passthrough_batch=n,
        mint_batch=m,
    )


if __name__ == "__main__":
    figures = measure(max_seconds=30)
    print(figures)
