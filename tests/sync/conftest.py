"""A throwaway PostgreSQL cluster for the team tests (benchmarks/pgcluster.py): `initdb`
on a temporary folder, password authentication on a loopback port, passwords in a pgpass
file (as a reviewer's would be). Without a server binary the tests are skipped, saying
so."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.pgcluster import Cluster, cannot_run, throwaway_cluster  # noqa: E402


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    why = cannot_run()
    if why:
        pytest.skip(f"{why} to run the team sync tests")
    with throwaway_cluster() as cluster:
        yield cluster


@dataclass
class Team:
    cluster: Cluster
    db: str

    @property
    def admin(self) -> str:
        return self.cluster.url("postgres", self.db)

    def url(self, role: str) -> str:
        return self.cluster.url(role, self.db)

    def add(self, role: str, name: str, *, lead: bool = False) -> str:
        from reviewer.core.sync import add_reviewer

        password = f"pw-{role}"
        add_reviewer(self.admin, role, name, lead=lead, password=password)
        self.cluster.add_password(role, password)
        return self.url(role)


@pytest.fixture
def team(pg_cluster: Cluster) -> Team:
    """A new database with Reviewer's schema (`reviewer server init`)."""
    from reviewer.core.sync import init

    db = pg_cluster.new_database()
    t = Team(pg_cluster, db)
    init(t.admin)
    return t
