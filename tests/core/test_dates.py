"""Calendar dates shared by the structure analyser and the index."""
from __future__ import annotations

import datetime as dt

from reviewer.core.documents.dates import iso_date, iso_to_datetime, month_number
from reviewer.core.documents.structure import analyse


def test_iso_dates_exist() -> None:
    assert iso_date(2024, 2, 29) == "2024-02-29"
    assert iso_date(2023, 2, 29) == ""
    assert iso_date(2024, 2, 30) == ""
    assert iso_date(2024, 13, 1) == ""
    assert iso_date(2021, 5) == "2021-05"
    assert month_number("Sept.") == 9 and month_number("december") == 12


def test_a_dateline_on_a_day_that_does_not_exist_has_no_iso_date() -> None:
    dl = analyse("Title of the release\n\nHANOI, 30 February 2024 - It happened.\n").dateline
    assert dl is not None and dl.date == "30 February 2024" and dl.iso == ""


def test_partial_iso_dates_start_their_month_or_year() -> None:
    assert iso_to_datetime("2021-05-27") == dt.datetime(2021, 5, 27)
    assert iso_to_datetime("2021-05") == dt.datetime(2021, 5, 1)
    assert iso_to_datetime("2021") == dt.datetime(2021, 1, 1)
    assert iso_to_datetime("2021-02-30") is None and iso_to_datetime("") is None
