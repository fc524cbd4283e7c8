"""Two laptops and a real PostgreSQL server: offline edits converge, a cut sync loses and
duplicates nothing, nobody can forge another reviewer's change, conflicts are listed on
every laptop and a lead decides them."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

from reviewer.core import changelog  # noqa: E402
from reviewer.core.model import Correction  # noqa: E402
from reviewer.core.store import ReviewStore  # noqa: E402
from reviewer.core.sync import SyncError, conflicts, resolve, sync  # noqa: E402

SHA = "1" * 64
OTHER = "2" * 64


def laptop(tmp_path: Path, name: str) -> ReviewStore:
    """A reviewer's store with the same two releases, at paths of its own."""
    s = ReviewStore(tmp_path / name / "review.sqlite3")
    s.upsert_document(f"/home/{name}/desk/opec.txt", sha256=SHA, size=10, mtime_ns=1)
    s.upsert_document(f"/home/{name}/desk/asean.txt", sha256=OTHER, size=10, mtime_ns=1)
    return s


def doc(s: ReviewStore, sha: str = SHA) -> int:
    return next(d.id for d in s.documents() if d.sha256 == sha)


def state(s: ReviewStore) -> dict[str, object]:
    """What a reviewer sees, by release content hash (local ids differ per laptop)."""
    db = s._db
    sha = {r[0]: r[1] for r in db.execute("SELECT id, sha256 FROM documents")}
    return {
        "status": sorted((sha[r[0]], r[1]) for r in db.execute(
            "SELECT id, status FROM documents")),
        "corrections": sorted((sha[r[0]], *r[1:]) for r in db.execute(
            "SELECT doc_id, action, start, end, label, text, scope FROM corrections")),
        "notes": sorted((sha[r[0]], *r[1:]) for r in db.execute(
            "SELECT doc_id, text, start, end FROM notes")),
        "aliases": sorted(tuple(r) for r in db.execute(
            "SELECT canonical, alias, label FROM aliases")),
        "facts": sorted((sha[r[0]], *r[1:]) for r in db.execute(
            "SELECT doc_id, fact_key, status, value, note FROM fact_status")),
        "summaries": sorted((sha[r[0]], r[1]) for r in db.execute(
            "SELECT doc_id, text FROM summaries")),
        "distinct": sorted(s.distinct_names()),
    }


