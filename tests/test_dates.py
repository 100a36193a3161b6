"""Dates as people type them: the resubmission rule compares these, so text must never be compared as text."""

from datetime import date, datetime

import pytest

from kkb_excel.dates import parse_tanggal
from kkb_excel.keys import is_belum_tersedia


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("15/08/2024", date(2024, 8, 15)),
        ("15-8-2024", date(2024, 8, 15)),
        ("15.08.2024", date(2024, 8, 15)),
        ("2024-07-10", date(2024, 7, 10)),
        ("2024-07-10 00:00:00", date(2024, 7, 10)),
        ("15 Agustus 2024", date(2024, 8, 15)),
        (" 1  Des 2024 ", date(2024, 12, 1)),
        ("1 Nopember 2024", date(2024, 11, 1)),
        (45500, date(2024, 7, 27)),
        (45500.75, date(2024, 7, 27)),
        (datetime(2024, 3, 5, 10, 30), date(2024, 3, 5)),
        (date(2024, 3, 5), date(2024, 3, 5)),
        ("15/08/24", date(2024, 8, 15)),  # two-digit years as Excel reads them: 00-29 -> 20xx, 30-99 -> 19xx
        ("1-2-29", date(2029, 2, 1)),
        ("1.2.30", date(1930, 2, 1)),
        ("15 Agu 24", date(2024, 8, 15)),
        ("0024-08-15", date(24, 8, 15)),  # four digits are the year as typed
    ],
)
def test_dates_people_type_are_read_day_first(typed, meant):
    assert parse_tanggal(typed) == meant


@pytest.mark.parametrize("typed", [None, "", "x", "31/02/2024", "08/15/2024", "15 Foo 2024", 0, -3, True, 3e6, "15/08/024", "31/02/24"])
def test_non_dates_are_none(typed):
    assert parse_tanggal(typed) is None


def test_text_order_is_not_date_order():
    assert parse_tanggal("15/08/2024") > parse_tanggal("2024-07-10")


@pytest.mark.parametrize(("text", "expected"), [("Belum tersedia", True), ("  belum   TERSEDIA (data 2023)", True),
                                                 ("tersedia", False), (None, False), (3.0, False)])
def test_belum_tersedia_is_recognised_in_keterangan(text, expected):
    assert is_belum_tersedia(text) is expected
