"""Rollup outputs: the hidden data sheet round trip, one set of counts in every sheet, safe writers,
and commands that never overwrite or delete a user's files."""

from __future__ import annotations

import copy
import math

import pandas as pd
import pytest
from click.testing import CliRunner
from consolidate_helpers import RATIO, SHARE, SUM, ratio, run, submit
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.consolidate import rollup_sheet
from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.consolidate.model import Conflict, RejectedFile
from kkb_excel.output.rollup_workbook import (
    KATEGORI,
    sasaran_summary,
    write_csv,
    write_parquet,
    write_xlsx,
)
from kkb_excel.read.reader import read_submission

A, B, E = "33.74.01.1001", "33.74.01.1002", "33.74.02.1002"


@pytest.fixture(scope="module")
def small(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("kecil")
    submit(catalogue, folder, "a.xlsx", A, {RATIO: ratio(9, 10), SHARE: {"status_1": "ya"}, SUM: {"capaian_1": 2}})
    submit(catalogue, folder, "b.xlsx", B, {RATIO: ratio(1, 2), SHARE: {"status_1": "tidak"}, SUM: {"capaian_1": 1}})
    submit(catalogue, folder, "b2.xlsx", B, {SUM: {"capaian_1": 9}}, opd="Puskesmas")
    submit(catalogue, folder, "e.xlsx", E, {RATIO: {"pembilang_1": 3, "penyebut_1": 2}})
    return run([folder], "kabupaten", "33.74")


def test_rollup_sheet_round_trip(small, tmp_path):
    small = copy.deepcopy(small)
    small.conflicts.append(Conflict("33.74.09.1001", RATIO, 2, "X (x.xlsx); Y (y.xlsx)", "X: capaian 1 | Y: capaian 2", "Semester II"))
    small.rejected.append(RejectedFile("z.xlsx", "ab" * 32, "33.74.09.1002", 3, "[V02] H16: di luar"))
    path = tmp_path / "r.xlsx"
    write_xlsx(small, path)
    sub = read_submission(path)
    data = rollup_sheet.from_rows(sub.rekap)
    for level in ("kecamatan", "kabupaten"):
        assert data.partials[level] == small.partials[level]
    assert "desa" not in data.partials  # a kabupaten rollup does not carry its desa one by one
    assert data.scope == small.scope == ["33.74"] and data.desa_status == small.desa_status
    assert data.conflicts == small.conflicts and data.rejected == small.rejected
    assert data.known_files == small.known_files
    assert rollup_sheet.from_rows([tuple(r) for r in rollup_sheet.to_rows(small)]).partials["kabupaten"] == small.partials["kabupaten"]
    small.tingkat = "kecamatan"  # a kecamatan rollup carries each desa, so a newer desa file can replace it
    assert rollup_sheet.from_rows([tuple(r) for r in rollup_sheet.to_rows(small)]).partials["desa"] == small.partials["desa"]


def test_one_set_of_counts_in_every_sheet(small, tmp_path):
    path = tmp_path / "r.xlsx"
    write_xlsx(small, path)
    wb = load_workbook(path, read_only=True)
    ringkasan = [r[0] for r in wb["Ringkasan"].iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert f"Berkas: {small.accounting()}" in ringkasan and small.units_summary() in ringkasan
    manifest = [r[0] for r in wb["Manifest"].iter_rows(values_only=True) if r and r[0]]
    assert manifest[-1] == small.accounting() == "4 berkas ditemukan = 3 diterima + 1 ditolak + 0 digantikan + 0 dilewati"
    missing = list(wb["Belum Masuk"].iter_rows(min_row=2, values_only=True))
    assert sum(r[5] for r in missing if r and len(r) > 5 and isinstance(r[5], int)) == small.missing_desa() == 177 - 3
    konflik = [r for r in wb["Konflik"].iter_rows(min_row=2, values_only=True) if r and r[0]]
    assert len(konflik) == len(small.conflicts) == 1 and konflik[0][7] == 1  # Semester
    assert "Konflik antar-OPD: 1; desa/kelurahan belum masuk: 174 (dari 177 yang diharapkan)" == small.units_summary()
    kelengkapan = {r[1]: r for r in wb["Kelengkapan"].iter_rows(min_row=2, values_only=True) if r and r[1]}
    assert kelengkapan["33.74"][3:] == (177, 3, 2, 1, 174, 1.13)  # 2/177 = 1.1299 % diterima
    assert len([k for k in kelengkapan if k.count(".") == 2]) == 16  # every kecamatan, also those with nothing


def test_sasaran_summary_counts_indicators_per_kategori(small, catalogue):
    semester, rows = sasaran_summary(small, catalogue)
    assert semester == 1
    by_sasaran = {r[0].split(".")[0]: dict(zip([*KATEGORI, "tanpa", "rendah"], r[1:], strict=True)) for r in rows}
    # Kabupaten 33.74, Sem I: RATIO 10/12 = 83.33 % of 68 -> 122.55 Sangat Tinggi (sasaran 1);
    # SHARE 1 of 2 = 50 % of 80 -> 62.5 Rendah (sasaran 4); SUM has no kabupaten target -> no % (sasaran 3).
    assert by_sasaran["1"]["Sangat Tinggi"] == 1 and sum(by_sasaran["1"][k] for k in KATEGORI) == 1
    assert by_sasaran["4"]["Rendah"] == 1 and by_sasaran["3"]["tanpa"] == 1
    assert by_sasaran["1"]["rendah"] == 1  # 2 of 177 desa reported: low coverage is said


def test_writers_survive_nan_infinity_and_control_characters(small, tmp_path):
    small = copy.deepcopy(small)
    unit = small.partials["kabupaten"]["33.74"]
    unit[RATIO] = Partial({"pembilang_1": math.nan, "penyebut_1": 1.0, "laporan_1": 1.0})
    unit[SUM] = Partial({"jumlah_1": math.inf, "laporan_1": 1.0})
    small.names["33.74"] = "Kota\x00 Semarang\x1b"
    small.manifest[0].opd = "OPD\x07 bel"
    write_xlsx(small, tmp_path / "r.xlsx")
    write_csv(small, tmp_path / "r.csv")
    write_parquet(small, tmp_path / "r.parquet")
    wb = load_workbook(tmp_path / "r.xlsx")
    # control characters become spaces (a vertical tab pasted from Word separates words), as in every writer
    assert any(" ".join(str(c.value).split()) == "Kota Semarang" for row in wb["Rekap Kabupaten-Kota"].iter_rows() for c in row)
    with (tmp_path / "r.csv").open(encoding="utf-8-sig") as f:
        text = f.read()
    fields = [f.strip('"').lower() for line in text.splitlines() for f in line.split(";")]
    assert not {"nan", "inf", "-inf", "infinity"} & set(fields) and "\x00" not in text and "\x1b" not in text
    frame = pd.read_parquet(tmp_path / "r.parquet")
    values = frame.loc[frame["tingkat"] == "kabupaten", "capaian"].dropna()
    assert all(math.isfinite(v) for v in values)


def test_generate_refuses_to_overwrite_without_timpa(catalogue, tmp_path):
    out = tmp_path / "kiriman"
    filled = submit(catalogue, out, "daftar-tilik_2024_33.74.01.1001_miroto.xlsx", A, {RATIO: ratio(1, 2)})
    before = filled.read_bytes()
    runner = CliRunner()
    args = ["generate", "--wilayah", A, "--tahun", "2024", "-o", str(out)]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2 and "--timpa" in refused.output and filled.read_bytes() == before
    forced = runner.invoke(main, [*args, "--timpa"])
    assert forced.exit_code == 0 and filled.read_bytes() != before


def test_demo_never_deletes_a_users_kiriman(tmp_path):
    precious = tmp_path / "kerja" / "kiriman" / "kiriman-asli.xlsx"
    precious.parent.mkdir(parents=True)
    precious.write_bytes(b"filled by an OPD")
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path / "kerja")])
    assert result.exit_code == 2 and "bukan buatan demo" in result.output
    assert precious.read_bytes() == b"filled by an OPD"


