"""Over HTTP: uvicorn on loopback, driven by wrk; our mint route against the docs-style route."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import apps
from .harness import Paired, Run, Spread, alternate, paired
from .server import UvicornProcess

HEADERS = {
    "Cookie": f"{apps.SESSION_COOKIE}={apps.SESSION_ID}",
    "Accept": "text/html",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "same-origin",
}
ROUTES = {"ours": "/pandium/marketplace", "docs": "/docs/marketplace"}


class WrkMissing(RuntimeError):
    pass


def ensure_wrk(log: Callable[[str], None] = print) -> str:
    """wrk from Debian's packages: installed here when missing and we are root, else a clear error."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("  installing wrk (apt-get update && apt-get install -y wrk)...")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, timeout=300)
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissing(
        "wrk is not installed and cannot be installed here (needs root and apt-get): "
        "install it with `sudo apt-get install wrk`, or run `make bench` as root."
    )


@dataclass(frozen=True)
class WrkRun:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors + non-2xx/3xx answers


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unparsable wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkRun:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        errors += int(bad.group(1))
    return WrkRun(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), int(total.group(1)), errors)


def run_wrk(wrk: str, url: str, *, seconds: float, connections: int) -> WrkRun:
    command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "5s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    return parse_wrk(done.stdout)


# A saturated single-process server should keep one core busy; a run where it got less was starved by
# something else on the machine, and its requests/s measures the neighbours.
CLEAN_CPU_SHARE = 0.85
MIN_CLEAN_HTTP_ROUNDS = 3


@dataclass(frozen=True)
class HttpFigures:
    rps: Paired  # ours req/s / docs-style req/s, from rounds where the server was not starved
    per_cpu: Paired  # the same ratio in requests per server CPU-second (robust to a busy machine)
    p99_ms: dict[str, Spread]
    cpu_share: dict[str, Spread]
    errors: int
    connections: int
    seconds: float


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check(server: UvicornProcess) -> None:
    """Before timing: both routes answer 303 with a token PyJWT accepts."""
    for path in ROUTES.values():
        status, headers, _ = server.get(path, HEADERS)
        apps.marketplace_claims(status, headers)


def measure(
    *, rounds: int = 5, seconds: float = 5.0, connections: int = 16, max_seconds: float = 180.0,
    log: Callable[[str], None] = print,
) -> HttpFigures:  # fmt: skip
    wrk = ensure_wrk(log)
    with UvicornProcess("bench.apps:http_app") as server:
        check(server)
        urls = {name: server.base_url + path for name, path in ROUTES.items()}
        for url in urls.values():  # warm up
            run_wrk(wrk, url, seconds=2, connections=connections)
        log(
            f"  wrk: {connections} connections, {seconds:.0f} s per run, until {rounds} rounds where the "
            f"server kept >= {CLEAN_CPU_SHARE:.0%} of a core (at most {max_seconds:.0f} s)"
        )
        runs: dict[str, list[WrkRun]] = {name: [] for name in urls}
        shares: dict[str, list[float]] = {name: [] for name in urls}
        per_cpu: dict[str, list[Run]] = {name: [] for name in urls}

        def runner(name: str) -> Callable[[], Run]:
            def run() -> Run:
                cpu, wall = cpu_seconds(server.pid), time.monotonic()
                result = run_wrk(wrk, urls[name], seconds=seconds, connections=connections)
                cpu, wall = cpu_seconds(server.pid) - cpu, time.monotonic() - wall
                share = cpu / wall
                runs[name].append(result)
                shares[name].append(share)
                per_cpu[name].append(Run(result.requests / max(cpu, 1e-9)))
                return Run(result.rps, clean=share >= CLEAN_CPU_SHARE)

            return run

        rps = alternate({name: runner(name) for name in urls}, rounds, max_seconds=max_seconds, max_rounds=rounds * 2)
    return HttpFigures(
        rps=paired(rps["ours"], rps["docs"], min_clean=min(MIN_CLEAN_HTTP_ROUNDS, rounds)),
        per_cpu=paired(per_cpu["ours"], per_cpu["docs"], min_clean=1),
        p99_ms={name: Spread.of([r.p99_ms for r in results]) for name, results in runs.items()},
        cpu_share={name: Spread.of(values) for name, values in shares.items()},
        errors=sum(r.errors for results in runs.values() for r in results),
        connections=connections,
        seconds=seconds,
    )


if __name__ == "__main__":
    print(measure(rounds=2, seconds=3))
