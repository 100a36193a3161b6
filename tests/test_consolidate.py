"""kkb-excel consolidate: hand-computed rollups, nothing lost, rollups of rollups, order independence."""

from __future__ import annotations

import csv
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from consolidate_helpers import (
    COUNT,
    RATIO,
    SHARE,
    SUM,
    TURUN,
    rec,
    run,
    sheets,
    submit,
)
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.output.rollup_workbook import records, write_csv, write_xlsx
from kkb_excel.synthetic import write_synthetic
from kkb_excel.template.generate import plan_units

A, B, C, D, E = "33.74.01.1001", "33.74.01.1002", "33.74.01.1003", "33.74.02.1001", "33.74.02.1002"


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
    submit(catalogue, folder, "e_ditolak.xlsx", E, {RATIO: {"pembilang_1": 3, "penyebut_1": 2}})
    (folder / "~$a.xlsx").write_bytes(b"\x00")
    (folder / "catatan.txt").write_text("bukan workbook", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def kab(fixture_dir):
    return run([fixture_dir], "kabupaten", "33.74")


def test_manifest_accounts_for_every_file(kab):
    by_name = {Path(m.berkas).name: m.status for m in kab.manifest}
    assert by_name == {
        "a_lama.xlsx": "digantikan", "a.xlsx": "diterima", "b.xlsx": "diterima", "c_desa.xlsx": "diterima",
        "c_puskesmas.xlsx": "diterima", "d.xlsx": "diterima", "e_ditolak.xlsx": "ditolak", "~$a.xlsx": "dilewati",
        "catatan.txt": "dilewati",  # not a workbook: skipped with a reason, not a rejected submission
    }  # fmt: skip
    c = kab.counts()
    assert c["ditemukan"] == 9 == c["diterima"] + c["ditolak"] + c["digantikan"] + c["dilewati"]
    entries = {Path(m.berkas).name: m for m in kab.manifest}
    assert entries["catatan.txt"].alasan == "Bukan workbook Excel (.txt); dilewati."
    assert entries["a_lama.xlsx"].alasan.startswith("digantikan oleh ") and "tanggal pengisian lebih baru" in entries["a_lama.xlsx"].alasan
    assert entries["e_ditolak.xlsx"].alasan == "Pembilang 3 melebihi penyebut 2."  # the first error's message (the 150 % only repeats it)
    assert (entries["a.xlsx"].jenis, entries["a.xlsx"].tanggal, entries["a_lama.xlsx"].tanggal) == ("xlsx", "2024-12-01", "2024-07-01")


def test_ratio_of_sums_not_mean_of_percentages(kab):
    r = rec(kab, "kecamatan", "33.74.01", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"]) == (509, 1010)  # the newer A (9/10) replaced the older (1/10)
    assert r["capaian_1"] == 509 / 1010 * 100  # 50.396... %, unrounded; not (90 + 50) / 2 = 70 %
    assert r["persen_1"] == 74.11  # 50.39604 / 68 x 100 = 74.1118
    assert (r["laporan_1"], r["unit_diharapkan"], r["cakupan_1"]) == (2, 15, 13.33)  # A and B of 15 desa: 2/15 = 13.333 %


def test_turun_polarity(kab):
    r = rec(kab, "kecamatan", "33.74.01", TURUN)
    assert r["capaian_1"] == 10 / 110 * 100  # 9.0909...
    assert r["persen_1"] == 86.36  # (2 x 8 - 9.0909) / 8 x 100 = 86.3636


def test_counts_reconcile_desa_kecamatan_kabupaten(kab):
    assert rec(kab, "kecamatan", "33.74.01", SUM)["capaian_1"] == 7  # A 3 (not the superseded 99) + B 4
    assert rec(kab, "kecamatan", "33.74.02", SUM)["capaian_1"] == 5
    assert rec(kab, "kabupaten", "33.74", SUM)["capaian_1"] == 12
    assert rec(kab, "kabupaten", "33.74", COUNT)["capaian_1"] == 3  # A, B, D ya; C tidak


def test_opd_conflict_is_reported_not_resolved(kab):
    [conflict] = kab.conflicts
    assert (conflict.kode_wilayah, conflict.kode_indikator, conflict.semester) == (C, SHARE, 1)
    assert conflict.nilai == '=HYPERLINK("x"): Status Sem I tidak | Pemerintah Desa: Status Sem I ya'  # OPD, then file name
    assert conflict.sumber.startswith('=HYPERLINK("x") (') and "; Pemerintah Desa (" in conflict.sumber and "Semester I" in conflict.ditahan
    r = rec(kab, "kecamatan", "33.74.01", SHARE)
    assert (r["unit_ya_1"], r["unit_berstatus_1"], r["capaian_1"]) == (1, 2, 50.0)  # C left out: A ya, B tidak
    assert r["persen_1"] == 62.5 and "beberapa OPD" in r["catatan"] and r["konflik_1"] == 1
    assert rec(kab, "kecamatan", "33.74.01", COUNT)["capaian_1"] == 2  # C's COUNT (only its desa OPD gave it) is kept


def test_missing_units_and_completeness(kab, wilayah):
    kec = kab.completeness["kecamatan"]["33.74.01"]
    assert kec == {"diharapkan": 15, "masuk": 3, "diterima": 3, "ditolak": 0}
    assert kab.completeness["kecamatan"]["33.74.02"] == {"diharapkan": 9, "masuk": 2, "diterima": 1, "ditolak": 1}
    assert kab.completeness["kabupaten"]["33.74"] == {"diharapkan": 177, "masuk": 5, "diterima": 4, "ditolak": 1}
    assert kab.missing_desa() == 177 - 5
    listed = {m.kode_wilayah: m for m in kab.not_reported}
    assert B not in listed and "33.74.01.1004" in listed and listed["33.74.01.1004"].desa == 1
    tugu = listed["33.74.16"]  # no desa of Kecamatan Tugu sent anything: one row at the level known
    assert (tugu.tingkat, tugu.desa, tugu.nama) == ("kecamatan", 7, "Kecamatan Tugu")
    assert not any(k.startswith("33.74.16.") for k in listed)


def test_rejected_file_is_listed_with_reasons(kab):
    [e] = kab.rejected
    assert Path(e.berkas).name == "e_ditolak.xlsx" and e.kode_wilayah == E and e.galat == 1
    assert e.alasan == "[V03] N6: Pembilang 3 melebihi penyebut 2."


def test_rollup_of_rollups_equals_direct_in_every_sheet(fixture_dir, kab, tmp_path):
    kec = run([fixture_dir], "kecamatan", "33.74")
    path = tmp_path / "rekap-kecamatan.xlsx"
    write_xlsx(kec, path)
    again = run([path], "kabupaten", "33.74")
    direct, chained = tmp_path / "direct.xlsx", tmp_path / "chained.xlsx"
    write_xlsx(kab, direct)
    write_xlsx(again, chained)
    a, b = sheets(direct, skip=("Manifest", "_kkb")), sheets(chained, skip=("Manifest", "_kkb"))
    assert a.keys() == b.keys() and {"Ringkasan", "Rekap Kecamatan", "Kelengkapan", "Belum Masuk", "Konflik", "Ditolak"} <= a.keys()
    for name in a:
        if name != "_kkb_rekap":  # its 'berkas' rows list the files each run saw
            assert a[name] == b[name], name


def test_order_independence(fixture_dir, kab, tmp_path):
    files = sorted(str(p) for p in fixture_dir.iterdir())
    shuffled = files[:]
    random.Random(3).shuffle(shuffled)
    other = run(list(reversed(shuffled)), "kabupaten", "33.74")
    assert records(other) == records(kab)
    assert [(c.kode_wilayah, c.kode_indikator, c.semester, c.nilai) for c in other.conflicts] == [
        (c.kode_wilayah, c.kode_indikator, c.semester, c.nilai) for c in kab.conflicts]


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
    desa = run([tmp_path / "in"], "kabupaten", "33.74")
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
    assert "9 berkas ditemukan = 5 diterima + 1 ditolak + 1 digantikan + 2 dilewati" in result.output
    assert "desa/kelurahan belum masuk: 172 (dari 177 yang diharapkan)" in result.output
    import pandas as pd

    frame = pd.read_parquet(tmp_path / "r.parquet")
    assert set(frame["tingkat"]) == {"desa", "kecamatan", "kabupaten"}
    bad = runner.invoke(main, ["consolidate", str(fixture_dir), "-o", str(out), "--tingkat", "kabupaten",
                               "--wilayah", "33.74.01", "--tahun", "2024"])  # fmt: skip
    assert bad.exit_code == 2 and "Galat:" in bad.output


def test_targets_per_tier_and_semester_filter(fixture_dir):
    overrides = {"33.74.01": {SUM: 14.0}, "33.74": {SUM: 24.0}}
    rollup = run([fixture_dir], "kabupaten", "33.74", semester=1, targets=overrides)
    assert rec(rollup, "kecamatan", "33.74.01", SUM)["persen_1"] == 50.0  # 7 of 14
    assert rec(rollup, "kabupaten", "33.74", SUM)["persen_1"] == 50.0  # 12 of 24
    assert rec(rollup, "kecamatan", "33.74.02", SUM)["target"] is None  # no count target below nasional
    assert all(r["capaian_2"] is None for r in records(rollup))


def test_validate_skips_a_rollup_with_a_note(kab, tmp_path):
    from kkb_excel.read.discover import discover
    from kkb_excel.read.pool import read_all
    from kkb_excel.validators.run import validate_submissions

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
    write_xlsx(run([part], "kecamatan", "33.74.02"), rekap)
    desa = [str(fixture_dir / n) for n in ("a_lama.xlsx", "a.xlsx", "b.xlsx", "c_desa.xlsx", "c_puskesmas.xlsx")]
    mixed = run([*desa, rekap], "kabupaten", "33.74")
    assert records(mixed, levels=["kabupaten"]) == records(kab, levels=["kabupaten"])
    assert mixed.completeness == kab.completeness and mixed.not_reported == kab.not_reported
    assert [(r.sha256, r.alasan) for r in mixed.rejected] == [(r.sha256, r.alasan) for r in kab.rejected]
    assert [(c.kode_wilayah, c.nilai) for c in mixed.conflicts] == [(c.kode_wilayah, c.nilai) for c in kab.conflicts]
