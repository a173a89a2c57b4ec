"""``make soak``: concurrent mint requests through uvicorn on loopback for 60 s.

Passes when there are no errors, every token verifies with PyJWT (the secret, HS256) and carries the
expected claims, no ``jti`` repeats, and the server's resident memory grows under 10% between the
first and the last 10 s. Bounded in time (``PANDIUM_SOAK_SECONDS``, default 60) and in count
(``PANDIUM_SOAK_MAX_REQUESTS``, default 2,000,000). Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

from pandium_embed.flows import flow_url

from . import apps
from .report import machine, write_section
from .server import UvicornProcess

MEMORY_GROWTH_BUDGET = 0.10
WINDOW_SECONDS = 10.0
SAMPLE_EVERY = 0.5
REQUEST_TIMEOUT = 10.0
HEADERS = {
    "Cookie": f"{apps.SESSION_COOKIE}={apps.SESSION_ID}",
    "Sec-Fetch-Site": "same-origin",
}
# (method, path, JSON body, expected URL prefix: the flow's URL up to its token, label)
REQUESTS: list[tuple[str, str, dict[str, Any] | None, str, str]] = [
    ("GET", "/pandium/marketplace", None, flow_url(apps.CONFIG, "marketplace", None, ""), "marketplace"),
    ("GET", "/pandium/install/42", None, flow_url(apps.CONFIG, "install", "42", ""), "install"),
    ("GET", f"/pandium/connect/{apps.CONNECTOR}", None, flow_url(apps.CONFIG, "connect", apps.CONNECTOR, ""), "connect"),
    ("POST", "/pandium/token", {"flow": "marketplace"}, flow_url(apps.CONFIG, "marketplace", None, ""), "token"),
]  # fmt: skip


@dataclass
class Tally:
    requests: int = 0
    verified: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    jtis: set[str] = field(default_factory=set)
    by_flow: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def verify(tally: Tally, flow: str, prefix: str, status: int, location: str, body: Any, sent_at: float) -> None:
    """Check one answer; count what is wrong by kind (never the token itself)."""
    if flow == "token":
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("url"), str):
            tally.error(f"{flow}: status {status}")
            return
        location = body["url"]
    elif status != 303:
        tally.error(f"{flow}: status {status}")
        return
    if not location.startswith(prefix):
        tally.error(f"{flow}: redirect target")
        return
    tokens = parse_qs(urlsplit(location).query).get("tenant", [])
    if len(tokens) != 1:
        tally.error(f"{flow}: tenant parameter")
        return
    try:
        claims = jwt.decode(tokens[0], apps.SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        tally.error(f"{flow}: token does not verify")
        return
    if claims.get("sub") != apps.USER.sub or not (sent_at - 2 <= claims.get("iat", 0) <= time.time() + 1):
        tally.error(f"{flow}: claims")
        return
    if flow == "connect" and claims.get("ti", {}).get("xti", {}).get("connector_name") != apps.CONNECTOR:
        tally.error(f"{flow}: connector claims")
        return
    if flow == "token" and body.get("expires_at") != claims["iat"] + 60:
        tally.error(f"{flow}: expires_at")
        return
    if claims.get("jti") in tally.jtis:
        tally.error(f"{flow}: jti repeated")
        return
    tally.jtis.add(claims["jti"])
    tally.verified += 1


class LoopbackConnection:
    """A minimal keep-alive HTTP/1.1 client: httpx spends more CPU per request than the server under
    test, and on two cores the load generator must stay light. Only Content-Length bodies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        try:
            self._writer.write(raw)
            head = await asyncio.wait_for(self._reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            body = await asyncio.wait_for(self._reader.readexactly(length), REQUEST_TIMEOUT) if length else b""
        except BaseException:
            await self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, body

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def build_request(method: str, path: str, payload: dict[str, Any] | None, host: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"] + [f"{k}: {v}" for k, v in HEADERS.items()]
    body = b""
    if payload is not None:
        body = json.dumps(payload).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def worker(server: UvicornProcess, index: int, deadline: float, max_requests: int, tally: Tally) -> None:
    connection = LoopbackConnection(server.host, server.port)
    host = f"{server.host}:{server.port}"
    prepared = [
        (build_request(method, path, payload, host), prefix, flow) for method, path, payload, prefix, flow in REQUESTS
    ]
    turn = index
    try:
        while time.monotonic() < deadline and tally.requests < max_requests:
            raw, prefix, flow = prepared[turn % len(prepared)]
            turn += 1
            tally.requests += 1
            tally.by_flow[flow] = tally.by_flow.get(flow, 0) + 1
            sent_at = time.time()
            try:
                status, headers, content = await connection.request(raw)
                body = json.loads(content) if flow == "token" and status == 200 else None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
                tally.error(f"{flow}: {type(error).__name__}")
                continue
            verify(tally, flow, prefix, status, headers.get("location", ""), body, sent_at)
    finally:
        await connection.close()


async def sample_memory(
    server: UvicornProcess, start: float, deadline: float, samples: list[tuple[float, int]]
) -> None:
    while time.monotonic() < deadline:
        samples.append((time.monotonic() - start, server.rss_kib()))
        await asyncio.sleep(SAMPLE_EVERY)
    samples.append((time.monotonic() - start, server.rss_kib()))


async def soak(
    server: UvicornProcess, seconds: float, connections: int, max_requests: int
) -> tuple[Tally, list[tuple[float, int]], float]:
    tally = Tally()
    samples: list[tuple[float, int]] = []
    start = time.monotonic()
    deadline = start + seconds
    tasks = [worker(server, i, deadline, max_requests, tally) for i in range(connections)]
    await asyncio.gather(sample_memory(server, start, deadline, samples), *tasks)
    elapsed = time.monotonic() - start
    return tally, samples, elapsed


def main() -> int:
    seconds = float(os.environ.get("PANDIUM_SOAK_SECONDS", "60"))
    connections = int(os.environ.get("PANDIUM_SOAK_CONNECTIONS", "32"))
    max_requests = int(os.environ.get("PANDIUM_SOAK_MAX_REQUESTS", "2000000"))
    if not 1 <= seconds <= 3600 or not 1 <= connections <= 256:
        print("PANDIUM_SOAK_SECONDS must be 1-3600 and PANDIUM_SOAK_CONNECTIONS 1-256.", file=sys.stderr)
        return 2
    header = machine()
    print(f"Soak: {seconds:.0f} s, {connections} connections, loopback only...", file=sys.stderr, flush=True)
    with UvicornProcess("bench.apps:http_app") as server:
        tally, samples, elapsed = asyncio.run(soak(server, seconds, connections, max_requests))

    window = min(WINDOW_SECONDS, seconds / 3)
    first = [rss for t, rss in samples if t <= window]
    last = [rss for t, rss in samples if t >= elapsed - window]
    rss_first, rss_last = statistics.median(first), statistics.median(last)
    growth = rss_last / rss_first - 1
    errors = sum(tally.errors.values())
    checks = {
        "no errors": errors == 0,
        "every token verified": tally.verified == tally.requests,
        f"memory growth < {MEMORY_GROWTH_BUDGET:.0%}": growth < MEMORY_GROWTH_BUDGET,
    }
    passed = all(checks.values())
    lines = [
        f"| Duration | {elapsed:.1f} s ({connections} concurrent keep-alive connections, asyncio client) |",
        f"| Requests | {tally.requests:,} ({tally.requests / elapsed:,.0f} req/s); "
        + ", ".join(f"{flow} {count:,}" for flow, count in sorted(tally.by_flow.items()))
        + " |",
        f"| Errors | {errors}" + (f": {dict(sorted(tally.errors.items()))}" if errors else "") + " |",
        f"| Tokens verified with PyJWT | {tally.verified:,} of {tally.requests:,}; {len(tally.jtis):,} distinct `jti` |",
        f"| Server VmRSS, median of first {window:.0f} s | {rss_first / 1024:.1f} MiB |",
        f"| Server VmRSS, median of last {window:.0f} s | {rss_last / 1024:.1f} MiB (max {max(r for _, r in samples) / 1024:.1f} MiB over {len(samples)} samples) |",
        f"| Growth | {growth * 100:+.1f}% (budget < +{MEMORY_GROWTH_BUDGET:.0%}) |",
    ]
    verdict = "Passed: " if passed else "**FAILED**: "
    verdict += "; ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in checks.items()) + "."
    table = "| Soak | Figure |\n|---|---|\n" + "\n".join(lines)
    print(table)
    print(verdict)
    if os.environ.get("PANDIUM_SOAK_NO_WRITE") != "1":
        note = "" if seconds >= 60 else f" (shortened run: PANDIUM_SOAK_SECONDS={seconds:g})"
        write_section("soak", f"### Machine\n\n{header}\n\n### Figures{note}\n\n{table}\n\n{verdict}\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
