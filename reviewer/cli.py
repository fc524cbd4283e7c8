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
                   help="index every release again with the learned corrections")
    p.add_argument("--text-only", action="store_true",
                   help="return once the text is indexed (searchable), without waiting "
                        "for the entities; the window or the next `reviewer index` "
                        "fills them in")
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

    p = sub.add_parser("teach", help="teach the extractor from the corrections and reviewed "
                                     "releases, list its versions, roll back")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--list", action="store_true", help="list the versions (* in use)")
    g.add_argument("--use", metavar="NAME|shipped",
                   help="put an earlier version, or the shipped model, in use")
    p.add_argument("--workers", type=int, default=None,
                   help="processes for the entity pass that follows")
    _data_dir_arg(p)
    _team_parsers(sub)
    return ap


def _team_parsers(sub) -> None:
    """`reviewer sync` and `reviewer server` (docs/TEAM.md)."""
    p = sub.add_parser("sync", help="send your review changes to the team's server and "
                                    "receive the team's",
                       epilog="The password comes from ~/.pgpass or the keyring, never from "
                              "the address. Releases teammates shared arrive in 'Shared by "
                              "the team' in the data folder and are indexed. See "
                              "docs/TEAM.md.")
    p.add_argument("--server", metavar="URL",
                   help="postgresql://ROLE@HOST:PORT/DATABASE (remembered as the team's "
                        "server)")
    p.add_argument("--every", type=int, metavar="MINUTES",
                   help="let the window sync every MINUTES minutes (0: only on demand)")
    p.add_argument("--share-texts", action=argparse.BooleanOptionalAction,
                   help="upload (or stop uploading) the files of reviewed releases for "
                        "teammates who lack them (off by default; remembered)")
    p.add_argument("--conflicts", action="store_true",
                   help="list the changes that disagree, without syncing")
    p.add_argument("--resolve", metavar="CHANGE",
                   help="(lead) keep the change whose id starts with CHANGE for its conflict")
    _data_dir_arg(p)

    p = sub.add_parser("server", help="set up the team's PostgreSQL database")
    ssub = p.add_subparsers(dest="server_command", required=True)
    q = ssub.add_parser("init", help="create or upgrade Reviewer's schema (as the owner)")
    q.add_argument("url", metavar="URL")
    q = ssub.add_parser("add-reviewer",
                        help="give a reviewer a database role (asks for its password)")
    q.add_argument("url", metavar="URL")
    q.add_argument("role")
    q.add_argument("--name", required=True, help="the name the window shows")
    q.add_argument("--lead", action="store_true", help="may decide conflicts")
    q.add_argument("--no-password", action="store_true",
                   help="set no password (certificate or peer authentication)")


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
    if ws.readonly and (args.command == "index" or (args.command == "teach"
                                                     and not args.list)):
        ws.close()
        if ws.readonly_reason == READ_ONLY_DISK:
            raise UserError(f"the data folder {ws.data_dir} is on a read-only disk; "
                            "nothing can be changed there")
        raise UserError(f"another Reviewer is using {ws.data_dir}; close it and try again")
    return ws


class _Progress:
    """A pass's progress on stderr: a bar redrawn in place on a terminal, otherwise a
    line every few seconds (a log, a pipe, CI)."""

    def __init__(self, what: str, *, every: float = 5.0) -> None:
        from reviewer.core.progress import Meter

        self.what = what
        self.tty = sys.stderr.isatty()
        self.every = 0.1 if self.tty else every
        self.meter = Meter(0)
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, path: str = "") -> None:
        self.meter.update(done, total)
        now = time.monotonic()
        if now - self.last >= self.every or done == total:
            self.last = now
            self._show()

    def _show(self) -> None:
        m = self.meter
        frac = m.done / m.total if m.total else 1.0
        pct = f" ({100 * frac:.0f}%)" if m.total else ""
        self._draw(m.text(), frac, pct)

    def _draw(self, text: str, frac: float, suffix: str = "") -> None:
        """A bar on a terminal, else a line; `suffix` goes on the line only."""
        if self.tty:
            width = 24
            filled = int(width * frac)
            sys.stderr.write(f"\r{self.what} [{'#' * filled:<{width}}] {text} \x1b[K")
        else:
            sys.stderr.write(f"{self.what}: {text}{suffix}\n")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_index(args: argparse.Namespace) -> int:
    from reviewer.core.extract import extractor_version

    # Before the workspace: a mistyped path must not create a data folder.
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError("no such file or folder: " + ", ".join(missing))
    with _workspace(args) as ws:
        ws.library.add_paths(args.paths)
        bar = _Progress("text")
        try:
            report = ws.library.scan(progress=bar, workers=args.workers, force=args.reapply,
                                     entities=False)
        finally:
            bar.close()
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
        sys.stdout.flush()
        failed = 1 if report.failed and not (report.added or report.updated
                                             or report.unchanged) else 0
        pending = ws.library.pending_entities()
        if args.text_only:
            if pending:
                print(f"entities: {pending} release(s) not extracted yet; the window or the "
                      "next `reviewer index` fills them in")
            return failed
        if pending:
            version = extractor_version(ws.library.recogniser())
            print(f"Text indexed and searchable. Waiting for the entities of {pending} "
                  f"release(s) ({version}); Ctrl+C stops, and the next "
                  "`reviewer index` or the window goes on from there (--text-only does "
                  "not wait).", file=sys.stderr, flush=True)
        bar = _Progress("entities")
        try:
            entities = ws.library.fill_entities(progress=bar, workers=args.workers)
        except KeyboardInterrupt:
            bar.close()
            print(f"reviewer: stopped after the entities of {bar.meter.done} of {pending} "
                  "release(s); the next `reviewer index` goes on from there",
                  file=sys.stderr)
            return 130
        bar.close()
        if not entities.total:
            print("entities up to date")
            return failed
        print(f"entities extracted {entities.extracted}")
        print(f"entities stored before {entities.reused}")
        if entities.skipped:
            print(f"entities skipped {len(entities.skipped)}")
            for path, reason in entities.skipped:
                print(f"  {path}: {reason}")
        print(f"entities took {entities.seconds:.2f} s")
    return failed



