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
from kkb_excel.validators import schemas
from kkb_excel.validators.schemas import IDENTITY, MAX_ORANG, VALUES, bound, failures

NAN = float("nan")
COLUMNS = ["cara_isi", "persentase", "kumulatif", "batas", *CHECKED_KEYS]
DTYPES = {"persentase": bool, "kumulatif": bool, "batas": float, **dict.fromkeys(NUMBER_KEYS, float)}


def row(cara_isi="angka", persentase=False, kumulatif=False, batas=1e8, **values) -> dict:
    return {"cara_isi": cara_isi, "persentase": persentase, "kumulatif": kumulatif, "batas": batas,
            **dict.fromkeys(NUMBER_KEYS, NAN), **dict.fromkeys(("status_1", "status_2")), **values}  # fmt: skip


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(np.array([r[c] for r in rows], dtype=DTYPES.get(c, object)), dtype=DTYPES.get(c, object))
                         for c in COLUMNS})  # fmt: skip


def found(*rows: dict) -> list[tuple[str, str, int]]:
    return failures(VALUES, frame(*rows))


def rasio(num, den, capaian=NAN, s=1, **kw) -> dict:
    return row("rasio", True, **{f"pembilang_{s}": num, f"penyebut_{s}": den, f"capaian_{s}": capaian}, **kw)


def test_a_clean_row_and_empty_values_pass():
    assert found(row(capaian_1=5.0, capaian_2=6.0, target=10.0), row(), rasio(25.0, 50.0, 50.0), row("status", status_1="ya")) == []
    assert failures(VALUES, frame(row()).iloc[0:0]) == []


@pytest.mark.parametrize("key", NUMBER_KEYS)
def test_v01_zero_passes_a_negative_number_fails(key):
    assert found(row(**{key: 0.0})) == []
    assert found(row(**{key: -0.5})) == [("V01", key, 0)]


@pytest.mark.parametrize("key", ["status_1", "status_2"])
def test_v05_only_ya_or_tidak(key):
    assert found(row("status", **{key: "tidak"})) == [] and found(row("status", **{key: "ya"})) == []
    assert found(row("status", **{key: "Ya "})) == [("V05", key, 0)]


@pytest.mark.parametrize("s", [1, 2])
def test_v02_a_percentage_up_to_100(s):
    assert found(row(persentase=True, **{f"capaian_{s}": 100.0})) == []
    assert found(row(persentase=True, **{f"capaian_{s}": 100.5})) == [("V02", f"capaian_{s}", 0)]
    assert found(row(persentase=False, **{f"capaian_{s}": 100.5})) == []  # a count may exceed 100


@pytest.mark.parametrize("s", [1, 2])
def test_v03_pembilang_up_to_penyebut(s):
    assert found(rasio(50.0, 50.0, s=s)) == []
    assert found(rasio(51.0, 50.0, s=s)) == [("V03", f"pembilang_{s}", 0)]


@pytest.mark.parametrize("s", [1, 2])
def test_v04_stated_percentage_within_half_a_point_of_the_ratio(s):
    assert found(rasio(25.0, 50.0, 50.5, s=s), rasio(25.0, 50.0, 49.5, s=s)) == []
    assert found(rasio(25.0, 50.0, 50.6, s=s)) == [("V04", f"capaian_{s}", 0)]
    assert found(rasio(25.0, 50.0, 49.4, s=s)) == [("V04", f"capaian_{s}", 0)]
    assert found(rasio(1.0, 1.0, 99.0, s=s)) == [("V04", f"capaian_{s}", 0)]  # 1/1 is 100 %
    assert found(rasio(1.0, 0.0, 50.0, s=s)) == [("V03", f"pembilang_{s}", 0)]  # no ratio without a penyebut
    count = row(**{f"pembilang_{s}": 1.0, f"penyebut_{s}": 2.0, f"capaian_{s}": 7.0})
    assert ("V04", f"capaian_{s}", 0) not in found(count)  # only ratio rows compare


def test_v06_a_cumulative_indicator_never_decreases():
    assert found(row(kumulatif=True, capaian_1=10.0, capaian_2=10.0)) == []
    assert found(row(kumulatif=True, capaian_1=10.0, capaian_2=9.5)) == [("V06", "capaian_2", 0)]
    assert found(row(kumulatif=False, capaian_1=10.0, capaian_2=9.5)) == []


@pytest.mark.parametrize("s", [1, 2])
def test_v07_more_than_three_times_the_target(s):
    assert found(row(target=10.0, **{f"capaian_{s}": 30.0})) == []
    assert found(row(target=10.0, **{f"capaian_{s}": 30.5})) == [("V07", f"capaian_{s}", 0)]
    assert found(row(target=1.0, **{f"capaian_{s}": 3.5})) == [("V07", f"capaian_{s}", 0)]


