"""Timing helpers: alternating A/B rounds, paired ratios, medians and spreads."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass


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


def alternate(
    variants: dict[str, Callable[[], float]],
    rounds: int,
    *,
    max_seconds: float,
) -> dict[str, list[float]]:
    """Run each variant once per round, rotating the order every round so no variant always goes
    first (or always follows the same one). Stops after ``rounds`` rounds or ``max_seconds``,
    whichever comes first, but always completes at least one round."""
    names = list(variants)
    results: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.monotonic() + max_seconds
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(variants[name]())
        if time.monotonic() > deadline:
            break
    return results


def paired_ratios(numerator: Sequence[float], denominator: Sequence[float]) -> list[float]:
    """Per-round ratios: runs of one round share the machine's state, so pairing cancels drift."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


def calibrate(run: Callable[[int], float], target_seconds: float, *, start: int = 50, cap: int = 2_000_000) -> int:
    """How many iterations make one batch last about ``target_seconds`` (``run(n)`` returns seconds)."""
    n = start
    while True:
        elapsed = run(n)
        if elapsed >= target_seconds / 4 or n >= cap:
            return max(1, min(cap, int(n * target_seconds / max(elapsed, 1e-9))))
        n *= 4
