"""The team's PostgreSQL database: its schema, its versioned migrations and its roles.

One table, `changes`, holds every reviewer's change log, append-only: reviewers may
insert and read, nobody may update or delete (no such grant). Each reviewer connects as
their own database role, a member of `reviewer_member`; row-level security lets a member
insert only changes whose author is their own role, with at most one parent and never a
resolution; members of `reviewer_lead` may also insert resolutions (a change replacing
every disagreeing head of a conflict). `reviewers` maps roles to the names the window
shows ("Corrected by Ana"). `release_texts` holds the release files laptops share for
teammates who lack them (only from laptops that turned sharing on), keyed by content hash.
"""
from __future__ import annotations

import logging
from typing import Any

import psycopg
from psycopg import sql

from reviewer.core.changelog import KINDS
from reviewer.core.sync.connection import SyncError, connect

log = logging.getLogger(__name__)

MEMBER = "reviewer_member"
LEAD = "reviewer_lead"
#: The advisory lock every push holds while it inserts: changes then commit in the order
#: of their ids, so a reader's cursor never skips a change that commits late.
PUSH_LOCK = 0x52455657

#: The kinds schema 1 knew (a migration's text never changes once released).
_FIRST_KINDS = "'status', 'fact', 'summary', 'correction', 'note', 'alias'"
_KIND_LIST = ", ".join(f"'{k}'" for k in KINDS)
#: The largest release file a laptop shares (a press release is far smaller).
MAX_TEXT_BYTES = 20 * 1024 * 1024

MIGRATIONS: list[str] = [
    # 1: the change log, the reviewers, the roles and the row-level security
    f"""
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{MEMBER}') THEN
            CREATE ROLE {MEMBER} NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEAD}') THEN
            CREATE ROLE {LEAD} NOLOGIN;
        END IF;
    END $$;
    GRANT {MEMBER} TO {LEAD};
    CREATE TABLE reviewers (
        role name PRIMARY KEY,
        display_name text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE changes (
        id bigserial PRIMARY KEY,
        uuid uuid NOT NULL UNIQUE,
        author name NOT NULL DEFAULT current_user,
        device text NOT NULL,
        at double precision NOT NULL,
        release_sha text NOT NULL,
        kind text NOT NULL CHECK (kind IN ({_FIRST_KINDS})),
        target text NOT NULL,
        parents jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(parents) = 'array'),
        payload text,
        resolution boolean NOT NULL DEFAULT false,
        received_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX changes_target ON changes (target);
    ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY team_reads ON changes FOR SELECT TO {MEMBER} USING (true);
    CREATE POLICY own_changes ON changes FOR INSERT TO {MEMBER}
        WITH CHECK (author = current_user AND NOT resolution
                    AND jsonb_array_length(parents) <= 1);
    CREATE POLICY lead_resolves ON changes FOR INSERT TO {LEAD}
        WITH CHECK (author = current_user);
    GRANT SELECT, INSERT ON changes TO {MEMBER};
    GRANT USAGE ON SEQUENCE changes_id_seq TO {MEMBER};
    GRANT SELECT ON reviewers TO {MEMBER};
    """,
    # 2: names said to be different entities are changes too
    f"""
    ALTER TABLE changes DROP CONSTRAINT changes_kind_check;
    ALTER TABLE changes ADD CONSTRAINT changes_kind_check CHECK (kind IN ({_KIND_LIST}));
    """,
    # 3: release files shared for teammates who lack them, keyed by their content hash
    # (the server checks the hash); a member adds files under their own role only, and
    # nobody replaces or deletes one
    f"""
    CREATE TABLE release_texts (
        sha text PRIMARY KEY CHECK (sha = encode(sha256(content), 'hex')),
        name text NOT NULL CHECK (name <> '' AND length(name) <= 255
                                  AND strpos(name, '/') = 0 AND strpos(name, '\\') = 0),
        content bytea NOT NULL CHECK (octet_length(content) <= {MAX_TEXT_BYTES}),
        author name NOT NULL DEFAULT current_user,
        shared_at timestamptz NOT NULL DEFAULT now());
    ALTER TABLE release_texts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY team_reads ON release_texts FOR SELECT TO {MEMBER} USING (true);
    CREATE POLICY own_texts ON release_texts FOR INSERT TO {MEMBER}
        WITH CHECK (author = current_user);
    GRANT SELECT, INSERT ON release_texts TO {MEMBER};
    """,
]


def _version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT to_regclass('reviewer_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    got = conn.execute("SELECT version FROM reviewer_schema").fetchone()
    return int(got[0]) if got else 0


def init(url: str) -> tuple[int, int]:
    """Create or upgrade the schema (connecting as the database's owner); returns the
    versions (before, after). Each migration runs in its own transaction."""
    with connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS reviewer_schema (version integer NOT NULL)")
        if conn.execute("SELECT count(*) FROM reviewer_schema").fetchone() == (0,):
            conn.execute("INSERT INTO reviewer_schema VALUES (0)")
        conn.commit()
        before = _version(conn)
        if before > len(MIGRATIONS):
            raise SyncError(f"The server's schema ({before}) is newer than this Reviewer "
                            f"knows ({len(MIGRATIONS)}): install the newer Reviewer.")
        for number in range(before, len(MIGRATIONS)):
            with conn.transaction():
                conn.execute("LOCK TABLE reviewer_schema IN EXCLUSIVE MODE")
                if _version(conn) > number:
                    continue  # another init applied it meanwhile
                conn.execute(MIGRATIONS[number])
                conn.execute("UPDATE reviewer_schema SET version = %s", (number + 1,))
            log.info("server schema %d", number + 1)
        conn.execute(sql.SQL("GRANT SELECT ON reviewer_schema TO {}").format(
            sql.Identifier(MEMBER)))
        db = conn.execute("SELECT current_database()").fetchone()
        assert db is not None
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
            sql.Identifier(db[0]), sql.Identifier(MEMBER)))
        conn.commit()
        return before, len(MIGRATIONS)


def add_reviewer(url: str, role: str, display_name: str, *, lead: bool = False,
                 password: str | None = None) -> None:
    """Give `role` a login (or a new password) and make it a reviewer (or a lead)."""
    with connect(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        statement = sql.SQL(verb + " ROLE {} LOGIN").format(sql.Identifier(role))
        if password is not None:
            statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
        conn.execute(statement)
        conn.execute(sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(LEAD if lead else MEMBER), sql.Identifier(role)))
        conn.execute("INSERT INTO reviewers(role, display_name) VALUES (%s, %s) "
                     "ON CONFLICT (role) DO UPDATE SET display_name = excluded.display_name",
                     (role, display_name))
        conn.commit()


def table_sizes(url: str) -> dict[str, int]:
    """Bytes on disk (table, indexes and TOAST) of the server's tables."""
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1").fetchall()
        return {str(name): int(size) for name, size in rows}
