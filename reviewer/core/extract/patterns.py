"""Pattern recognisers for DATE, MONEY and PERCENT, with normalised values.

Everything here is one pass of a few precompiled regexes over the text, so it is cheap
enough to run on every keystroke-sized edit and on whole libraries.
"""

from __future__ import annotations

import re
from datetime import date

from reviewer.core.extract._scan import finditer_after
from reviewer.core.model import Entity

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "several": 0,
    "few": 0,
}
SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "crore": 1e7,
    "lakh": 1e5,
}
SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₫": "VND"}
SYMBOL_PREFIX = {
    "US": "USD",
    "U.S.": "USD",
    "A": "AUD",
    "AU": "AUD",
    "C": "CAD",
    "CA": "CAD",
    "NZ": "NZD",
    "HK": "HKD",
    "S": "SGD",
    "SG": "SGD",
    "NT": "TWD",
    "R": "BRL",
}
CODES = (
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "CNY",
    "RMB",
    "VND",
    "SGD",
    "AUD",
    "CAD",
    "HKD",
    "INR",
    "KRW",
    "CHF",
    "THB",
    "IDR",
    "MYR",
    "PHP",
    "NZD",
    "SEK",
    "NOK",
    "DKK",
    "ZAR",
    "BRL",
    "MXN",
    "TWD",
    "AED",
    "SAR",
    "RUB",
    "TRY",
    "PLN",
)
WORD_CURRENCIES = {
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "yen": "JPY",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "dong": "VND",
    "won": "KRW",
    "rupees": "INR",
    "rupee": "INR",
    "baht": "THB",
    "ringgit": "MYR",
    "rupiah": "IDR",
    "pesos": "PHP",
    "francs": "CHF",
    "riyals": "SAR",
    "dirhams": "AED",
}

_MON = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_MON_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WD = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)"
_NUMW = "|".join(k for k in NUMBER_WORDS if NUMBER_WORDS[k])
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|mln|mn|bn|tn|crore|lakh|[kKmMbB](?![\w]))"

# Alternatives are ordered longest first; the regex engine takes the first that matches.
# white space inside a date stays on one line ("December 31,\n\n2024" is two things)
_S = r"[^\S\n]+"
DATE_RE = re.compile(
    rf"(?<![\w/.])(?=[\dJFMASONDQHTWfstoeh])(?:"
    rf"(?P<iso>{_YEAR}-[01]\d-[0-3]\d)"
    rf"|(?P<wd1>{_WD},?\s+)?(?P<dmy>{_DAY}{_S}(?:of{_S})?{_MON}(?:,?{_S}{_YEAR})?)"
    rf"|(?P<wd2>{_WD},?\s+)?(?P<mdy>{_MON}{_S}{_DAY}(?:,[^\S\n]*{_YEAR}|{_S}{_YEAR})?)(?![\d])"
    rf"|(?P<my>{_MON_FULL},?{_S}{_YEAR}|{_MON}{_S}{_YEAR})"
    rf"|(?P<quarter>(?:Q[1-4]|H[12])\s*(?:FY\s*)?'?{_YEAR}|(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+"
    rf"quarter\s+(?:of\s+)?(?:fiscal\s+(?:year\s+)?)?{_YEAR}|(?:first|second)\s+half\s+(?:of\s+)?{_YEAR})"
    rf"|(?P<fiscal>(?:[Ff]iscal\s+(?:[Yy]ear\s+)?|FY\s?'?){_YEAR}|FY\d\d(?!\d))"
    rf"|(?P<range>{_YEAR}\s?[-–—/]\s?(?:{_YEAR}|\d\d)(?![\d%]))"
    rf"|(?P<decade>(?:19|20)\d0s)"
    rf"|(?P<year>{_YEAR})(?![\d%,.]\d|\s?%|\s?(?:per\s?cent|percent))"
    rf"|(?P<dur>(?:\d{{1,3}}|{_NUMW})(?:-|\s+)(?:years?|decades?|months?|weeks?)(?:-long)?|\d{{1,3}}(?:st|nd|rd|th)\s+anniversary)"
    rf"|(?P<wd>{_WD})"
    rf"|(?P<mon>{_MON_FULL})"
    rf")(?![\w])"
)

