"""The vocabulary of name recognition: the capitalised-word grammar, month and street
words, head-word kinds and title words (`names.NameFinder` reads runs with these)."""

from __future__ import annotations

import re

from reviewer.core.extract.gazetteer import (
    DOC_HEADS,
    EVENT_HEADS,
    LEGAL_SUFFIXES,
    ORG_HEADS,
    PLACE_HEADS,
    TITLE_CORE,
    TITLE_MODS,
    WEAK_DOC_HEADS,
    WEAK_EVENT_HEADS,
    WEAK_ORG_HEADS,
    WEAK_PLACE_HEADS,
)

_ABBR = (
    r"(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Co|Corp|Ltd|Gen|Sen|Rep|Gov|Lt|Col|Capt|Rev|Mt|Ft"
    r"|Bhd|Pte|Pty)\."
)
_MONTHS_RX = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
_WORD = (
    r"[A-Z](?:[A-Z]+(?=[A-Z][a-z]{2,})|(?:[^\W_]|[-&](?!"
    + _MONTHS_RX
    + r")(?=[^\W_])|['’](?!s\b)(?=[^\W_]))*(?:-\x20(?=[A-Z][a-z]))?(?:[^\W_]|[-&](?=[^\W_]))*)"
)
_NUMW = r"\d{1,3}(?:st|nd|rd|th)|(?:19|20)\d\d(?:[-–](?:19|20)?\d\d)?"
# a middle initial ("Michael J. Young") joins the words around it
_INITIAL_RX = r"[A-Z]\.(?=\x20[A-Z][a-z])"
CAPW = rf"(?:{_ABBR}|[A-Z]\.(?:[A-Z]\.)+|{_INITIAL_RX}|{_WORD}|{_NUMW})"
CONNECTORS = (
    "of",
    "on",
    "for",
    "in",
    "to",
    "and",
    "de",
    "du",
    "des",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "del",
    "bin",
    "binti",
    "al",
    "el",
    "&",
    "at",
    "upon",
)
_SEP = (
    r"(?:\x20(?:(?:" + "|".join(CONNECTORS) + r")\x20)?(?:the\x20)?|['’]\x20|"
    r",\x20(?=(?:Inc|Ltd|LLC|L\.L\.C|Corp|Co|PLC|Limited|S\.A|N\.V|GmbH|AG|Pte|Pty|Bhd)\b))"
)
CHUNK_RE = re.compile(rf"(?<![\w@/#.-]){CAPW}(?:{_SEP}{CAPW})*")
# CHUNK_RE for scanning: it starts with a character class (a capital or a digit, rare in
# text), so the regex engine skips ahead in C; the look-behind inside then checks the word
# start and the look-ahead captures the whole run as group 1.
CHUNK_SCAN = re.compile(rf"[A-Z\d](?<=(?<![\w@/#.-])(?=({CAPW}(?:{_SEP}{CAPW})*)).)")
TOKEN_RE = re.compile(
    rf"{_ABBR}|[A-Z]\.(?:[A-Z]\.)+|{_INITIAL_RX}|\d[\w]*(?:[-–]\d+)?|[^\W_]+(?:[-&][^\W_]+|['’](?!s\b)[^\W_]+)*(?:-\x20[^\W_]+)?|&"
)
YEARISH = re.compile(r"(?:19|20)\d\d(?:[-–](?:19|20)?\d\d)?$|\d{1,4}$|[IVX]{1,4}$")
INITIAL = re.compile(r"[A-Z]\.$")
ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)$")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}s?$")
MONTH_NAMES = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
# street-type words: a capitalised run ending in one is an address
STREET_WORDS = frozenset(
    ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Drive", "Dr",
     "Highway", "Hwy", "Parkway", "Pkwy", "Freeway", "Expressway", "Suite"]
)
TRAILERS = frozenset(["Plus", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"])

TITLE_AFTER = re.compile(
    r",\x20(?:the\x20|a\x20|its\x20)?(?:(?:[A-Z][\w-]+)\x20){0,4}?(?:"
    + "|".join(sorted(TITLE_CORE, key=len, reverse=True))
    + r")\b"
)
SAID_BEFORE = re.compile(r"\b(?:said|says|according to|by|thanked|told|added)\x20$")
SAID_AFTER = re.compile(r"\x20(?:said|says|added|noted|explained|commented|stated)\b")


PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&]{1,7})\)")


class Tok:
    __slots__ = ("s", "e", "t", "conn")

    def __init__(self, s: int, e: int, t: str, conn: bool) -> None:
        self.s, self.e, self.t, self.conn = s, e, t, conn


_HEAD_KIND: dict[str, str] = {}


def head_kind(t: str) -> str:
    k = _HEAD_KIND.get(t)
    if k is None:
        k = _head_kind_of(t)
        if len(_HEAD_KIND) < 100_000:
            _HEAD_KIND[t] = k
    return k


def _head_kind_of(t: str) -> str:
    base = t.rstrip(".")
    if base in ORG_HEADS or base in LEGAL_SUFFIXES:
        return "ORG"
    if base in EVENT_HEADS:
        return "EVENT"
    if base in DOC_HEADS:
        return "DOCUMENT"
    if base in PLACE_HEADS:
        return "PLACE"
    return ""


def weak_head(t: str, kind: str) -> bool:
    t = t.rstrip(".")
    return (
        (kind == "ORG" and t in WEAK_ORG_HEADS)
        or (kind == "EVENT" and t in WEAK_EVENT_HEADS)
        or (kind == "DOCUMENT" and t in WEAK_DOC_HEADS)
        or (kind == "PLACE" and t in WEAK_PLACE_HEADS)
    )


def is_title(t: str) -> bool:
    t = t.rstrip(".")
    return t in TITLE_CORE or t in TITLE_MODS
