"""docs/BENCHMARKS.md: the method is written there by hand; each script fills in its own section.

``make bench`` rewrites the bench section and ``make soak`` the soak section; each keeps the other's.
"""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
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


def write_section(name: str, body: str) -> Path:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->`` in
    docs/BENCHMARKS.md; the rest of the file (the method, how to reproduce) is written by hand."""
    text = DOC.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    before, found, rest = text.partition(start)
    if not found or end not in rest:
        raise ValueError(f"{DOC} has no {start.strip()} ... {end} section for the figures")
    DOC.write_text(before + start + body.rstrip("\n") + "\n" + rest[rest.index(end) :], encoding="utf-8")
    return DOC
