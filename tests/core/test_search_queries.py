"""What a typed query may be: malformed ones say what is wrong, expensive ones are
bounded, searches answer in stages and stop when a newer one starts."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from reviewer.core.review.workspace import Workspace
from reviewer.core.search import QueryError, Superseded, parsing
from reviewer.core.search import catalog as catalog_mod
from reviewer.core.search import searcher as searcher_mod
from tests.conftest import SAMPLE_DOCS


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("queries")
    docs = root / "releases"
    shutil.copytree(SAMPLE_DOCS, docs)
    (docs / "money.md").write_text(
        "# Fund raises money\n\nThe fund raised $5 million from investors. A million "
        "people use the service, the company said.\n", encoding="utf-8")
    w = Workspace(root / "data")
    w.library.add_paths([docs])
    w.library.scan()
    yield w
    w.close()


@pytest.mark.parametrize("query,says", [
    ("date:[2021 to", "range is not closed"),
    ('"unterminated', "phrase is not closed"),
    ("person:(Dung", "parenthesis is not closed"),
    ("ASEAN)", "')' has no '('"),
    ("revenue AND", "'AND' needs a word or phrase after it"),
    ("OR revenue", "'OR' needs a word or phrase before it"),
    ("title:", "'title:' has nothing after it"),
    ("colour:red", "There is no field 'colour:'"),
    ("the", "Nothing to search for"),
    ("date:[2021-02-30 to 2022]", "Cannot understand"),
])
def test_malformed_queries_say_what_is_wrong(ws, query: str, says: str) -> None:
    with pytest.raises(QueryError, match=says.replace("(", r"\(").replace(")", r"\)")):
        ws.searcher.search(query)


def test_well_formed_queries_still_pass(ws) -> None:
    for q in ('person:"Takeo Mori"', "ASEAN AND (Japan OR Hanoi)", "date:[2020 to 2021]",
              "org:ASEAN NOT Japan", "https://example.com", "10:30", "Japan NOT cannabis"):
        ws.searcher.search(q)


def test_a_bare_star_is_every_release_and_a_field_star_those_with_that_label(ws) -> None:
    every = ws.searcher.search("*")
    assert every.total == ws.index.doc_count() == 6
    import json

    with ws.index.ix.searcher() as s:
        expected = {int(f["doc_id"]) for f in s.all_stored_fields()
                    if json.loads(f.get("facets") or "{}").get("PERSON")}
    with_person = ws.searcher.search("person:*", limit=None)
    assert len(expected) > 0 and {h.doc_id for h in with_person.hits} == expected


def test_leading_wildcards_are_refused(ws) -> None:
    for q in ("*tion", "?", "person:*ori"):
        with pytest.raises(QueryError, match="starts with a wildcard"):
            ws.searcher.search(q)


def test_patterns_and_ranges_standing_for_too_many_words_are_refused(ws, monkeypatch) -> None:
    monkeypatch.setattr(parsing, "MAX_EXPANSION", 3)
    with pytest.raises(QueryError, match="'a\\*' stands for more than 3 different words"):
        ws.searcher.search("a*")
    with pytest.raises(QueryError, match="range 'title:\\[a to z\\]' covers more than 3"):
        ws.searcher.search("title:[a to z]")
    assert ws.searcher.search("takeo*").total == 2  # a narrow pattern is fine


def test_a_huge_query_is_refused_before_whoosh_reads_it(ws) -> None:
    word = "x" * 100_000
    t0 = time.process_time()
    with pytest.raises(QueryError, match="100,000 characters long; at most 1,000"):
        ws.searcher.search(word)
    refused = time.process_time() - t0
    t0 = time.process_time()
    ws.searcher.search("ASEAN")
    ordinary = time.process_time() - t0
    assert refused < 10 * max(ordinary, 0.001)  # refused without parsing it
    with pytest.raises(QueryError, match="parts; at most"):
        ws.searcher.search(" OR ".join(f"w{i}" for i in range(parsing.MAX_CLAUSES + 1))[:999])


def test_entity_field_words_mark_only_that_labels_entities(ws) -> None:
    from reviewer.core.analysis import base_entities, finish_base
    from reviewer.core.documents import loaders

    path = next(d.path for d in ws.store.documents() if d.path.endswith("money.md"))
    doc = loaders.load(path)
    base = base_entities(doc)
    assert base is not None
    ents = finish_base(base).entities
    money = [(e.start, e.end) for e in ents if e.label == "MONEY"]
    assert money, "the release has a money entity"
    plain = doc.text.index("A million") + 2
    hits = ws.searcher.highlights("money:million", doc.text, ents)
    assert hits and all(any(a <= s and e <= b for a, b in money) for s, e in hits)
    assert all(not (s <= plain < e) for s, e in hits)
    # The search hit (no extraction at search time) marks the indexed value only.
    result = ws.searcher.search("money:million")
    hit = next(h for h in result.hits if h.path == path)
    assert hit.highlights and all(not (s <= plain < e) for s, e in hit.highlights)
    assert all("million" in doc.text[s:e] for s, e in hit.highlights)


def test_a_search_answers_in_stages_with_the_same_figures(ws) -> None:
    whole = ws.searcher.search("ASEAN", limit=3)
    run = ws.searcher.start("ASEAN")
    first = run.first_screen(3, highlight=1)
    assert not first.complete and not first.facets
    assert [h.doc_id for h in first.hits] == [h.doc_id for h in whole.hits]
    assert first.total == whole.total
    assert first.hits[0].highlights and first.hits[0].snippets
    assert not first.hits[1].highlighted  # past the screen: on demand
    run.highlight(first.hits)
    assert [h.highlights for h in first.hits] == [h.highlights for h in whole.hits]
    run.finish(first)
    assert first.complete and first.facets == whole.facets
    assert first.statuses == whole.statuses == {"unreviewed": whole.total}
    assert run.ranked_doc_ids()[:3] == [h.doc_id for h in whole.hits]


def test_statuses_of_the_matches_follow_the_store(ws) -> None:
    doc = ws.store.documents()[0]
    ws.store.set_status(doc.id, "reviewed")
    try:
        every = ws.searcher.search("*")
        assert every.statuses == {"reviewed": 1, "unreviewed": 5}
    finally:
        ws.store.set_status(doc.id, "unreviewed")
    assert ws.searcher.search("*").statuses == {"unreviewed": 6}


def test_a_newer_search_stops_the_running_one(ws) -> None:
    gen = ws.searcher.supersede()
    run = ws.searcher.start("ASEAN", gen)
    ws.searcher.supersede()  # the reviewer typed again
    with pytest.raises(Superseded):
        run.first_screen(20)
    # Mid-match: the checks between the words and segments of a query stop it.
    gen = ws.searcher.supersede()
    run = ws.searcher.start("*", gen)
    first = run.first_screen(20)
    run2 = ws.searcher.start("ASEAN OR Japan", ws.searcher.supersede())
    checks = []
    original = run2.check

    def typing_meanwhile() -> None:
        checks.append(1)
        if len(checks) == 2:
            ws.searcher.supersede()
        original()

    run2.check = typing_meanwhile  # type: ignore[method-assign]
    with pytest.raises(Superseded):
        run2.first_screen(20)
    assert len(checks) == 2  # stopped at the first check after the newer search
    with pytest.raises(Superseded):
        run.finish(first)  # superseded runs count nothing either
    # Runs without a generation (the command line, exports) are never superseded.
    assert ws.searcher.search("ASEAN").total == 5


def test_the_catalogue_is_kept_next_to_the_index_for_the_next_start(ws, monkeypatch,
                                                                     tmp_path) -> None:
    ws.searcher.search("ASEAN")
    cache = ws.index.directory / catalog_mod.CATALOG_FILE
    assert cache.is_file()
    built = []
    monkeypatch.setattr(catalog_mod.Catalogues, "_read_segment",
                        lambda *a: built.append(a) or pytest.fail("read again"))
    fresh = searcher_mod.Searcher(ws.index, ws.store)
    try:
        assert fresh.search("ASEAN").facets == ws.searcher.search("ASEAN").facets
    finally:
        fresh.close()
    assert not built
    cache.write_bytes(b"damaged")
    monkeypatch.undo()
    fresh = searcher_mod.Searcher(ws.index, ws.store)
    try:
        assert fresh.search("ASEAN").total == 5  # a damaged cache is rebuilt
    finally:
        fresh.close()
    assert Path(cache).read_bytes() != b"damaged"


def test_a_reindexed_release_reads_only_its_new_segment(tmp_path, monkeypatch) -> None:
    docs = tmp_path / "releases"
    shutil.copytree(SAMPLE_DOCS, docs)
    with Workspace(tmp_path / "data") as w:
        w.library.add_paths([docs])
        w.library.scan()
        before = w.searcher.search("ASEAN").facets
        target = next(d for d in w.store.documents() if d.path.endswith("003_0f462b27d61fa48e.txt"))
        Path(target.path).write_text(Path(target.path).read_text(encoding="utf-8")
                                     + "\nZanzibarquux joined.\n", encoding="utf-8")
        read: list[int] = []
        original = catalog_mod.Catalogues._read_segment

        def counting(self, leaf):  # noqa: ANN001
            read.append(leaf.doc_count_all())
            return original(self, leaf)

        monkeypatch.setattr(catalog_mod.Catalogues, "_read_segment", counting)
        w.library.scan(only=[target.id])
        after = w.searcher.search("ASEAN")
        # the re-indexed release's segments alone (its text, then its entities)
        assert read and all(n == 1 for n in read)
        assert after.total == 5
        assert {lab: {v: n for v, n in c.items() if "Zanzibarquux" not in v}
                for lab, c in after.facets.items()} == {lab: dict(c)
                                                        for lab, c in before.items()}
        assert w.searcher.search("Zanzibarquux").total == 1


@pytest.mark.parametrize("query", ["*", "ASEAN", '"Takeo Mori"', "Japan OR money"])
def test_the_top_facet_values_are_those_of_the_full_counts(ws, query: str) -> None:
    full = ws.searcher.search(query).facets
    for top in (1, 2, 5):
        run = ws.searcher.start(query)
        result = run.finish(run.first_screen(20), top=top)
        expected = {label: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
                    for label, c in full.items()}
        assert {label: dict(c) for label, c in result.facets.items()} == expected


def test_field_names_in_any_case(ws) -> None:
    lower = ws.searcher.search('person:"Takeo Mori"')
    assert lower.total == 2
    assert ws.searcher.search('Person:"Takeo Mori"').total == 2
    assert ws.searcher.search('ORG:ASEAN').total == ws.searcher.search("org:ASEAN").total


def test_a_library_not_scanned_yet_answers_every_query_with_nothing(tmp_path) -> None:
    with Workspace(tmp_path / "data") as w:
        for q in ("ASEAN", "*", "status:reviewed", "person:*"):
            result = w.searcher.search(q)
            assert (result.total, result.hits, result.complete) == (0, [], True), q
            assert sum(result.statuses.values()) == 0
