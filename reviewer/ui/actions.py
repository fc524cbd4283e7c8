"""Every command of the review window in one table. The menus, the toolbar, the keys, the
key map (`keymap.py`: the user's own bindings) and the shortcut sheet (F1) are all built
from it, so they cannot disagree.

A row names the window attribute it calls (`slot`, a dotted path such as
"edits.merge_selected") rather than a function, so the table stays plain data. Its keys
are defaults: the user can rebind every one of them in the shortcut sheet.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

from PySide6.QtCore import QKeyCombination, QObject, QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from reviewer.core.model import LABELS
from reviewer.core.palette import LABEL_BASE_COLORS, LABEL_KEYS, LABEL_NAMES
from reviewer.core.store import STATUSES

if TYPE_CHECKING:
    from reviewer.ui.keymap import Keymap

SK = QKeySequence.StandardKey
#: A key as the table writes it: a platform's standard key, or a portable string. Kept
#: as specs, not QKeySequence objects: those need a running QGuiApplication.
KeySpec = QKeySequence.StandardKey | str

#: Where a view key works (the views handle these keys themselves, so typing in the
#: search box never triggers them).
TEXT_AND_LIST = "text and entity list"
FACTS_LIST = "facts list"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str  # in menus
    slot: str  # the window attribute called when triggered; "" for undo and redo
    args: tuple[str, ...] = ()
    keys: tuple[KeySpec, ...] = ()  # window-wide shortcuts (defaults)
    description: str = ""  # the shortcut sheet's line (default: the menu text)
    menu: str = ""  # "&File", ...; "" for a key without a menu entry
    separator: bool = False  # a separator line above it in its menu
    writes: bool = False  # changes review data: disabled in a read-only window
    view_keys: tuple[str, ...] = ()  # keys the views handle (defaults), shown in the menu
    view: str = ""  # where the view keys work: TEXT_AND_LIST or FACTS_LIST
    submenu: bool = False  # `slot` fills a submenu each time it opens
    checkable: bool = False  # `slot` is called with (*args, checked)
    label: str = ""  # an entity label: the action shows its colour and key
    toolbar: bool = False

    @property
    def rebindable(self) -> bool:
        """A row the user can bind keys to: every command but the submenus."""
        return not self.submenu

    @property
    def sheet_text(self) -> str:
        return self.description or self.text


#: The View menu's submenu of highlight toggles.
HIGHLIGHTS_MENU = "&View/&Highlights"


def _status_specs() -> list[ActionSpec]:
    return [ActionSpec(f"status_{s.replace(' ', '_')}", f"Mark {s}", "edits.set_status",
                       args=(s,), keys=(f"Ctrl+{i}",), description=f"Mark release {s}",
                       menu="&Review", writes=True) for i, s in enumerate(STATUSES, 1)]


def _label_specs() -> list[ActionSpec]:
    """Per label: labelling the selection (a toolbar button and the label's key in the
    text and entity list) and showing or hiding its highlights (View > Highlights)."""
    retype = [ActionSpec(
        f"retype_{lab}", f"Label as {LABEL_NAMES[lab]}", "edits.apply_label", args=(lab,),
        description=f"Label the selection (or retype the entity) as {LABEL_NAMES[lab]}",
        menu="&Entity", writes=True, view_keys=(LABEL_KEYS[lab],), view=TEXT_AND_LIST,
        label=lab, toolbar=True) for lab in LABELS]
    show = [ActionSpec(f"show_{lab}", LABEL_NAMES[lab], "presenter.set_label_visible",
                       args=(lab,), description=f"Show or hide {LABEL_NAMES[lab]} highlights",
                       menu=HIGHLIGHTS_MENU, checkable=True, label=lab) for lab in LABELS]
    return retype + show

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("add_folder", "Add folder…", "sync.choose_folder", keys=(SK.Open,),
               description="Add a folder to the library", menu="&File", writes=True),
    ActionSpec("recent", "Recent folders", "sync.fill_recent_menu", menu="&File",
               submenu=True),
    ActionSpec("reextract", "Re-extract the whole library", "sync.reextract_library",
               menu="&File", writes=True),
    ActionSpec("fill_entities", "Extract missing entities",
               "scans.request_entities", menu="&File", writes=True,
               description="Extract the entities of releases indexed without them (goes "
                           "on after a cancelled entity pass)"),
    ActionSpec("export", "Export memo…", "exporter.export_memo", keys=("Ctrl+E",),
               description="Export a review memo (Word)", menu="&File", separator=True),
    ActionSpec("team_sync", "Sync with team", "team.sync_now", keys=("F9",),
               description="Send your changes to the team's server and receive theirs",
               menu="&File", separator=True, writes=True),
    ActionSpec("team_settings", "Team settings…", "team.show_settings",
               description="The team's server, how often to sync, sharing release texts",
               menu="&File", writes=True),
    ActionSpec("quit", "Quit", "close", keys=(SK.Quit, "Ctrl+Q"), menu="&File",
               separator=True),
    ActionSpec("undo", "Undo", "", keys=(SK.Undo,), menu="&Edit"),
    ActionSpec("redo", "Redo", "", keys=(SK.Redo,), menu="&Edit"),
    ActionSpec("history", "History", "fill_history_menu", menu="&Edit", submenu=True),
    ActionSpec("find", "Search", "library_pane.focus_search", keys=(SK.Find,),
               description="Search the library", menu="&Edit", separator=True),
    *[s for s in _label_specs() if s.menu == "&Entity"],
    ActionSpec("reject", "Reject", "edits.reject", menu="&Entity", separator=True,
               description="Reject the entity under the cursor (or selected in the list)",
               writes=True, view_keys=("Delete", "Backspace"), view=TEXT_AND_LIST),
    # Alt+arrows: Ctrl+Alt+arrows switch workspaces on GNOME, Xfce, Cinnamon and MATE.
    ActionSpec("grow_end", "Grow end by a word", "edits.resize_entity", args=("grow_end",),
               keys=("Alt+Right",), description="Grow the entity by a word at the end",
               menu="&Entity", writes=True),
    ActionSpec("shrink_end", "Shrink end by a word", "edits.resize_entity",
               args=("shrink_end",), keys=("Alt+Left",),
               description="Shrink the entity by a word at the end", menu="&Entity",
               writes=True),
    ActionSpec("grow_start", "Grow start by a word", "edits.resize_entity",
               args=("grow_start",), keys=("Alt+Shift+Left",),
               description="Grow the entity by a word at the start", menu="&Entity",
               writes=True),
    ActionSpec("shrink_start", "Shrink start by a word", "edits.resize_entity",
               args=("shrink_start",), keys=("Alt+Shift+Right",),
               description="Shrink the entity by a word at the start", menu="&Entity",
               writes=True),
    ActionSpec("label_all_doc", "Label all in this release", "edits.label_all",
               args=("doc",), keys=("Ctrl+L",),
               description="Label all occurrences in this release", menu="&Entity",
               writes=True),
    ActionSpec("label_all_library", "Label all in the library", "edits.label_all",
               args=("library",), keys=("Ctrl+Shift+L",),
               description="Label all occurrences in the whole library", menu="&Entity",
               writes=True),
    ActionSpec("merge", "Merge selected entities", "edits.merge_selected", keys=("Ctrl+M",),
               description="Merge the selected entities (aliases)", menu="&Entity",
               writes=True),
    ActionSpec("split", "Split aliases", "edits.split_selected", keys=("Ctrl+Shift+M",),
               description="Split the selected entity's aliases", menu="&Entity",
               writes=True),
    ActionSpec("next_mention", "Next mention", "presenter.step_mention", args=("next",),
               keys=(SK.FindNext,), description="Next mention of the selected entity",
               menu="&Entity"),
    ActionSpec("prev_mention", "Previous mention", "presenter.step_mention",
               args=("previous",), keys=(SK.FindPrevious,),
               description="Previous mention of the selected entity", menu="&Entity"),
    *_status_specs(),
    ActionSpec("next_unreviewed", "Next unreviewed", "controller.open_next_unreviewed",
               keys=("F8",), description="Open the next unreviewed release",
               menu="&Review", toolbar=True),
    ActionSpec("note", "Add note…", "edits.add_note", keys=("Ctrl+Shift+N",),
               description="Add a note (selection, entity, fact or release)",
               menu="&Review", separator=True, writes=True),
    ActionSpec("edit_note", "Edit note…", "edits.edit_note", keys=("Ctrl+Shift+E",),
               description="Edit the selected note", menu="&Review", writes=True),
    ActionSpec("delete_note", "Delete note", "edits.delete_note",
               keys=("Ctrl+Shift+Backspace",), description="Delete the selected note",
               menu="&Review", writes=True),
    ActionSpec("reviewer_name", "Your name…", "edits.change_reviewer_name",
               description="Change the name your notes are signed with", menu="&Review"),
    ActionSpec("missing_releases", "Missing releases…", "reattach.show_dialog",
               description="Missing releases with review data: re-attach them",
               menu="&Review", separator=True),
    ActionSpec("verify", "Verify fact", "edits.set_fact_status", args=("verified",),
               description="Verify the selected fact", menu="&Review", separator=True,
               writes=True, view_keys=("V",), view=FACTS_LIST),
    ActionSpec("dispute", "Dispute fact", "edits.set_fact_status", args=("disputed",),
               description="Dispute the selected fact", menu="&Review", writes=True,
               view_keys=("X",), view=FACTS_LIST),
    ActionSpec("unverify", "Unverify fact", "edits.set_fact_status", args=("unverified",),
               description="Unverify the selected fact", menu="&Review", writes=True,
               view_keys=("U",), view=FACTS_LIST),
    ActionSpec("edit_fact", "Edit fact…", "edits.edit_fact",
               description="Edit the selected fact's value, status and note",
               menu="&Review", writes=True, view_keys=("F2",), view=FACTS_LIST),
    ActionSpec("teach", "Teach the extractor", "teacher.teach_now", keys=("Ctrl+Shift+T",),
               description="Teach the extractor from your corrections and reviewed "
                           "releases (in the background)", menu="&Review", separator=True,
               writes=True),
    ActionSpec("extractor", "Extractor…", "teacher.show_dialog", menu="&Review",
               description="The extractor's versions, its learning curve, rolling back"),
    *[s for s in _label_specs() if s.menu == HIGHLIGHTS_MENU],
    ActionSpec("library_entities", "Entities across releases", "show_library_entities",
               keys=("Ctrl+Shift+A",), description="Entities across releases: aliases, "
               "merge and split in the whole library", menu="&View"),
    ActionSpec("shortcuts", "Keyboard shortcuts…", "show_shortcuts",
               keys=(SK.HelpContents, "?"), description="Show this sheet", menu="&Help"),
)

MENUS = ("&File", "&Edit", "&Entity", "&Review", "&View", "&Help")

#: Rows by id.
SPECS: dict[str, ActionSpec] = {s.id: s for s in ACTIONS}


def sequences(keys: tuple[KeySpec, ...]) -> list[QKeySequence]:
    """The key sequences of a row's keys (a QGuiApplication must exist). A platform's
    standard key brings its typing keys, not the dedicated Open, Undo or Find keys of
    multimedia keyboards (those would only clutter the sheet)."""
    out: list[QKeySequence] = []
    for spec in keys:
        if isinstance(spec, str):
            out.append(QKeySequence(spec))
        else:
            out.extend(k for k in QKeySequence.keyBindings(spec) if _typing_key(k))
    unique = {k.toString(): k for k in out if not k.isEmpty()}
    return list(unique.values())


def _typing_key(key: QKeySequence) -> bool:
    """A key of the typing area or the function row (not Open, Undo, Help…)."""
    first: QKeyCombination = key[0]  # type: ignore[index]  # PySide's stubs lack it
    return key.count() > 0 and first.key().value < Qt.Key.Key_Help.value


def label_icon(label: str, key: str | None = None) -> QIcon:
    """A swatch of the label's colour with its key on it."""
    pm = QPixmap(16, 16)
    color = QColor(LABEL_BASE_COLORS[label])
    pm.fill(color)
    p = QPainter(pm)
    p.setPen(QColor("white" if color.lightness() < 140 else "black"))
    p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter,
               LABEL_KEYS[label] if key is None else key[:2])
    p.end()
    return QIcon(pm)


