"""Team review: the laptops' change logs meet in a PostgreSQL database (docs/TEAM.md).

`server` creates and upgrades the team's schema and roles, `client` pushes and pulls,
`connection` finds the credentials, `texts` shares release files (when a laptop turns
that on). The change log itself is `core/changelog.py`.
"""
from reviewer.core.sync.client import SyncReport, apply_waiting, resolve, sync
from reviewer.core.sync.connection import SyncError, check_url, display
from reviewer.core.sync.server import add_reviewer, init, table_sizes
from reviewer.core.sync.team import Conflict, TeamSettings, conflicts
from reviewer.core.sync.texts import SHARED_DIR

__all__ = ["SHARED_DIR", "Conflict", "SyncError", "SyncReport", "TeamSettings",
           "add_reviewer", "apply_waiting", "check_url", "conflicts", "display", "init",
           "resolve", "sync", "table_sizes"]
