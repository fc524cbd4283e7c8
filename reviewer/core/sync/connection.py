"""Connecting to the team's server: credentials from a `~/.pgpass`-style file or the
platform keyring, never from Reviewer's own files; TLS whenever the server offers it.

A server is named by a libpq URL without a password
(`postgresql://ana@db.desk.example:5432/review`). libpq reads the password from the file
named by `PGPASSFILE` or from `~/.pgpass` (`%APPDATA%\\postgresql\\pgpass.conf` on
Windows), which it ignores unless only its owner can read it. When the optional
`keyring` package is installed and holds a password for the service "reviewer" under
the URL, that password is used instead. A URL that carries a password is refused: Reviewer
stores server URLs in the review store, and a password must never be written there.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

log = logging.getLogger(__name__)

KEYRING_SERVICE = "reviewer"
CONNECT_TIMEOUT_S = 10


class SyncError(Exception):
    """The server cannot be reached or refused a change; the message says what to do."""


def check_url(url: str) -> dict[str, Any]:
    """The URL's parameters; refuses one that holds a password or does not parse."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise SyncError(f"{url!r} is not a server address ({exc}); write it as "
                        "postgresql://ROLE@HOST:PORT/DATABASE.") from exc
    if params.get("password"):
        raise SyncError("The server address holds a password; Reviewer never stores "
                        "passwords. Remove it from the address and put it in ~/.pgpass "
                        "(HOST:PORT:DATABASE:ROLE:PASSWORD, readable only by you) or in "
                        "the keyring.")
    return params


def _keyring_password(url: str) -> str | None:
    try:
        keyring = importlib.import_module("keyring")
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, url)
    except Exception as exc:  # noqa: BLE001 - a locked or absent keyring backend
        log.info("no password from the keyring: %s", exc)
        return None
    return found if isinstance(found, str) else None


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to `url` (TLS preferred), or SyncError saying why not."""
    params = check_url(url)
    extra: dict[str, Any] = {"application_name": "reviewer"}
    params.setdefault("sslmode", "prefer")
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    password = _keyring_password(url)
    if password:
        extra["password"] = password
    try:
        return psycopg.connect(**params, **extra)
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise SyncError(f"The server {display(url)} cannot be reached or refused the "
                        f"connection ({detail}). Your work is kept on this computer and "
                        "is sent at the next sync.") from exc


def display(url: str) -> str:
    """The server as shown to the user: host, port and database."""
    try:
        p = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return url
    host = p.get("host") or "localhost"
    port = f":{p['port']}" if p.get("port") else ""
    db = f"/{p['dbname']}" if p.get("dbname") else ""
    user = f"{p['user']}@" if p.get("user") else ""
    return f"{user}{host}{port}{db}"