def _slot(window: QObject, path: str) -> Callable[..., object]:
    fn = reduce(getattr, path.split("."), window)
    assert callable(fn), path
    return fn


def build(window: QMainWindow, undo_action: QAction, redo_action: QAction,
          keymap: Keymap) -> tuple[dict[str, QAction], dict[str, QMenu], QToolBar]:
    """The window's actions (by row id), its menus (by title) and its label toolbar,
    with the keys of `keymap` (kept up to date when the user rebinds one)."""
    actions: dict[str, QAction] = {"undo": undo_action, "redo": redo_action}
    menus = {title: window.menuBar().addMenu(title) for title in MENUS}
    toolbar = window.addToolBar("Labels")
    toolbar.setObjectName("labelsToolbar")
    toolbar.setIconSize(QSize(16, 16))
    for spec in ACTIONS:
        menu = _menu(menus, spec.menu)
        if spec.separator and menu is not None:
            menu.addSeparator()
        if spec.submenu:
            assert menu is not None
            sub = menu.addMenu(spec.text)
            fill = _slot(window, spec.slot)
            sub.aboutToShow.connect(lambda fill=fill, sub=sub: fill(sub))
            menus[spec.id] = sub
            continue
        a = actions.get(spec.id) or _action(window, spec)
        a.setObjectName(f"action_{spec.id}")
        actions[spec.id] = a
        window.addAction(a)  # its shortcut works wherever the window has focus
        if menu is not None:
            menu.addAction(a)
        if spec.toolbar:
            if spec.id == "next_unreviewed":
                toolbar.addSeparator()
            toolbar.addAction(a)
    apply_keys(actions, keymap)
    keymap.changed.connect(lambda: apply_keys(actions, keymap))
    return actions, menus, toolbar


