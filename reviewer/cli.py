"""Command line: `reviewer` opens the GUI; subcommands work headless on the same core."""
from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path


class UserError(Exception):
    """An expected failure: printed as a message, no traceback, exit code 2."""


def _data_dir_arg(p: argparse.ArgumentParser, *, sub: bool = True) -> None:
    # On a subcommand the option must not reset a --data-dir given before the command
    # (`reviewer --data-dir D index X`) to None, or the work would go to the default folder.
    p.add_argument("--data-dir", metavar="D", default=argparse.SUPPRESS if sub else None,
                   help="data folder for the index and review store "
                        "(default: $REVIEWER_DATA_DIR or the platform's data folder)")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="reviewer", description="Review press releases offline.")
    _data_dir_arg(ap, sub=False)
    sub = ap.add_subparsers(dest="command")

    p = sub.add_parser("index", help="add folders or files to the library and index them",
                       epilog="A path that starts with '-' is written ./-name or put after "
                              "'--': reviewer index -- -draft.txt")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--workers", type=int, default=None, help="extraction processes")
    p.add_argument("--reapply", action="store_true",
                   help="re-extract every release with the learned corrections")
    _data_dir_arg(p)

    p = sub.add_parser("search", help="search the library")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    _data_dir_arg(p)

    p = sub.add_parser("show", help="show a stored document: text, structure, entities")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    _data_dir_arg(p)

    p = sub.add_parser("extract", help="extract entities from files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON line per file (gold format)")
    _data_dir_arg(p)

    p = sub.add_parser("eval", help="score extraction against a gold file")
    p.add_argument("gold")
    p.add_argument("docs_dir")
    p.add_argument("--errors", action="store_true", help="list missed and spurious mentions")
    p.add_argument("--rules-only", action="store_true",
                   help="score the rule engine alone, without the learned recogniser")

    p = sub.add_parser("export", help="write a Word memo for releases")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", required=True, metavar="MEMO.docx",
                   help="the memo; .docx is added when missing (an existing MEMO.docx is "
                        "then kept: name it in full to replace it)")
    p.add_argument("--title", default=None)
    p.add_argument("--author", default=None)
    p.add_argument("--overview", default="", metavar="TEXT",
                   help="your opening paragraph for the memo's first page")
    p.add_argument("--entities", action="store_true",
                   help="add tables of each release's people and organisations")
    p.add_argument("--full-text", action="store_true",
                   help="add an appendix with each release's text, entities highlighted")
    _data_dir_arg(p)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            from reviewer.ui.app import run_gui

            return run_gui(data_dir=args.data_dir)
        handler = globals()[f"cmd_{args.command}"]
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        # `reviewer search x | head`: the reader has what it wanted. No traceback, and
        # nothing more written (Python would complain flushing stdout at exit).
        _silence_stdout()
        return 141  # as a program stopped by SIGPIPE
    except UserError as exc:
        print(f"reviewer: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reviewer: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - map the expected kinds to plain messages
        from reviewer.core.documents.loaders import LoadError
        from reviewer.core.files import WriteError
        from reviewer.core.search import IndexLockedError
        from reviewer.core.store import StoreError

        if isinstance(exc, (IndexLockedError, StoreError, LoadError, WriteError)):
            print(f"reviewer: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError):
            print(f"reviewer: {_os_message(exc)}", file=sys.stderr)
            return 2
        raise


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _os_message(exc: OSError) -> str:
    if exc.errno is None:
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}the disk is full. Free some space and try again."
    if exc.errno == errno.EROFS:
        return f"{where}the disk is read-only."
    if isinstance(exc, PermissionError):
        return f"{where}permission denied."
    return f"{where}{exc.strerror or exc}"


def _workspace(args: argparse.Namespace):
    from reviewer.core.logs import log_to_data_folder
    from reviewer.core.review.workspace import READ_ONLY_DISK, Workspace

    ws = Workspace(args.data_dir)
    log_to_data_folder(ws.data_dir)
    for warning in ws.warnings:
        print(f"reviewer: warning: {warning}", file=sys.stderr)
    if ws.readonly and args.command in ("index",):
        ws.close()
        if ws.readonly_reason == READ_ONLY_DISK:
            raise UserError(f"the data folder {ws.data_dir} is on a read-only disk; "
                            "nothing can be indexed there")
        raise UserError(f"another Reviewer is using {ws.data_dir}; close it and try again")
    return ws


def _bar(done: int, total: int, path: str, t0: float) -> None:
    width = 30
    frac = done / total if total else 1.0
    rate = done / max(time.perf_counter() - t0, 1e-6)
    left = (total - done) / rate if rate else 0
    bar = "#" * int(frac * width)
    sys.stderr.write(f"\r[{bar:<{width}}] {done}/{total} {rate:5.0f}/s {left:4.0f}s left ")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_index(args: argparse.Namespace) -> int:
    # Before the workspace: a mistyped path must not create a data folder.
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError("no such file or folder: " + ", ".join(missing))
    with _workspace(args) as ws:
        ws.library.add_paths(args.paths)
        t0 = time.perf_counter()
        progress = (lambda d, t, p: _bar(d, t, p, t0)) if sys.stderr.isatty() else None
        report = ws.library.scan(progress=progress, workers=args.workers, force=args.reapply)
    print(f"added {report.added}")
    print(f"updated {report.updated}")
    print(f"removed {report.removed}")
    print(f"unchanged {report.unchanged}")
    print(f"moved {report.moved}")
    print(f"failed {len(report.failed)}")
    for path, reason in report.failed:
        print(f"  {path}: {reason}")
    if report.warnings:
        print(f"warnings {len(report.warnings)}")
        for path, warning in report.warnings:
            print(f"  {path}: {warning}")
    print(f"took {report.seconds:.2f} s")
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def cmd_search(args: argparse.Namespace) -> int:
    from reviewer.core.search import QueryError

    with _workspace(args) as ws:
        try:
            result = ws.searcher.search(args.query, limit=args.limit)
        except QueryError as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        print(json.dumps([h.to_json() for h in result.hits], ensure_ascii=False, indent=1))
        return 0
    print(f"{result.total} release(s) match {args.query!r}")
    for h in result.hits:
        print(f"{h.score:7.2f}  {h.title}  [{h.status}]\n         {h.path}")
    for label, counts in sorted(result.facets.items()):
        top = ", ".join(f"{v} ({n})" for v, n in counts.most_common(5))
        print(f"  {label}: {top}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from reviewer.core.review.view import document_view

    with _workspace(args) as ws:
        doc_id = ws.doc_id_for_path(args.path)
        if doc_id is None:
            raise UserError(f"{args.path} is not in the library; run `reviewer index` first")
        view = document_view(ws, doc_id)
    if args.json:
        print(json.dumps(view.to_json(), ensure_ascii=False, indent=1))
        return 0
    doc = view.document
    print(f"{doc.title}\n{doc.path}  [{view.status}]")
    if doc.structure.dateline:
        dl = doc.structure.dateline
        print(f"dateline: {dl.place} {dl.date} {dl.iso}")
    print()
    print(doc.text)
    print()
    for e in view.entities:
        print(f"{e.start:6}-{e.end:<6} {e.label:9} {e.text}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from reviewer.core.documents.loaders import LoadError, load
    from reviewer.core.evaluation import extract_json_line

    lexicon = None
    if args.data_dir:
        with _workspace(args) as ws:
            lexicon = ws.library.lexicon()
    failed = 0
    for f in args.files:
        try:
            doc = load(f)
        except LoadError as exc:
            print(f"reviewer: {f}: {exc}", file=sys.stderr)
            failed += 1
            continue
        row = extract_json_line(Path(f).name, doc.text, lexicon=lexicon)
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"# {f}")
            for s, e, label, text in row["entities"]:
                print(f"{s:6}-{e:<6} {label:9} {text}")
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from reviewer.core.evaluation import evaluate

    if not Path(args.gold).is_file():
        raise UserError(f"no such gold file: {args.gold}")
    if not Path(args.docs_dir).is_dir():
        raise UserError(f"no such folder: {args.docs_dir}")
    print(evaluate(args.gold, args.docs_dir, errors=args.errors, model=not args.rules_only))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reviewer.core.export import ExportError, export_memo, memo_path

    try:
        target = memo_path(args.out)
    except ExportError as exc:
        raise UserError(str(exc)) from exc
    if target != Path(args.out).expanduser() and target.exists():
        # The user named "report"; replacing "report.docx" is not what they asked for.
        raise UserError(f"{target} already exists; to replace it, name it in full: "
                        f"--out {target}")
    with _workspace(args) as ws:
        ids = []
        for p in args.paths:
            doc_id = ws.doc_id_for_path(p)
            if doc_id is None:
                raise UserError(f"{p} is not in the library; run `reviewer index` first")
            ids.append(doc_id)
        try:
            out = export_memo(ws, ids, target, title=args.title, author=args.author,
                              overview=args.overview, entities=args.entities,
                              full_text=args.full_text)
        except ExportError as exc:
            raise UserError(str(exc)) from exc
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
