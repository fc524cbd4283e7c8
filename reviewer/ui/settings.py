"""Window state and preferences, kept as an INI file inside the data directory so a test
run (or a portable copy) never touches the user's real settings."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from reviewer.core.model import LABELS

MAX_RECENT = 10
_NO_KEYS = "none"


class Settings:
    def __init__(self, data_dir: str | Path) -> None:
        self.path = Path(data_dir) / "settings.ini"
        self.q = QSettings(str(self.path), QSettings.Format.IniFormat)

    def visible_labels(self) -> set[str]:
        raw = self.q.value("view/labels", None)
        if raw is None:
            return set(LABELS)
        return {x for x in _strings(raw) if x in LABELS}

    def set_visible_labels(self, labels: set[str]) -> None:
        # An empty list would read back as "unset" from INI; store a marker instead.
        self.q.setValue("view/labels", sorted(labels) if labels else "")

    def recent_folders(self) -> list[str]:
        return _strings(self.q.value("library/recent", []))

    def add_recent_folder(self, path: str) -> None:
        items = [p for p in self.recent_folders() if p != path]
        self.q.setValue("library/recent", ([path] + items)[:MAX_RECENT])

    def key_bindings(self) -> dict[str, list[str]]:
        """The user's own key bindings: action id -> portable key strings ([] = none)."""
        self.q.beginGroup("keys")
        try:
            return {k: [x for x in _strings(self.q.value(k)) if x != _NO_KEYS]
                    for k in self.q.childKeys()}
        finally:
            self.q.endGroup()

    def set_key_bindings(self, bindings: dict[str, list[str]]) -> None:
        """Keep only these bindings (the others are back to their defaults)."""
        self.q.beginGroup("keys")
        try:
            self.q.remove("")
            for action_id, keys in sorted(bindings.items()):
                # One item reads back as a plain string and none as "unset": a marker.
                self.q.setValue(action_id, list(keys) if keys else _NO_KEYS)
        finally:
            self.q.endGroup()
        self.q.sync()

    def reviewer_name(self) -> str:
        """The name written with the reviewer's notes ("" until it was asked once)."""
        v = self.q.value("reviewer/name", "")
        return v.strip() if isinstance(v, str) else ""

    def set_reviewer_name(self, name: str) -> None:
        self.q.setValue("reviewer/name", name.strip())
        self.q.sync()

    def bytes_value(self, key: str) -> QByteArray | None:
        v = self.q.value(key)
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def set_value(self, key: str, value: object) -> None:
        self.q.setValue(key, value)

    def last_document(self) -> int | None:
        v = self.q.value("library/last_document")
        try:
            return int(v) if v not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def sync(self) -> None:
        self.q.sync()


def _strings(raw: object) -> list[str]:
    """A list value read back from the INI file: one item comes back as a plain string,
    none as an empty one."""
    if isinstance(raw, str):
        return [raw] if raw else []
    if isinstance(raw, (list, tuple)):
        return [str(x) for x in raw]
    return []
