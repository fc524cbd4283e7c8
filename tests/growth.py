"""Growth checks: how the time of a call grows with its input, never an absolute time.

A shared machine makes every absolute bound flaky (another job takes the core and the
same call takes twice as long). The ratio of the times for an input `FACTOR` times
larger and for the base input is steady: about FACTOR for linear work, FACTOR**2 for
quadratic. Absolute figures live in `benchmarks/`.
"""
from __future__ import annotations

import time
from collections.abc import Callable

FACTOR = 4
#: Linear work gives FACTOR (4x); quadratic gives FACTOR**2 (16x). The bound leaves room
#: for a busy machine slowing one of the two measurements.
MAX_RATIO = 10.0


def cpu_seconds(fn: Callable[[], object], repeat: int = 2) -> float:
    """The least process CPU time of `repeat` calls (the least is the least disturbed)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def growth(run: Callable[[int], object], size: int, *, factor: int = FACTOR,
           repeat: int = 2) -> float:
    """Time of `run(size * factor)` over time of `run(size)` (CPU, least of `repeat`)."""
    small = cpu_seconds(lambda: run(size), repeat)
    large = cpu_seconds(lambda: run(size * factor), repeat)
    return large / max(small, 1e-3)


def assert_linear(run: Callable[[int], object], size: int, what: str = "", *,
                  repeat: int = 2) -> None:
    ratio = growth(run, size, repeat=repeat)
    assert ratio < MAX_RATIO, (f"{what or 'the call'}: {FACTOR}x the input took {ratio:.1f}x "
                               f"the time (linear is about {FACTOR}x)")
