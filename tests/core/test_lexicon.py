from reviewer.core.extract import extract
from reviewer.core.extract.lexicon import Lexicon
from reviewer.core.model import Alias, Correction

TEXT = "Zorblax Analytics met Quux officials. Later Zorblax Analytics and Quux met again in Japan."


def labels(lex, text=TEXT):
    return [(e.text, e.label, e.canonical) for e in extract(text, lexicon=lex).entities]


def test_library_add_recurs_everywhere():
    lex = Lexicon.from_corrections([Correction("add", 0, 18, "ORG", "Zorblax Analytics",
                                               scope="library")])
    got = labels(lex)
    assert got.count(("Zorblax Analytics", "ORG", "")) == 2
    assert ("Zorblax Analytics", "ORG", "") in labels(lex, "News: Zorblax Analytics grew.")


def test_whole_words_only():
    lex = Lexicon.from_corrections([Correction("add", 0, 4, "ORG", "Quux", scope="library")])
    assert all(t != "Quux" for t, _, _ in labels(lex, "Quuxes are not Quuxy."))


def test_document_corrections_are_not_exact_string_rules():
    # a correction on one release changes other releases only through the learned model
    lex = Lexicon.from_corrections([
        Correction("add", 0, 18, "ORG", "Zorblax Analytics"),
        Correction("reject", 0, 0, "PLACE", "Japan", before="met again in", after="."),
        Correction("retype", 0, 0, "ORG", "Japan", old_label="PLACE"),
    ])
    assert labels(lex) == labels(None)


def test_library_reject():
    base = labels(None)
    assert ("Japan", "PLACE", "") in base
    lex = Lexicon.from_corrections([Correction("reject", 0, 0, "PLACE", "Japan", scope="library")])
    assert ("Japan", "PLACE", "") not in labels(lex, "Japan grew fast.")


def test_retype_and_alias():
    lex = Lexicon.from_corrections(
        [Correction("retype", 0, 0, "ORG", "Japan", old_label="PLACE", scope="library")],
        [Alias("Japan (State)", "Japan")],
    )
    got = labels(lex)
    assert ("Japan", "ORG", "Japan (State)") in got
