"""kkb-excel consolidate: hand-computed rollups, nothing lost, rollups of rollups, order independence."""

from __future__ import annotations

import csv
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kkb_excel.template.blueprint import Blueprint
from kkb_excel.cli import main
from kkb_excel.consolidate.run import consolidate
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell
from kkb_excel.output.rollup_workbook import records, write_csv, write_xlsx
from kkb_excel.synthetic import write_synthetic

A, B, C, D, E = "33.74.01.1001", "33.74.01.1002", "33.74.01.1003", "33.74.02.1001", "33.74.02.1002"
RATIO, TURUN, SUM, SHARE, COUNT = "S1.Pa.K1.a", "S3.Pa.K6.b", "S3.Pa.K4.b", "S4.Pa.K1.a", "S3.Pa.K2.a"


def row_of(catalogue, kode):
    return FIRST_DATA_ROW + [i.kode for i in catalogue.active].index(kode)


def submit(catalogue, folder: Path, name: str, kode: str, values: dict, opd="Pemerintah Desa", tanggal=date(2024, 12, 1)):
    """A desa submission holding only the given indicator inputs: {indicator: {column key: value}}."""
    [unit] = plan_units([kode], None, 2024)
    targets = catalogue.targets(unit.tingkat)
    cells = {identity_cell("opd"): opd, identity_cell("petugas"): "Petugas", identity_cell("tanggal"): tanggal}
    for ind_kode, inputs in values.items():
        for key, value in inputs.items():
            cells[f"{COL[key]}{row_of(catalogue, ind_kode)}"] = value
    path = folder / name
    path.write_bytes(Blueprint.build(unit.tingkat, 2024, targets, catalogue).render(unit.identity, targets, cells))
    return path