def test_demo_runs_and_later_clears_only_its_own_files(tmp_path):
    from kkb_excel.demo import MARKER, clear_previous

    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "4. Rekap kabupaten" in result.output and "1 konflik" in result.output
    assert "9 desa/kelurahan belum masuk" in result.output
    assert (out / "rekap" / "rekap-kabupaten-33.74-2024.xlsx").is_file()
    assert (out / "validasi" / "laporan-validasi.xlsx").is_file() and (out / MARKER).is_file()
    clear_previous(out)  # what the next demo run does first
    assert not any(out.rglob("*.xlsx")) and not (out / MARKER).exists()


def test_an_internal_error_exits_with_status_3(small, tmp_path, monkeypatch):
    from kkb_excel.consolidate import run as run_module

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(run_module, "consolidate", broken)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "catatan.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(tmp_path / "r.xlsx"), "--tingkat", "kabupaten",
                                       "--wilayah", "33.74", "--tahun", "2024"])  # fmt: skip
    assert result.exit_code == 3 and "Galat internal" in result.output and "RuntimeError: bug" in result.output


def test_a_kecamatan_rollup_shows_its_own_completeness_on_ringkasan(small, catalogue, tmp_path):
    """A kecamatan rollup has no per-desa percentages: the Ringkasan table shows the kecamatan itself, not a bare header."""
    folder = tmp_path / "kiriman"
    folder.mkdir()
    submit(catalogue, folder, "a.xlsx", A, {SUM: {"capaian_1": 2}})
    path = tmp_path / "rekap.xlsx"
    write_xlsx(run([folder], "kecamatan", "33.74.01"), path)
    rows = [[c for c in row if c is not None] for row in load_workbook(path)["Ringkasan"].iter_rows(values_only=True)]
    title = next(i for i, row in enumerate(rows) if row and str(row[0]).startswith("Kelengkapan per"))
    assert rows[title][0] == "Kelengkapan per kecamatan (% desa/kelurahan diterima)"
    name, expected, share, target = rows[title + 2]
    assert name.endswith("(33.74.01)") and share == round(100 / expected, 2) and target == 100  # shown rounded once
