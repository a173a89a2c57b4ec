"""docs/BENCHMARKS.md: a fixed description of the method, plus one generated section per script.

``make bench`` rewrites the bench section and ``make soak`` the soak section; each keeps the other's.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
SECTIONS = ("bench", "soak")
PACKAGES = ("pandium-embed", "starlette", "joserfc", "PyJWT", "uvicorn", "h11", "flask", "werkzeug", "playwright")


@dataclass(frozen=True)
class Row:
    figure: str
    ours: str
    baseline: str
    result: str
    budget: str = "—"
    verdict: str = "info"


def table(rows: list[Row]) -> str:
    lines = [
        "| Figure | pandium-embed | Baseline | Result: median (min–max) | Budget | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r.figure} | {r.ours} | {r.baseline} | {r.result} | {r.budget} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def _command_version(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return "not installed"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"- Date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- CPU: {model}; `nproc` = {_command_version(['nproc'])}; load average at start: {load}",
            f"- OS: {platform.platform()}",
            f"- Python {platform.python_version()} ({sys.implementation.name})",
            f"- Packages: {', '.join(versions)}",
            f"- wrk: {_command_version(['wrk', '-v'])}; Chromium: {_command_version(['chromium', '--version'])}",
        ]
    )


HEADER = """\
# Benchmarks

Figures from `make bench` and `make soak` (the scripts in `bench/`). Both sections below are written by
those scripts; everything else in this file is fixed text in `bench/report.py`.

## Method

- **Alternating runs.** Every comparison runs its variants in rounds, one batch of each per round, the
  order rotated every round. In-process batches are short (about 5 ms) and there are many of them
  (until 101 clean rounds); HTTP runs are 5 s each (until 5 clean rounds). The figure is the median
  over the rounds, with the range (min–max) beside it. Ratios are paired: computed within each round,
  then the median of those ratios is taken, so drift of the machine between rounds cancels out.
- **Busy machines.** Timers are `time.perf_counter_ns` (wall clock). Each in-process batch also reads
  the thread's CPU time (`time.thread_time_ns`): a batch whose CPU time is under 98% of its wall
  time was descheduled part of the time and is set aside ("N clean of M rounds" in the table). Over
  HTTP, the server's CPU time (`/proc/<pid>/stat`) is read around each wrk run: a saturated
  one-process server keeps a core busy, so a run where it got under 85% of a core was starved by
  other processes and is set aside. When too few rounds were clean, all rounds are used and the
  table says so; for the HTTP budget the ratio of requests per server CPU-second then decides,
  because it does not depend on how much CPU the neighbours left.
- **Warm-up** batches run before any timed one.
- **In-process** figures call the ASGI app directly (`await app(scope, receive, send)`) with a prebuilt
  scope, a receive that returns an empty body and a send that drops messages: no server, no network.
  Each request gets a shallow copy of the scope (Starlette writes into it). Python's cyclic GC is
  collected before and disabled during each timed batch (`gc.disable()`), which removes collections
  landing at random in one variant's batch; reference counting still frees everything.
- **Pass-through overhead**: a Starlette app's ordinary route (`GET /hello`, plain text) wrapped by
  `PandiumMiddleware`, against the same app wrapped by a no-op pure ASGI middleware
  (`await self.app(scope, receive, send)`); each variant has its own app instance. The bare app is
  reported for information.
- **Mint route vs docs-style endpoint**: `GET /pandium/marketplace` against `GET /docs/marketplace`, a
  Starlette route of the same app written the way Pandium's sample backend does it (PyJWT
  `jwt.encode(claims, secret, algorithm="HS256")`, `uuid4`, `RedirectResponse(..., 303)`), with the
  same async `identify` (a session-cookie lookup) and the same claims (checked before timing: both
  tokens verify with PyJWT and decode to the same claims apart from `iat` and `jti`).
  Over HTTP: `uvicorn bench.apps:http_app` in a subprocess (pure-Python `--http h11 --loop asyncio`,
  chosen explicitly so the figure does not change with optional accelerators; one worker, no access
  log) on 127.0.0.1, driven by `wrk -t1 -c16 --latency` for 5 s per run. wrk
  does not follow redirects, so each request is one mint. On a 2-core machine the server and wrk
  each get about one core.
