"""Sharing release files through the team's server: off by default (the server holds no
text), and once a laptop turns it on, a teammate who lacks a reviewed release receives it,
can open it, and sees the team's corrections on it."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

from reviewer.cli import main  # noqa: E402
from reviewer.core.model import Correction  # noqa: E402
from reviewer.core.review.workspace import Workspace  # noqa: E402
from reviewer.core.sync import SHARED_DIR, SyncError, TeamSettings, sync  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_docs").glob("*.txt"))


def library(tmp_path: Path, who: str, files: list[Path]) -> Path:
    """A laptop's data folder whose library holds copies of `files`."""
    releases = tmp_path / who / "releases"
    releases.mkdir(parents=True)
    for f in files:
        shutil.copy2(f, releases / f.name)
    data = tmp_path / who / "data"
    with Workspace(data) as ws:
        ws.library.add_paths([releases])
        ws.library.scan(entities=False)
    return data


def server_texts(team) -> list[tuple[str, str, str]]:
    with psycopg.connect(team.admin) as conn:
        return [tuple(r) for r in conn.execute(
            "SELECT sha, name, author::text FROM release_texts ORDER BY sha")]


def review_first(data: Path) -> tuple[str, Correction]:
    """Ana's work on her first release: a correction and a status."""
    with Workspace(data) as ws:
        d = ws.store.documents()[0]
        text = ws.load(d.id).text
        start = text.index("the ") if "the " in text else 0
        c = Correction("add", start, start + 3, "ORG", text[start:start + 3], doc_id=d.id)
        ws.store.add_correction(c)
        ws.store.set_status(d.id, "in progress")
        return d.sha256, c


