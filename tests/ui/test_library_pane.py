"""Search box, chips, facets, snippets, counts; qtmodeltester on every custom model."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from ui_helpers import FIRST

from reviewer.ui.item_models import DocIdRole, QueryRole, SnippetRole


def search(window, qtbot, text: str) -> None:
    lp = window.library_pane
    lp.search.setFocus()
    lp.search.clear()
    with qtbot.waitSignal(lp.queryChanged, timeout=3000):
        qtbot.keyClicks(lp.search, text)  # debounced: one query after typing stops


def test_library_tree_lists_folders_documents_status_counts(window) -> None:
    m = window.library_pane.library_model
    assert m.rowCount() == 1
    folder = m.index(0, 0)
    assert m.rowCount(folder) == 5
    assert m.index(0, 1, folder).data() == "unreviewed"
    assert int(m.index(0, 2, folder).data()) > 0
    assert window.library_pane.count_label.text() == "5 releases in the library"


def test_typed_query_shows_results_snippets_count_and_facets(window, qtbot) -> None:
    search(window, qtbot, "ASEAN Japan")
    lp = window.library_pane
    assert lp.stack.currentWidget() is lp.results
    n = lp.results_model.rowCount()
    assert n >= 1 and lp.count_label.text().endswith(("release", "releases"))
    snippets = lp.results_model.index(0, 0).data(SnippetRole)
    assert snippets and any(spans for _t, spans in snippets)
    text, spans = next((t, sp) for t, sp in snippets if sp)
    assert text[spans[0][0]:spans[0][1]].lower().startswith(("asean", "japan"))
    assert lp.facet_model.rowCount() >= 2
    # Hits are marked in the open release too (right after the text's first paint).
    lp.results.clicked.emit(lp.results_model.index(0, 0))
    qtbot.waitUntil(lambda: bool(window.doc_pane.hits), timeout=3000)


def test_field_phrase_status_and_date_queries(window, qtbot) -> None:
    person = next(e for e in window.view.entities if e.label == "PERSON")
    search(window, qtbot, f'person:"{person.canonical or person.text}"')
    lp = window.library_pane
    ids = {lp.results_model.index(r, 0).data(DocIdRole)
           for r in range(lp.results_model.rowCount())}
    assert window.session.doc_id in ids
    window.edits.set_status("reviewed")
    search(window, qtbot, "status:reviewed")
    assert lp.results_model.rowCount() == 1
    assert lp.count_label.text() == "1 release"
    search(window, qtbot, "date:[2020 to 2021]")
    assert "cannot" not in lp.count_label.text()
    search(window, qtbot, 'person:"unclosed')
    assert lp.count_label.text()  # an error message, not a crash


def test_clicking_a_facet_adds_a_chip_and_removing_it(window, qtbot) -> None:
    lp = window.library_pane
    search(window, qtbot, "ASEAN")
    fm = lp.facet_model
    top = next(r for r in range(fm.rowCount()) if fm.index(r, 0).data() == "Person")
    child = fm.index(0, 0, fm.index(top, 0))
    q = child.data(QueryRole)
    assert q.startswith('person:"')
    lp.facets.clicked.emit(child)
    assert lp.chips == [q]
    chips = lp.chip_buttons()
    assert len(chips) == 1 and q in chips[0].text()
    assert lp.query() == f"{q} AND (ASEAN)"
    before = lp.results_model.rowCount()
    qtbot.mouseClick(chips[0], Qt.MouseButton.LeftButton)
    assert lp.chips == [] and lp.results_model.rowCount() >= before


def test_search_by_entity_reflects_a_correction(window, qtbot) -> None:
    text = window.view.document.text
    s = text.index("Senior Officials")
    window.doc_pane.select_span(s, s + len("Senior Officials"))
    with qtbot.waitSignal(window.scanFinished, timeout=10000):
        qtbot.keyClick(window.doc_pane, "e")  # re-indexed in the background, debounced
    search(window, qtbot, 'event:"Senior Officials"')
    lp = window.library_pane
    assert [lp.results_model.index(r, 0).data(DocIdRole)
            for r in range(lp.results_model.rowCount())] == [window.session.doc_id]


def test_models_pass_qtmodeltester(window, qtmodeltester, qtbot) -> None:
    search(window, qtbot, "ASEAN")
    lp, ep = window.library_pane, window.entity_pane
    window.open_document(window.session.doc_id)
    for model in (lp.library_model, lp.results_model, lp.facet_model, ep.entity_model,
                  ep.fact_model, ep.note_model):
        qtmodeltester.check(model, force_py=True)
        assert model.rowCount(QModelIndex()) >= 0
    assert window.view.document.name == FIRST
