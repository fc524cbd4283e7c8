from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.core.review.workspace import Workspace
from reviewer.core.search.highlight import fragments
from reviewer.core.search.parsing import QueryError
from reviewer.core.search.searcher import normalise_query


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    from tests.conftest import SAMPLE_DOCS

    root = tmp_path_factory.mktemp("search")
    docs = root / "releases"
    shutil.copytree(SAMPLE_DOCS, docs)
    ws = Workspace(root / "data")
    ws.library.add_paths([docs])
    ws.library.scan()
    yield ws, docs
    ws.close()


def _names(result) -> set[str]:
    return {Path(h.path).name for h in result.hits}


def _text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def test_phrase_finds_the_two_releases_with_exact_offsets(indexed) -> None:
    ws, _ = indexed
    result = ws.searcher.search('"Takeo Mori"')
    assert _names(result) == {"000_f7c1be859b819757.txt", "001_5823aec3ae932b3b.txt"}
    for hit in result.hits:
        text = _text(hit.path)
        assert hit.highlights
        assert all(text[s:e] == "Takeo Mori" for s, e in hit.highlights)


def test_curly_quotes_behave_like_straight_ones(indexed) -> None:
    ws, _ = indexed
    straight = ws.searcher.search('"Takeo Mori"')
    curly = ws.searcher.search("\u201cTakeo Mori\u201d")
    assert _names(curly) == _names(straight)
    assert [h.highlights for h in curly.hits] == [h.highlights for h in straight.hits]
    assert normalise_query("\u2018x\u2019") == "'x'"


def test_stemmed_word_highlights_every_form(indexed) -> None:
    ws, _ = indexed
    result = ws.searcher.search("cooperate")
    assert result.hits
    for hit in result.hits:
        text = _text(hit.path)
        cut = {text[s:e].lower() for s, e in hit.highlights}
        assert cut <= {"cooperation", "cooperate", "cooperated", "cooperating", "cooperative",
                       "cooperates"}
        for a, b in hit.fragments:
            assert 0 <= a < b <= len(text)


def test_field_queries(indexed) -> None:
    ws, _ = indexed
    assert _names(ws.searcher.search('person:"Takeo Mori"')) == {
        "000_f7c1be859b819757.txt", "001_5823aec3ae932b3b.txt"}
    assert len(ws.searcher.search("org:ASEAN").hits) == 5
    assert _names(ws.searcher.search("place:Hanoi")) >= {"003_0f462b27d61fa48e.txt"}
    dated = ws.searcher.search("date:[2021 to 2021]")
    assert "000_f7c1be859b819757.txt" in _names(dated)
    assert "001_5823aec3ae932b3b.txt" not in _names(dated)  # dateline 2020


def test_status_filter_reads_the_review_store(indexed) -> None:
    ws, docs = indexed
    doc_id = ws.doc_id_for_path(docs / "002_b7fa9ce2e10e8a5e.txt")
    assert ws.searcher.search("status:reviewed").hits == []
    ws.store.set_status(doc_id, "reviewed")
    try:
        assert _names(ws.searcher.search("status:reviewed")) == {"002_b7fa9ce2e10e8a5e.txt"}
        assert len(ws.searcher.search("ASEAN AND NOT status:reviewed").hits) == 4
        assert len(ws.searcher.search("status:unreviewed").hits) == 4
    finally:
        ws.store.set_status(doc_id, "unreviewed")
    with pytest.raises(QueryError, match="(?i)unknown status"):
        ws.searcher.search("status:finished")


def test_facets_count_documents_per_entity(indexed) -> None:
    ws, _ = indexed
    result = ws.searcher.search('"Takeo Mori"')
    assert result.facets["PERSON"]["Takeo Mori"] == 2
    assert result.facets["ORG"]["ASEAN"] == 2
    everything = ws.searcher.search("")
    assert everything.total == 5
    assert everything.facets["ORG"]["ASEAN"] == 5


def test_boilerplate_ranks_below_body(tmp_path: Path) -> None:
    docs = tmp_path / "d"
    docs.mkdir()
    (docs / "a.md").write_text("# Quantum deal signed\n\nQuantum computing firm signs deal.\n",
                               encoding="utf-8")
    (docs / "b.md").write_text("# Bakery opens\n\nA bakery opened today.\n\n## About Crumb\n\n"
                               "Crumb also invests in quantum research.\n", encoding="utf-8")
    with Workspace(tmp_path / "data") as ws:
        ws.library.add_paths([docs])
        ws.library.scan()
        names = [Path(h.path).name for h in ws.searcher.search("quantum").hits]
    assert names == ["a.md", "b.md"]


def test_bad_query_is_a_clear_error(indexed) -> None:
    ws, _ = indexed
    with pytest.raises(QueryError):
        ws.searcher.search("date:[notadate to 2021]")


def test_fragments_cut_at_word_boundaries() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    spans = [(text.index("theta"), text.index("theta") + 5)]
    (a, b), = fragments(text, spans, width=30)
    assert a <= spans[0][0] and b >= spans[0][1]
    assert a == 0 or text[a - 1] == " "
    assert b == len(text) or text[b] == " "


def test_title_query_finds_a_release_that_starts_with_its_dateline(indexed) -> None:
    """Such releases were titled by their file name, so `title:forum` missed the Forum."""
    ws, docs = indexed
    result = ws.searcher.search("title:forum")
    assert "000_f7c1be859b819757.txt" in _names(result)
    hit = next(h for h in result.hits if h.path.endswith("000_f7c1be859b819757.txt"))
    assert hit.title.startswith("The 36th ASEAN-Japan Forum held virtually today")
    stored = ws.store.document_by_path(str(docs / "000_f7c1be859b819757.txt"))
    assert stored is not None and stored.title == hit.title


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    from tests.conftest import SAMPLE_DOCS

    root = tmp_path_factory.mktemp("segments")
    first, second = root / "first", root / "second"
    shutil.copytree(SAMPLE_DOCS, first)
    shutil.copytree(SAMPLE_DOCS, second)
    ws = Workspace(root / "data")
    ws.library.add_paths([first])
    ws.library.scan()
    ws.library.add_paths([second])
    ws.library.scan()
    assert len(ws.index.segments()) >= 2
    yield ws
    ws.close()


@pytest.mark.parametrize("query", [
    "date:[2021 to 2021]", "ASEAN date:[2020 to 2021]", "date:[2020 to 2021] AND person:*",
    "tak*", "coop*", '"Takeo Mori"', "ASEAN OR Japan", "Japan NOT Hanoi",
])
def test_search_finds_what_whoosh_finds_with_the_same_scores(two_segments, query) -> None:
    ws = two_segments
    ours = {h.doc_id: round(h.score, 6) for h in ws.searcher.search(query, limit=None).hits}
    with ws.index.ix.searcher() as s:
        theirs = {int(r["doc_id"]): round(r.score, 6)
                  for r in s.search(ws.searcher.parse(query), limit=None)}
    assert ours and ours == theirs
