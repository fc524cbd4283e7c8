"""Extractive summaries for the memo (reviewer.core.export.summary)."""
from __future__ import annotations

from reviewer.core.documents import loaders
from reviewer.core.export import generated_summary
from reviewer.core.export.summary import enclosing_sentence, split_sentences
from reviewer.core.model import (
    BODY,
    BOILERPLATE,
    DATELINE,
    TITLE,
    Block,
    Dateline,
    Document,
    Entity,
    Structure,
)
from reviewer.core.resources import sample_docs_dir

TITLE_TEXT = "Acme opens a plant in Lyon"
DATELINE_TEXT = "LYON, France, 3 March 2024 –"
BODY_TEXT = (
    "Acme Corp. opened a new 120-hectare plant in Lyon on Monday, investing €45 million "
    "and creating 300 jobs in the region. "
    "Mr. Jean Dupont, the chief executive of Acme, said the plant would double output. "
    "The weather was pleasant and guests enjoyed the music at the ceremony afterwards. "
    "Construction began in 2022 with support from the Auvergne-Rhône-Alpes region, "
    "which contributed 12% of the cost. "
    "Everyone was happy."
)
ABOUT_TEXT = ("About Acme: Acme Corp. is a leading maker of widgets with 40 factories in 12 "
              "countries and revenue of $2 billion in 2023.")


def _doc() -> Document:
    text = f"{TITLE_TEXT}\n{DATELINE_TEXT} {BODY_TEXT}\n{ABOUT_TEXT}\n"
    t_end = len(TITLE_TEXT)
    d_start = t_end + 1
    d_end = d_start + len(DATELINE_TEXT)
    b_end = d_start + len(DATELINE_TEXT) + 1 + len(BODY_TEXT)
    a_start = b_end + 1
    st = Structure(
        title=TITLE_TEXT, title_span=(0, t_end),
        dateline=Dateline(d_start, d_end, place="LYON, France", date="3 March 2024",
                          iso="2024-03-03"),
        blocks=[Block(0, t_end, TITLE), Block(d_start, d_end, DATELINE),
                Block(d_start, b_end, BODY),
                Block(a_start, a_start + len(ABOUT_TEXT), BOILERPLATE, "about")])
    return Document(path="/x/acme.txt", text=text, structure=st)


def test_summary_is_a_few_body_sentences_in_order() -> None:
    doc = _doc()
    summary = generated_summary(doc)
    assert summary
    assert summary.startswith("Acme Corp. opened a new 120-hectare plant")  # lead first
    assert "LYON, France" not in summary  # dateline stripped from the first sentence
    assert "About Acme" not in summary and "widgets" not in summary  # boilerplate excluded
    assert TITLE_TEXT not in summary
    assert "Everyone was happy" not in summary  # too short to summarise anything
    # every chosen sentence is verbatim from the body, in the original order
    pieces = [p for p in summary.split(". ") if p]
    positions = [BODY_TEXT.find(p.rstrip(".")) for p in pieces]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


def test_summary_prefers_entities_and_figures_over_filler() -> None:
    doc = _doc()
    summary = generated_summary(doc, max_sentences=3)
    assert "The weather was pleasant" not in summary
    assert "12% of the cost" in summary


def test_entities_sharpen_the_score() -> None:
    doc = _doc()
    s = doc.text.index("The weather")
    # Pretend the reviewer marked lots of entities in the filler sentence.
    ents = [Entity(s + i, s + i + 3, "ORG", doc.text[s + i:s + i + 3]) for i in range(0, 60, 6)]
    summary = generated_summary(doc, ents, max_sentences=2)
    assert "The weather was pleasant" in summary


def test_abbreviations_do_not_split_sentences() -> None:
    text = "Mr. Jean Dupont of Acme Corp. met the U.S. delegation. They agreed on trade."
    spans = list(split_sentences(text, 0, len(text)))
    assert [text[s:e] for s, e in spans] == [
        "Mr. Jean Dupont of Acme Corp. met the U.S. delegation.", "They agreed on trade."]


def test_line_breaks_end_sentences_and_enclosing_sentence() -> None:
    text = "First line without stop\nSecond sentence here. Third one follows."
    doc = Document(path="x.txt", text=text)
    spans = list(split_sentences(text, 0, len(text)))
    assert [text[s:e] for s, e in spans] == [
        "First line without stop", "Second sentence here.", "Third one follows."]
    k = text.index("sentence")
    s, e = enclosing_sentence(doc, k, k + 8, spans)
    assert text[s:e] == "Second sentence here."
    # a span crossing a boundary takes both sentences
    s, e = enclosing_sentence(doc, k, text.index("Third") + 3, spans)
    assert text[s:e] == "Second sentence here. Third one follows."


def test_empty_and_tiny_documents() -> None:
    assert generated_summary(Document(path="e.txt", text="")) == ""
    assert generated_summary(Document(path="t.txt", text="Short.")) == ""


def test_sample_releases_get_a_summary() -> None:
    for path in sorted(sample_docs_dir().glob("*.txt")):
        doc = loaders.load(path)
        summary = generated_summary(doc)
        assert summary, path.name
        assert len(summary) <= 800
        for sentence in summary.split(". "):
            # sentences are taken verbatim (modulo whitespace) from the release
            assert sentence.rstrip(".")[:40] in " ".join(doc.text.split()), path.name
