"""Fuzzing: random bytes and text through the loaders and the extractor.

Loaders may only raise LoadError; the extractor never raises, and every entity's offsets
cut its own text out of the document, sorted and non-overlapping.
"""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_helpers import HOSTILE_HTML, docx_bytes, zip_bytes

from reviewer.core.documents.loaders import LoadError, load_bytes
from reviewer.core.extract import extract
from reviewer.core.model import Document

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SUFFIXES = st.sampled_from(["a.txt", "a.md", "a.html", "a.htm", "a.docx", "a.markdown"])

# Bytes that look like the things real folders hold, plus pure noise.
PREFIXES = st.sampled_from([
    b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"PK\x03\x04",
    b"<html><body><p>", b"<!DOCTYPE html><meta charset=koi8-r><title>", b"# Title\n\n",
    b"<script>", b"<![CDATA[", b"<!--",
])
PRESS_WORDS = ["JAKARTA", "Hanoi", "(VNA)", "–", "27 May 2021", "$5 million", "12.5%",
               "Mr.", "Takeo Mori", "ASEAN-Japan", "About", "Contact:", "\n", "\n\n", "“",
               "”", "<b>", "</p>", "&amp;", "\r\n", "\x00", "\ufeff", "🙂", "e\u0301"]
PRESSLIKE = st.lists(st.one_of(st.sampled_from(PRESS_WORDS),
                               st.text(alphabet=string.ascii_letters + " .,-", max_size=12)),
                     max_size=60).map(" ".join)


def check_document(doc: Document) -> None:
    text = doc.text
    assert "\r" not in text
    st_ = doc.structure
    if st_.title_span:
        assert text[st_.title_span[0]:st_.title_span[1]] == st_.title
    for b in st_.blocks:
        assert 0 <= b.start <= b.end <= len(text)


def check_extraction(text: str, structure=None) -> None:
    ex = extract(text, structure)
    prev_end = 0
    for ent in ex.entities:
        assert 0 <= ent.start < ent.end <= len(text), ent
        assert text[ent.start:ent.end] == ent.text, ent
        assert ent.start >= prev_end, f"overlap or unsorted at {ent}"
        prev_end = ent.end
    for f in ex.facts:
        assert 0 <= f.start <= f.end <= len(text)


def load_or_refuse(data: bytes, name: str) -> Document | None:
    try:
        return load_bytes(data, name)
    except LoadError as exc:
        assert str(exc)  # a message to show
        return None


@FAST
@given(prefix=PREFIXES, body=st.binary(max_size=3000), name=SUFFIXES)
def test_random_bytes_only_raise_load_error(prefix: bytes, body: bytes, name: str) -> None:
    doc = load_or_refuse(prefix + body, name)
    if doc is not None:
        check_document(doc)
        check_extraction(doc.text, doc.structure)


@FAST
@given(text=st.text(max_size=2000), encoding=st.sampled_from(
    ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"]),
    name=SUFFIXES)
def test_random_text_in_any_encoding(text: str, encoding: str, name: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    doc = load_or_refuse(data, name)
    if doc is not None:
        check_document(doc)
        check_extraction(doc.text, doc.structure)


@FAST
@given(text=PRESSLIKE)
def test_extractor_offsets_on_presslike_text(text: str) -> None:
    check_extraction(text)
    doc = load_or_refuse(text.encode("utf-8"), "a.txt")
    if doc is not None:  # NULs make it "binary"
        check_document(doc)
        check_extraction(doc.text, doc.structure)


@FAST
@given(text=st.text(max_size=3000))
def test_extractor_offsets_on_any_text(text: str) -> None:
    check_extraction(text)


SEEDS = [
    ("a.docx", docx_bytes("Big News", "JAKARTA, 27 May 2021 – It happened.")),
    ("a.docx", zip_bytes({"word/document.xml": b"<w:document/>"})),
    ("a.html", HOSTILE_HTML),
]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_mutated_docx_and_html_only_raise_load_error(data: st.DataObject) -> None:
    """Flip, cut and splice bytes of real files (zip structure, XML, markup)."""
    name, seed = SEEDS[data.draw(st.integers(0, len(SEEDS) - 1), label="seed")]
    buf = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(buf) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            buf[pos] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del buf[pos:pos + data.draw(st.integers(1, 200))]
            if not buf:
                buf = bytearray(b"x")
        else:
            buf[pos:pos] = data.draw(st.binary(min_size=1, max_size=40))
    doc = load_or_refuse(bytes(buf), name)
    if doc is not None:
        check_document(doc)
        check_extraction(doc.text, doc.structure)


def test_docx_with_a_shifted_zip_directory_is_a_load_error() -> None:
    """Found by the fuzzer: one byte cut from the start makes zipfile seek to -1 and raise
    ValueError, which escaped the loader as a crash."""
    data = SEEDS[0][1][1:]
    try:
        load_bytes(data, "a.docx")
    except LoadError as exc:
        assert str(exc).startswith("not a valid .docx file")
    else:  # pragma: no cover - zipfile may one day recover: then it must load cleanly
        pass
