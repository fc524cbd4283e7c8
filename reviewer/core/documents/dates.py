"""Calendar dates as releases write them: month names, and ISO dates that exist.

The structure analyser (datelines) and the library (the index's date field) share these;
`30 February 2024` is no date, so it has no ISO form.
"""
from __future__ import annotations

import datetime as _dt

#: Month number by the first three letters of its English name, lower-cased.
MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

#: A regular expression for an English month name or its usual abbreviation.
MONTH_PATTERN = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
                 r"|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")


def month_number(name: str) -> int:
    """1-12 for a name MONTH_PATTERN matched ("Sept." and "september" included)."""
    return MONTHS[name[:3].lower()]


def iso_date(year: int, month: int, day: int | None = None) -> str:
    """"YYYY-MM-DD" ("YYYY-MM" without a day), or "" when there is no such date."""
    try:
        _dt.date(year, month, day or 1)
    except ValueError:
        return ""
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def iso_to_datetime(iso: str) -> _dt.datetime | None:
    """'2021-05-27', '2021-05' or '2021' (a dateline without day or month) as a datetime
    at the start of that day, month or year; None when it is not a date."""
    parts = iso.split("-")[:3]
    try:
        numbers = [int(p) for p in parts]
        while len(numbers) < 3:
            numbers.append(1)
        return _dt.datetime(numbers[0], numbers[1], numbers[2])
    except (ValueError, IndexError):
        return None