@pytest.mark.parametrize("s", [1, 2])
def test_v08_a_positive_capaian_against_target_zero(s):
    assert found(row(target=0.0, **{f"capaian_{s}": 0.0})) == []
    assert found(row(target=0.0, **{f"capaian_{s}": 0.5})) == [("V08", f"capaian_{s}", 0)]  # not also V07
    assert found(row(target=1.0, **{f"capaian_{s}": 0.5})) == []


@pytest.mark.parametrize("s", [1, 2])
def test_v09_a_ratio_percentage_needs_its_pembilang_and_penyebut(s):
    assert found(rasio(NAN, 50.0, 50.0, s=s)) == [("V09", f"capaian_{s}", 0)]
    assert found(rasio(25.0, NAN, 50.0, s=s)) == [("V09", f"capaian_{s}", 0)]
    assert found(rasio(NAN, NAN, NAN, s=s)) == []  # nothing typed: completeness, not V09
    assert found(row(**{f"capaian_{s}": 5.0})) == []  # a count has no pembilang/penyebut


@pytest.mark.parametrize("satuan", [*schemas.MAX_PER_SATUAN, "orang (tidak terdaftar)"])
def test_v11_capaian_up_to_the_bound_of_its_satuan(satuan):
    limit = bound(satuan, persentase=False)
    assert limit == schemas.MAX_PER_SATUAN.get(satuan, MAX_ORANG)
    assert found(row(batas=limit, capaian_1=limit, capaian_2=limit)) == []
    assert found(row(batas=limit, capaian_2=limit + 1)) == [("V11", "capaian_2", 0)]


def test_v11_bounds_per_satuan():
    assert schemas.MAX_PER_SATUAN == {
        "Pasangan": 1e8, "KUMKM": 1e8, "Usaha Mikro": 1e8, "Nelayan": 1e7, "Ekor": 1e10, "Lembaga (PKK dan posyandu)": 1e6,
        "Desa/Kelurahan": 1e5, "Kampung Keluarga Berkualitas": 1e5, "Kabupaten/Kota": 600, "Provinsi": 40,
    }  # fmt: skip
    assert MAX_ORANG == 3e8 and math.isnan(bound("Persentase", persentase=True))
    assert found(row(persentase=True, batas=NAN, capaian_1=100.0)) == []  # a percentage has no V11 bound


@pytest.mark.parametrize("key", ["pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2"])
def test_v11_pembilang_and_penyebut_up_to_the_population(key):
    assert ("V11", key, 0) not in found(row("rasio", True, **{key: MAX_ORANG}))
    assert ("V11", key, 0) in found(row("rasio", True, **{key: MAX_ORANG + 1}))
    assert found(row(target=MAX_ORANG + 1)) == []  # a target is not a count of people


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
    return {"kode_dikenal": True, "tingkat_sesuai": True, "nama_sesuai": True, "tahun": 2024.0, "opd": "Pemerintah Desa",
            "petugas_ada": True, "tanggal_sah": True, "tanggal_dalam_tahun": True, "tanggal_sudah_lewat": True, **over}  # fmt: skip


def identity_found(*rows: dict) -> list[tuple[str, str, int]]:
    return failures(IDENTITY, pd.DataFrame(list(rows), columns=list(IDENTITY.columns)))


@pytest.mark.parametrize(
    ("column", "code", "key"),
    [("kode_dikenal", "I01", "kode_wilayah"), ("tingkat_sesuai", "I02", "kode_wilayah"), ("nama_sesuai", "I03", "nama"),
     ("petugas_ada", "I06", "petugas"), ("tanggal_sah", "I09", "tanggal"), ("tanggal_dalam_tahun", "I10", "tanggal"),
     ("tanggal_sudah_lewat", "I11", "tanggal")],
)  # fmt: skip
def test_each_identity_flag_is_its_own_rule(column, code, key):
    assert identity_found(identity(), identity(**{column: False})) == [(code, key, 1)]


def test_i04_the_year_window_from_2022_to_next_year():
    next_year = date.today().year + 1
    assert identity_found(*(identity(tahun=float(y)) for y in (2022, next_year))) == []
    assert identity_found(identity(tahun=2021.0), identity(tahun=float(next_year + 1))) == [("I04", "tahun", 0), ("I04", "tahun", 1)]
    assert schemas.FIRST_YEAR == 2022


def test_i05_the_opd_must_be_named():
    assert identity_found(identity(opd="X")) == []
    assert identity_found(identity(opd="")) == [("I05", "opd", 0)]
