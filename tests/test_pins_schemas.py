"""Every value and identity check of validators/schemas.py, on both sides of its threshold.

The frames have the columns and dtypes `validators.run` builds (one row per observed indicator row);
the real-file path of each rule is in test_rules.py. Found unpinned by tools/mutate.py.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kkb_excel.keys import CHECKED_KEYS, NUMBER_KEYS
from kkb_excel.validators import dated, schemas
from kkb_excel.validators.schemas import IDENTITY, MAX_ORANG, VALUES, bound, failures

NAN = float("nan")
COLUMNS = ["cara_isi", "persentase", "kumulatif", "batas", "belum_tersedia", *CHECKED_KEYS]
DTYPES = {"persentase": bool, "kumulatif": bool, "batas": float, "belum_tersedia": bool, **dict.fromkeys(NUMBER_KEYS, float)}


def row(cara_isi="angka", persentase=False, kumulatif=False, batas=1e8, belum_tersedia=False, **values) -> dict:
    return {"cara_isi": cara_isi, "persentase": persentase, "kumulatif": kumulatif, "batas": batas, "belum_tersedia": belum_tersedia,
            **dict.fromkeys(NUMBER_KEYS, NAN), **dict.fromkeys(("status_1", "status_2")), **values}  # fmt: skip


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(np.array([r[c] for r in rows], dtype=DTYPES.get(c, object)), dtype=DTYPES.get(c, object))
                         for c in COLUMNS})  # fmt: skip


def found(*rows: dict) -> list[tuple[str, str, int]]:
    return failures(VALUES, frame(*rows))


def rasio(num, den, capaian=NAN, s=1, **kw) -> dict:
    return row("rasio", True, **{f"pembilang_{s}": num, f"penyebut_{s}": den, f"capaian_{s}": capaian}, **kw)


def check(*cases: tuple[dict, list[tuple[str, str]]], ignore: tuple[str, ...] = ("V12",)) -> None:
    """Each row's failures, from one schema call over all rows (a pandera call is slow). The thresholds
    of other rules are pinned with fractions, which are V12's (a count is whole): its own test sets ignore=()."""
    expected = [(code, key, i) for i, (_, codes) in enumerate(cases) for code, key in codes]
    got = [f for f in found(*(r for r, _ in cases)) if f[0] not in ignore]
    assert got == sorted(expected, key=lambda f: (f[2], f[0], f[1]))


def test_a_clean_row_and_empty_values_pass():
    check((row(capaian_1=5.0, capaian_2=6.0, target=10.0), []), (row(), []), (rasio(25.0, 50.0, 50.0), []),
          (row("status", status_1="ya"), []))  # fmt: skip
    assert failures(VALUES, frame(row()).iloc[0:0]) == []


def test_v01_zero_passes_a_negative_number_fails():
    check(*((row(**{key: 0.0}), []) for key in NUMBER_KEYS), *((row(**{key: -0.5}), [("V01", key)]) for key in NUMBER_KEYS))


def test_v05_only_ya_or_tidak():
    check(*((row("status", **{key: value}), [("V05", key)] if value == "Ya " else []) for key in ("status_1", "status_2")
            for value in ("ya", "tidak", "Ya ")))  # fmt: skip


