"""The window's docks, hidden at first and shown from the View menu: the scan errors,
the undo history and the entities across releases (computed when it is first shown)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QListView, QMainWindow, QMenu, QUndoView, QWidget

from reviewer.ui.library_entities import LibraryEntities, LibraryEntitiesPane


class WindowDocks:
    def __init__(self, window: QMainWindow, error_model: QAbstractItemModel,
                 undo_stack: QUndoStack, entities_pane: LibraryEntitiesPane,
                 library_entities: LibraryEntities, view_menu: QMenu,
                 team_dock: QDockWidget) -> None:
        self.library_entities = library_entities
        self.error_view = QListView()
        self.error_view.setObjectName("scanErrors")
        self.error_view.setModel(error_model)
        self.errors = self._dock(window, "Scan errors", "errorDock", self.error_view,
                                 Qt.DockWidgetArea.BottomDockWidgetArea)
        self.history_view = QUndoView(undo_stack)
        self.history = self._dock(window, "History", "historyDock", self.history_view,
                                  Qt.DockWidgetArea.RightDockWidgetArea)
        self.entities = self._dock(window, "Entities across releases", "entitiesDock",
                                   entities_pane, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.entities.visibilityChanged.connect(self._entities_shown)
        view_menu.addSeparator()
        view_menu.addAction(self.errors.toggleViewAction())
        view_menu.addAction(self.history.toggleViewAction())
        view_menu.addAction(team_dock.toggleViewAction())

    @staticmethod
    def _dock(window: QMainWindow, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        dock.hide()
        return dock

    def _entities_shown(self, visible: bool) -> None:
        if visible and not self.library_entities.active:
            self.library_entities.refresh()
