"""In-process figures: the ASGI app called directly with a prebuilt scope, no network, no server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Scope

from . import apps
from .harness import Batch, Paired, alternate, batch_size, paired, quiet_gc, variant, warm_up


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


async def request_batch(app: ASGIApp, scope: Scope, n: int) -> tuple[int, int]:
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


@dataclass(frozen=True)
class InProcessFigures:
    passthrough: Paired  # ours / no-op wrapper, ns per request
    wrapped_vs_bare: Paired  # ours / bare app
    mint: Paired  # docs-style ns / ours ns = ours req/s / docs-style req/s
    unused_hooks: Paired  # ours as shipped ns / ours with telemetry=False ns (no audit hook in either)
    passthrough_batch: int
    mint_batch: int


def measure(
    *, rounds: int = 101, batch_seconds: float = 0.005, max_seconds: float = 60.0, log: Callable[[str], None] = print
) -> InProcessFigures:
    loop = asyncio.new_event_loop()
    try:
        return _measure(loop, rounds, batch_seconds, max_seconds, log)
    finally:
        loop.close()


def _measure(
    loop: asyncio.AbstractEventLoop, rounds: int, batch_seconds: float, max_seconds: float, log: Callable[[str], None]
) -> InProcessFigures:
    def batch_of(app: ASGIApp, scope: Scope) -> Batch:
        return lambda n: loop.run_until_complete(request_batch(app, scope, n))

    # Three separate host apps, so no variant warms another's caches.
    hello = make_scope("/hello")
    passthrough_apps: dict[str, ASGIApp] = {
        "bare": apps.host_app(),
        "noop": apps.NoopMiddleware(apps.host_app()),
        "ours": apps.pandium(apps.host_app()),
    }
    for app in passthrough_apps.values():
        status, _, body = loop.run_until_complete(capture(app, hello))
        if (status, body) != (200, b"hello"):
            raise AssertionError(f"pass-through route answered {status} {body!r}")
    batches = {name: batch_of(app, hello) for name, app in passthrough_apps.items()}
    n = batch_size(batches["noop"], batch_seconds)
    warm_up(list(batches.values()), n)
    log(f"  pass-through: {n} requests per batch, until {rounds} clean alternating rounds")
    passthrough = alternate(
        {name: variant(batch, n) for name, batch in batches.items()}, rounds, max_seconds=max_seconds / 2
    )

    # Mint: both routes live in the same wrapped app, so they share it and the identify function.
    app = apps.pandium(apps.host_app())
    scopes = {"ours": make_scope("/pandium/marketplace"), "docs": make_scope("/docs/marketplace")}
    ours_claims, docs_claims = (
        apps.marketplace_claims(*loop.run_until_complete(capture(app, scope))[:2]) for scope in scopes.values()
    )
    for claims in (ours_claims, docs_claims):
        claims.pop("iat"), claims.pop("jti")
    if ours_claims != docs_claims:
        raise AssertionError(f"the two mint routes sign different claims: {ours_claims} != {docs_claims}")
    batches = {name: batch_of(app, scope) for name, scope in scopes.items()}
    m = batch_size(batches["docs"], batch_seconds)
    warm_up(list(batches.values()), m)
    log(f"  mint: {m} requests per batch, until {rounds} clean alternating rounds")
    mint = alternate({name: variant(batch, m) for name, batch in batches.items()}, rounds, max_seconds=max_seconds / 2)

    # Unused audit hook and OpenTelemetry: the mint route as shipped (no on_mint; the OTel API's no-op
    # providers when installed) against the same middleware with telemetry=False, each in its own app.
    hook_apps = {"shipped": apps.pandium(apps.host_app()), "untraced": apps.pandium(apps.host_app(), telemetry=False)}
    for variant_app in hook_apps.values():
        apps.marketplace_claims(*loop.run_until_complete(capture(variant_app, scopes["ours"]))[:2])
    batches = {name: batch_of(variant_app, scopes["ours"]) for name, variant_app in hook_apps.items()}
    warm_up(list(batches.values()), m)
    log(f"  unused hooks: {m} mints per batch, until {rounds} clean alternating rounds")
    hooks = alternate({name: variant(batch, m) for name, batch in batches.items()}, rounds, max_seconds=max_seconds / 4)
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
