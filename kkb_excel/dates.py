"""Dates typed by people: real date cells, Excel serials, dd/mm/yyyy, dd-mm-yyyy, ISO and Indonesian month names."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "agst": 8, "ags": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12,
}  # fmt: skip
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug is before March 1900)
_NUMERIC = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_WORDS = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")


def parse_tanggal(value) -> date | None:
    """The date a person meant, or None when the value is empty or not a date (day first, never US order)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _serial(float(value))
    text = " ".join(str(value).strip().lower().split())
    for pattern, order in ((_ISO, (0, 1, 2)), (_NUMERIC, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(match.group(i + 1)) for i in range(3)]
            return _date(parts[order[0]], parts[order[1]], parts[order[2]])
    match = _WORDS.fullmatch(text.replace(",", ""))
    if match and match.group(2) in MONTHS:
        return _date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    return None


def _serial(number: float) -> date | None:
    if not 1 <= number < 2958466:  # Excel's last date is 9999-12-31
        return None
    return EXCEL_EPOCH + timedelta(days=int(number))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
