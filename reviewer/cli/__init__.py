"""Command line: `reviewer` opens the GUI; subcommands work headless on the same core.

This module reads the arguments and maps failures to messages and exit codes; each
command runs in its module: `library` (index, teach), `releases` (search, show, extract,
eval, export), `team` (sync, server).
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable, Sequence

from reviewer.cli import library, releases, team
from reviewer.cli.common import UserError, data_dir_arg

__all__ = ["UserError", "build_parser", "main"]

#: `reviewer <command>` runs COMMANDS[command]
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "index": library.cmd_index,
    "search": releases.cmd_search,
    "show": releases.cmd_show,
    "extract": releases.cmd_extract,
    "eval": releases.cmd_eval,
    "export": releases.cmd_export,
    "teach": library.cmd_teach,
    "sync": team.cmd_sync,
    "server": team.cmd_server,
}


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="reviewer", description="Review press releases offline.")
    data_dir_arg(ap, sub=False)
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
    data_dir_arg(p)

    p = sub.add_parser("search", help="search the library")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    data_dir_arg(p)

    p = sub.add_parser("show", help="show a stored document: text, structure, entities")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    data_dir_arg(p)

    p = sub.add_parser("extract", help="extract entities from files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON line per file (gold format)")
    data_dir_arg(p)

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
    data_dir_arg(p)

    p = sub.add_parser("teach", help="teach the extractor from the corrections and reviewed "
                                     "releases, list its versions, roll back")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--list", action="store_true", help="list the versions (* in use)")
    g.add_argument("--use", metavar="NAME|shipped",
                   help="put an earlier version, or the shipped model, in use")
    p.add_argument("--workers", type=int, default=None,
                   help="processes for the entity pass that follows")
    data_dir_arg(p)
    team.add_parsers(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            from reviewer.ui.app import run_gui

            return run_gui(data_dir=args.data_dir)
        handler = COMMANDS[args.command]
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
