"""Dates typed by people: real date cells, Excel serials, dd/mm/yyyy, dd-mm-yy, ISO and Indonesian month names."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from difflib import get_close_matches
from functools import lru_cache

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "agst": 8, "ags": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12, "mrt": 3, "peb": 2, "nop": 11,
    # an English-language Excel or phone: the names that differ from the Indonesian ones
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "aug": 8,
    "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip
DAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # fmt: skip
EXCEL_EPOCH = date(1899, 12, 30)  # from serial 61 (1900-03-01) on; Excel counts a fictitious 1900-02-29 (serial 60)
_NUMERIC = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?")  # matched on lower-cased text
_WORDS = re.compile(r"(\d{1,2})(?:\s+|-)([a-z]+)\.?(?:\s+|-)(\d{4}|\d{2})")  # '15 Agustus 2024', '15-Agu-24'
_LABEL_BEFORE = re.compile(r"^(?:tanggal|tgl)\.?\s*:?\s*")  # 'tgl. 2 Des 2024', 'Tanggal: 2/12/2024'
_TIME_AFTER = re.compile(r"[,\s]\s*(?:pukul|pkl\.?|jam)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:wib|wita|wit)?$")  # '... pukul 10.00'
_SPACED = re.compile(r"\s*([/\-])\s*")  # '02 - 12 - 2024'
_DAY_NAME = re.compile(r"([a-z']+),? (?=\d)")  # 'Senin, 4 November 2024': a long date format pasted as text


def parse_tanggal(value) -> date | None:
    """The date a person meant, or None when the value is empty or not a date (day first, never US order)."""
    if value is None or value == "" or year_typed(value) is not None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _serial(float(value))
    return _text_date(str(value))


@lru_cache(maxsize=4096)
def _text_date(value: str) -> date | None:
    """A typed date (`parse_tanggal`); a nasional run asks for the same few hundred dates ~300,000 times.
    What people write around a date is dropped: 'tgl.' before it, a time after it, spaces around '-'."""
    text = " ".join(value.strip().lower().split())
    found = _plain_date(text)
    if found is None:
        bare = _SPACED.sub(r"\1", _TIME_AFTER.sub("", _LABEL_BEFORE.sub("", text)))
        found = _plain_date(bare) if bare != text else None
    return found


def _plain_date(text: str) -> date | None:
    for pattern, order in ((_ISO, (0, 1, 2)), (_NUMERIC, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(match.group(i + 1)) for i in range(3)]
            if pattern is _NUMERIC:
                parts[2] = _year(match.group(3))
            return _date(parts[order[0]], parts[order[1]], parts[order[2]])
    day = _DAY_NAME.match(text)
    if day and day.group(1) in DAYS:
        text = text[day.end() :]
    match = _WORDS.fullmatch(text.replace(",", ""))
    month = _month(match.group(2)) if match else None
    return _date(_year(match.group(3)), month, int(match.group(1))) if month else None


def _month(word: str) -> int | None:
    """A month name, or one misspelt by a letter ('Dessember', 'Agusuts'): the closest of the full names."""
    if word in MONTHS:
        return MONTHS[word]
    close = get_close_matches(word, [m for m in MONTHS if len(m) > 4], n=1, cutoff=0.85) if len(word) > 4 else []
    return MONTHS[close[0]] if close else None


def tanggal_cell(value) -> object:
    """What a tanggal pengisian cell holds, as the forms read it: the date meant, a year typed alone (2024),
    or the value as it is (text that is no date, a time)."""
    parsed = parse_tanggal(value)
    if parsed is not None:
        return parsed
    year = year_typed(value)
    return value if year is None else year


def year_typed(value) -> int | None:
    """A year typed alone where a date belongs: 2024, which a date cell shows as 16/07/1905 (serial 2024)."""
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        if moment.time() != datetime.min.time():
            return None
        value = (moment.date() - EXCEL_EPOCH).days
    if isinstance(value, int | float) and not isinstance(value, bool) and 1900 <= value <= 2100 and float(value).is_integer():
        return int(value)
    return None


def _serial(number: float) -> date | None:
    if not 1 <= number < 2958466 or int(number) == 60:  # Excel's last date is 9999-12-31; 60 is its 1900-02-29
        return None
    days = int(number)
    return EXCEL_EPOCH + timedelta(days=days if days > 60 else days + 1)


def _year(digits: str) -> int:
    """A typed year; two digits as Excel reads them: 00-29 are 2000-2029, 30-99 are 1930-1999."""
    year = int(digits)
    return year + (2000 if year <= 29 else 1900) if len(digits) == 2 else year


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
