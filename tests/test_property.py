"""Random cell values through read -> validate -> consolidate -> every writer: nothing escapes, nothing leaks.

For each example, a few desa submissions of one kecamatan get random values (numbers of any size,
NaN/inf, text with control characters, formula-looking text, dates, statuses) in random input cells.
"""

from __future__ import annotations

import math
import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kkb_excel.catalogue import load_catalogue
from kkb_excel.consolidate.model import RunConfig
from kkb_excel.consolidate.run import consolidate
from kkb_excel.output import laporan
from kkb_excel.output import rollup_workbook as rollup_writer
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.synthetic import plausible_values
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.validators.run import validate_submissions

DESA = ("33.74.01.1001", "33.74.01.1002", "33.74.01.1003")
CATALOGUE = load_catalogue()
TARGETS = CATALOGUE.targets("desa")
BLUEPRINT = Blueprint.build("desa", 2024, TARGETS, CATALOGUE)
BASE = plausible_values(CATALOGUE, "desa", random.Random(3), TARGETS)
INPUT_CELLS = sorted(BASE)

values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(["1e308", "-0", "1.234", "55%", ",5", "ya", "TIDAK", " ", "=1+1", "+62 812", "#N/A", "Belum tersedia", "_x000B_"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
)
edits = st.dictionaries(st.sampled_from(INPUT_CELLS), values, max_size=6)


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(edits, min_size=len(DESA), max_size=len(DESA)))
def test_random_values_never_escape_and_errors_never_reach_a_rollup(tmp_path_factory, per_file):
    folder = tmp_path_factory.mktemp("acak")
    for kode, cells in zip(DESA, per_file, strict=True):
        [unit] = plan_units([kode], None, 2024)
        (folder / unit.filename).write_bytes(BLUEPRINT.render(unit.identity, TARGETS, {**BASE, **cells}))
    files = discover([str(folder)])
    submissions = read_all(files)
    report = validate_submissions(submissions)
    out = tmp_path_factory.mktemp("hasil")
    laporan.write_xlsx(report, out / "laporan.xlsx")
    laporan.write_json(report, out / "laporan.json")
    laporan.write_annotated(report, {f.berkas: f.path for f in files}, out / "koreksi")
    assert all(f.aturan != "X01" for f in report.findings), [f.pesan for f in report.findings if f.aturan == "X01"]

    rollup = consolidate(submissions, report, RunConfig("kecamatan", 2024, "33.74.01"), {f.berkas: f.path for f in files})
    rollup_writer.write_xlsx(rollup, out / "rekap.xlsx")
    rollup_writer.write_csv(rollup, out / "rekap.csv")
    rollup_writer.write_parquet(rollup, out / "rekap.parquet")

    assert sorted(m.berkas for m in rollup.manifest) == sorted(f.berkas for f in files)  # every file once
    rejected = {r.kode_wilayah for r in report.files if r.status == "ditolak"}
    assert {m.kode_wilayah for m in rollup.manifest if m.status == "ditolak"} == rejected
    assert not rejected & set(rollup.partials.get("desa", {}))  # a rejected file gives no number
    for record in rollup_writer.records(rollup):
        for key, value in record.items():
            assert not (isinstance(value, float) and not math.isfinite(value)), (key, record)
