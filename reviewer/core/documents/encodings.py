"""Decoding a release's bytes into text: byte-order marks, UTF-16 without one, the
declared charset, charset-normalizer's guess for other encodings, latin-1 as the last
resort; and the one normalisation every loader applies (newlines, a leading BOM, NULs)."""
from __future__ import annotations

import codecs
import logging
import re
import unicodedata

log = logging.getLogger(__name__)


class LoadError(Exception):
    """A file could not be loaded; str(error) is a message fit to show the user."""

BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 8192
# Control bytes that never occur in text (tab, LF, VT, FF, CR and ESC excluded).
_CONTROL_RE = re.compile(b"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-heavy text has a NUL in every other byte."""
    sample = data[:_SAMPLE]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = len(_CONTROL_RE.findall(sample))
    return controls > 0.1 * len(sample)


# Categories no text is made of: unassigned, private use, surrogates, and controls other
# than the usual whitespace.
_NOT_TEXT = frozenset(("Cn", "Co", "Cs"))
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1b")


def _plausible_text(text: str) -> bool:
    """Whether decoded text reads as text: binary data decoded as UTF-16 gives a scatter of
    unassigned and private-use characters and controls; real text has (almost) none."""
    sample = text[:_SAMPLE]
    if not sample:
        return False
    bad = 0
    for ch in sample:
        if (ch < " " and ch not in _WHITESPACE_CONTROLS
                or ch > "~" and unicodedata.category(ch) in _NOT_TEXT):
            bad += 1
    return bad <= len(sample) // 200


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-16 text without a byte-order mark that is not mostly ASCII
    (Japanese, Chinese, Russian, ...), whose NULs fail the ASCII sniff: charset-normalizer
    must read it as UTF-16 and the text must be plausible (binary data with NULs must
    stay binary)."""
    from charset_normalizer import from_bytes  # local import: needed for such files only

    if len(data) % 2:
        return None
    try:
        best = from_bytes(data[:_SAMPLE * 4]).best()
    except Exception:  # noqa: BLE001 - a detector failure is only a missed guess
        log.debug("charset detection failed", exc_info=True)
        return None
    enc = codec_name(best.encoding) if best is not None else None
    if enc not in ("utf-16-le", "utf-16-be"):
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    return (text, enc) if _plausible_text(text) else None


def codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


_WORD_RE = re.compile(r"\w+")
_IDEOGRAPHIC = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH", "FULLWIDTH")


def _reads_as_non_latin(text: str) -> bool:
    """Whether `text` reads as a non-Latin script: most letters outside ASCII belong to
    another script, and words do not glue Latin letters to Cyrillic or Greek ones (which
    is what a few accented Latin letters read in the wrong code page look like)."""
    letters = other = 0
    mixed = foreign_words = 0
    for m in _WORD_RE.finditer(text[:_SAMPLE * 4]):
        word = m.group()
        if word.isascii():
            continue
        has_ascii = has_alphabetic = False
        for ch in word:
            if ch <= "\x7f":
                has_ascii = has_ascii or ch.isalpha()
            elif ch.isalpha():
                letters += 1
                name = unicodedata.name(ch, "LATIN")
                if not name.startswith("LATIN"):
                    other += 1
                    has_alphabetic = has_alphabetic or not name.startswith(_IDEOGRAPHIC)
        if has_alphabetic:
            foreign_words += 1
            mixed += has_ascii
    if not letters or other < 0.5 * letters:
        return False
    return mixed <= 0.1 * foreign_words


def _detect(data: bytes) -> tuple[str, str] | None:
    """(text, codec) by charset-normalizer when its best reading is in a non-Latin script
    (Cyrillic, Greek, Japanese, Chinese, Arabic, Hebrew, ...). A Latin-script reading is
    left to cp1252: for Western European text the detector's guesses between the Latin
    code pages are less reliable than the code page almost every such file is in."""
    from charset_normalizer import from_bytes  # local import: needed for legacy files only

    try:
        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - a detector failure is only a missed guess
        log.debug("charset detection failed", exc_info=True)
        return None
    if best is None:
        return None
    text = str(best)
    if not _reads_as_non_latin(text):
        return None
    return text, codec_name(best.encoding) or best.encoding


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode file bytes to text; returns (text, warnings). Raises LoadError for binary data.

    Order: a byte-order mark, UTF-16 without one (ASCII-heavy text by its NULs, other text
    by decoding to plausible text), strict UTF-8, the `declared` charset (e.g. from an
    HTML meta tag), a non-Latin legacy encoding found by the charset detector (cp1251,
    Shift-JIS, GB18030, ISO-8859-7, ...), cp1252, latin-1. Any reading that is not a BOM
    or UTF-8 is reported in the warnings. The text is not normalised (see
    `normalise_text`).
    """
    warnings: list[str] = []
    if not data:
        return "", warnings
    for bom, enc in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(enc), warnings
            except UnicodeDecodeError:
                warnings.append(f"invalid {enc} after byte-order mark; bad bytes replaced")
                return body.decode(enc, errors="replace"), warnings
    enc16 = _sniff_utf16(data)
    if enc16:
        try:
            return data.decode(enc16), warnings
        except UnicodeDecodeError:
            pass  # not UTF-16 after all; judge it as bytes below
    if b"\x00" in data[:_SAMPLE]:
        found = _utf16_without_bom(data)
        if found:
            return found[0], warnings
    if _looks_binary(data):
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    declared_codec = codec_name(declared)
    if declared_codec and declared_codec != "utf-8":
        try:
            text = data.decode(declared_codec)
            warnings.append(f"decoded as {declared_codec} (declared): not valid UTF-8")
            return text, warnings
        except UnicodeDecodeError:
            pass
    detected = _detect(data)
    if detected:
        text, codec = detected
        warnings.append(f"decoded as {codec} (detected): not valid UTF-8")
        return text, warnings
    try:
        text = data.decode("cp1252")
        warnings.append("decoded as cp1252: not valid UTF-8")
    except UnicodeDecodeError:
        # latin-1 maps every byte, so this is the last resort and cannot fail.
        text = data.decode("latin-1")
        warnings.append("decoded as latin-1: not valid UTF-8")
    return text, warnings


def normalise_text(text: str, warnings: list[str] | None = None) -> str:
    """Newlines to "\\n", drop a leading BOM char, NUL to U+FFFD (lengths otherwise kept)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
        if warnings is not None:
            warnings.append("NUL characters replaced")
    return text
