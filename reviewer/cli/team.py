"""Team review from the command line: `reviewer sync` and `reviewer server`
(docs/TEAM.md)."""
from __future__ import annotations

import argparse
from typing import Any

from reviewer.cli.common import UserError, data_dir_arg, open_workspace
from reviewer.cli.progress import Progress


def add_parsers(sub: Any) -> None:
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
    data_dir_arg(p)

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


def cmd_sync(args: argparse.Namespace) -> int:
    from reviewer.core import sync as team

    try:
        with open_workspace(args) as ws:
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
            bars: dict[str, Progress] = {}

            def progress(phase: str, done: int, total: int | None) -> None:
                noun = "changes" if phase in ("push", "pull") else "release files"
                bar = bars.setdefault(phase, Progress(phase, noun=noun))
                bar(done, total or done)

            try:
                report = team.sync(ws.store, url, progress=progress)
            finally:
                for bar in bars.values():
                    bar.close()
            if report.texts_received:
                # the team's work waiting for the shared releases applies once they are
                # indexed: the summary counts what still waits after that
                report.waiting = _index_shared(ws)
            print(report.summary())
            if report.conflicts:
                print("reviewer sync --conflicts lists them")
    except team.SyncError as exc:
        raise UserError(str(exc)) from exc
    return 0


def _index_shared(ws: Any) -> int:
    """Index the releases the team shared (written to the data folder's shared folder),
    then apply the team's work on them and index that too. Returns how many changes
    still wait for releases this library lacks."""
    from reviewer.core import sync as team

    bar = Progress("text")
    try:
        added = ws.library.scan(progress=bar, entities=False).added
        applied = team.apply_waiting(ws.store)
        if applied.doc_ids:
            ws.library.scan(progress=bar, entities=False)
    finally:
        bar.close()
    print(f"added {added} shared release(s) to the library")
    return applied.waiting


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
