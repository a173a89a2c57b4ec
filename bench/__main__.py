"""``make bench``: every figure, one table, written to docs/BENCHMARKS.md; exit 1 if a budget is missed."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import first_event, http_load, inprocess, loader_weight, signing
from .report import Row, machine, table, write_section

PASSTHROUGH_BUDGET = 0.03
MINT_INPROCESS_BUDGET = 1.2
MINT_HTTP_BUDGET = 1.0
LOADER_BUDGET_BYTES = 3 * 1024


@dataclass
class Budget:
    name: str
    met: bool | None  # None: not measured
    detail: str


def _pct(value: float) -> str:
    return f"{value * 100:+.1f}%"


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**MISSED**", None: "**not measured**"}[met]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds: to try the harness")
    parser.add_argument("--offline", action="store_true", help="no npm pack: use the stated loader figures")
    parser.add_argument("--skip-http", action="store_true", help="no uvicorn + wrk figures")
    parser.add_argument("--skip-browser", action="store_true", help="no Chromium figure")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("PANDIUM_BENCH_QUICK") == "1"
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)

    rows: list[Row] = []
    budgets: list[Budget] = []
    started = time.monotonic()
    header = machine()

    log("In-process (ASGI called directly)...")
    ip = inprocess.measure(rounds=5 if quick else 21, batch_seconds=0.1 if quick else 0.25, max_seconds=20 if quick else 90, log=log)
    met = ip.passthrough_overhead.median <= PASSTHROUGH_BUDGET
    budgets.append(Budget("pass-through overhead", met, _pct(ip.passthrough_overhead.median)))
    rows.append(
        Row(
            "Pass-through overhead vs no-op ASGI wrapper (in-process, `GET /hello`)",
            f"{ip.ours_ns.median / 1000:.2f} µs/req",
            f"no-op wrapper {ip.noop_ns.median / 1000:.2f} µs/req",
            f"{_pct(ip.passthrough_overhead.median)} ({_pct(ip.passthrough_overhead.low)} … "
            f"{_pct(ip.passthrough_overhead.high)}, n={ip.passthrough_overhead.runs})",
            "≤ +3%",
            _verdict(met),
        )
    )
    rows.append(
        Row(
            "Wrapped vs bare app (information)",
            f"{ip.ours_ns.median / 1000:.2f} µs/req",
            f"bare app {ip.bare_ns.median / 1000:.2f} µs/req",
            f"{_pct(ip.wrapped_vs_bare.median)} ({_pct(ip.wrapped_vs_bare.low)} … {_pct(ip.wrapped_vs_bare.high)})",
        )
    )
    met = ip.mint_ratio.median >= MINT_INPROCESS_BUDGET
    budgets.append(Budget("mint route in-process", met, f"{ip.mint_ratio.median:.2f}x"))
    rows.append(
        Row(
            "Mint route vs docs-style endpoint (in-process)",
            f"{ip.mint_ours_rps.median:,.0f} req/s",
            f"docs-style {ip.mint_docs_rps.median:,.0f} req/s",
            f"{ip.mint_ratio.fmt('x')}",
            "≥ 1.2x",
            _verdict(met),
        )
    )

    if args.skip_http:
        budgets.append(Budget("mint route over HTTP", None, "skipped (--skip-http)"))
        rows.append(Row("Mint route vs docs-style endpoint (HTTP)", "—", "—", "not measured: --skip-http", "≥ 1.0x", _verdict(None)))
    else:
        log("Over HTTP (uvicorn subprocess + wrk on 127.0.0.1)...")
        try:
            hp = http_load.measure(rounds=2 if quick else 5, seconds=2 if quick else 5, log=log)
        except http_load.WrkMissing as missing:
            log(f"  {missing}")
            budgets.append(Budget("mint route over HTTP", None, str(missing)))
            rows.append(Row("Mint route vs docs-style endpoint (HTTP)", "—", "—", f"not measured: {missing}", "≥ 1.0x", _verdict(None)))
        else:
            met = hp.ratio.median >= MINT_HTTP_BUDGET and hp.errors == 0
            budgets.append(Budget("mint route over HTTP", met, f"{hp.ratio.median:.2f}x, {hp.errors} errors"))
            rows.append(
                Row(
                    f"Mint route vs docs-style endpoint (HTTP, uvicorn h11, wrk -c{hp.connections})",
                    f"{hp.rps['ours'].median:,.0f} req/s",
                    f"docs-style {hp.rps['docs'].median:,.0f} req/s",
                    f"{hp.ratio.fmt('x')}; {hp.errors} errors",
                    "≥ 1.0x",
                    _verdict(met),
                )
            )
            rows.append(
                Row(
                    "p99 latency over HTTP (information)",
                    f"{hp.p99_ms['ours'].fmt(' ms')}",
                    f"docs-style {hp.p99_ms['docs'].fmt(' ms')}",
                    f"{hp.p99_ms['ours'].median / hp.p99_ms['docs'].median:.2f}x of docs-style",
                )
            )

    log("Signing floor...")
    sg = signing.measure(rounds=5 if quick else 15, batch_seconds=0.1 if quick else 0.2)
    rows.append(
        Row(
            "Signing: `mint_token` vs minimal HMAC-SHA256 + base64 + JSON",
            sg.us["ours"].fmt(" µs"),
            f"floor {sg.us['floor'].fmt(' µs')}",
            f"{sg.ours_vs_floor.median:.2f}x the floor",
        )
    )
    rows.append(
        Row(
            "Signing: `mint_token` vs PyJWT `jwt.encode`",
            sg.us["ours"].fmt(" µs"),
            f"PyJWT {sg.us['pyjwt'].fmt(' µs')}",
            f"{sg.ours_vs_pyjwt.median:.2f}x PyJWT's time",
        )
    )

    log("Loader weight...")
    weights = loader_weight.measure(offline=args.offline)
    ours, others = weights[0], weights[1:]
    met = ours.gz_bytes <= LOADER_BUDGET_BYTES
    budgets.append(Budget("loader weight", met, f"{ours.gz_bytes} B gz"))
    rows.append(
        Row(
            "Loader weight, gzip -9 (served `embed.js`)",
            f"{ours.gz_bytes:,} B gz ({ours.raw_bytes:,} B raw; {ours.source})",
            "; ".join(f"{w.name} {w.gz_bytes:,} B gz ({w.source})" for w in others),
            f"{ours.gz_bytes / min(w.gz_bytes for w in others):.2f}x the smallest",
            "≤ 3,072 B gz",
            _verdict(met),
        )
    )

    if args.skip_browser:
        rows.append(Row("Time to first event (`pandium:load`)", "—", "—", "not measured: --skip-browser"))
    else:
        log("Time to first event (Chromium)...")
        try:
            fe = first_event.measure(rounds=5 if quick else 15, log=log)
        except first_event.NotMeasured as reason:
            log(f"  not measured: {reason}")
            rows.append(Row("Time to first event (`pandium:load`)", "—", "—", f"not measured: {reason}"))
        else:
            rows.append(
                Row(
                    "Time to first event: `<pandium-embed>` → `pandium:load` vs hand-written iframe → `load`",
                    fe.embed_ms.fmt(" ms"),
                    f"iframe {fe.iframe_ms.fmt(' ms')}",
                    f"{fe.ratio.fmt('x')} of the iframe's time; {fe.loads_accepted} tokens accepted by the stand-in",
                )
            )

    elapsed = time.monotonic() - started
    missed = [b for b in budgets if b.met is not True]
    summary = (
        "All budgets met."
        if not missed
        else "Budgets missed or not measured: " + "; ".join(f"{b.name} ({b.detail})" for b in missed) + "."
    )
    body = "\n\n".join(
        [
            "### Machine\n\n" + header,
            "### Figures\n\n" + table(rows),
            f"{summary} Run took {elapsed:.0f} s{' (--quick: not for quoting)' if quick else ''}.",
        ]
    )
    print(table(rows))
    print()
    print(summary)
    if not args.no_write:
        path = write_section("bench", body)
        log(f"Wrote {path}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
