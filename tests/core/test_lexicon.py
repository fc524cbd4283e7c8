from reviewer.core.extract import extract
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.model import Alias, Correction

TEXT = "Zorblax Analytics met Quux officials. Later Zorblax Analytics and Quux met again in Japan."


def labels(lex, text=TEXT):
    return [(e.text, e.label, e.canonical) for e in extract(text, lexicon=lex).entities]


def test_add_recurs_everywhere():
    lex = Lexicon.from_corrections([Correction("add", 0, 18, "ORG", "Zorblax Analytics")])
    got = labels(lex)
    assert got.count(("Zorblax Analytics", "ORG", "")) == 2
    assert ("Zorblax Analytics", "ORG", "") in labels(lex, "News: Zorblax Analytics grew.")


def test_whole_words_only():
    lex = Lexicon.from_corrections([Correction("add", 0, 4, "ORG", "Quux")])
    assert all(t != "Quux" for t, _, _ in labels(lex, "Quuxes are not Quuxy."))


def test_reject_in_context_and_library():
    base = labels(None)
    assert ("Japan", "PLACE", "") in base
    lex = Lexicon.from_corrections(
        [Correction("reject", 0, 0, "PLACE", "Japan", before="met again in", after=".")]
    )
    assert ("Japan", "PLACE", "") not in labels(lex)
    assert ("Japan", "PLACE", "") in labels(lex, "Japan grew fast.")  # other context: kept
    lex = Lexicon.from_corrections([Correction("reject", 0, 0, "PLACE", "Japan", scope="library")])
    assert ("Japan", "PLACE", "") not in labels(lex, "Japan grew fast.")


def test_retype_and_alias():
    lex = Lexicon.from_corrections(
        [Correction("retype", 0, 0, "ORG", "Japan", old_label="PLACE")],
        [Alias("Japan (State)", "Japan")],
    )
    got = labels(lex)
    assert ("Japan", "ORG", "Japan (State)") in got
