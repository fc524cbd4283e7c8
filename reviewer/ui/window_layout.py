"""The window's layout kept between sessions: its geometry, its docks and toolbar, and
the positions of its splitters, restored at start and saved at close."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMainWindow, QSplitter

from reviewer.ui.settings import Settings

DEFAULT_SIZE = (1400, 900)


def restore_layout(window: QMainWindow, settings: Settings,
                   splitters: Sequence[tuple[str, QSplitter]]) -> None:
    """The layout saved last time (`save_layout`); a first start gets the default size."""
    geo = settings.bytes_value("window/geometry")
    if geo is not None:
        window.restoreGeometry(geo)
    else:
        window.resize(*DEFAULT_SIZE)
    state = settings.bytes_value("window/state")
    if state is not None:
        window.restoreState(state)
    for key, splitter in splitters:
        v = settings.bytes_value(key)
        if v is not None:
            splitter.restoreState(v)


def save_layout(window: QMainWindow, settings: Settings,
                splitters: Sequence[tuple[str, QSplitter]]) -> None:
    """The window's geometry, docks and splitters into `settings` (not yet written)."""
    settings.set_value("window/geometry", window.saveGeometry())
    settings.set_value("window/state", window.saveState())
    for key, splitter in splitters:
        settings.set_value(key, splitter.saveState())