SEMESTER_CASES = {  # rule -> per semester s: (row, failures expected) on both sides of its threshold
    "V02": lambda s: [
        (row(persentase=True, **{f"capaian_{s}": 100.0}), []),
        (row(persentase=True, **{f"capaian_{s}": 100.5}), [("V02", f"capaian_{s}")]),
        (row(persentase=False, **{f"capaian_{s}": 100.5}), []),  # a count may exceed 100
    ],
    "V03": lambda s: [(rasio(50.0, 50.0, s=s), []), (rasio(51.0, 50.0, s=s), [("V03", f"pembilang_{s}")])],
    "V04": lambda s: [  # the stated % within half a point of the ratio
        (rasio(25.0, 50.0, 50.5, s=s), []), (rasio(25.0, 50.0, 49.5, s=s), []),
        (rasio(25.0, 50.0, 50.6, s=s), [("V04", f"capaian_{s}")]), (rasio(25.0, 50.0, 49.4, s=s), [("V04", f"capaian_{s}")]),
        (rasio(1.0, 1.0, 99.0, s=s), [("V04", f"capaian_{s}")]),  # 1/1 is 100 %
        (rasio(1.0, 0.0, 50.0, s=s), [("V03", f"pembilang_{s}")]),  # no ratio without a penyebut
        (row(**{f"pembilang_{s}": 1.0, f"penyebut_{s}": 2.0, f"capaian_{s}": 7.0}), []),  # only ratio rows compare
    ],
    "V07": lambda s: [  # more than three times the target
        (row(target=10.0, **{f"capaian_{s}": 30.0}), []), (row(target=10.0, **{f"capaian_{s}": 30.5}), [("V07", f"capaian_{s}")]),
        (row(target=1.0, **{f"capaian_{s}": 3.5}), [("V07", f"capaian_{s}")]),
    ],
    "V08": lambda s: [  # a positive capaian against target 0 (not also V07)
        (row(target=0.0, **{f"capaian_{s}": 0.0}), []), (row(target=0.0, **{f"capaian_{s}": 0.5}), [("V08", f"capaian_{s}")]),
        (row(target=1.0, **{f"capaian_{s}": 0.5}), []),
    ],
    "V09": lambda s: [  # a ratio's % needs its pembilang and penyebut
        (rasio(NAN, 50.0, 50.0, s=s), [("V09", f"capaian_{s}")]), (rasio(25.0, NAN, 50.0, s=s), [("V09", f"capaian_{s}")]),
        (rasio(NAN, NAN, NAN, s=s), []),  # nothing typed: completeness, not V09
        (row(**{f"capaian_{s}": 5.0}), []),  # a count has no pembilang/penyebut
    ],
}  # fmt: skip


@pytest.mark.parametrize("code", SEMESTER_CASES)
def test_each_semester_rule_on_both_sides_of_its_threshold(code):
    check(*SEMESTER_CASES[code](1), *SEMESTER_CASES[code](2))


def test_v06_a_cumulative_indicator_never_decreases():
    check((row(kumulatif=True, capaian_1=10.0, capaian_2=10.0), []),
          (row(kumulatif=True, capaian_1=10.0, capaian_2=9.5), [("V06", "capaian_2")]),
          (row(kumulatif=False, capaian_1=10.0, capaian_2=9.5), []))  # fmt: skip


def test_v12_a_count_is_whole_a_percentage_need_not_be():
    cases = []
    for s in (1, 2):
        cap, num, den = f"capaian_{s}", f"pembilang_{s}", f"penyebut_{s}"
        cases += [
            (row(**{cap: 1234.0}), []), (row(**{cap: 1234.5}), [("V12", cap)]), (row(**{cap: 0.001}), [("V12", cap)]),
            (row(**{cap: 12.000000000001}), []), (row(**{cap: 11.999999999999}), []), (row(**{cap: 1e7 + 0.5}), [("V12", cap)]),
            (row(**{cap: 2.9999999}), [("V12", cap)]),
            (row(persentase=True, **{cap: 66.5}), []),  # a percentage typed in a count row's place (S3.Pc.K4.a)
            (row("status", **{cap: 0.5}), []),  # not an angka row: its capaian is computed
            (rasio(10.0, 20.0, 50.0, s=s), []), (rasio(10.5, 20.0, 52.5, s=s), [("V12", num)]),
            (rasio(10.0, 20.5, 48.8, s=s), [("V12", den)]),
            (row(**{num: 0.5, den: 1.5}), []),  # pembilang/penyebut of a count row are V10's (grey cells)
        ]
    check(*cases, (row(target=2.5), []), (row(capaian_1=-1.5), [("V01", "capaian_1"), ("V12", "capaian_1")]), ignore=())


def test_v13_belum_tersedia_with_both_semesters_filled():
    check((row(belum_tersedia=True), []), (row(belum_tersedia=True, capaian_1=5.0), []),  # Sem II not yet available
          (row(belum_tersedia=True, capaian_2=5.0), []), (row(belum_tersedia=True, capaian_1=0.0, capaian_2=5.0), [("V13", "keterangan")]),
          (rasio(1.0, 2.0, belum_tersedia=True, pembilang_2=1.0), [("V13", "keterangan")]),
          (rasio(NAN, 2.0, belum_tersedia=True, penyebut_2=1.0), [("V13", "keterangan")]),
          (row("status", belum_tersedia=True, status_1="ya", status_2="tidak"), [("V13", "keterangan")]),
          (row(capaian_1=1.0, capaian_2=2.0), []))  # fmt: skip


