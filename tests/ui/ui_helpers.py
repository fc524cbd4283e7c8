"""Helpers shared by the UI tests."""
from __future__ import annotations

FIRST = "000_f7c1be859b819757.txt"


def restart(window, open_window):
    """Close the window and its workspace, then reopen the same data folder."""
    data = window.ws.data_dir
    window.close()
    return open_window(data, scan=False)


def doc_id_of(window, name: str) -> int:
    for d in window.ws.store.documents():
        if d.path.endswith(name):
            return d.id
    raise KeyError(name)


def show(window, name: str = FIRST) -> None:
    window.open_document(doc_id_of(window, name))
