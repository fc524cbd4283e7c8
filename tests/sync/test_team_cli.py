"""From an empty server to two synced laptops with the command line, as docs/TEAM.md
walks through it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("psycopg")

from reviewer.cli import main  # noqa: E402
from reviewer.core.review.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_server_init_add_reviewers_and_sync_two_laptops(pg_cluster, tmp_path, monkeypatch,
                                                         capsys) -> None:
    # As docs/TEAM.md sets a server up: an owner role that may create roles (not a
    # superuser) and a database it owns.
    import psycopg

    db = "desk_review"
    with psycopg.connect(pg_cluster.url("postgres", "postgres"), autocommit=True) as conn:
        conn.execute("CREATE ROLE desk_admin LOGIN CREATEROLE PASSWORD 'pw-admin'")
        conn.execute(f"CREATE DATABASE {db} OWNER desk_admin")
    pg_cluster.add_password("desk_admin", "pw-admin")
    admin = pg_cluster.url("desk_admin", db)
    assert main(["server", "init", admin]) == 0
    assert "schema 3 (was 0)" in capsys.readouterr().out
    assert main(["server", "init", admin]) == 0
    assert "already up to date" in capsys.readouterr().out
    for role, name in (("ana", "Ana Lima"), ("ben", "Ben Okafor")):
        monkeypatch.setattr("getpass.getpass", lambda prompt, r=role: f"pw-{r}")
        assert main(["server", "add-reviewer", admin, role, "--name", name]) == 0
        pg_cluster.add_password(role, f"pw-{role}")
    assert "ben (Ben Okafor) can sync" in capsys.readouterr().out

    laptops = {}
    for who in ("ana", "ben"):
        releases = tmp_path / who / "releases"
        shutil.copytree(ROOT / "sample_docs", releases)
        data = tmp_path / who / "data"
        assert main(["index", str(releases), "--data-dir", str(data)]) == 0
        laptops[who] = data
    with Workspace(laptops["ana"]) as ws:
        first = ws.store.documents()[0]
        ws.store.set_status(first.id, "reviewed")
        ws.store.add_note(first.id, "figures checked with the desk")
    capsys.readouterr()

    ana_url, ben_url = pg_cluster.url("ana", db), pg_cluster.url("ben", db)
    assert main(["sync", "--server", ana_url, "--every", "5", "--data-dir",
                 str(laptops["ana"])]) == 0
    assert "sent 2, received 0" in capsys.readouterr().out
    assert main(["sync", "--server", ben_url, "--data-dir", str(laptops["ben"])]) == 0
    assert "sent 0, received 2" in capsys.readouterr().out
    with Workspace(laptops["ben"]) as ws:
        same = next(d for d in ws.store.documents() if d.sha256 == first.sha256)
        assert same.path != first.path  # another laptop, another folder: the same release
        assert same.status == "reviewed"
        assert [n.text for n in ws.store.notes(same.id)] == ["figures checked with the desk"]
    # The server is remembered: the next sync needs no address.
    assert main(["sync", "--data-dir", str(laptops["ben"])]) == 0
    assert "sent 0, received 0" in capsys.readouterr().out
    assert main(["sync", "--conflicts", "--data-dir", str(laptops["ben"])]) == 0
    assert capsys.readouterr().out.strip() == "no conflicts"


def test_sync_without_a_server_says_how_to_name_one(data_dir: Path, capsys) -> None:
    assert main(["sync", "--data-dir", str(data_dir)]) == 2
    assert "reviewer sync --server postgresql://" in capsys.readouterr().err


def test_an_address_with_a_password_is_never_remembered(data_dir: Path, capsys) -> None:
    assert main(["sync", "--server", "postgresql://ana:secret@localhost/team",
                 "--data-dir", str(data_dir)]) == 2
    assert "never stores passwords" in capsys.readouterr().err
    with Workspace(data_dir) as ws:
        rows = ws.store._db.execute("SELECT value FROM sync_meta").fetchall()
        assert not any("secret" in r[0] for r in rows)
