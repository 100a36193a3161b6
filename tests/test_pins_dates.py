"""Pins for kkb_excel.dates found by mutation testing (tools/mutate.py): every month name, both serial bounds."""

from datetime import date

import pytest

from kkb_excel.dates import parse_tanggal

MONTH_NAMES = [
    (1, "januari jan"), (2, "februari feb pebruari"), (3, "maret mar"), (4, "april apr"), (5, "mei"),
    (6, "juni jun"), (7, "juli jul"), (8, "agustus agu agt agst ags"), (9, "september sep sept"),
    (10, "oktober okt"), (11, "november nov nopember"), (12, "desember des"),
]  # fmt: skip


@pytest.mark.parametrize("month,name", [(m, n) for m, names in MONTH_NAMES for n in names.split()])
def test_every_month_name_and_abbreviation(month, name):
    assert parse_tanggal(f"15 {name.capitalize()} 2024") == date(2024, month, 15)
    assert parse_tanggal(f"15 {name.upper()}. 2024") == date(2024, month, 15)


@pytest.mark.parametrize("typed,meant", [
    ("15 Agustus, 2024", date(2024, 8, 15)), ("2024-7-1", date(2024, 7, 1)), ("2024-07-10 08:00", date(2024, 7, 10)),
    ("1/2/2024", date(2024, 2, 1)), ("29/02/2024", date(2024, 2, 29)), ("31.12.2024", date(2024, 12, 31)),
    (61, date(1900, 3, 1)), (2958465, date(9999, 12, 31)), (2958465.9, date(9999, 12, 31)), (45292, date(2024, 1, 1)),
])  # fmt: skip
def test_more_forms(typed, meant):
    assert parse_tanggal(typed) == meant


@pytest.mark.parametrize("typed", [0.99, 2958466, 2958466.5, "29/02/2023", "2024-13-01", "32 Januari 2024",
                                   "15 Agustus 024", "15/08/2", "29/02/23", "2024/08/15", False, [2024]])  # fmt: skip
def test_not_dates(typed):
    assert parse_tanggal(typed) is None


def test_a_year_typed_alone_is_no_serial():
    assert [parse_tanggal(n) for n in (1899, 1900, 2024, 2024.0, 2100, 2101, 2024.5)] == [
        date(1905, 3, 13), None, None, None, None, date(1905, 10, 1), date(1905, 7, 16)]


def test_serials_around_excel_fictitious_leap_day():
    assert parse_tanggal(1) == date(1900, 1, 1)
    assert parse_tanggal(59) == date(1900, 2, 28)
    assert parse_tanggal(60) is None  # Excel's 1900-02-29 does not exist
    assert parse_tanggal(61) == date(1900, 3, 1)


def test_iso_date_time_with_t():
    assert parse_tanggal("2024-07-10T08:00:00") == date(2024, 7, 10)


@pytest.mark.parametrize("typed,meant", [
    ("02 - 12 - 2024", date(2024, 12, 2)), ("2 / 12 / 2024", date(2024, 12, 2)), ("2 Desember 2024 pukul 10.00", date(2024, 12, 2)),
    ("2/12/2024 10:30", date(2024, 12, 2)), ("2 Desember 2024, 10:00 WIB", date(2024, 12, 2)), ("2 Des 2024 jam 9:05", date(2024, 12, 2)),
    ("2 Des 2024 pkl. 08.00 WITA", date(2024, 12, 2)), ("tgl. 2 Des 2024", date(2024, 12, 2)), ("Tanggal: 2/12/2024", date(2024, 12, 2)),
    ("Tgl 2-12-2024", date(2024, 12, 2)), ("Senin, 4 November 2024 pukul 08.00", date(2024, 11, 4)),
    ("2 Dessember 2024", date(2024, 12, 2)), ("15 Agusuts 2024", date(2024, 8, 15)), ("1 Oktobr 2024", date(2024, 10, 1)),
])  # fmt: skip
def test_what_people_write_around_a_date_is_dropped(typed, meant):
    """A resubmission dated '2 Desember 2024 pukul 10.00' lost to the older form: its date was unreadable."""
    assert parse_tanggal(typed) == meant


@pytest.mark.parametrize("typed", ["Desember 2024", "12.30", "pukul 10.00", "2 Des", "tgl.", "2 Jnui 2024", "2 Xyzzy 2024",
                                   "2 Desember 2024 pukul", "31 - 02 - 2024"])  # fmt: skip
def test_still_no_date(typed):
    assert parse_tanggal(typed) is None


def test_a_misspelt_month_is_guessed_only_from_five_letters_and_never_as_juni_or_juli():
    """Juni and Juli are one letter apart: names of four letters are never guessed, nor words of four letters."""
    assert [parse_tanggal(f"15 {w} 2024") for w in ("Augst", "Mart", "Julli", "Junii", "Nopembr")] == [
        date(2024, 8, 15), None, None, None, date(2024, 11, 15)]


def test_a_date_cell_of_1905_with_a_time_is_a_date_not_a_year():
    from datetime import datetime

    from kkb_excel.dates import tanggal_cell, year_typed

    assert year_typed(datetime(1905, 7, 16)) == 2024 and year_typed(date(1905, 7, 16)) == 2024
    assert year_typed(datetime(1905, 7, 16, 10, 0)) is None and parse_tanggal(datetime(1905, 7, 16, 10, 0)) == date(1905, 7, 16)
    assert tanggal_cell(datetime(1905, 7, 16)) == 2024 and tanggal_cell("15/07/2024") == date(2024, 7, 15)
    assert tanggal_cell("kemarin") == "kemarin" and tanggal_cell(True) is True