MONEY_RE = re.compile(
    rf"(?<![\w$€£¥₹])(?=[\dUACNHSRT$€£¥₹₩₫EGJKIMPZB])(?:"
    rf"(?P<sym>(?P<pre>US|U\.S\.|AU?|CA?|NZ|HK|SG?|NT|R)?\s?(?P<s>[$€£¥₹₩₫])\s?"
    rf"(?P<n1>{_NUM})(?:\s?(?P<sc1>{_SCALE}))?)"
    rf"|(?P<code>(?P<c2>{'|'.join(CODES)})\s?\$?\s?(?P<n2>{_NUM})(?:\s?(?P<sc2>{_SCALE}))?)"
    rf"|(?P<suf>(?P<n3>{_NUM})(?:\s?(?P<sc3>{_SCALE}))?\s"
    rf"(?P<c3>{'|'.join(CODES)}|"
    rf"(?:US |U\.S\. )?dollars?|"
    rf"yen|euros?|pounds(?: sterling)?|yuan|renminbi|dong|won|rupees?|baht|ringgit|rupiah|"
    rf"pesos|francs|riyals|dirhams))"
    rf")(?![\w])"
)

# `_NUM` with its first digit factored out, and no leading look-behind (checked by
# `finditer_after`): a pattern starting with a character class is scanned in C.
_NUM1 = r"\d(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"
_NOT_AFTER_PCT = re.compile(r"[\w.]")
PERCENT_RE = re.compile(
    rf"(?P<n>{_NUM1})(?:\s?(?:-|–|to)\s?(?P<n2>{_NUM}))?\s?(?:%|per\s?cent\b|percent\b|pct\b)"
)

# Times of day and phone-like numbers must not yield a DATE ("10:30", "+1 555 2020-2030").
_TIME_AFTER = re.compile(r"\s?(?:a\.?m\.?|p\.?m\.?|[AP]M|:\d\d|h\d\d)\b")


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _scale(s: str | None) -> float:
    return SCALES.get(s.lower(), 1.0) if s else 1.0


def _iso(y: int, m: int, d: int | None = None) -> str:
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def _month(tok: str) -> int:
    return MONTHS.get(tok.lower().rstrip("."), 0)


def date_value(m: re.Match[str], ref: date | None) -> dict[str, str | int | float] | None:
    """Normalise a DATE match; partial dates take the year of the release when known."""
    g = m.lastgroup
    txt = m.group(0)
    ref_year = ref.year if ref else None
    nums = re.findall(r"\d+", txt)
    if m.group("iso"):
        return {"iso": m.group("iso")}
    if m.group("dmy") or m.group("mdy"):
        part = m.group("dmy") or m.group("mdy")
        words = re.findall(r"[A-Za-z]+", part)
        mon = next((_month(w) for w in words if _month(w)), 0)
        ds = re.findall(r"\d+", part)
        day = int(ds[0])
        year = int(ds[1]) if len(ds) > 1 else ref_year
        if year is None:
            return {"month": mon, "day": day}
        iso = _iso(year, mon, day)
        return {"iso": iso} if iso else None
    if m.group("my"):
        mon = _month(re.findall(r"[A-Za-z]+", txt)[0])
        return {"iso": _iso(int(nums[-1]), mon)}
    if m.group("quarter"):
        y = int(nums[-1]) if len(nums[-1]) == 4 else int(re.findall(r"(?:19|20)\d\d", txt)[0])
        low = txt.lower()
        if "half" in low or low.startswith("h"):
            h = 2 if ("second" in low or low.startswith("h2")) else 1
            return {"from": f"{y}-{6 * h - 5:02d}", "to": f"{y}-{6 * h:02d}"}
        q = next(
            (i for i, w in enumerate(("first", "second", "third", "fourth"), 1) if w in low), 0
        )
        if not q:
            digit = re.search(r"[1-4]", txt)
            assert digit is not None  # a quarter is named by a word or a digit
            q = int(digit.group(0))
        return {"from": f"{y}-{3 * q - 2:02d}", "to": f"{y}-{3 * q:02d}"}
    if m.group("fiscal"):
        y = nums[-1]
        return {"fiscal_year": int(y) if len(y) == 4 else 2000 + int(y)}
    if m.group("range"):
        a, b = int(nums[0]), nums[1]
        bb = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
        return {"from": str(a), "to": str(bb)}
    if m.group("decade"):
        y = int(nums[0])
        return {"from": str(y), "to": str(y + 9)}
    if m.group("year"):
        return {"iso": txt}
    if m.group("dur"):
        n = nums[0] if nums else str(NUMBER_WORDS.get(txt.split()[0].split("-")[0].lower(), 0))
        unit = (
            "anniversary"
            if "anniversary" in txt
            else re.sub(r"s?(-long)?$", "", txt.split()[-1].split("-")[-1])
        )
        return {"duration": float(n), "unit": unit}
    if m.group("wd"):
        return {"weekday": txt}
    if m.group("mon"):
        mon = _month(txt)
        return {"iso": _iso(ref_year, mon)} if ref_year else {"month": mon}
    return {"text": txt} if g else None


_PREP_BEFORE = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|during|of|through|to|before|after|"
    r"early|late|mid|last|next|this|every|each|and|or|between)\s*-?\s*)$",
    re.I,
)


