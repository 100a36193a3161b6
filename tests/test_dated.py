"""The rules that depend on the day (I04, I10, I11): a result checked one day is served another day only
where the real rules, run on both days, give the same findings."""

from __future__ import annotations

from datetime import date
from itertools import combinations, product

from kkb_excel.read.submission import Submission
from kkb_excel.validators import dated
from kkb_excel.validators.run import identity_findings
from kkb_excel.wilayah import load_wilayah

DAYS = [date(2024, 3, 1), date(2024, 11, 30), date(2025, 1, 2), date(2025, 6, 1), date(2026, 1, 1), date(2027, 12, 31)]
TANGGAL = [None, "", "15 Juli", date(2023, 12, 31), date(2024, 3, 1), date(2024, 3, 2), date(2024, 12, 31),
           date(2025, 1, 2), date(2025, 6, 2), date(2028, 1, 1)]  # fmt: skip
TAHUN = [2021, 2022, 2024, 2025, 2026, 2027, 2029, 2024.0, "2024", None, float("nan")]


def _submission(number: int, tanggal, tahun) -> Submission:
    sub = Submission(f"desa-{number}.xlsx")
    sub.meta = {"kode_wilayah": "33.74.01.1001", "tingkat": "desa", "tahun": tahun}
    sub.identity = {"tanggal": tanggal.isoformat() if isinstance(tanggal, date) else tanggal, "opd": "Pemerintah Desa",
                    "petugas": "Budi", "nama_desa": "-"}  # fmt: skip
    return sub


def test_same_on_holds_only_where_the_rules_give_the_same_findings():
    subs = [_submission(i, tanggal, tahun) for i, (tanggal, tahun) in enumerate(product(TANGGAL, TAHUN))]
    index = load_wilayah()
    found = {day: {sub.berkas: [] for sub in subs} for day in DAYS}
    for day in DAYS:
        for f in identity_findings(subs, index, day):
            found[day][f.berkas].append(f)
    held = differ = 0
    for sub, (first, later) in product(subs, combinations(DAYS, 2)):
        same = found[first][sub.berkas] == found[later][sub.berkas]
        differ += not same
        if dated.same_on(sub, first, later):
            assert same, (sub.meta, sub.identity, first, later, found[first][sub.berkas], found[later][sub.berkas])
            held += 1
        assert dated.same_on(sub, later, first) is False  # the clock went back
    assert all(dated.same_on(sub, day, day) for sub in subs for day in DAYS)
    assert differ > 500 and held > 500  # the grid crosses every rule's boundary; a third of its results still hold


def test_an_ordinary_form_holds_across_years():
    """Filled and checked in 2024: served the next year and the one after, with the same findings."""
    sub = _submission(0, date(2024, 8, 30), 2024)
    assert dated.same_on(sub, date(2024, 9, 1), date(2026, 1, 1))
    assert dated.same_on(_submission(1, date(2024, 9, 2), 2024), date(2024, 9, 1), date(2024, 9, 3)) is False  # was in the future
    assert not dated.same_on(_submission(2, date(2024, 8, 30), 2021), date(2024, 9, 1), date(2025, 1, 1))  # I04 names 2026 now
    assert dated.same_on(_submission(3, date(2024, 8, 30), 2021), date(2024, 9, 1), date(2024, 12, 31))


def test_the_tanggal_rules_on_their_day():
    today = date(2024, 12, 1)
    assert [dated.tanggal_dalam_tahun(d, 2024, today) for d in (date(2024, 1, 1), date(2023, 12, 31), date(2025, 1, 1), None)] == [
        True, False, True, True]  # a future tanggal is I11's alone  # fmt: skip
    assert [dated.tanggal_sudah_lewat(d, today) for d in (today, date(2024, 12, 2), None)] == [True, False, True]
    assert dated.tanggal_of(_submission(0, date(2024, 8, 30), 2024)) == date(2024, 8, 30)
    assert [dated.tanggal_of(_submission(0, t, 2024)) for t in (None, "", "15 Juli")] == [None] * 3