def test_with_sharing_off_the_server_holds_no_release_text(team, tmp_path: Path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana = library(tmp_path, "ana", SAMPLES[:2])
    ben = library(tmp_path, "ben", [])
    sha, _ = review_first(ana)
    with Workspace(ana) as ws:
        assert TeamSettings(ws.store).share_texts() is False  # the default
        report = sync(ws.store, ana_url)
    assert report.pushed == 2 and report.texts_sent == 0
    assert server_texts(team) == []
    with Workspace(ben) as ws:
        report = sync(ws.store, ben_url)
        assert report.pulled == 2 and report.texts_received == []
        assert report.waiting == 2  # the work waits for a file Ben does not have
        assert ws.store.documents() == []
    assert not (ben / SHARED_DIR).exists()


def test_a_shared_release_reaches_a_laptop_without_the_file_with_the_team_work(
        team, tmp_path: Path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana = library(tmp_path, "ana", SAMPLES[:3])
    ben = library(tmp_path, "ben", SAMPLES[2:3])  # Ben has a third release, not Ana's first
    sha, correction = review_first(ana)
    with Workspace(ana) as ws:
        TeamSettings(ws.store).set_share_texts(True)
        report = sync(ws.store, ana_url)
        assert report.texts_sent == 1  # the reviewed release only, not the whole library
        again = sync(ws.store, ana_url)
        assert again.texts_sent == 0  # idempotent: the server has it
    assert server_texts(team) == [(sha, SAMPLES[0].name, "ana")]

    with Workspace(ben) as ws:
        report = sync(ws.store, ben_url)
        assert len(report.texts_received) == 1
        received = Path(report.texts_received[0])
        assert received.parent.parent == ws.data_dir / SHARED_DIR
        assert received.name == SAMPLES[0].name
        assert hashlib.sha256(received.read_bytes()).hexdigest() == sha
        assert "shared release received" in report.summary()
        # The shared folder is in the library: a scan indexes it like any release, and
        # the team's work kept for it applies.
        ws.library.scan(entities=False)
        doc = next(d for d in ws.store.documents() if d.sha256 == sha)
        assert Path(doc.path) == received.resolve()
        report = sync(ws.store, ben_url)
        assert report.texts_received == []  # already here
        assert report.waiting == 0 and doc.id in report.doc_ids
        shown = ws.store.corrections(doc.id)
        assert [(c.action, c.start, c.end, c.label, c.text) for c in shown] == \
            [(correction.action, correction.start, correction.end, correction.label,
              correction.text)]
        assert ws.store.status(doc.id) == "in progress"
        assert ws.load(doc.id).text[correction.start:correction.end] == correction.text
        # Ben's own release was never reviewed, and Ben shares nothing: it stays here.
        assert len(ws.store.documents()) == 2
    assert [row[0] for row in server_texts(team)] == [sha]


def test_the_server_refuses_a_text_under_another_hash_or_author(team, tmp_path) -> None:
    ana_url = team.add("ana", "Ana")
    team.add("ben", "Ben")
    insert = "INSERT INTO release_texts(sha, name, content, author) VALUES (%s,%s,%s,%s)"
    with psycopg.connect(ana_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(insert, ("0" * 64, "a.txt", b"not that text", "ana"))
    body = b"OPEC cuts output."
    with psycopg.connect(ana_url) as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege, match="row-level security"):
        conn.execute(insert, (hashlib.sha256(body).hexdigest(), "a.txt", body, "ben"))
    with psycopg.connect(ana_url) as conn:
        conn.execute(insert, (hashlib.sha256(body).hexdigest(), "a.txt", body, "ana"))
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM release_texts")


def test_the_command_line_turns_sharing_on_and_indexes_what_it_receives(
        team, tmp_path: Path, capsys) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana = library(tmp_path, "ana", SAMPLES[:1])
    ben = library(tmp_path, "ben", [])
    sha, _ = review_first(ana)
    assert main(["sync", "--server", ana_url, "--share-texts", "--data-dir", str(ana)]) == 0
    out = capsys.readouterr().out
    assert "shares the files of reviewed releases" in out and "shared 1 release file" in out
    assert main(["sync", "--server", ben_url, "--data-dir", str(ben)]) == 0
    got = capsys.readouterr()
    out = got.out
    assert "1 shared release received" in out
    assert "added 1 shared release(s) to the library" in out
    # the team's work applied to the release it received: nothing said to wait any more
    assert "for releases not in this library" not in out
    pull = [line for line in got.err.splitlines() if line.startswith("pull:")]
    assert pull and pull[-1].startswith("pull: 2/2 changes")  # changes, not releases
    with Workspace(ben) as ws:
        doc = next(d for d in ws.store.documents() if d.sha256 == sha)
        assert ws.store.status(doc.id) == "in progress"
        assert len(ws.store.corrections(doc.id)) == 1
    # Turned off again: nothing more goes out.
    assert main(["sync", "--no-share-texts", "--data-dir", str(ana)]) == 0
    assert "shares no release files" in capsys.readouterr().out
    with Workspace(ana) as ws:
        assert TeamSettings(ws.store).share_texts() is False


def test_a_server_not_yet_upgraded_is_named_and_nothing_is_sent(team, tmp_path) -> None:
    ana_url = team.add("ana", "Ana")
    with psycopg.connect(team.admin) as conn:
        conn.execute("UPDATE reviewer_schema SET version = 1")
    ana = library(tmp_path, "ana", SAMPLES[:1])
    review_first(ana)
    with Workspace(ana) as ws, pytest.raises(SyncError, match="reviewer server init"):
        sync(ws.store, ana_url)
    with Workspace(ana) as ws:
        assert TeamSettings(ws.store).unsent() == 2


def test_a_shared_file_name_never_leaves_the_shared_folder(team, tmp_path: Path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    bodies = {name: f"Release {i}: OPEC cuts output.".encode()
              for i, name in enumerate(["..", "CON.txt", 'a:b?"c".txt', ".hidden.txt"])}
    with psycopg.connect(ana_url) as conn:
        for name, body in bodies.items():
            conn.execute("INSERT INTO release_texts(sha, name, content) VALUES (%s,%s,%s)",
                         (hashlib.sha256(body).hexdigest(), name, body))
    ben = library(tmp_path, "ben", [])
    with Workspace(ben) as ws:
        report = sync(ws.store, ben_url)
        shared = (ws.data_dir / SHARED_DIR).resolve()
        names = {}
        for path in map(Path, report.texts_received):
            assert path.resolve().parent.parent == shared
            names[hashlib.sha256(path.read_bytes()).hexdigest()] = path.name
    expected = {"..": "release-{}.txt", "CON.txt": "release-{}.txt",
                'a:b?"c".txt': "a_b__c_.txt", ".hidden.txt": "hidden.txt"}
    assert names == {hashlib.sha256(b).hexdigest(): expected[n].format(
        hashlib.sha256(b).hexdigest()[:16]) for n, b in bodies.items()}
