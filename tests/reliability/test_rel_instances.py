"""Two Reviewers on one data folder: the second is read-only with a message, the CLI
refuses to index, and no write is lost or interleaved."""
from __future__ import annotations

from pathlib import Path

import pytest
from rel_helpers import start_script, wait_for

from reviewer.cli import main
from reviewer.core.model import Correction
from reviewer.core.review.workspace import Workspace
from reviewer.core.store import StoreError

WRITES = 150

INSTANCE = r"""
import sys, time, pathlib
from reviewer.core.model import Correction
from reviewer.core.store import StoreError
from reviewer.core.review.workspace import Workspace

data, name, go, done_file, other_done, writes = sys.argv[1:7]
while not pathlib.Path(go).exists():
    time.sleep(0.005)
ws = Workspace(data)
print("readonly" if ws.readonly else "writer", flush=True)
refused = written = 0
for i in range(int(writes)):
    try:
        ws.store.add_correction(Correction("add", i, i + 1, "ORG", f"{name}-{i}", doc_id=None))
        written += 1
    except StoreError as exc:
        assert "read-only" in str(exc), exc
        refused += 1
print(f"written {written} refused {refused}", flush=True)
pathlib.Path(done_file).touch()
deadline = time.monotonic() + 30
while not ws.readonly and not pathlib.Path(other_done).exists() and time.monotonic() < deadline:
    time.sleep(0.01)   # the writer holds the lock until the other one is done
ws.close()
"""


def test_second_instance_is_read_only(data_dir: Path, samples: Path) -> None:
    with Workspace(data_dir) as first:
        first.library.add_paths([samples])
        first.library.scan()
        with Workspace(data_dir) as second:
            assert not first.readonly and second.readonly
            with pytest.raises(StoreError, match="read-only .*another Reviewer window"):
                second.store.add_correction(Correction("add", 0, 1, "ORG", "x", doc_id=1))
            assert len(second.searcher.search("ASEAN").hits) == 5  # reading works
        with pytest.raises(RuntimeError, match="Another Reviewer is using"):
            Workspace(data_dir, allow_readonly=False)
    with Workspace(data_dir) as again:  # the lock goes with the first instance
        assert not again.readonly


def test_cli_index_refuses_while_another_instance_runs(data_dir: Path, samples: Path,
                                                       capsys) -> None:
    with Workspace(data_dir):
        assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert f"reviewer: another Reviewer is using {data_dir}; close it and try again" in err


def test_read_only_instance_never_rebuilds_the_writers_index(data_dir: Path,
                                                             samples: Path) -> None:
    with Workspace(data_dir) as writer:
        writer.library.add_paths([samples])
        writer.library.scan()
        index = data_dir / "index"
        (index / "SCHEMA").unlink()  # looks stale (e.g. caught mid-write by the reader)
        files = sorted(p.name for p in index.iterdir())
        with Workspace(data_dir) as reader:
            assert reader.readonly and reader.index.rebuilt
            assert reader.searcher.search("ASEAN").hits == []
        assert sorted(p.name for p in index.iterdir()) == files  # nothing deleted
        assert len(writer.searcher.search("ASEAN").hits) == 5


@pytest.mark.parametrize("round_", range(3))
def test_two_processes_race_for_a_new_data_folder(round_: int, tmp_path: Path) -> None:
    data = tmp_path / f"data-{round_}"
    data.mkdir()
    go = tmp_path / f"go-{round_}"
    done = {n: tmp_path / f"{n}-{round_}.done" for n in "ab"}
    procs = [start_script(INSTANCE, str(data), name, str(go), str(done[name]),
                          str(done["b" if name == "a" else "a"]), str(WRITES))
             for name in "ab"]
    go.touch()  # both open the same, not yet existing, store at once
    for name, p in zip("ab", procs, strict=True):
        wait_for(done[name], p)
    results = {}
    for name, p in zip("ab", procs, strict=True):
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        role, counts = out.splitlines()
        results[name] = (role, counts)
    roles = sorted(r for r, _ in results.values())
    assert roles == ["readonly", "writer"]
    writer = next(n for n, (r, _) in results.items() if r == "writer")
    reader = next(n for n, (r, _) in results.items() if r == "readonly")
    assert results[writer][1] == f"written {WRITES} refused 0"
    assert results[reader][1] == f"written 0 refused {WRITES}"
    with Workspace(data) as ws:
        texts = [c.text for c in ws.store.corrections()]
    assert texts == [f"{writer}-{i}" for i in range(WRITES)]  # all, in order, one writer


def test_second_instance_on_a_store_not_created_yet_is_still_read_only(data_dir: Path) -> None:
    """The first instance holds the lock but has not created the store yet: the second one
    once opened it read-write, so both could write."""
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "reviewer.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert not (data_dir / "review.sqlite3").exists()
        with Workspace(data_dir) as second:
            assert second.readonly and second.store.readonly
            with pytest.raises(StoreError, match="read-only"):
                second.store.add_folder("/x")


def test_migration_is_not_run_twice_by_racing_processes(tmp_path: Path, monkeypatch) -> None:
    """Two processes read schema version 0 at once: the second must see, inside its write
    transaction, that the first already migrated (it once failed with "damaged")."""
    from reviewer.core.store import MIGRATIONS, ReviewStore

    path = tmp_path / "review.sqlite3"
    ReviewStore(path).close()  # the first process won
    real = ReviewStore.version.fget
    reads = []

    def stale_first_read(self) -> int:
        reads.append(1)
        return 0 if len(reads) == 1 else real(self)

    monkeypatch.setattr(ReviewStore, "version", property(stale_first_read))
    s = ReviewStore(path)  # the second process, which read 0 before the first committed
    monkeypatch.undo()
    assert s.version == len(MIGRATIONS)
    s.close()
