"""Word memos: a reviewed set of releases written as one .docx for colleagues.

    export_memo(ws, doc_ids, "memo.docx", title="Week 12", author="Jane")

The GUI (File > Export memo) and `reviewer export` both call export_memo; the GUI also
uses generated_summary to prefill the summary editor.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.core.export.errors import ExportError
from reviewer.core.export.memo import DEFAULT_TITLE, Progress, build_memo, release_summary
from reviewer.core.export.releases import Release
from reviewer.core.export.summary import generated_summary
from reviewer.core.export.wordml import clean
from reviewer.core.files import WriteError, atomic_write

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace

__all__ = ["export_memo", "ExportError", "generated_summary", "default_author", "Progress"]

log = logging.getLogger(__name__)


def default_author() -> str:
    """The OS user name; "Reviewer" when the OS will not say (e.g. no passwd entry)."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):
        name = ""
    return name.strip() or "Reviewer"


def export_memo(ws: Workspace, doc_ids: Sequence[int], out: str | os.PathLike[str], *,
                title: str | None = None, author: str | None = None,
                full_text: bool = False, progress: Progress | None = None,
                day: _dt.date | None = None) -> Path:
    """Write a review memo for `doc_ids` (in that order) to `out`; returns the path.

    `progress(done, total, what)` is called once per release and once before writing;
    an exception raised from it (e.g. to cancel) aborts without touching `out`.
    Raises ExportError with a plain message when a release cannot be read or the file
    cannot be written.
    """
    from reviewer.core.review.view import document_view

    ids = list(dict.fromkeys(doc_ids))  # the same release twice is once in the memo
    if not ids:
        raise ExportError("no releases to export")
    target = Path(out).expanduser()
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    if target.suffix.lower() != ".docx":  # Word only opens what is called .docx
        target = target.with_name(target.name + ".docx")
    author = clean(author or "").strip() or default_author()
    title = clean(title or "").strip() or DEFAULT_TITLE
    total = len(ids)
    releases: list[Release] = []
    for number, doc_id in enumerate(ids, 1):
        try:
            view = document_view(ws, doc_id)
        except KeyError as exc:
            raise ExportError(f"release {doc_id} is not in the library") from exc
        except Exception as exc:  # noqa: BLE001 - LoadError, missing file, decoding ...
            rec = ws.store.document(doc_id)
            where = rec.path if rec else f"release {doc_id}"
            raise ExportError(f"cannot read {where}: {exc}") from exc
        summary, edited = release_summary(view, ws.store.summary(doc_id))
        releases.append(Release(number, view, summary, edited))
        if progress is not None:
            progress(number, total + 1, view.document.name)
    memo = build_memo(releases, title=title, author=author, full_text=full_text, day=day,
                      aliases=ws.store.aliases())
    if progress is not None:
        progress(total, total + 1, str(target))
    try:
        path = atomic_write(target, memo.save)
    except WriteError as exc:
        raise ExportError(str(exc)) from exc
    log.info("memo of %d release(s) written to %s", total, path)
    if progress is not None:
        progress(total + 1, total + 1, str(target))
    return path