class _FractionProgress(_Progress):
    """A task known by its fraction done (an extractor update): a bar redrawn in place on
    a terminal, otherwise a line every few seconds."""

    STEPS = 1000

    def __init__(self, what: str, *, every: float = 5.0) -> None:
        from reviewer.core.progress import Meter

        super().__init__(what, every=every)
        self.meter = Meter(self.STEPS)
        self.doing = ""

    def __call__(self, frac: float, doing: str) -> None:  # type: ignore[override]
        self.meter.update(int(frac * self.STEPS))
        now = time.monotonic()
        if now - self.last >= self.every or frac >= 1.0 or doing != self.doing:
            self.last, self.doing = now, doing
            self._show_fraction(frac)

    def _show_fraction(self, frac: float) -> None:
        from reviewer.core.progress import duration

        left = self.meter.left
        parts = [f"{self.doing} {100 * frac:.0f}%"]
        if frac < 1.0:
            parts.append("time left unknown" if left is None else f"{duration(left)} left")
        self._draw(" · ".join(parts), frac)


def _entity_pass(ws, workers: int | None = None) -> None:
    """The entity pass after the extractor changed: the unreviewed releases again."""
    pending = ws.library.pending_entities()
    if not pending:
        print("entities up to date")
        return
    print(f"Re-extracting the entities of {pending} unreviewed release(s); Ctrl+C stops, "
          "and the next `reviewer index` or the window goes on from there.",
          file=sys.stderr, flush=True)
    bar = _Progress("entities")
    try:
        report = ws.library.fill_entities(progress=bar, workers=workers)
    finally:
        bar.close()
    print(f"entities extracted {report.extracted}")
    print(f"entities took {report.seconds:.2f} s")


def cmd_teach(args: argparse.Namespace) -> int:
    from reviewer.core.review import teaching

    with _workspace(args) as ws:
        models = ws.models
        if args.list:
            current = models.current_name()
            base = models.base()
            print(f"{'':2}{'version':<9}{'date':<18}{'corrections':>12}{'releases':>10}  base")
            for v in models.versions():
                made = time.strftime("%Y-%m-%d %H:%M", time.localtime(
                    (v.path / "model.json").stat().st_mtime))
                print(f"{'*' if v.name == current else ' ':2}{v.name:<9}{made:<18}"
                      f"{v.corrections:>12}{v.releases:>10}  {v.meta.get('base', '')}")
            print(f"{'*' if not current else ' ':2}{'shipped':<9}{'':<18}{'-':>12}{'-':>10}  "
                  f"{base.info.version if base is not None else 'not available'}")
            return 0
        if args.use is not None:
            name = "" if args.use == "shipped" else args.use
            known = [v.name for v in models.versions()]
            if name and name not in known:
                raise UserError(f"no extractor version {name}; the versions are: "
                                f"{', '.join(known + ['shipped'])}")
            models.use(name)
            print(f"extractor in use: {name or 'the shipped model'}")
            _entity_pass(ws, args.workers)
            return 0
        what = teaching.lesson(ws)
        if not what.releases:
            print("nothing to learn from yet: correct entities or mark releases reviewed "
                  "first", file=sys.stderr)
            return 0
        print(f"Teaching the extractor from {what.corrections} correction(s) in "
              f"{len(what.releases)} release(s) ({what.reviewed} reviewed); Ctrl+C stops "
              "and the version in use stays.", file=sys.stderr, flush=True)
        bar = _FractionProgress("teach")
        try:
            version = teaching.teach(ws, progress=bar)
        finally:
            bar.close()
        if version is None:
            print("nothing to learn from", file=sys.stderr)
            return 0
        print(f"extractor {version.name} in use: learned from {version.corrections} "
              f"correction(s) in {version.releases} release(s) in "
              f"{version.meta.get('seconds', 0)} s")
        _entity_pass(ws, args.workers)
    return 0


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
    if view.facts:
        print("\nfacts:")
        for r in view.fact_reviews():
            edited = f" (extracted: {r.extracted})" if r.edited else ""
            note = f"\n{'':18}note: {r.note}" if r.note else ""
            print(f"  {r.fact.kind:9} [{r.status}] {r.value}{edited}{note}")
    if view.notes:
        print("\nnotes:")
        for n in view.notes:
            on = f"“{n.quote}”" if n.quote else (n.target_key or "the release")
            by = f" ({n.author})" if n.author else ""
            print(f"  on {on}{by}: {n.text}")
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


