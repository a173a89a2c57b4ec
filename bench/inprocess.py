"""In-process figures: the app called directly with a prebuilt request, no network, no server.

``compare`` is the method, whatever the interface: the pass-through and mint comparisons, each in
alternating rounds. ``measure`` runs it on ASGI apps (``await app(scope, receive, send)``);
bench/wsgi.py runs it on WSGI apps (``app(environ, start_response)``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Interface:
    """How ``compare`` reaches the apps of one interface (ASGI or WSGI): the request for a path, a timed
    batch of that request, and one captured answer (status, lower-case headers, body)."""

    request: Callable[[str], Any]
    batch_of: Callable[[Any, Any], Batch]
    capture: Callable[[Any, Any], tuple[int, dict[str, str], bytes]]


def compare(
    interface: Interface,
    *,
    bare: Any,
    noop: Any,
    ours: Any,
    minting: Any,
    shipped: Any,
    untraced: Any,
    rounds: int,
    batch_seconds: float,
    max_seconds: float,
    log: Callable[[str], None],
) -> InProcessFigures:
    """Pass-through: ``GET /hello`` on ``bare``, ``noop`` and ``ours`` (three separate host apps, so no
    variant warms another's caches). Mint: ``GET /pandium/marketplace`` against the docs-style
    ``GET /docs/marketplace``, both in ``minting``, so they share the app and the identify function.
    Unused hooks: the mint route of ``shipped`` (as shipped) against ``untraced`` (``telemetry=False``)."""
    hello = interface.request("/hello")
    passthrough_apps = {"bare": bare, "noop": noop, "ours": ours}
    for app in passthrough_apps.values():
        status, _, body = interface.capture(app, hello)
        if (status, body) != (200, b"hello"):
            raise AssertionError(f"pass-through route answered {status} {body!r}")
    batches = {name: interface.batch_of(app, hello) for name, app in passthrough_apps.items()}
    n = batch_size(batches["noop"], batch_seconds)
    warm_up(list(batches.values()), n)
    log(f"  pass-through: {n} requests per batch, until {rounds} clean alternating rounds")
    passthrough = alternate(
        {name: variant(batch, n) for name, batch in batches.items()}, rounds, max_seconds=max_seconds / 2
    )

    requests = {"ours": interface.request("/pandium/marketplace"), "docs": interface.request("/docs/marketplace")}
    ours_claims, docs_claims = (
        apps.marketplace_claims(*interface.capture(minting, request)[:2]) for request in requests.values()
    )
    for claims in (ours_claims, docs_claims):
        claims.pop("iat"), claims.pop("jti")
    if ours_claims != docs_claims:
        raise AssertionError(f"the two mint routes sign different claims: {ours_claims} != {docs_claims}")
    batches = {name: interface.batch_of(minting, request) for name, request in requests.items()}
    m = batch_size(batches["docs"], batch_seconds)
    warm_up(list(batches.values()), m)
    log(f"  mint: {m} requests per batch, until {rounds} clean alternating rounds")
    mint = alternate({name: variant(batch, m) for name, batch in batches.items()}, rounds, max_seconds=max_seconds / 2)

    # Unused audit hook and OpenTelemetry: the mint route as shipped (no on_mint; the OTel API's no-op
    # providers when installed) against the same middleware with telemetry=False, each in its own app.
    hook_apps = {"shipped": shipped, "untraced": untraced}
    for variant_app in hook_apps.values():
        apps.marketplace_claims(*interface.capture(variant_app, requests["ours"])[:2])
    batches = {name: interface.batch_of(variant_app, requests["ours"]) for name, variant_app in hook_apps.items()}
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


def measure(
    *, rounds: int = 101, batch_seconds: float = 0.005, max_seconds: float = 60.0, log: Callable[[str], None] = print
) -> InProcessFigures:
    loop = asyncio.new_event_loop()
    try:
        asgi = Interface(
            request=make_scope,
            batch_of=lambda app, scope: lambda n: loop.run_until_complete(request_batch(app, scope, n)),
            capture=lambda app, scope: loop.run_until_complete(capture(app, scope)),
        )
        return compare(
            asgi,
            bare=apps.host_app(),
            noop=apps.NoopMiddleware(apps.host_app()),
            ours=apps.pandium(apps.host_app()),
            minting=apps.pandium(apps.host_app()),
            shipped=apps.pandium(apps.host_app()),
            untraced=apps.pandium(apps.host_app(), telemetry=False),
            rounds=rounds,
            batch_seconds=batch_seconds,
            max_seconds=max_seconds,
            log=log,
        )
    finally:
        loop.close()


if __name__ == "__main__":
    figures = measure(max_seconds=30)
    print(figures)
