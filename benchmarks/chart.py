"""Small line charts for the benchmarks' figures, drawn with Qt (no plotting library)."""
from __future__ import annotations

import os
from pathlib import Path

COLOURS = ["#1f6fb2", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def line_chart(series: dict[str, list[tuple[float, float]]], path: Path, *, title: str,
               x_label: str = "", label_points: bool = False) -> None:
    """One line per series of (x, F1) points; the x axis is labelled at the points' x,
    the y axis spans the values with a margin. Saved as a PNG at `path`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication([])  # fonts need an application
    w, h, m = 720, 420, 60
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("DejaVu Sans", 9))
    points = [pt for pts in series.values() for pt in pts]
    xmax = max(x for x, _ in points)
    lo = max(0.0, min(f for _, f in points) - 0.05)
    hi = min(1.0, max(f for _, f in points) + 0.05)

    def at(x: float, f: float) -> QPointF:
        return QPointF(m + (w - 2 * m) * x / xmax, h - m - (h - 2 * m) * (f - lo) / (hi - lo))

    p.setPen(QPen(QColor("#888"), 1))
    p.drawLine(at(0, lo), at(xmax, lo))
    p.drawLine(at(0, lo), at(0, hi))
    for k in range(6):
        f = lo + (hi - lo) * k / 5
        p.drawText(QRectF(4, at(0, f).y() - 8, m - 10, 16), Qt.AlignmentFlag.AlignRight,
                   f"{f:.2f}")
    for x in sorted({x for x, _ in points}):
        p.drawText(QRectF(at(x, lo).x() - 30, h - m + 6, 60, 16),
                   Qt.AlignmentFlag.AlignCenter, f"{x:g}")
    if x_label:
        p.drawText(QRectF(0, h - 24, w, 20), Qt.AlignmentFlag.AlignCenter, x_label)
    for n, (name, pts) in enumerate(series.items()):
        p.setPen(QPen(QColor(COLOURS[n % len(COLOURS)]), 2))
        for (x0, f0), (x1, f1) in zip(pts, pts[1:], strict=False):
            p.drawLine(at(x0, f0), at(x1, f1))
        for x, f in pts:
            p.drawEllipse(at(x, f), 3, 3)
            if label_points:
                p.drawText(QRectF(at(x, f).x() - 30, at(x, f).y() - 22, 60, 16),
                           Qt.AlignmentFlag.AlignCenter, f"{f:.3f}")
        if len(series) > 1:
            p.drawText(QRectF(w - m - 150, m + 18 * n, 150, 16), Qt.AlignmentFlag.AlignLeft,
                       name)
    p.setPen(QColor("black"))
    p.setFont(QFont("DejaVu Sans", 11))
    p.drawText(QRectF(0, 10, w, 20), Qt.AlignmentFlag.AlignCenter, title)
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(path))