- **WSGI** (`PandiumWSGIMiddleware`): the same in-process method with a Flask app called directly
  (`app(environ, start_response)`, a shallow copy of a prebuilt environ per request, the body iterated
  and closed as a server does). Pass-through: Flask's `GET /hello` with `PandiumWSGIMiddleware`
  installed as `app.wsgi_app` (as the Flask recipe does), against the same app with a no-op WSGI
  wrapper there (`return self.app(environ, start_response)`). Mint: `GET /pandium/marketplace`
  against `GET /docs/marketplace`, a Flask view written as Pandium's sample backend (PyJWT, `uuid4`,
  `redirect(..., 303)`), with the same sync `identify` (a `def` hook against a `def` view) and the
  same claims, checked before timing.
- **Signing floor**: µs per token for `mint_token(config, user)` against a minimal signer
  (`json.dumps` compact + base64url + `hmac.digest(secret, input, sha256)`) and against PyJWT's
  `jwt.encode`, each doing the same work per token (clock, uuid4 `jti`, the same claims).
- **Loader weight**: gzip level 9 of the loader exactly as served
  (`pandium_embed.loader.render_loader(config)[0]`), against the browser builds
  (`browser`/`unpkg` field of package.json) of `@iframe-resizer/parent` and `@prismatic-io/embedded`
  from `npm pack`, gzipped the same way. If npm cannot reach the registry, the figures stated in the
  issue (10.3 KB and 9.3 KB gz) are used and marked "stated figure".
- **Time to first event**: headless Chromium (Debian's, via Playwright's sync API), host app and the
  Pandium stand-in on two loopback origins; from inserting `<pandium-embed view="marketplace">` to its
  `pandium:load`, against inserting a hand-written `<iframe src="/pandium/marketplace">` and waiting
  for its `load` event. Both frames follow the same mint-and-redirect route to the same stand-in.
- **Soak** (`make soak`): uvicorn in a subprocess serves `bench.apps:http_app`; a minimal asyncio
  HTTP/1.1 client (httpx costs more CPU per request than the server under test) with 32
  concurrent keep-alive connections sends a mix of the four mint requests (marketplace, install,
  connect, `POST /token`) for 60 s (`PANDIUM_SOAK_SECONDS`). Every answer is checked (status, target
  URL, token verified with PyJWT with the secret, `jti` never repeated); the server's VmRSS
  (`/proc/<pid>/status`) is sampled twice a second and the median of the last 10 s compared with the
  median of the first 10 s.

## Reproduce

```sh
make bench                      # every figure; exit 1 if a budget is missed; rewrites this file
make bench BENCH_ARGS=--quick   # fewer, shorter rounds (for trying the harness, not for figures)
make soak                       # 60 s soak; PANDIUM_SOAK_SECONDS=10 make soak for a short one
.venv/bin/python -m bench.inprocess     # one part alone: inprocess, wsgi, http_load, signing,
                                        # loader_weight, first_event
.venv/bin/python -m bench.profile mint  # pyinstrument profile of the in-process mint route
```

Budgets (shared/DESIGN.md, "Performance budgets"), checked by `make bench`'s exit code:
pass-through overhead ≤ 3% over the no-op wrapper; mint route ≥ 1.2x the docs-style endpoint
in-process and ≥ 1.0x over HTTP (the pass-through and in-process mint budgets hold for the WSGI
front door too, on Flask); the served loader ≤ 3 KB (3072 bytes) gzipped.

Figures depend on the machine and on whatever else it is running: compare ratios, not absolute
numbers, and re-run on a quiet machine before quoting them.
"""


def _read_sections(text: str) -> dict[str, str]:
    found = {}
    for name in SECTIONS:
        match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
        if match:
            found[name] = match.group(1)
    return found


def write_section(name: str, body: str) -> Path:
    """Replace section ``name`` of docs/BENCHMARKS.md, keeping the other one."""
    existing = _read_sections(DOC.read_text(encoding="utf-8")) if DOC.exists() else {}
    existing[name] = body.rstrip("\n") + "\n"
    titles = {"bench": "## Latest `make bench`", "soak": "## Latest `make soak`"}
    parts = [HEADER]
    for section in SECTIONS:
        content = existing.get(section, f"Not run yet: `make {section}`.\n")
        parts.append(f"{titles[section]}\n\n<!-- {section}:start -->\n{content}<!-- {section}:end -->\n")
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(parts), encoding="utf-8")
    return DOC
