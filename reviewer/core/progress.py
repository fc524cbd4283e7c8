"""Progress of a long task as a person reads it: done of total, rate, time left.

The rate is taken over the last WINDOW seconds, not since the start: an entity pass that
begins with releases whose entities are stored (read back in a moment) and goes on with
releases to extract would otherwise promise far too little time left.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW = 20.0  # seconds of recent progress the rate is taken over


def duration(seconds: float) -> str:
    """`seconds` rounded as a person says it: "40 s", "3 min", "1 h 05 min"."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        m, rest = divmod(s, 60)
        return f"{m} min {rest:02d} s" if m < 10 else f"{m + (rest >= 30)} min"
    h, rest = divmod(s, 3600)
    return f"{h} h {rest // 60:02d} min"


class Meter:
    """Follows one task's `done` count; `rate` and `left` say how fast and how long."""

    def __init__(self, total: int, *, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.done = 0
        self.window = window
        self.clock = clock
        self._points: deque[tuple[float, int]] = deque([(clock(), 0)])

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        now = self.clock()
        self.done = done
        points = self._points
        points.append((now, done))
        while len(points) > 2 and now - points[1][0] >= self.window:
            points.popleft()

    @property
    def rate(self) -> float:
        """Items per second over the recent window (0 before there is any)."""
        (t0, d0), (t1, d1) = self._points[0], self._points[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 and d1 > d0 else 0.0

    @property
    def left(self) -> float | None:
        """Seconds left at the recent rate; None while unknown."""
        rate = self.rate
        if self.done >= self.total:
            return 0.0
        return (self.total - self.done) / rate if rate > 0 else None

    def text(self, noun: str = "releases") -> str:
        """"1,234/24,676 releases · 35/s · 11 min left"."""
        parts = [f"{self.done:,}/{self.total:,} {noun}"]
        rate = self.rate
        if rate > 0:
            parts.append(f"{rate:,.0f}/s" if rate >= 10 else f"{rate:.1f}/s")
        left = self.left
        if self.done < self.total:
            parts.append("time left unknown" if left is None else f"{duration(left)} left")
        return " · ".join(parts)