def find_dates(text: str, ref: date | None = None) -> list[Entity]:
    out: list[Entity] = []
    for m in DATE_RE.finditer(text):
        s, e = m.span()
        txt = m.group(0)
        if m.group("mon") or m.group("year") or m.group("wd"):
            # "May" is usually the verb; bare months and years need a preposition-like cue.
            if m.group("mon") == "May" and not _PREP_BEFORE.search(text, max(0, s - 12), s):
                continue
            if m.group("year"):
                before = text[max(0, s - 2) : s]
                if (
                    before.endswith(("$", "#", "No", "№"))
                    or text[e : e + 1] in ("-", "/")
                    or before.endswith(("-", "/", ":", "+"))
                ):
                    continue
        if _TIME_AFTER.match(text, e) and (m.group("year") or m.group("mdy")):
            continue
        if m.group("dur") and txt[0].isdigit() and s > 0 and text[s - 1] in "$€£":
            continue
        out.append(Entity(s, e, "DATE", txt, date_value(m, ref), source="auto", score=0.9))
    return out


# Cheap gates: every MONEY_RE match holds a currency sign, or a code before a number, or a
# number before a code or currency word. Each gate starts with a character class or a
# literal, so the regex engine skips ahead in C (the full MONEY_RE tries every offset).
_MONEY_SIGN = re.compile(r"[$€£¥₹₩₫]")
_MONEY_CODE_FIRST = re.compile(rf"(?:{'|'.join(CODES)})\s?\$?\s?\d")
_MONEY_NUM_FIRST = re.compile(
    rf"\d(?:\s?{_SCALE})?\s(?:{'|'.join(CODES)}|US\x20|U\.S\.\x20|dollar|yen|euro|pound|"
    r"yuan|renminbi|dong|won|rupee|baht|ringgit|rupiah|peso|franc|riyal|dirham)"
)


def _maybe_money(text: str) -> bool:
    return bool(
        _MONEY_SIGN.search(text) or _MONEY_CODE_FIRST.search(text) or _MONEY_NUM_FIRST.search(text)
    )


def find_money(text: str) -> list[Entity]:
    out: list[Entity] = []
    if not _maybe_money(text):  # most releases quote no amount: skip the big regex
        return out
    for m in MONEY_RE.finditer(text):
        s, e = m.span()
        if m.group("sym"):
            cur = SYMBOLS.get(m.group("s"), "")
            if m.group("pre"):
                cur = SYMBOL_PREFIX.get(m.group("pre"), cur) if m.group("s") == "$" else cur
            amount = _num(m.group("n1")) * _scale(m.group("sc1"))
        elif m.group("code"):
            cur = m.group("c2").replace("RMB", "CNY")
            amount = _num(m.group("n2")) * _scale(m.group("sc2"))
        else:
            c = m.group("c3")
            cur = c.replace("RMB", "CNY") if c.isupper() else WORD_CURRENCIES.get(c.lower(), c)
            amount = _num(m.group("n3")) * _scale(m.group("sc3"))
            if c.lower() == "won" and not m.group("sc3"):  # "we won 3 awards" guard
                continue
        out.append(
            Entity(s, e, "MONEY", m.group(0), {"amount": amount, "currency": cur}, score=0.95)
        )
    return out


def find_percents(text: str) -> list[Entity]:
    out: list[Entity] = []
    if "%" not in text and "per" not in text and "pct" not in text:
        return out
    for m in finditer_after(PERCENT_RE, text, _NOT_AFTER_PCT):
        v = _num(m.group("n")) / 100.0
        val: dict[str, float] = {"fraction": round(v, 10)}
        if m.group("n2"):
            val = {"from": round(v, 10), "to": round(_num(m.group("n2")) / 100.0, 10)}
        out.append(Entity(m.start(), m.end(), "PERCENT", m.group(0), val, score=0.95))
    return out


def resolve_overlaps(ents: list[Entity]) -> list[Entity]:
    """Keep the longest of overlapping spans (earlier start on ties); result sorted by start."""
    if not ents:
        return []
    ents = sorted(ents, key=lambda x: (-(x.end - x.start), x.start, -x.score))
    # a byte per character marks taken text: linear in the text, no quadratic list inserts
    occ = bytearray(max(e.end for e in ents) + 1)
    keep: list[Entity] = []
    for ent in ents:
        if occ.find(1, ent.start, ent.end) >= 0:
            continue
        occ[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
        keep.append(ent)
    keep.sort(key=lambda x: x.start)
    return keep


def extract_patterns(text: str, ref: date | None = None) -> list[Entity]:
    """DATE, MONEY and PERCENT mentions, non-overlapping, sorted by start."""
    ents = find_money(text) + find_percents(text)
    ents += find_dates(text, ref)
    # a number inside a money or percent span is not a date ("$2,025", "2020%")
    return resolve_overlaps(ents)
