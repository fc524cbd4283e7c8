"""What every command shares: the expected failure, the data folder option, opening the
workspace."""
from __future__ import annotations

import argparse
import sys
from typing import Any


class UserError(Exception):
    """An expected failure: printed as a message, no traceback, exit code 2."""


def data_dir_arg(p: argparse.ArgumentParser, *, sub: bool = True) -> None:
    # On a subcommand the option must not reset a --data-dir given before the command
    # (`reviewer --data-dir D index X`) to None, or the work would go to the default folder.
    p.add_argument("--data-dir", metavar="D", default=argparse.SUPPRESS if sub else None,
                   help="data folder for the index and review store "
                        "(default: $REVIEWER_DATA_DIR or the platform's data folder)")


def open_workspace(args: argparse.Namespace) -> Any:
    """The workspace of the data folder the command names, its warnings printed; a
    command that writes refuses a read-only one with the reason."""
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
