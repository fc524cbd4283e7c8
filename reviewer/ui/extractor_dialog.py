"""Review > Extractor…: the extractor's versions (the one in use marked), rolling back,
and the learning curve on the reviewer's own reviewed releases."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.core.extract.learned import recogniser
from reviewer.core.review import teaching
from reviewer.core.store import StoreError

if TYPE_CHECKING:
    from reviewer.ui.teacher import Teacher

COLUMNS = ("In use", "Version", "Date", "Corrections", "Releases", "Base model")
IN_USE = "● in use"


class CurveChart(QWidget):
    """F1 on the held-out releases against the releases a version learned from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[int, float]] = []
        self.setMinimumSize(360, 190)

    def set_points(self, points: list[tuple[int, float]]) -> None:
        self.points = list(points)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = p.fontMetrics()
        h = fm.height()
        left, right = fm.horizontalAdvance("100%") + 12, fm.horizontalAdvance("000") + 4
        top, bottom = h // 2 + 4, 2 * h + 10
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        p.fillRect(self.rect(), pal.base())
        text = pal.text().color()
        for pct in (0, 25, 50, 75, 100):
            y = plot.bottom() - plot.height() * pct / 100
            p.setPen(QPen(pal.mid().color(), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(text)
            p.drawText(QRectF(0, y - h / 2, left - 6, h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{pct}%")
        p.setPen(text)
        p.drawText(QRectF(plot.left(), plot.bottom() + h + 6, plot.width(), h),
                   Qt.AlignmentFlag.AlignHCenter,
                   "reviewed releases learned from (F1 on the held-out ones)")
        if not self.points:
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No curve computed yet")
            return
        top_n = max(n for n, _ in self.points) or 1

        def at(n: int, f1: float) -> QPointF:
            return QPointF(plot.left() + plot.width() * n / top_n,
                           plot.bottom() - plot.height() * f1)

        for n, _ in self.points:
            x = at(n, 0).x()
            p.drawText(QRectF(x - 20, plot.bottom() + 4, 40, h),
                       Qt.AlignmentFlag.AlignHCenter, str(n))
        p.setPen(QPen(QColor("#1f77b4"), 2))
        pts = [at(n, f) for n, f in self.points]
        for a, b in zip(pts, pts[1:], strict=False):
            p.drawLine(a, b)
        p.setBrush(QColor("#1f77b4"))
        for q in pts:
            p.drawEllipse(q, 3.5, 3.5)


class ExtractorDialog(QDialog):
    def __init__(self, teacher: Teacher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.teacher = teacher
        self.ws = teacher.ws
        self.setWindowTitle("Extractor")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.names: list[str] = []  # the table's rows: version names, "" = shipped model

        self.in_use = QLabel()
        self.in_use.setObjectName("extractorInUse")
        self.in_use.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("extractorVersions")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())
        self.use_button = QPushButton("Use this version")
        self.use_button.setObjectName("useVersion")
        self.use_button.clicked.connect(self.use_selected)
        self.shipped_button = QPushButton("Use the shipped model")
        self.shipped_button.setObjectName("useShipped")
        self.shipped_button.setToolTip("Roll back to the model Reviewer ships with; your "
                                       "versions stay and can be used again")
        self.shipped_button.clicked.connect(lambda: self.teacher.use_version(""))
        self.teach_button = QPushButton("Teach now")
        self.teach_button.setObjectName("teachNow")
        self.teach_button.setToolTip("Train a new version on your corrections and reviewed "
                                     "releases (Review > Teach the extractor)")
        self.teach_button.clicked.connect(lambda: self.teacher.teach_now())
        row = QHBoxLayout()
        for b in (self.use_button, self.shipped_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.teach_button)

        curve_box = QGroupBox("Learning curve on your reviewed releases")
        self.curve_note = QLabel()
        self.curve_note.setObjectName("curveNote")
        self.curve_note.setWordWrap(True)
        self.curve_note.setTextFormat(Qt.TextFormat.PlainText)
        self.chart = CurveChart()
        self.chart.setObjectName("curveChart")
        self.points_table = QTableWidget(0, 2)
        self.points_table.setObjectName("curvePoints")
        self.points_table.setHorizontalHeaderLabels(["Learned from", "F1 on held-out"])
        self.points_table.verticalHeader().hide()
        self.points_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.points_table.setMaximumWidth(230)
        self.points_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.curve_button = QPushButton("Compute learning curve")
        self.curve_button.setObjectName("computeCurve")
        self.curve_button.clicked.connect(self.compute_curve)
        self.curve_progress = QProgressBar()
        self.curve_progress.setObjectName("curveProgress")
        self.curve_progress.setRange(0, 100)
        self.curve_progress.hide()
        self.curve_cancel = QPushButton("Cancel")
        self.curve_cancel.setObjectName("cancelCurve")
        self.curve_cancel.clicked.connect(self.teacher.cancel_curve)
        self.curve_cancel.hide()
        charts = QHBoxLayout()
        charts.addWidget(self.chart, 1)
        charts.addWidget(self.points_table)
        curve_row = QHBoxLayout()
        curve_row.addWidget(self.curve_button)
        curve_row.addWidget(self.curve_progress, 1)
        curve_row.addWidget(self.curve_cancel)
        box = QVBoxLayout(curve_box)
        box.addWidget(self.curve_note)
        box.addLayout(charts)
        box.addLayout(curve_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.in_use)
        lay.addWidget(self.table)
        lay.addLayout(row)
        lay.addWidget(curve_box)
        lay.addWidget(buttons)
        self.resize(760, 600)
        self._curve_started = 0.0

        teacher.versionChanged.connect(self.refresh)
        teacher.started.connect(self._update_buttons)
        teacher.finished.connect(lambda _v: self.refresh())
        teacher.failed.connect(lambda _m: self._update_buttons())
        teacher.cancelled.connect(self._update_buttons)
        teacher.curveProgress.connect(self._curve_progress)
        teacher.curveReady.connect(self._curve_ready)
        teacher.curveFailed.connect(self._curve_failed)

    # -- versions ------------------------------------------------------------------------
    def refresh(self) -> None:
        models = self.ws.models
        current = models.current_name()
        base = recogniser()
        rows: list[tuple[str, str, str, str, str, str]] = []
        for v in reversed(models.versions()):
            try:
                made = time.strftime("%Y-%m-%d %H:%M",
                                     time.localtime((v.path / "model.json").stat().st_mtime))
            except OSError:
                made = ""
            rows.append((v.name, v.name, made, f"{v.corrections:,}", f"{v.releases:,}",
                         str(v.meta.get("base", ""))))
        rows.append(("", "Shipped model", "", "—", "—",
                     base.info.version if base is not None else "not available"))
        self.names = [r[0] for r in rows]
        self.table.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, (name, *cells) in enumerate(rows):
            values = [IN_USE if name == current else "", *cells]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if name == current:
                    item.setFont(bold)
                if c in (3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.selectRow(self.names.index(current) if current in self.names else 0)
        from reviewer.ui.teacher import version_text

        self.in_use.setText(version_text(models.current()).replace("Extractor ", "In use: ", 1)
                            .replace("Extractor: ", "In use: "))
        self._update_buttons()
        self._update_curve_note()

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.names[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        self.table.selectRow(self.names.index(name))

    def use_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.teacher.use_version(name)

    def _selection_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ws.readonly
        current = self.ws.models.current_name()
        name = self.selected_name()
        self.use_button.setEnabled(writable and name is not None and name != current)
        self.shipped_button.setEnabled(writable and current != "")
        self.teach_button.setEnabled(writable)
        self.teach_button.setText("Update running…" if self.teacher.running else "Teach now")

    # -- the learning curve --------------------------------------------------------------
    def reviewed(self) -> int:
        try:
            return len(self.ws.store.ids_with_status("reviewed"))
        except StoreError:
            return 0

    def _update_curve_note(self) -> None:
        n = self.reviewed()
        need = teaching.CURVE_MIN
        if n < need:
            self.curve_note.setText(
                f"The learning curve needs at least {need} reviewed releases (a quarter of "
                f"them is held out to score on); {n} {'is' if n == 1 else 'are'} reviewed "
                "so far. Mark releases reviewed when you have checked every entity.")
            self.curve_button.setEnabled(False)
        else:
            self.curve_note.setText(
                f"F1 of the extractor on a held-out quarter of your {n} reviewed releases, "
                "taught from 0 (the shipped model), then more of the others. Computing it "
                "trains a few versions on the side: it takes a minute or two, and the "
                "version in use does not change.")
            self.curve_button.setEnabled(self.curve_progress.isHidden())

    def compute_curve(self) -> None:
        if self.reviewed() < teaching.CURVE_MIN or not self.teacher.compute_curve():
            return
        self._curve_started = time.monotonic()
        self.curve_button.setEnabled(False)
        self.curve_progress.setValue(0)
        self.curve_progress.setFormat("Starting…")
        self.curve_progress.show()
        self.curve_cancel.show()

    def _curve_progress(self, frac: float, what: str) -> None:
        pct = int(100 * frac)
        self.curve_progress.setValue(pct)
        spent = time.monotonic() - self._curve_started
        left = f" · about {int(spent * (1 - frac) / frac)} s left" if 0 < frac < 1 else ""
        self.curve_progress.setFormat(f"{pct}% · scored with {what}{left}")

    def _curve_done(self) -> None:
        self.curve_progress.hide()
        self.curve_cancel.hide()
        self._update_curve_note()

    def _curve_ready(self, points: object) -> None:
        self._curve_done()
        pts = [(int(n), float(f)) for n, f in points]  # type: ignore[attr-defined]
        self.chart.set_points(pts)
        self.points_table.setRowCount(len(pts))
        for r, (n, f1) in enumerate(pts):
            label = "shipped model" if n == 0 else f"{n} release{'s' * (n != 1)}"
            for c, value in enumerate((label, f"{100 * f1:.1f}%")):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.points_table.setItem(r, c, item)
        if not pts:
            self.curve_note.setText("Not enough reviewed releases could be read for a curve.")

    def _curve_failed(self, message: str) -> None:
        self._curve_done()
        if message == "cancelled":
            self.curve_note.setText("Learning curve cancelled.")
        else:
            self.curve_note.setText(f"The learning curve could not be computed: {message}")