def ratio(num, den):
    return {"pembilang_1": num, "penyebut_1": den}  # the Capaian cell is a formula of these two


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory, catalogue) -> Path:
    folder = tmp_path_factory.mktemp("kiriman")
    submit(catalogue, folder, "a_lama.xlsx", A, {RATIO: ratio(1, 10), SUM: {"capaian_1": 99}}, tanggal=date(2024, 7, 1))
    submit(catalogue, folder, "a.xlsx", A, {RATIO: ratio(9, 10), TURUN: ratio(1, 10), SUM: {"capaian_1": 3},
                                            SHARE: {"status_1": "ya"}, COUNT: {"status_1": "ya"}})  # fmt: skip
    submit(catalogue, folder, "b.xlsx", B, {RATIO: ratio(500, 1000), TURUN: ratio(9, 100), SUM: {"capaian_1": 4},
                                            SHARE: {"status_1": "tidak"}, COUNT: {"status_1": "ya"}})  # fmt: skip
    submit(catalogue, folder, "c_desa.xlsx", C, {SHARE: {"status_1": "ya"}, COUNT: {"status_1": "tidak"}})
    submit(catalogue, folder, "c_puskesmas.xlsx", C, {SHARE: {"status_1": "tidak"}}, opd="=HYPERLINK(\"x\")")
    submit(catalogue, folder, "d.xlsx", D, {SUM: {"capaian_1": 5}, COUNT: {"status_1": "ya"}})
    submit(catalogue, folder, "e_ditolak.xlsx", E, {RATIO: {"capaian_1": 150, "pembilang_1": 3, "penyebut_1": 2}})
    (folder / "~$a.xlsx").write_bytes(b"\x00")
    (folder / "catatan.txt").write_text("bukan workbook", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def kab(fixture_dir):
    return consolidate([str(fixture_dir)], "kabupaten", 2024, "33.74")


def rec(rollup, level, kode, ind):
    [r] = [r for r in records(rollup, levels=[level]) if r["kode_wilayah"] == kode and r["kode_indikator"] == ind]
    return r


def test_manifest_accounts_for_every_file(kab):
    by_name = {Path(m.berkas).name: m.status for m in kab.manifest}
    assert by_name == {
        "a_lama.xlsx": "digantikan", "a.xlsx": "diterima", "b.xlsx": "diterima", "c_desa.xlsx": "diterima",
        "c_puskesmas.xlsx": "diterima", "d.xlsx": "diterima", "e_ditolak.xlsx": "ditolak", "~$a.xlsx": "dilewati",
        "catatan.txt": "ditolak",
    }  # fmt: skip
    c = kab.counts()
    assert c["ditemukan"] == 9 == c["diterima"] + c["ditolak"] + c["digantikan"] + c["dilewati"]


def test_ratio_of_sums_not_mean_of_percentages(kab):
    r = rec(kab, "kecamatan", "33.74.01", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"]) == (509, 1010)  # the newer A (9/10) replaced the older (1/10)
    assert r["capaian_1"] == 50.396  # 509/1010 = 50.396 %, not (90 + 50) / 2 = 70 %
    assert r["persen_1"] == 74.11  # 50.396 / 68 x 100


def test_turun_polarity(kab):
    r = rec(kab, "kecamatan", "33.74.01", TURUN)
    assert r["capaian_1"] == 9.0909  # 10 / 110
    assert r["persen_1"] == 86.36  # (2 x 8 - 9.0909) / 8 x 100


def test_counts_reconcile_desa_kecamatan_kabupaten(kab):
    assert rec(kab, "kecamatan", "33.74.01", SUM)["capaian_1"] == 7  # A 3 (not the superseded 99) + B 4
    assert rec(kab, "kecamatan", "33.74.02", SUM)["capaian_1"] == 5
    assert rec(kab, "kabupaten", "33.74", SUM)["capaian_1"] == 12
    assert rec(kab, "kabupaten", "33.74", COUNT)["capaian_1"] == 3  # A, B, D ya; C tidak


def test_opd_conflict_is_reported_not_resolved(kab):
    [conflict] = kab.conflicts
    assert (conflict.kode_wilayah, conflict.kode_indikator) == (C, SHARE)
    r = rec(kab, "kecamatan", "33.74.01", SHARE)
    assert (r["unit_ya_1"], r["unit_berstatus_1"], r["capaian_1"]) == (1, 2, 50.0)  # C left out: A ya, B tidak
    assert r["persen_1"] == 62.5 and "beberapa OPD" in r["catatan"]


def test_missing_units_and_completeness(kab, wilayah):
    kec = kab.completeness["kecamatan"]["33.74.01"]
    assert kec == {"diharapkan": 15, "masuk": 3, "diterima": 3, "ditolak": 0}
    assert kab.completeness["kecamatan"]["33.74.02"] == {"diharapkan": 9, "masuk": 2, "diterima": 1, "ditolak": 1}
    assert kab.completeness["kabupaten"]["33.74"]["diharapkan"] == 177
    assert len(kab.not_reported) == 177 - 5 and (B, wilayah.get(B).nama) not in kab.not_reported


def test_rejected_file_is_listed_with_reasons(kab):
    assert sorted(Path(r.berkas).name for r in kab.rejected) == ["catatan.txt", "e_ditolak.xlsx"]
    [e] = [r for r in kab.rejected if r.berkas.endswith("e_ditolak.xlsx")]
    assert {"V02", "V03"} <= {f.aturan for f in e.findings}


def test_rollup_of_rollups_equals_direct(fixture_dir, kab, tmp_path):
    kec = consolidate([str(fixture_dir)], "kecamatan", 2024, "33.74")
    path = tmp_path / "rekap-kecamatan.xlsx"
    write_xlsx(kec, path)
    again = consolidate([str(path)], "kabupaten", 2024, "33.74")
    assert records(again, levels=["kabupaten"]) == records(kab, levels=["kabupaten"])
    assert again.completeness["kabupaten"] == kab.completeness["kabupaten"]


def test_order_independence(fixture_dir, kab, tmp_path):
    files = sorted(str(p) for p in fixture_dir.iterdir())
    shuffled = files[:]
    random.Random(3).shuffle(shuffled)
    other = consolidate(list(reversed(shuffled)), "kabupaten", 2024, "33.74")
    assert records(other) == records(kab)


def test_text_never_becomes_a_formula(kab, tmp_path):
    xlsx, csv_path = tmp_path / "r.xlsx", tmp_path / "r.csv"
    write_xlsx(kab, xlsx)
    manifest = load_workbook(xlsx)["Manifest"]
    cells = [c for row in manifest.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(xlsx) as z:
        names = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) for n in names)
    write_csv(kab, csv_path)
    with csv_path.open(encoding="utf-8-sig") as f:
        assert all(not v.startswith("=") for row in csv.reader(f) for v in row)


def test_xlsx_sheets_and_reconciliation_with_synthetic_kota(catalogue, tmp_path):
    units = plan_units(["33.74.01", "33.74.02"], "desa", 2024)
    write_synthetic(units, 2024, tmp_path / "in", seed=9, defect_rate=0)
    desa = consolidate([str(tmp_path / "in")], "kabupaten", 2024, "33.74")
    total = sum(r["capaian_1"] for r in records(desa, levels=["desa"]) if r["kode_indikator"] == SUM)
    kec = sum(r["capaian_1"] for r in records(desa, levels=["kecamatan"]) if r["kode_indikator"] == SUM)
    assert total == kec == rec(desa, "kabupaten", "33.74", SUM)["capaian_1"]
    path = tmp_path / "rekap.xlsx"
    write_xlsx(desa, path)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Lampiran 4", "Ringkasan"] and {"Rekap Kecamatan", "Rekap Kabupaten-Kota"} <= set(wb.sheetnames)
    assert {"Kelengkapan", "Belum Masuk", "Ditolak", "Manifest", "Konflik"} <= set(wb.sheetnames)
    assert wb["_kkb"].sheet_state == "hidden"


def test_cli_consolidate(fixture_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "rekap.xlsx"
    result = runner.invoke(main, ["consolidate", str(fixture_dir), "-o", str(out), "--tingkat", "kabupaten",
                                  "--wilayah", "33.74", "--tahun", "2024", "--csv", str(tmp_path / "r.csv"),
                                  "--parquet", str(tmp_path / "r.parquet")], catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "9 berkas ditemukan = 5 diterima + 2 ditolak + 1 digantikan + 1 dilewati" in result.output
    import pandas as pd

    frame = pd.read_parquet(tmp_path / "r.parquet")
    assert set(frame["tingkat"]) == {"desa", "kecamatan", "kabupaten"}
    bad = runner.invoke(main, ["consolidate", str(fixture_dir), "-o", str(out), "--tingkat", "kabupaten",
                               "--wilayah", "33.74.01", "--tahun", "2024"])  # fmt: skip
    assert bad.exit_code == 2 and "Galat:" in bad.output


def test_demo_runs_the_whole_cycle(tmp_path):
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "4. Rekap kabupaten" in result.output and "1 konflik" in result.output and "9 belum masuk" in result.output
    assert (tmp_path / "demo" / "rekap" / "rekap-kabupaten-33.74-2024.xlsx").is_file()
    assert (tmp_path / "demo" / "validasi" / "laporan-validasi.xlsx").is_file()


def test_targets_per_tier_and_semester_filter(fixture_dir):
    overrides = {"33.74.01": {SUM: 14.0}, "33.74": {SUM: 24.0}}
    rollup = consolidate([str(fixture_dir)], "kabupaten", 2024, "33.74", semester=1, target_overrides=overrides)
    assert rec(rollup, "kecamatan", "33.74.01", SUM)["persen_1"] == 50.0  # 7 of 14
    assert rec(rollup, "kabupaten", "33.74", SUM)["persen_1"] == 50.0  # 12 of 24
    assert rec(rollup, "kecamatan", "33.74.02", SUM)["target"] is None  # no count target below nasional
    assert all(r["capaian_2"] is None for r in records(rollup))


def test_validate_skips_a_rollup_with_a_note(kab, tmp_path):
    from kkb_excel.read.pool import read_all
    from kkb_excel.validators.run import validate_submissions
    from kkb_excel.read.discover import discover

    path = tmp_path / "rekap.xlsx"
    write_xlsx(kab, path)
    [result] = validate_submissions(read_all(discover([str(path)]))).files
    assert result.status == "dilewati" and [f.aturan for f in result.findings] == ["S14"]


def test_desa_files_and_a_rollup_together(fixture_dir, kab, tmp_path):
    """Kecamatan 33.74.02 arrives as a rollup, 33.74.01 as desa files: same kabupaten numbers."""
    part = tmp_path / "kec02"
    part.mkdir()
    for name in ("d.xlsx", "e_ditolak.xlsx"):
        (part / name).write_bytes((fixture_dir / name).read_bytes())
    rekap = tmp_path / "rekap-33.74.02.xlsx"
    write_xlsx(consolidate([str(part)], "kecamatan", 2024, "33.74.02"), rekap)
    desa = [str(fixture_dir / n) for n in ("a_lama.xlsx", "a.xlsx", "b.xlsx", "c_desa.xlsx", "c_puskesmas.xlsx")]
    mixed = consolidate([*desa, str(rekap)], "kabupaten", 2024, "33.74")
    assert records(mixed, levels=["kabupaten"]) == records(kab, levels=["kabupaten"])
    assert mixed.completeness["kabupaten"] == kab.completeness["kabupaten"]
