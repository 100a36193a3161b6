"""Declarative value and identity rules (pandera), run once over all rows of all submissions.

Every check is a custom pandera Check identified by its `name`; CHECK_RULE maps that name to the rule
code and the column key the finding points at. Checks pass on empty values: completeness is its own
rule (K01).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from kkb_excel.keys import NUMBER_KEYS, SEMESTERS, STATUS_KEYS

TOLERANCE_PP = 0.5  # stated % vs pembilang/penyebut, in percentage points
TARGET_MULTIPLE = 3  # V07: capaian above this many times the target is suspicious
MAX_ORANG = 3e8  # pembilang/penyebut count people (or households, units): more than Indonesia's population is a typo
MAX_PER_SATUAN = {  # V11: largest plausible national count per satuan of a count indicator
    "Pasangan": 1e8, "KUMKM": 1e8, "Usaha Mikro": 1e8, "Nelayan": 1e7, "Ekor": 1e10,
    "Lembaga (PKK dan posyandu)": 1e6, "Desa/Kelurahan": 1e5, "Kampung Keluarga Berkualitas": 1e5,
    "Kabupaten/Kota": 600, "Provinsi": 40,
}  # fmt: skip
CHECK_RULE: dict[str, tuple[str, str]] = {}  # check name -> (rule code, column key)


def bound(satuan: str, persentase: bool) -> float:
    """V11's upper bound for the capaian of an indicator (percentages are V02's business)."""
    return float("nan") if persentase else MAX_PER_SATUAN.get(satuan, MAX_ORANG)


def _check(fn, code: str, key: str, **kwargs) -> pa.Check:
    name = f"{code}_{key}"
    CHECK_RULE[name] = (code, key)
    return pa.Check(fn, name=name, **kwargs)


def _row_check(failing, code: str, key: str) -> pa.Check:
    """A frame-wide check that fails where `failing(frame)` is True (NaN comparisons pass)."""
    return _check(lambda d: ~failing(d), code, key)


def _per_semester(failing, code: str, key: str) -> list[pa.Check]:
    return [_row_check(lambda d, s=s: failing(d, s), code, f"{key}_{s}") for s in SEMESTERS]


def _percent_above_100(d: pd.DataFrame, s: int) -> pd.Series:
    return d["persentase"] & (d[f"capaian_{s}"] > 100)


def _pembilang_above_penyebut(d: pd.DataFrame, s: int) -> pd.Series:
    return d[f"pembilang_{s}"] > d[f"penyebut_{s}"]


def _percent_disagrees(d: pd.DataFrame, s: int) -> pd.Series:
    ratio = d[f"pembilang_{s}"] / d[f"penyebut_{s}"].where(d[f"penyebut_{s}"] > 0) * 100
    return (d["cara_isi"] == "rasio") & ((d[f"capaian_{s}"] - ratio).abs() > TOLERANCE_PP)


def _above_target_multiple(d: pd.DataFrame, s: int) -> pd.Series:
    return (d["target"] > 0) & (d[f"capaian_{s}"] > TARGET_MULTIPLE * d["target"])


def _target_zero_capaian_positive(d: pd.DataFrame, s: int) -> pd.Series:
    return (d["target"] == 0) & (d[f"capaian_{s}"] > 0)


def _breakdown_missing(d: pd.DataFrame, s: int) -> pd.Series:
    missing = d[f"pembilang_{s}"].isna() | d[f"penyebut_{s}"].isna()
    return (d["cara_isi"] == "rasio") & d[f"capaian_{s}"].notna() & missing


def _implausible_capaian(d: pd.DataFrame, s: int) -> pd.Series:
    return d[f"capaian_{s}"] > d["batas"]


def _fraction(column: pd.Series) -> pd.Series:
    """A value off a whole number by more than float noise (12.000000000001 from a formula is 12); NaN is none."""
    return (column - column.round()).abs().gt(1e-9 * column.abs().clip(lower=1))


def _count_fraction(d: pd.DataFrame, s: int) -> pd.Series:
    return (d["cara_isi"] == "angka") & ~d["persentase"] & _fraction(d[f"capaian_{s}"])


def _ratio_fraction(key: str):
    return lambda d, s: (d["cara_isi"] == "rasio") & _fraction(d[f"{key}_{s}"])


def _semester_filled(d: pd.DataFrame, s: int) -> pd.Series:
    return d[[f"capaian_{s}", f"pembilang_{s}", f"penyebut_{s}", f"status_{s}"]].notna().any(axis=1)


def _belum_tersedia_but_filled(d: pd.DataFrame) -> pd.Series:
    """'Belum tersedia' said of a row whose every semester holds a value: nothing is left unavailable."""
    return d["belum_tersedia"] & _semester_filled(d, 1) & _semester_filled(d, 2)


def _cumulative_decrease(d: pd.DataFrame) -> pd.Series:
    return d["kumulatif"] & (d["capaian_2"] < d["capaian_1"])


VALUES = pa.DataFrameSchema(
    {
        **{c: pa.Column(float, _check(lambda v: v >= 0, "V01", c), nullable=True) for c in NUMBER_KEYS},
        **{c: pa.Column(object, _check(lambda v: v.isin(["ya", "tidak"]), "V05", c), nullable=True) for c in STATUS_KEYS},
    },
    checks=[
        *_per_semester(_percent_above_100, "V02", "capaian"),
        *_per_semester(_pembilang_above_penyebut, "V03", "pembilang"),
        *_per_semester(_percent_disagrees, "V04", "capaian"),
        _row_check(_cumulative_decrease, "V06", "capaian_2"),
        *_per_semester(_above_target_multiple, "V07", "capaian"),
        *_per_semester(_target_zero_capaian_positive, "V08", "capaian"),
        *_per_semester(_breakdown_missing, "V09", "capaian"),
        *_per_semester(_implausible_capaian, "V11", "capaian"),
        *(_row_check(lambda d, k=k: d[k] > MAX_ORANG, "V11", k) for k in NUMBER_KEYS if k.startswith(("pembilang", "penyebut"))),
        *_per_semester(_count_fraction, "V12", "capaian"),
        *(check for key in ("pembilang", "penyebut") for check in _per_semester(_ratio_fraction(key), "V12", key)),
        _row_check(_belum_tersedia_but_filled, "V13", "keterangan"),
    ],
    name="nilai daftar tilik",
)


def _true(column: pd.Series) -> pd.Series:
    return column.astype(bool)


IDENTITY = pa.DataFrameSchema(
    {
        "kode_dikenal": pa.Column(bool, _check(_true, "I01", "kode_wilayah")),
        "tingkat_sesuai": pa.Column(bool, _check(_true, "I02", "kode_wilayah")),
        "nama_sesuai": pa.Column(bool, _check(_true, "I03", "nama")),
        "tahun_wajar": pa.Column(bool, _check(_true, "I04", "tahun")),
        "opd": pa.Column(str, _check(lambda v: v.str.len() > 0, "I05", "opd")),
        "petugas_ada": pa.Column(bool, _check(_true, "I06", "petugas")),
        "tanggal_sah": pa.Column(bool, _check(_true, "I09", "tanggal")),
        "tanggal_dalam_tahun": pa.Column(bool, _check(_true, "I10", "tanggal")),
        "tanggal_sudah_lewat": pa.Column(bool, _check(_true, "I11", "tanggal")),
    },
    name="identitas daftar tilik",
)


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(rule code, column key, frame index) for every failed check, each once, by row then code."""
    if frame.empty:
        return []
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        unknown = set(cases["check"]) - set(CHECK_RULE)
        if unknown:  # a dtype or missing-column failure: a bug in the frame, not in the submission
            raise RuntimeError(f"pemeriksaan skema gagal: {sorted(map(str, unknown))}") from exc
        found = {(*CHECK_RULE[c], int(i)) for c, i in zip(cases["check"], cases["index"], strict=True)}
        return sorted(found, key=lambda f: (f[2], f[0], f[1]))
    return []
