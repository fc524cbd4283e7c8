"""The keys of every command: the action table's defaults, overridden by the user's own
bindings (kept in the data folder's settings, `[keys]`: one list of portable key strings
per action id). The window's shortcuts, the keys the text, entity and facts views handle
themselves, the menus' hints and the shortcut sheet all read them from here."""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence

from reviewer.ui.actions import ACTIONS, SPECS, KeySpec, sequences
from reviewer.ui.settings import Settings

_PORTABLE = QKeySequence.SequenceFormat.PortableText
_NATIVE = QKeySequence.SequenceFormat.NativeText
_IGNORED = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


def _strings(keys: Iterable[QKeySequence]) -> list[str]:
    return [k.toString(_PORTABLE) for k in keys if not k.isEmpty()]


class Keymap(QObject):
    """Key bindings by action id. `shortcuts(id)` are window-wide keys; `view_keys(id)`
    are keys the views handle (labelling letters, Delete, the facts list's V/X/U/F2)."""

    changed = Signal()

    def __init__(self, settings: Settings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._keys: dict[str, list[QKeySequence]] = {}
        for spec in ACTIONS:
            if spec.rebindable:
                self._keys[spec.id] = self.default_keys(spec.id)
        if settings is not None:
            for action_id, keys in settings.key_bindings().items():
                if action_id in self._keys:
                    self._keys[action_id] = [k for k in map(QKeySequence, keys)
                                             if not k.isEmpty()]

    # -- reading -----------------------------------------------------------------------
    @staticmethod
    def default_keys(action_id: str) -> list[QKeySequence]:
        spec = SPECS[action_id]
        specs: tuple[KeySpec, ...] = spec.view_keys if spec.view else spec.keys
        return sequences(specs)

    def keys(self, action_id: str) -> list[QKeySequence]:
        return list(self._keys.get(action_id, []))

    def ids(self) -> list[str]:
        return list(self._keys)

    def is_view_key(self, action_id: str) -> bool:
        return bool(SPECS[action_id].view)

    def shortcuts(self, action_id: str) -> list[QKeySequence]:
        """Window-wide shortcuts of an action (none for one the views handle)."""
        return [] if self.is_view_key(action_id) else self.keys(action_id)

    def view_text(self, action_id: str) -> str:
        """The first view key of an action as the user reads it ("" for none)."""
        if not self.is_view_key(action_id):
            return ""
        keys = self.keys(action_id)
        return keys[0].toString(_NATIVE) if keys else ""

    def text(self, action_id: str) -> str:
        """Every key of an action as the user reads it ("" for none)."""
        return ", ".join(k.toString(_NATIVE) for k in self.keys(action_id))

    def match(self, event: QKeyEvent, ids: Iterable[str]) -> str | None:
        """Which of the actions `ids` a key press in a view means, if any. Shift is not
        part of a single key (so "%" and "P" work with Caps Lock or on any layout)."""
        combo = event.keyCombination()
        mods = combo.keyboardModifiers()
        key = combo.key()
        if key in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            return None
        pressed = {QKeySequence(combo).toString(_PORTABLE),
                   QKeySequence(key | (mods & ~_IGNORED)).toString(_PORTABLE)}
        text = event.text()
        if text and text.isprintable() and not mods & ~_IGNORED:
            pressed.add(QKeySequence(text.upper()).toString(_PORTABLE))
        for action_id in ids:
            if any(k.toString(_PORTABLE) in pressed for k in self._keys.get(action_id, [])):
                return action_id
        return None

    def conflicts(self) -> dict[str, list[str]]:
        """Keys bound to more than one action: key text -> action ids."""
        seen: dict[str, list[str]] = {}
        for action_id, keys in self._keys.items():
            for k in _strings(keys):
                seen.setdefault(k, []).append(action_id)
        return {k: ids for k, ids in seen.items() if len(ids) > 1}

    # -- changing ----------------------------------------------------------------------
    def set_keys(self, action_id: str, keys: list[QKeySequence]) -> list[str]:
        """Bind `keys` to an action, taking them from any other action that had them;
        returns the ids of the actions that lost a key."""
        keys = [k for k in keys if not k.isEmpty()]
        wanted = set(_strings(keys))
        losers = []
        for other, have in self._keys.items():
            if other == action_id:
                continue
            kept = [k for k in have if k.toString(_PORTABLE) not in wanted]
            if len(kept) != len(have):
                self._keys[other] = kept
                losers.append(other)
        self._keys[action_id] = keys
        self._save()
        return losers

    def reset(self, action_id: str | None = None) -> None:
        """Back to the default keys of one action, or of every action."""
        for i in [action_id] if action_id else list(self._keys):
            self._keys[i] = self.default_keys(i)
        if action_id is not None:  # its defaults win over a user's binding elsewhere
            self.set_keys(action_id, self._keys[action_id])
            return
        self._save()

    def _save(self) -> None:
        if self.settings is not None:
            changed = {i: _strings(keys) for i, keys in self._keys.items()
                       if _strings(keys) != _strings(self.default_keys(i))}
            self.settings.set_key_bindings(changed)
        self.changed.emit()
