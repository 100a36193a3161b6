"""One definition everywhere: each KKB_* function equals the rollup engine and the template formula
on the same inputs (ratio of sums, kategori, % capaian recalculated by LibreOffice)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libreoffice import recalculate, soffice
from openpyxl import load_workbook

from kkb_excel import udfs
from kkb_excel.capaian import excel_round
from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.model import RunConfig
from kkb_excel.consolidate.run import consolidate_paths
from kkb_excel.output.rollup_workbook import records
from kkb_excel.synthetic import write_synthetic
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, SHEET_MAIN


def cell(value):
    return None if value == "" else value


def rounded(value, decimals):
    return None if value is None else excel_round(value, decimals)


# One desa's inputs for a rasio indicator: a full pair, half a pair, only the %, or nothing.
DESA = st.one_of(
    st.tuples(st.integers(0, 500), st.integers(0, 500)).map(lambda p: {"pembilang_1": min(p), "penyebut_1": max(p)}),
    st.integers(0, 50).map(lambda n: {"pembilang_1": n}),
    st.integers(1, 50).map(lambda n: {"penyebut_1": n}),
    st.floats(0, 100).map(lambda p: {"capaian_1": p}),
    st.just({}),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(DESA, min_size=1, max_size=8), min_size=1, max_size=4))
def test_rasio_equals_the_consolidation_ratio_of_sums(catalogue, kecamatan):
    """KKB_RASIO over the desa columns = aggregate.value of the combined partials (the unrounded ratio of
    sums), rounded the same way, per kecamatan and above."""
    ind = next(i for i in catalogue.active if i.agregasi == "rasio")
    kec_parts, all_rows = [], []
    for k, desa in enumerate(kecamatan):
        leaves = [(f"{k:02d}.{d:04d}", aggregate.leaf(ind, inputs.get)) for d, inputs in enumerate(desa)]
        part = aggregate.combine(ind, leaves)
        kec_parts.append((f"{k:02d}", part))
        rows = [[inputs.get("pembilang_1"), inputs.get("penyebut_1")] for inputs in desa]
        all_rows += rows
        expected = aggregate.value(ind, part, 1)
        for decimals in (2, 4, 10):
            got = udfs.KKB_RASIO([[r[0]] for r in rows], [[r[1]] for r in rows], decimals)
            assert cell(got) == rounded(expected, decimals)
        assert (aggregate.FLAG_ONLY_PERCENT in part.flags) == any(set(i) == {"capaian_1"} for i in desa)
    top = aggregate.value(ind, aggregate.combine(ind, kec_parts), 1)
    assert cell(udfs.KKB_RASIO([[r[0]] for r in all_rows], [[r[1]] for r in all_rows], 10)) == rounded(top, 10)


@pytest.fixture(scope="module")
def kota(tmp_path_factory):
    """A real consolidation of synthetic desa workbooks of two kecamatan of Kota Semarang."""
    folder = tmp_path_factory.mktemp("parity")
    write_synthetic(plan_units(["33.74.01", "33.74.02"], "desa", 2024), 2024, folder, seed=11, defect_rate=0)
    return consolidate_paths([str(folder)], RunConfig("kabupaten", 2024, "33.74"))


def test_functions_equal_the_rollup(kota, catalogue):
    recs = records(kota)
    by_ind = {i.kode: i for i in catalogue.active}
    checked = {"capaian": 0, "rasio": 0}
    for r in recs:
        for s in (1, 2):
            persen = cell(udfs.KKB_CAPAIAN(r[f"capaian_{s}"], r["target"], r["polaritas"]))
            assert persen == r[f"persen_{s}"], (r["kode_wilayah"], r["kode_indikator"], s)
            assert cell(udfs.KKB_KATEGORI(r[f"persen_{s}"])) == r[f"kategori_{s}"]
            checked["capaian"] += persen is not None
        if r["tingkat"] == "desa":
            continue
        assert cell(udfs.KKB_TARGET(r["kode_indikator"], r["kode_wilayah"])) == r["target"]
        if by_ind[r["kode_indikator"]].agregasi == "rasio":
            below = [d for d in recs if d["tingkat"] == "desa" and d["kode_indikator"] == r["kode_indikator"]
                     and d["kode_wilayah"].startswith(r["kode_wilayah"] + ".")]  # fmt: skip
            for s in (1, 2):
                nums = [[d[f"pembilang_{s}"]] for d in below]
                dens = [[d[f"penyebut_{s}"]] for d in below]
                got = udfs.KKB_RASIO(nums, dens, 10)
                assert cell(got) == rounded(r[f"capaian_{s}"], 10), (r["kode_wilayah"], r["kode_indikator"])
                checked["rasio"] += 1
    assert checked["capaian"] > 500 and checked["rasio"] > 50, checked


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_kkb_capaian_equals_the_template_formula_in_libreoffice(desa_workbook, catalogue, tmp_path):
    """Random targets, capaian and (for ratio rows) pembilang/penyebut in every non-status row of a real
    daftar tilik, recalculated by LibreOffice: % capaian = KKB_CAPAIAN, the ratio cell = KKB_RASIO."""
    rng = random.Random(2024)
    wb = load_workbook(desa_workbook)
    ws = wb[SHEET_MAIN]
    ws["U1"] = "=1+1"
    rows = []
    for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW):
        if ind.cara_isi == "status":
            continue
        target = rng.choice([None, 0, round(rng.uniform(0.5, 500), rng.randint(0, 3))])
        ws[f"{COL['target']}{row}"] = target
        for s in (1, 2):
            if ind.cara_isi == "rasio" and ind.tingkat_pengamatan == "desa":  # the capaian cell is a formula
                den = rng.choice([None, 0, rng.randint(1, 400)])
                num = rng.choice([None, rng.randint(0, den or 5)])
                ws[f"{COL[f'pembilang_{s}']}{row}"], ws[f"{COL[f'penyebut_{s}']}{row}"] = num, den
            else:
                ws[f"{COL[f'capaian_{s}']}{row}"] = rng.choice([None, 0, round(rng.uniform(0, 2.5 * (target or 10)), rng.randint(0, 3))])
        rows.append((row, ind))
    path = tmp_path / "acak.xlsx"
    wb.save(path)
    [done] = recalculate([path], tmp_path)
    got = load_workbook(done, data_only=True)[SHEET_MAIN]
    assert got["U1"].value == 2, "LibreOffice did not recalculate"
    compared = ratios = 0
    for row, ind in rows:
        target = got[f"{COL['target']}{row}"].value
        for s in (1, 2):
            value = got[f"{COL[f'capaian_{s}']}{row}"].value
            expected = got[f"{COL[f'persen_{s}']}{row}"].value
            assert cell(udfs.KKB_CAPAIAN(value, target, ind.polaritas)) == cell(expected), (ind.kode, target, value)
            if target is not None:  # an empty target means the catalogue's in KKB_CAPAIAN_INDIKATOR
                assert cell(udfs.KKB_CAPAIAN_INDIKATOR(ind.kode.lower(), value, target)) == cell(expected)
            if ind.cara_isi == "rasio" and ind.tingkat_pengamatan == "desa":
                num, den = (got[f"{COL[f'{k}_{s}']}{row}"].value for k in ("pembilang", "penyebut"))
                assert cell(udfs.KKB_RASIO(num, den)) == cell(value), (ind.kode, num, den)
                ratios += 1
            compared += 1
    assert compared == 2 * len(rows) > 100 and ratios > 20, (compared, ratios)