def cmd_sync(args: argparse.Namespace) -> int:
    from reviewer.core import sync as team

    try:
        with _workspace(args) as ws:
            if ws.readonly:
                raise UserError(f"another Reviewer is using {ws.data_dir}; sync from it "
                                "(File > Sync with team) or close it and try again")
            settings = team.TeamSettings(ws.store)
            if args.server:
                team.check_url(args.server)
                settings.set_server(args.server)
            if args.every is not None:
                settings.set_interval(args.every)
                every = settings.interval_minutes()
                print(f"the window syncs every {every} minutes" if every else
                      "the window syncs only when asked (File > Sync with team)")
            if args.share_texts is not None:
                settings.set_share_texts(args.share_texts)
                print("this computer shares the files of reviewed releases with the team"
                      if args.share_texts else
                      "this computer shares no release files (only the review work)")
            if args.conflicts:
                _print_conflicts(ws.store)
                return 0
            if args.resolve:
                team.resolve(ws.store, args.resolve)
                print("decided; the team receives it at the next sync")
                if settings.server() is None:
                    return 0
            url = settings.server()
            if url is None:
                raise UserError("no team server yet: reviewer sync --server "
                                "postgresql://ROLE@HOST:PORT/DATABASE (see docs/TEAM.md)")
            bars: dict[str, _Progress] = {}

            def progress(phase: str, done: int, total: int | None) -> None:
                bar = bars.setdefault(phase, _Progress(phase))
                bar(done, total or done)

            try:
                report = team.sync(ws.store, url, progress=progress)
            finally:
                for bar in bars.values():
                    bar.close()
            print(report.summary())
            if report.texts_received:
                _index_shared(ws)
            if report.conflicts:
                print("reviewer sync --conflicts lists them")
    except team.SyncError as exc:
        raise UserError(str(exc)) from exc
    return 0


def _index_shared(ws) -> None:
    """Index the releases the team shared (written to the data folder's shared folder),
    then apply the team's work on them and index that too."""
    from reviewer.core import sync as team

    bar = _Progress("text")
    try:
        added = ws.library.scan(progress=bar, entities=False).added
        if team.apply_waiting(ws.store).doc_ids:
            ws.library.scan(progress=bar, entities=False)
    finally:
        bar.close()
    print(f"added {added} shared release(s) to the library")


def _print_conflicts(store) -> None:
    from reviewer.core import sync as team

    found = team.conflicts(store)
    if not found:
        print("no conflicts")
    for c in found:
        print(c.describe())
        for line in c.options():
            print(f"  {line}")


def cmd_server(args: argparse.Namespace) -> int:
    import getpass

    from reviewer.core import sync as team

    try:
        if args.server_command == "init":
            before, after = team.init(args.url)
            print(f"{team.display(args.url)}: schema {after}"
                  + (" (already up to date)" if before == after else f" (was {before})"))
            return 0
        password = None
        if not args.no_password:
            password = getpass.getpass(f"password for {args.role}: ")
            if not password or password != getpass.getpass("again: "):
                raise UserError("the passwords are empty or differ; nothing was changed")
        team.add_reviewer(args.url, args.role, args.name, lead=args.lead, password=password)
        print(f"{args.role} ({args.name}) can sync"
              + (" and decide conflicts" if args.lead else ""))
    except team.SyncError as exc:
        raise UserError(str(exc)) from exc
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