def _menu(menus: dict[str, QMenu], path: str) -> QMenu | None:
    """The menu `path` names ("&View/&Highlights": a submenu, made when first asked)."""
    if not path:
        return None
    if path not in menus:
        parent, _, title = path.rpartition("/")
        parent_menu = _menu(menus, parent)
        assert parent_menu is not None, path
        menus[path] = parent_menu.addMenu(title)
    return menus[path]


def apply_keys(actions: dict[str, QAction], keymap: Keymap) -> None:
    """Window shortcuts from the key map; view keys shown in the menus and tooltips."""
    for spec in ACTIONS:
        a = actions.get(spec.id)
        if a is None or spec.submenu:
            continue
        a.setShortcuts(keymap.shortcuts(spec.id))
        hint = keymap.view_text(spec.id)
        a.setText(f"{spec.text}\t{hint}" if hint else spec.text)
        if spec.label and spec.view_keys:
            a.setIcon(label_icon(spec.label, hint))
            a.setToolTip(f"Label the selection (or retype the entity) as "
                         f"{LABEL_NAMES[spec.label]}" + (f" ({hint})" if hint else ""))


def _action(window: QMainWindow, spec: ActionSpec) -> QAction:
    a = QAction(spec.text, window)
    if spec.label:
        a.setIcon(label_icon(spec.label))
    fn = _slot(window, spec.slot)
    if spec.checkable:
        a.setCheckable(True)
        a.setToolTip(f"Show or hide {LABEL_NAMES[spec.label]} highlights")
        a.toggled.connect(lambda on, fn=fn, args=spec.args: fn(*args, on))
    else:
        a.triggered.connect(lambda _checked=False, fn=fn, args=spec.args: fn(*args))
    return a


def set_read_only(actions: dict[str, QAction], read_only: bool) -> None:
    """Disable every action that changes review data in a read-only window."""
    writes = {s.id for s in ACTIONS if s.writes}
    for key, a in actions.items():
        if key in writes:
            a.setEnabled(not read_only)
