"""Reviewer's log. Every module logs to `logging.getLogger(__name__)`; the GUI and the
command line send it to a rotating file in the data folder (`logs/reviewer.log`, private
to the user like the rest of the folder), where a failure leaves its traceback."""
from __future__ import annotations

import io
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = Path("logs") / "reviewer.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """Log files readable by their owner only: they name the user's files."""

    def _open(self) -> io.TextIOWrapper:
        stream = super()._open()
        try:
            os.chmod(self.baseFilename, 0o600)
        except OSError:  # pragma: no cover - a file system without permissions
            pass
        return stream

    def handleError(self, _record: logging.LogRecord) -> None:
        # A log that cannot be written (a full disk) must not pour tracebacks onto the
        # terminal; the failure itself reaches the user through the store's messages.
        pass


def log_to_data_folder(data_dir: Path, level: int = logging.INFO) -> Path | None:
    """Write Reviewer's log records to the data folder's log file (once per process and
    folder: a later call for another folder moves the log there). Returns its path, or
    None when the folder cannot take a log (a read-only disk): Reviewer runs without."""
    path = Path(data_dir) / LOG_FILE
    root = logging.getLogger("reviewer")
    for handler in list(root.handlers):
        if isinstance(handler, _PrivateRotatingFileHandler):
            if handler.baseFilename == str(path.resolve()):
                return path
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(path.parent, os.W_OK):
            raise PermissionError(f"cannot write to {path.parent}")
    except OSError:
        return None
    handler = _PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                          encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path
