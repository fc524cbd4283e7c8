"""Search over an archive large enough for Reviewer's own posting blocks: every match and
score as Whoosh's own matchers give them, phrases as a reader would find them, facets as a
plain count, before and after the index's segments are merged."""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from reviewer.core.review.workspace import Workspace
from reviewer.core.search import bulk
from reviewer.core.search.codec import SPLIT_FROM

WORDS = ["market", "growth", "revenue", "partner", "launch", "launched", "launches",
         "technology", "network", "solar", "energy", "health", "fund", "capital", "investor",
         "board", "quarter", "results", "city", "office", "program", "service", "product",
         "customer", "retail", "bank", "mining", "gold", "county", "council"]
CITIES = ("New York", "San Diego", "Cape Town", "Hong Kong")


def _release(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(30, 80))]
    for phrase in ("press release", rng.choice(CITIES), "chief executive officer"):
        if rng.random() < 0.7:
            at = rng.randrange(len(words))
            words[at:at] = phrase.split()
    if rng.random() < 0.3:  # the words of a phrase, not side by side
        words += ["release", "of", "the", "press"]
    return f"Release number {n} of the archive\n\n" + " ".join(words) + ".\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    """A scan merged into one segment (blocks of Reviewer's layout), a second scan (more
    segments), then three releases edited (deleted documents)."""
    root = tmp_path_factory.mktemp("archive")
    rng = random.Random(7)
    first, second = root / "first", root / "second"
    for folder, start in ((first, 0), (second, 150)):
        folder.mkdir()
        for n in range(start, start + 150):
            (folder / f"r{n:03}.txt").write_text(_release(rng, n), encoding="utf-8")
    ws = Workspace(root / "data")
    ws.library.add_paths([first])
    ws.library.scan()
    ws.index.writer().commit(optimize=True)
    ws.library.add_paths([second])
    ws.library.scan()
    for n in (3, 40, 151):
        path = (first if n < 150 else second) / f"r{n:03}.txt"
        path.write_text(_release(rng, n) + " solar press release\n", encoding="utf-8")
    ws.library.scan()
    assert len(ws.index.segments()) >= 2
    yield ws
    ws.close()


QUERIES = ['"press release"', '"New York"', '"chief executive officer"', "revenue",
           "launch*", "solar OR mining", "health NOT gold", "market AND growth",
           "title:archive", '"press release" AND NOT "Cape Town"', "board^2 fund",
           "network growth NOT bank NOT retail"]


def _ours_and_whoosh(ws: Workspace, query: str) -> tuple[dict[int, float], dict[int, float]]:
    ours = {h.doc_id: h.score for h in ws.searcher.search(query, limit=None).hits}
    with ws.index.ix.searcher() as s:
        theirs = {int(r["doc_id"]): r.score
                  for r in s.search(ws.searcher.parse(query), limit=None)}
    return ours, theirs


def test_common_words_are_written_in_split_blocks(archive) -> None:
    # Words in more than SPLIT_FROM releases fill posting blocks in Reviewer's layout
    # (ids and weights apart from positions): the layout under test is in use.
    with archive.index.ix.searcher() as s:
        split = 0
        for leaf, _offset in s.reader().leaf_readers():
            if leaf.doc_frequency("body", "press") < SPLIT_FROM:
                continue
            m = leaf.postings("body", "press")
            m = getattr(m, "child", m)  # under a filter of deleted documents
            m._read_data()
            split += m._data[0] is not None and len(m._data[2]) > 0 and \
                isinstance(m._data[2], bytes)
    assert split


@pytest.mark.parametrize("query", QUERIES)
def test_matches_and_scores_are_whooshs(archive, query: str) -> None:
    ours, theirs = _ours_and_whoosh(archive, query)
    assert ours and ours.keys() == theirs.keys()
    assert all(ours[d] == pytest.approx(theirs[d], rel=1e-12) for d in ours)


@pytest.mark.parametrize("query", ["market growth", "launch*", "health NOT gold"])
def test_the_first_screen_is_the_best_twenty_of_all(archive, query: str) -> None:
    ws = archive
    everything = ws.searcher.search(query, limit=None).hits
    top = ws.searcher.search(query, limit=20).hits
    assert [h.doc_id for h in top] == [h.doc_id for h in everything[:20]]
    scores = [h.score for h in everything]
    assert scores == sorted(scores, reverse=True)


def _texts(ws: Workspace) -> dict[int, str]:
    return {d.id: Path(d.path).read_text(encoding="utf-8").lower()
            for d in ws.store.documents()}


@pytest.mark.parametrize("phrase", ["press release", "new york", "chief executive officer"])
def test_a_phrase_finds_the_releases_with_its_words_side_by_side(archive, phrase) -> None:
    ws = archive
    expected = {i for i, text in _texts(ws).items()
                if re.search(r"\b" + phrase.replace(" ", r"\s+") + r"\b", text)}
    found = {h.doc_id for h in ws.searcher.search(f'"{phrase}"', limit=None).hits}
    assert expected and found == expected


@pytest.mark.parametrize("query", ["*", '"press release"', "solar", "launch*", "bank"])
def test_facets_are_a_plain_count_of_the_matches(archive, query: str) -> None:
    """Every value's count over the matches, from each match's stored entity values,
    and the top values per label (count, then name) from those counts."""
    ws = archive
    ids = {h.doc_id for h in ws.searcher.search(query, limit=None).hits}
    plain: dict[str, Counter[str]] = {}
    with ws.index.ix.searcher() as s:
        for doc_id in ids:
            stored = s.document(doc_id=str(doc_id))
            for label, names in json.loads(stored.get("facets") or "{}").items():
                plain.setdefault(label, Counter()).update(set(names))
    run = ws.searcher.start(query)
    every = run.finish(run.first_screen(20), top=None)
    assert plain and every.total == len(ids) and sum(every.statuses.values()) == len(ids)
    assert {k: dict(v) for k, v in every.facets.items()} == {k: dict(v) for k, v in plain.items()}
    run = ws.searcher.start(query)
    top = run.finish(run.first_screen(20), top=3).facets
    assert {k: dict(v) for k, v in top.items()} == {
        k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[:3]) for k, v in plain.items()}


def test_merged_segments_answer_the_same(tmp_path, archive) -> None:
    ws = archive
    before = {q: _ours_and_whoosh(ws, q)[0] for q in QUERIES}
    writer = ws.index.writer()
    writer.commit(optimize=True)  # one segment, written from the others' postings
    assert len(ws.index.segments()) == 1
    after = {q: _ours_and_whoosh(ws, q)[0] for q in QUERIES}
    for q in QUERIES:
        assert after[q].keys() == before[q].keys(), q


def test_a_refined_phrase_query_does_not_check_positions_again(archive, monkeypatch) -> None:
    ws = archive
    first = ws.searcher.search('"press release"', limit=None)
    decoded = []
    original = bulk._positions

    def counting(value):  # noqa: ANN001, ANN202
        decoded.append(1)
        return original(value)

    monkeypatch.setattr(bulk, "_positions", counting)
    refined = ws.searcher.search('"press release" AND market', limit=None)
    assert decoded == []  # the phrase's matches were kept with the index's segments
    ours, theirs = _ours_and_whoosh(ws, '"press release" AND market')
    assert ours.keys() == theirs.keys() and 0 < refined.total < first.total


def test_a_kept_phrase_follows_an_edited_release(tmp_path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha\n\nThe press release of the council.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Beta\n\nA release for the press.\n", encoding="utf-8")
    with Workspace(tmp_path / "data") as ws:
        ws.library.add_paths([folder])
        ws.library.scan()
        assert [Path(h.path).name for h in ws.searcher.search('"press release"').hits] == ["a.txt"]
        (folder / "b.txt").write_text("Beta\n\nA press release at last.\n", encoding="utf-8")
        ws.library.scan()
        names = sorted(Path(h.path).name for h in ws.searcher.search('"press release"').hits)
        assert names == ["a.txt", "b.txt"]