def test_two_laptops_edit_offline_sync_and_converge(team, tmp_path: Path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana, ben = laptop(tmp_path, "ana"), laptop(tmp_path, "ben")
    # Offline, each on their own.
    ana.set_status(doc(ana), "reviewed")
    ana.add_correction(Correction("add", 0, 4, "ORG", "OPEC", doc_id=doc(ana)))
    ana.add_alias("OPEC", "the cartel", "ORG")
    ana.set_fact_status(doc(ana), "money:0", "verified", value="$5m")
    ben.add_note(doc(ben, OTHER), "call the press office", author="ben")
    ben.set_summary(doc(ben, OTHER), "ASEAN meets in Jakarta.")
    c = Correction("reject", 9, 14, "PER", "Paris", doc_id=doc(ben))
    ben.add_correction(c)
    assert c.id is not None
    ben.delete_correction(c.id)  # undone before any sync: gone everywhere
    ben.add_correction(Correction("retype", 20, 25, "LOC", "Vienna", doc_id=doc(ben)))

    first = sync(ana, ana_url)
    assert first.pushed == 4 and first.conflicts == 0
    second = sync(ben, ben_url)
    assert second.pushed == 5 and second.pulled == 4
    assert second.doc_ids == {doc(ben)}  # the release whose review data changed here
    third = sync(ana, ana_url)
    assert third.pulled == 5 and third.pushed == 0
    assert state(ana) == state(ben)
    seen = state(ana)
    assert ("OPEC", "the cartel", "ORG") in seen["aliases"]  # type: ignore[operator]
    assert [n[1] for n in seen["notes"]] == ["call the press office"]  # type: ignore[union-attr]
    assert len(seen["corrections"]) == 2  # type: ignore[arg-type]
    # Who did what travels with it.
    assert {r[0] for r in ana._db.execute(
        "SELECT author FROM changes WHERE kind = 'note'")} == {"ben"}
    # Syncing again moves nothing.
    again = sync(ben, ben_url)
    assert (again.pushed, again.pulled) == (0, 0)


def test_two_laptops_converge_on_names_said_to_be_different(team, tmp_path: Path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana, ben = laptop(tmp_path, "ana"), laptop(tmp_path, "ben")
    ana.add_distinct("ORG", "OPEC", "OAPEC")
    ben.add_distinct("PER", "Ana Lima", "Ana Silva")
    ben.add_distinct("ORG", "OAPEC", "OPEC")  # the same pair, said on both laptops
    sync(ana, ana_url)
    sync(ben, ben_url)
    sync(ana, ana_url)
    assert state(ana) == state(ben)
    assert ana.distinct_names() == {("ORG", "OAPEC", "OPEC"), ("PER", "Ana Lima", "Ana Silva")}
    assert not conflicts(ana) and not conflicts(ben)  # the same value twice: no conflict
    # Ben takes one back (undo): it reaches Ana too.
    undo = next(r[0] for r in ben._db.execute(
        "SELECT id FROM distinct_names WHERE label = 'PER'"))
    ben.delete_distinct(undo)
    assert sync(ben, ben_url).pushed == 1
    assert sync(ana, ana_url).pulled == 1
    assert ana.distinct_names() == ben.distinct_names() == {("ORG", "OAPEC", "OPEC")}


def test_a_release_found_later_gets_the_team_work_waiting_for_it(team, tmp_path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana = laptop(tmp_path, "ana")
    ben = ReviewStore(tmp_path / "ben" / "review.sqlite3")  # not yet the same files
    ana.set_summary(doc(ana), "OPEC cuts output.")
    sync(ana, ana_url)
    report = sync(ben, ben_url)
    assert report.waiting == 1 and report.pulled == 1
    ben.upsert_document("/b/opec.txt", sha256=SHA, size=10, mtime_ns=1)
    report = sync(ben, ben_url)
    assert report.waiting == 0
    assert ben.summary(doc(ben)) == "OPEC cuts output."


def test_nobody_can_forge_another_reviewers_change(team, tmp_path: Path) -> None:
    team.add("ana", "Ana")
    ben_url = team.add("ben", "Ben")
    ben = laptop(tmp_path, "ben")
    ben.set_status(doc(ben), "reviewed")
    sync(ben, ben_url)
    row = ("00000000-0000-4000-8000-000000000001", "ana", "dev", 1.0, SHA, "status",
           changelog.target_of("status", SHA), "[]", '{"status":"reviewed"}', False)
    insert = ("INSERT INTO changes(uuid, author, device, at, release_sha, kind, target, "
              "parents, payload, resolution) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)")
    with psycopg.connect(ben_url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(insert, row)
        conn.rollback()
        # Nor rewrite or erase the log, his own changes included.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE changes SET author = 'ana'")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM changes")
        conn.rollback()
        # A member cannot decide a conflict either (only a lead's change has 2 parents).
        forged = (*row[:1], "ben", *row[2:7], '["a","b"]', row[8], True)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(insert, forged)
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM changes").fetchone() == (1,)
    # A laptop whose changes the server refuses keeps them, and says so.
    ben._db.execute("UPDATE changes SET pushed = 0, author = 'ana', origin = 'remote'")
    with pytest.raises(SyncError, match="refused"):
        sync(ben, ben_url)
    assert ben._db.execute("SELECT count(*) FROM changes WHERE pushed = 0").fetchone()[0] == 1


def test_conflicts_are_listed_on_both_laptops_and_a_lead_decides(team, tmp_path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    lea_url = team.add("lea", "Lea", lead=True)
    ana, ben, lea = (laptop(tmp_path, n) for n in ("ana", "ben", "lea"))
    ana.set_fact_status(doc(ana), "money:0", "verified", value="$5m")
    ben.set_fact_status(doc(ben), "money:0", "disputed", value="$5bn")
    ana.set_status(doc(ana), "reviewed")  # the same value twice is no conflict
    ben.set_status(doc(ben), "reviewed")
    for s, url in ((ana, ana_url), (ben, ben_url), (ana, ana_url), (lea, lea_url)):
        sync(s, url)
    listed = [changelog.conflicts(s._db) for s in (ana, ben, lea)]
    assert all(len(x) == 1 for x in listed)
    (target, heads), = listed[0]
    assert json.loads(target) == ["fact", SHA, "money:0"]
    assert sorted(c.author for c in heads) == ["ana", "ben"]
    assert [[c.uuid for c in h] for _, h in listed[1]] == [[c.uuid for c in heads]]
    # Every laptop shows the same value meanwhile (the newest head).
    shown = {s.fact_statuses(doc(s))["money:0"].status for s in (ana, ben, lea)}
    assert shown == {heads[-1].value()["status"]}  # type: ignore[index]
    # A member cannot decide it; the lead can, and every laptop follows.
    with pytest.raises(SyncError, match="lead"):
        resolve(ben, heads[0].uuid[:8])
    ana_choice = next(c for c in heads if c.author == "ana")
    resolve(lea, ana_choice.uuid[:8])
    assert changelog.conflicts(lea._db) == []
    for s, url in ((lea, lea_url), (ana, ana_url), (ben, ben_url)):
        sync(s, url)
    for s in (ana, ben, lea):
        assert changelog.conflicts(s._db) == []
        assert s.fact_statuses(doc(s))["money:0"].value == "$5m"


def test_one_entity_corrected_on_two_laptops_shows_alike_on_both(team, tmp_path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana, ben = laptop(tmp_path, "ana"), laptop(tmp_path, "ben")
    ben.add_correction(Correction("retype", 0, 4, "PER", "OPEC", doc_id=doc(ben),
                                 old_start=0, old_end=4, old_label="LOC"))
    ana.add_correction(Correction("retype", 0, 4, "ORG", "OPEC", doc_id=doc(ana),
                                  old_start=0, old_end=4, old_label="LOC"))
    for s, url in ((ana, ana_url), (ben, ben_url), (ana, ana_url)):
        sync(s, url)

    def applied(s: ReviewStore) -> list[tuple[str, int, int, str]]:
        """The corrections in the order the release's view applies them."""
        return [(c.action, c.start, c.end, c.label) for c in s.corrections(doc(s))]

    assert applied(ana) == applied(ben)
    assert applied(ana)[-1][3] == "ORG"  # the later one is applied last, everywhere


def test_one_entity_corrected_differently_unseen_is_a_conflict_a_lead_decides(
        team, tmp_path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    lea_url = team.add("lea", "Lea", lead=True)
    ana, ben, lea = (laptop(tmp_path, n) for n in ("ana", "ben", "lea"))
    # A span Ana labels, then Ben corrects after receiving it: made over it, no conflict.
    ana.add_correction(Correction("add", 10, 16, "ORG", "Vienna", doc_id=doc(ana)))
    sync(ana, ana_url)
    sync(ben, ben_url)
    ben.add_correction(Correction("retype", 10, 16, "LOC", "Vienna", doc_id=doc(ben),
                                  old_start=10, old_end=16, old_label="ORG"))
    # The same entity corrected on both laptops, neither seeing the other's: a conflict.
    ana.add_correction(Correction("retype", 0, 4, "ORG", "OPEC", doc_id=doc(ana),
                                  old_start=0, old_end=4, old_label="LOC"))
    ben.add_correction(Correction("reject", 0, 4, "LOC", "OPEC", doc_id=doc(ben),
                                  old_start=0, old_end=4, old_label="LOC"))
    for s, url in ((ben, ben_url), (ana, ana_url), (ben, ben_url), (lea, lea_url)):
        sync(s, url)
    for s in (ana, ben, lea):
        found = conflicts(s)
        assert [c.describe() for c in found] == [f"entity at 0–4 in release {SHA[:12]}"]
        assert sorted(o.split(": ", 1)[1].removesuffix(" (shown)")
                      for o in found[0].options()) == ["ORG “OPEC”", "rejected “OPEC”"]
    keep = next(c for c in conflicts(lea)[0].heads if c.author == "ana")
    resolve(lea, keep.uuid[:8])
    for s, url in ((lea, lea_url), (ana, ana_url), (ben, ben_url)):
        sync(s, url)
    for s in (ana, ben, lea):
        assert conflicts(s) == []
        last = [c for c in s.corrections(doc(s)) if (c.start, c.end) == (0, 4)][-1]
        assert (last.action, last.label) == ("retype", "ORG")


def test_a_role_that_is_no_reviewer_is_told_so(team, pg_cluster, tmp_path) -> None:
    with psycopg.connect(team.admin, autocommit=True) as conn:
        conn.execute("CREATE ROLE outsider LOGIN PASSWORD 'pw-outsider'")
    pg_cluster.add_password("outsider", "pw-outsider")
    s = laptop(tmp_path, "outsider")
    s.set_status(doc(s), "reviewed")
    with pytest.raises(SyncError, match="outsider is not a reviewer.*add-reviewer"):
        sync(s, team.url("outsider"))
    assert s._db.execute("SELECT count(*) FROM changes WHERE pushed = 0").fetchone()[0] == 1


def test_a_server_address_with_a_password_is_refused(tmp_path: Path) -> None:
    s = laptop(tmp_path, "ana")
    with pytest.raises(SyncError, match="never stores passwords"):
        sync(s, "postgresql://ana:secret@127.0.0.1:1/team")


def test_an_unreachable_server_loses_nothing(tmp_path: Path) -> None:
    s = laptop(tmp_path, "ana")
    s.set_status(doc(s), "reviewed")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SyncError, match="cannot be reached"):
        sync(s, f"postgresql://ana@127.0.0.1:{port}/team")
    assert s._db.execute("SELECT count(*) FROM changes WHERE pushed = 0").fetchone()[0] == 1


KILLED_SYNC = textwrap.dedent("""
    import sys
    from reviewer.core.store import ReviewStore
    from reviewer.core.sync import sync
    store = ReviewStore(sys.argv[1])
    def progress(phase, done, total):
        print(phase, done, flush=True)
    sync(store, sys.argv[2], batch=50, progress=progress)
    print("finished", flush=True)
""")


def _sync_killed_during(phase: str, store: Path, url: str) -> None:
    """Run a sync in another process and SIGKILL it once `phase` has done 2 batches."""
    with subprocess.Popen([sys.executable, "-c", KILLED_SYNC, str(store), url],
                          stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(f"{phase} 100"):
                proc.send_signal(signal.SIGKILL)
                break
            assert line.strip() != "finished", "the sync ended before it could be cut"
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def test_a_sync_killed_midway_loses_nothing_and_applies_nothing_twice(team, tmp_path) -> None:
    ana_url, ben_url = team.add("ana", "Ana"), team.add("ben", "Ben")
    ana, ben = laptop(tmp_path, "ana"), laptop(tmp_path, "ben")
    notes = 400
    for i in range(notes):
        ana.add_note(doc(ana), f"note {i}")
    ana.set_status(doc(ana), "reviewed")
    ana.close()
    _sync_killed_during("push", tmp_path / "ana" / "review.sqlite3", ana_url)
    ana = ReviewStore(tmp_path / "ana" / "review.sqlite3")
    sync(ana, ana_url)
    with psycopg.connect(team.admin) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT uuid) FROM changes").fetchone() \
            == (notes + 1, notes + 1)
    ben.close()
    _sync_killed_during("pull", tmp_path / "ben" / "review.sqlite3", ben_url)
    ben = ReviewStore(tmp_path / "ben" / "review.sqlite3")
    got = ben._db.execute("SELECT count(*) FROM notes").fetchone()[0]
    assert 0 < got < notes  # the cut left part of the pull, committed batch by batch
    sync(ben, ben_url)
    assert sorted(n.text for n in ben.notes(doc(ben))) == sorted(f"note {i}"
                                                                   for i in range(notes))
    assert state(ana) == state(ben)
    assert ben._db.execute("SELECT count(*) FROM changes").fetchone()[0] == notes + 1


def test_the_sync_benchmark_runs_and_prints_its_figures() -> None:
    """`python -m benchmarks sync` (here 2 reviewers × 60 changes; the figures in
    docs/PERFORMANCE.md come from 20 × 5,000)."""
    import os

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-m", "benchmarks", "sync", "--reviewers", "2",
                        "--changes", "60", "--releases", "10"], cwd=root, capture_output=True,
                       text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].startswith("push: 2 reviewers send 120 changes at once in ")
    assert "receives and applies 60 changes" in lines[2]
    assert lines[4].startswith("a new laptop: 120 changes pulled and applied")
    assert lines[-1].startswith("server tables (with indexes): changes ")


def test_a_server_of_schema_1_upgrades_without_losing_a_change(pg_cluster, tmp_path,
                                                                monkeypatch) -> None:
    from reviewer.core.sync import add_reviewer, init, server

    admin = pg_cluster.url("postgres", pg_cluster.new_database())
    with monkeypatch.context() as m:  # a desk set up before names and texts were shared
        m.setattr(server, "MIGRATIONS", server.MIGRATIONS[:1])
        assert init(admin) == (0, 1)
    add_reviewer(admin, "ana", "Ana", password="pw-ana")
    pg_cluster.add_password("ana", "pw-ana")
    url = admin.replace("postgres@", "ana@", 1)
    with psycopg.connect(url) as conn:  # what the earlier Reviewer sent
        conn.execute("INSERT INTO changes(uuid, author, device, at, release_sha, kind, "
                     "target, payload) VALUES (%s, 'ana', 'd', 1.0, %s, 'status', %s, %s)",
                     ("00000000-0000-4000-8000-000000000002", SHA,
                      changelog.target_of("status", SHA), '{"status":"reviewed"}'))
    ana = laptop(tmp_path, "ana")
    with pytest.raises(SyncError, match="reviewer server init"):
        sync(ana, url)
    assert init(admin) == (1, len(server.MIGRATIONS))
    ana.add_distinct("ORG", "OPEC", "OAPEC")
    report = sync(ana, url)
    assert (report.pushed, report.pulled) == (1, 1)
    assert ana.status(doc(ana)) == "reviewed"
    with psycopg.connect(admin) as conn:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM changes ORDER BY id")]
        assert kinds == ["status", "distinct"]
        assert conn.execute("SELECT count(*) FROM release_texts").fetchone() == (0,)
