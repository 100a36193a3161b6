"""The rules whose result depends on the day they run: I04 (tahun up to next year), I10 and I11 (tanggal).

Pandas-free: the identity checks ask it with the run's day; the cache asks whether a result checked on
another day is still today's, so that only those results are checked again.
"""

from __future__ import annotations

from datetime import date

from kkb_excel.read.submission import Submission

FIRST_YEAR = 2022  # the Pedoman's first monitoring year


def tanggal_of(sub: Submission) -> date | None:
    """The tanggal pengisian as read (ISO text), or None when it is empty or no date."""
    try:
        return date.fromisoformat(str(sub.identity.get("tanggal")))
    except ValueError:
        return None


def tahun_wajar(tahun, today: date) -> bool:
    """I04 passes: a number from FIRST_YEAR up to next year."""
    return isinstance(tahun, int | float) and FIRST_YEAR <= tahun <= today.year + 1


def tanggal_dalam_tahun(tanggal: date | None, tahun, today: date) -> bool:
    """I10 passes: a tanggal already past lies in the reporting year (a future one is I11's)."""
    return tanggal is None or tanggal > today or tanggal.year == tahun


def tanggal_sudah_lewat(tanggal: date | None, today: date) -> bool:
    """I11 passes: the tanggal is today or before."""
    return tanggal is None or tanggal <= today


def same_on(sub: Submission, checked_on: date, today: date) -> bool:
    """Whether these rules give `today` exactly what they gave on `checked_on`, messages included.

    A tanggal already past on `checked_on` stays past; a tahun inside the window stays inside as years go
    on; outside it, I04's message names the window's last year, so only the same year gives the same.
    """
    if today == checked_on:
        return True
    if today < checked_on:  # the clock went back: nothing is sure
        return False
    tanggal = tanggal_of(sub)
    if tanggal is not None and tanggal > checked_on:
        return False
    return tahun_wajar(sub.meta.get("tahun"), checked_on) or today.year == checked_on.year
