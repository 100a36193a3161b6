"""Declarative value and identity rules (pandera), run once over all rows of all submissions.

Every check's `error` is "<rule code>|<column key>"; the failure table is turned into cell-addressed
findings by kkb_excel.validate. Checks pass on empty values: completeness is its own rule (K01).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa

TOLERANCE_PP = 0.5  # stated % vs pembilang/penyebut, in percentage points
SEMESTERS = (1, 2)
NUMBER_COLUMNS = ("target", "capaian_1", "capaian_2", "pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2")


def _per_semester(check, code: str, key: str) -> list[pa.Check]:
    return [pa.Check(lambda d, s=s: ~check(d, s).fillna(False), error=f"{code}|{key}_{s}") for s in SEMESTERS]


def _percent_above_100(d: pd.DataFrame, s: int) -> pd.Series:
    return d["persentase"] & (d[f"capaian_{s}"] > 100)


def _pembilang_above_penyebut(d: pd.DataFrame, s: int) -> pd.Series:
    return d[f"pembilang_{s}"] > d[f"penyebut_{s}"]


def _percent_disagrees(d: pd.DataFrame, s: int) -> pd.Series:
    ratio = d[f"pembilang_{s}"] / d[f"penyebut_{s}"].where(d[f"penyebut_{s}"] > 0) * 100
    return (d["cara_isi"] == "rasio") & ((d[f"capaian_{s}"] - ratio).abs() > TOLERANCE_PP)


def _above_three_targets(d: pd.DataFrame, s: int) -> pd.Series:
    return (d["target"] > 0) & (d[f"capaian_{s}"] > 3 * d["target"])


def _target_zero_capaian_positive(d: pd.DataFrame, s: int) -> pd.Series:
    return (d["target"] == 0) & (d[f"capaian_{s}"] > 0)


def _breakdown_missing(d: pd.DataFrame, s: int) -> pd.Series:
    missing = d[f"pembilang_{s}"].isna() | d[f"penyebut_{s}"].isna()
    return (d["cara_isi"] == "rasio") & d[f"capaian_{s}"].notna() & missing


def _cumulative_decrease(d: pd.DataFrame) -> pd.Series:
    return ~(d["kumulatif"] & (d["capaian_2"] < d["capaian_1"])).fillna(False)


VALUES = pa.DataFrameSchema(
    {
        **{c: pa.Column(float, pa.Check.ge(0, error=f"V01|{c}"), nullable=True) for c in NUMBER_COLUMNS},
        **{f"status_{s}": pa.Column(object, pa.Check.isin(["ya", "tidak"], error=f"V05|status_{s}"), nullable=True)
           for s in SEMESTERS},  # fmt: skip
    },
    checks=[
        *_per_semester(_percent_above_100, "V02", "capaian"),
        *_per_semester(_pembilang_above_penyebut, "V03", "pembilang"),
        *_per_semester(_percent_disagrees, "V04", "capaian"),
        pa.Check(_cumulative_decrease, error="V06|capaian_2"),
        *_per_semester(_above_three_targets, "V07", "capaian"),
        *_per_semester(_target_zero_capaian_positive, "V08", "capaian"),
        *_per_semester(_breakdown_missing, "V09", "capaian"),
    ],
    name="nilai daftar tilik",
)

IDENTITY = pa.DataFrameSchema(
    {
        "kode_dikenal": pa.Column(bool, pa.Check.eq(True, error="I01|kode_wilayah")),
        "tingkat_sesuai": pa.Column(bool, pa.Check.eq(True, error="I02|kode_wilayah")),
        "nama_sesuai": pa.Column(bool, pa.Check.eq(True, error="I03|nama")),
        "tahun": pa.Column(float, pa.Check.in_range(2022, date.today().year + 1, error="I04|tahun")),
        "opd": pa.Column(str, pa.Check.str_length(min_value=1, error="I05|opd")),
        "petugas_tanggal_ada": pa.Column(bool, pa.Check.eq(True, error="I06|petugas")),
    },
    name="identitas daftar tilik",
)


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(rule code, column key, frame index) for every failed check, each once."""
    if frame.empty:
        return []
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        keys = cases["check"].astype(str).str.split("|", n=1, expand=True)
        found = set(zip(keys[0], keys[1], cases["index"].astype(int), strict=True))
        return sorted(found, key=lambda f: (f[2], f[0], f[1]))
    return []