def test_v11_capaian_up_to_the_bound_of_its_satuan():
    cases = []
    for satuan in [*schemas.MAX_PER_SATUAN, "orang (tidak terdaftar)"]:
        limit = bound(satuan, persentase=False)
        assert limit == schemas.MAX_PER_SATUAN.get(satuan, MAX_ORANG)
        cases += [(row(batas=limit, capaian_1=limit, capaian_2=limit), []), (row(batas=limit, capaian_2=limit + 1), [("V11", "capaian_2")])]
    check(*cases, (row(persentase=True, batas=NAN, capaian_1=100.0), []))  # a percentage has no V11 bound


def test_v11_bounds_per_satuan():
    assert schemas.MAX_PER_SATUAN == {
        "Pasangan": 1e8, "KUMKM": 1e8, "Usaha Mikro": 1e8, "Nelayan": 1e7, "Ekor": 1e10, "Lembaga (PKK dan posyandu)": 1e6,
        "Desa/Kelurahan": 1e5, "Kampung Keluarga Berkualitas": 1e5, "Kabupaten/Kota": 600, "Provinsi": 40,
    }  # fmt: skip
    assert MAX_ORANG == 3e8 and math.isnan(bound("Persentase", persentase=True))


def test_v11_pembilang_and_penyebut_up_to_the_population():
    keys = ["pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2"]
    check(*((row(**{key: MAX_ORANG}), []) for key in keys), *((row(**{key: MAX_ORANG + 1}), [("V11", key)]) for key in keys),
          (row(target=MAX_ORANG + 1), []))  # a target is not a count of people  # fmt: skip


def test_failures_are_ordered_by_row_then_code_then_column():
    rows = [row(), row(target=-1.0, persentase=True, capaian_1=101.0), rasio(MAX_ORANG + 2, MAX_ORANG + 1)]
    assert found(*rows) == [
        ("V01", "target", 1), ("V02", "capaian_1", 1),
        ("V03", "pembilang_1", 2), ("V11", "pembilang_1", 2), ("V11", "penyebut_1", 2),
    ]  # fmt: skip


def test_a_frame_that_breaks_the_schema_is_an_internal_error_not_a_finding():
    broken = frame(row(capaian_1=5.0)).astype({"capaian_1": object})
    broken.loc[0, "capaian_1"] = "lima"
    with pytest.raises(RuntimeError, match="pemeriksaan skema gagal"):
        failures(VALUES, broken)


def identity(**over) -> dict:
    return {"kode_dikenal": True, "tingkat_sesuai": True, "nama_sesuai": True, "tahun_wajar": True, "opd": "Pemerintah Desa",
            "petugas_ada": True, "tanggal_sah": True, "tanggal_dalam_tahun": True, "tanggal_sudah_lewat": True, **over}  # fmt: skip


def identity_found(*rows: dict) -> list[tuple[str, str, int]]:
    return failures(IDENTITY, pd.DataFrame(list(rows), columns=list(IDENTITY.columns)))


@pytest.mark.parametrize(
    ("column", "code", "key"),
    [("kode_dikenal", "I01", "kode_wilayah"), ("tingkat_sesuai", "I02", "kode_wilayah"), ("nama_sesuai", "I03", "nama"),
     ("tahun_wajar", "I04", "tahun"), ("petugas_ada", "I06", "petugas"), ("tanggal_sah", "I09", "tanggal"),
     ("tanggal_dalam_tahun", "I10", "tanggal"), ("tanggal_sudah_lewat", "I11", "tanggal")],
)  # fmt: skip
def test_each_identity_flag_is_its_own_rule(column, code, key):
    assert identity_found(identity(), identity(**{column: False})) == [(code, key, 1)]


def test_i04_the_year_window_from_2022_to_next_year():
    today = date(2026, 11, 29)
    assert [dated.tahun_wajar(y, today) for y in (2022, 2027, 2022.0, 2027.0)] == [True] * 4
    assert [dated.tahun_wajar(y, today) for y in (2021, 2028, 2021.9, float("nan"), "2024", None, True)] == [False] * 7
    assert dated.FIRST_YEAR == 2022


def test_i05_the_opd_must_be_named():
    assert identity_found(identity(opd="X")) == []
    assert identity_found(identity(opd="")) == [("I05", "opd", 0)]
