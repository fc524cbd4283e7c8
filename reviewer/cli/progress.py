"""Progress of a long command on stderr: a bar redrawn in place on a terminal, otherwise a
line every few seconds (a log, a pipe, CI)."""
from __future__ import annotations

import sys
import time


class Progress:
    """A pass's progress on stderr: a bar redrawn in place on a terminal, otherwise a
    line every few seconds (a log, a pipe, CI)."""

    def __init__(self, what: str, *, every: float = 5.0, noun: str = "releases") -> None:
        from reviewer.core.progress import Meter

        self.what, self.noun = what, noun
        self.tty = sys.stderr.isatty()
        self.every = 0.1 if self.tty else every
        self.meter = Meter(0)
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, path: str = "") -> None:
        self.meter.update(done, total)
        now = time.monotonic()
        if now - self.last >= self.every or done == total:
            self.last = now
            self._show()

    def _show(self) -> None:
        m = self.meter
        frac = m.done / m.total if m.total else 1.0
        pct = f" ({100 * frac:.0f}%)" if m.total else ""
        self._draw(m.text(self.noun), frac, pct)

    def _draw(self, text: str, frac: float, suffix: str = "") -> None:
        """A bar on a terminal, else a line; `suffix` goes on the line only."""
        if self.tty:
            width = 24
            filled = int(width * frac)
            sys.stderr.write(f"\r{self.what} [{'#' * filled:<{width}}] {text} \x1b[K")
        else:
            sys.stderr.write(f"{self.what}: {text}{suffix}\n")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


class FractionProgress(Progress):
    """A task known by its fraction done (an extractor update): a bar redrawn in place on
    a terminal, otherwise a line every few seconds."""

    STEPS = 1000

    def __init__(self, what: str, *, every: float = 5.0) -> None:
        from reviewer.core.progress import Meter

        super().__init__(what, every=every)
        self.meter = Meter(self.STEPS)
        self.doing = ""

    def __call__(self, frac: float, doing: str) -> None:  # type: ignore[override]
        self.meter.update(int(frac * self.STEPS))
        now = time.monotonic()
        if now - self.last >= self.every or frac >= 1.0 or doing != self.doing:
            self.last, self.doing = now, doing
            self._show_fraction(frac)

    def _show_fraction(self, frac: float) -> None:
        from reviewer.core.progress import duration

        left = self.meter.left
        parts = [f"{self.doing} {100 * frac:.0f}%"]
        if frac < 1.0:
            parts.append("time left unknown" if left is None else f"{duration(left)} left")
        self._draw(" · ".join(parts), frac)
