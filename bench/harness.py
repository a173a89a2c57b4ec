"""Timing helpers: many short alternating rounds, preempted batches set aside, paired ratios, medians.

The machine may be busy (two cores, other test suites). A batch that was descheduled part of the time
measures the neighbours, not the code, so every in-process batch records both its wall time
(``time.perf_counter_ns``, the figure) and the thread's CPU time (``time.thread_time_ns``): a batch
whose CPU time is under ``CLEAN_SHARE`` of its wall time was preempted and is marked unclean. Ratios
are taken within a round, from rounds where every batch compared was clean.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

CLEAN_SHARE = 0.98
MIN_CLEAN_ROUNDS = 5


@dataclass(frozen=True)
class Run:
    """One batch of one variant: its figure (e.g. ns per request) and whether it ran undisturbed."""

    value: float
    clean: bool = True


@dataclass(frozen=True)
class Spread:
    """The median of a set of runs and its range (min..max)."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no runs to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def fmt(self, unit: str = "", digits: int = 2) -> str:
        return f"{self.median:.{digits}f}{unit} ({self.low:.{digits}f}–{self.high:.{digits}f}, n={self.runs})"


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Collect, then keep the cyclic GC out of a timed loop (it otherwise fires at random points)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def timed(body: Callable[[], None]) -> tuple[int, int]:
    """(wall ns, this thread's CPU ns) of ``body()``."""
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    body()
    return time.perf_counter_ns() - wall, time.thread_time_ns() - cpu


def run_of(wall_ns: int, cpu_ns: int, per: int, scale: float = 1.0) -> Run:
    """A batch of ``per`` operations as a Run of wall ns per operation (times ``scale``)."""
    return Run(wall_ns / per * scale, clean=cpu_ns >= CLEAN_SHARE * wall_ns)


# A batch: ``batch(n)`` runs ``n`` operations and returns (wall ns, this thread's CPU ns).
Batch = Callable[[int], tuple[int, int]]
WARM_UP_BATCHES = 20


def batch_size(batch: Batch, target_seconds: float) -> int:
    """How many operations make one ``batch`` last about ``target_seconds``."""
    return calibrate(lambda n: batch(n)[0] / 1e9, target_seconds)


def warm_up(batches: Sequence[Batch], n: int) -> None:
    """Untimed batches of every variant, in turn, before any timed one."""
    for _ in range(WARM_UP_BATCHES):
        for batch in batches:
            batch(n)


def variant(batch: Batch, n: int, *, scale: float = 1.0) -> Callable[[], Run]:
    """One variant for :func:`alternate`: a batch of ``n`` operations as a Run per operation."""
    return lambda: run_of(*batch(n), n, scale)


def alternate(
    variants: dict[str, Callable[[], Run]],
    rounds: int,
    *,
    max_seconds: float,
    max_rounds: int | None = None,
) -> dict[str, list[Run]]:
    """Run each variant once per round, rotating the order every round so no variant always goes
    first (or always follows the same one). Goes on until ``rounds`` rounds were clean for every
    variant, ``max_rounds`` rounds ran (default 10x ``rounds``) or ``max_seconds`` passed; always
    completes at least one round."""
    names = list(variants)
    results: dict[str, list[Run]] = {name: [] for name in names}
    deadline = time.monotonic() + max_seconds
    limit = max_rounds if max_rounds is not None else rounds * 10
    clean_rounds = 0
    for index in range(limit):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(variants[name]())
        clean_rounds += all(results[name][-1].clean for name in names)
        if clean_rounds >= rounds or time.monotonic() > deadline:
            break
    return results


@dataclass(frozen=True)
class Paired:
    """Per-round ratios of two variants (drift between rounds cancels out), from clean rounds."""

    ratio: Spread
    a: Spread
    b: Spread
    clean_rounds: int
    all_rounds: int
    min_clean: int = MIN_CLEAN_ROUNDS

    @property
    def trustworthy(self) -> bool:
        return self.clean_rounds >= self.min_clean

    def note(self) -> str:
        if self.trustworthy:
            return f"{self.clean_rounds} clean of {self.all_rounds} rounds"
        return f"only {self.clean_rounds} clean of {self.all_rounds} rounds: machine too busy, all rounds used"


def paired(a: Sequence[Run], b: Sequence[Run], *, min_clean: int = MIN_CLEAN_ROUNDS) -> Paired:
    both = [(x, y) for x, y in zip(a, b, strict=True) if x.clean and y.clean]
    chosen = list(zip(a, b, strict=True)) if len(both) < min_clean else both
    return Paired(
        ratio=Spread.of([x.value / y.value for x, y in chosen]),
        a=Spread.of([x.value for x, _ in chosen]),
        b=Spread.of([y.value for _, y in chosen]),
        clean_rounds=len(both),
        all_rounds=len(a),
        min_clean=min_clean,
    )


def calibrate(run: Callable[[int], float], target_seconds: float, *, start: int = 10, cap: int = 2_000_000) -> int:
    """How many iterations make one batch last about ``target_seconds`` (``run(n)`` returns seconds)."""
    n = start
    while True:
        elapsed = min(run(n) for _ in range(3))
        if elapsed >= target_seconds / 4 or n >= cap:
            return max(1, min(cap, int(n * target_seconds / max(elapsed, 1e-9))))
        n *= 4
