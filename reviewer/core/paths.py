"""Where Reviewer keeps its data: platformdirs, overridable for tests and portable use."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "REVIEWER_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: `override`, else $REVIEWER_DATA_DIR, else the platform's one.

    Created on first use with private permissions (0700): it holds the user's review work.
    """
    if override:
        path = Path(override)
    elif os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR])
    else:
        path = Path(platformdirs.user_data_dir("Reviewer", appauthor=False))
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
