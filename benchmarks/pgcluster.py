"""A throwaway PostgreSQL cluster: `initdb` on a temporary folder, password (SCRAM)
authentication on a loopback port, the passwords in a pgpass file named by PGPASSFILE.
Used by the team sync tests and `python -m benchmarks sync`."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ADMIN_PASSWORD = "admin-secret"


def bin_dir() -> Path | None:
    """The folder of the newest PostgreSQL server programs, or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parent.parent.name))
    return Path(versions[-1]).parent if versions else None


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def cannot_run() -> str | None:
    """Why no cluster can be started here (None: it can)."""
    if bin_dir() is None:
        return ("no PostgreSQL server binary (pg_ctl) on this machine: install the "
                "`postgresql` package")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without `runuser`: PostgreSQL cannot be started"
    return None


@dataclass
class Cluster:
    port: int
    pgpass: Path
    _count: list[int] = field(default_factory=lambda: [0])

    def url(self, role: str, db: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{db}"

    def add_password(self, role: str, password: str) -> None:
        with self.pgpass.open("a") as f:
            f.write(f"127.0.0.1:{self.port}:*:{role}:{password}\n")

    def new_database(self) -> str:
        import psycopg

        self._count[0] += 1
        name = f"team_{self._count[0]}"
        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name


@contextmanager
def throwaway_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """Start a cluster, yield it, stop it and delete its folder. `durable`: keep fsync
    on (benchmarks); tests turn it off."""
    why = cannot_run()
    if why:
        raise RuntimeError(why)
    programs = bin_dir()
    assert programs is not None
    # Not under pytest's temporary folder: only root may enter that one, and the server
    # runs as `postgres` when this runs as root.
    root = Path(tempfile.mkdtemp(prefix="reviewer-pg-"))
    data, sock, pwfile = root / "data", root / "sock", root / "pw"
    pwfile.write_text(ADMIN_PASSWORD + "\n")
    sock.mkdir()
    if os.geteuid() == 0:
        for p in (root, pwfile, sock):
            shutil.chown(p, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    pg_ctl = str(programs / "pg_ctl")
    old = os.environ.get("PGPASSFILE")
    try:
        subprocess.run(_as_postgres([str(programs / "initdb"), "-D", str(data), "-U",
                                     "postgres", "--auth=scram-sha-256", f"--pwfile={pwfile}",
                                     "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)
        opts = (f"-c listen_addresses=127.0.0.1 -c port={port} "
                f"-c unix_socket_directories={sock} -c max_connections=60")
        if not durable:
            opts += " -c fsync=off -c full_page_writes=off"
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-o", opts, "-l",
                                     str(root / "log"), "-w", "-t", "60", "start"]),
                       check=True, capture_output=True)
        pgpass = root / "pgpass"
        pgpass.write_text(f"127.0.0.1:{port}:*:postgres:{ADMIN_PASSWORD}\n")
        pgpass.chmod(0o600)
        os.environ["PGPASSFILE"] = str(pgpass)
        _wait(port)
        yield Cluster(port, pgpass)
    finally:
        if old is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = old
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w",
                                     "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _wait(port: int) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres").close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
