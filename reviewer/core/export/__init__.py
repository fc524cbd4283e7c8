"""Word memos: a reviewed set of releases written as one .docx for colleagues.

    export_memo(ws, doc_ids, "memo.docx", title="Week 12", author="Jane")

The GUI (File > Export memo) and `reviewer export` both call export_memo; the GUI also
uses generated_summary to prefill the summary editor.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import io
import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.core.export.errors import ExportError
from reviewer.core.export.memo import (
    DEFAULT_TITLE,
    MemoOptions,
    Progress,
    build_memo,
    release_summary,
)
from reviewer.core.export.releases import Release
from reviewer.core.export.summary import generated_summary
from reviewer.core.export.wordml import clean
from reviewer.core.files import WriteError, atomic_write

if TYPE_CHECKING:
    from reviewer.core.review.workspace import Workspace

__all__ = ["export_memo", "memo_path", "ExportError", "generated_summary", "default_author",
           "Progress"]

log = logging.getLogger(__name__)


def default_author() -> str:
    """The account's full name (the passwd comment field on Unix), else its user name;
    "Reviewer" when the OS will not say (e.g. no passwd entry)."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):
        name = ""
    try:
        import pwd

        full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, OSError, AttributeError):
        full = ""
    return full or name.strip() or "Reviewer"


def memo_path(out: str | os.PathLike[str]) -> Path:
    """The file a memo asked for as `out` is written to: `out` when it ends in ".docx",
    else `out` + ".docx" (Word opens only what is called .docx), so "report" replaces
    "report.docx". Whoever asks before replacing a file must ask about this path.

    Raises ExportError when `out` or the memo's path is a folder, or something that is
    not a regular file (a device such as /dev/full, a pipe): a memo never goes there."""
    given = Path(out).expanduser()
    target = given if given.suffix.lower() == ".docx" else given.with_name(given.name + ".docx")
    for path in dict.fromkeys((given, target)):
        try:
            st = path.stat()
        except OSError:
            continue  # not there yet (or unreadable: writing it will say why)
        if stat.S_ISDIR(st.st_mode):
            raise ExportError(f"cannot write {path}: it is a folder")
        if not stat.S_ISREG(st.st_mode):
            raise ExportError(f"cannot write {path}: it is not a regular file (a device, "
                              "pipe or socket); choose a file name for the memo")
    return target


def export_memo(ws: Workspace, doc_ids: Sequence[int], out: str | os.PathLike[str], *,
                title: str | None = None, author: str | None = None,
                overview: str = "", entities: bool = False, full_text: bool = False,
                progress: Progress | None = None, day: _dt.date | None = None) -> Path:
    """Write a review memo for `doc_ids` (in that order) to `out`; returns the path.

    `out` without ".docx" gets it (see memo_path). `overview` is the reviewer's own
    opening paragraph (blank lines separate paragraphs); `entities` adds tables of each
    release's people and organisations; `full_text` an appendix with every release's text.
    `progress(done, total, what)` is called once per release and once before writing; an
    exception raised from it (e.g. to cancel) aborts without touching `out`. The memo is
    built in memory and written at the end, all at once (a killed export leaves nothing).
    Raises ExportError with a plain message when a release cannot be read or the file
    cannot be written.
    """
    from reviewer.core.review.view import document_view

    ids = list(dict.fromkeys(doc_ids))  # the same release twice is once in the memo
    if not ids:
        raise ExportError("no releases to export")
    target = memo_path(out)
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
        summary, _edited = release_summary(view, ws.store.summary(doc_id))
        releases.append(Release(number, view, summary))
        if progress is not None:
            progress(number, total + 1, view.document.name)
    opts = MemoOptions(title=title, author=author, overview=clean(overview or "").strip(),
                       entities=entities, full_text=full_text, day=day,
                       aliases=ws.store.aliases())
    memo = build_memo(releases, opts)
    if progress is not None:
        progress(total, total + 1, str(target))
    data = io.BytesIO()
    memo.save(data)
    try:
        path = atomic_write(target, lambda fh: fh.write(data.getbuffer()))
    except WriteError as exc:
        raise ExportError(str(exc)) from exc
    log.info("memo of %d release(s) written to %s", total, path)
    if progress is not None:
        progress(total + 1, total + 1, str(target))
    return path
