"""kkb-excel validate: a corpus of defective submissions made from the real template."""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from bad_files import zip_bomb
from click.testing import CliRunner
from conftest import DESA
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.read import pool as read_pool
from kkb_excel.read import reader as reader_module
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.synthetic import DEFECT_KINDS, plant_defect, plausible_values
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell
from kkb_excel.validators.run import validate_submissions

TINGKAT = {"desa": DESA, "kabupaten": "33.74"}


def render(catalogue, kode: str, cells: dict | None = None, seed: int = 1) -> bytes:
    [unit] = plan_units([kode], None, 2024)
    targets = catalogue.targets(unit.tingkat)
    values = plausible_values(catalogue, unit.tingkat, random.Random(seed), targets)
    values.update(cells or {})
    return Blueprint.build(unit.tingkat, 2024, targets, catalogue).render(unit.identity, targets, values)


def validate_files(paths: list[Path], jobs: int = 1):
    return validate_submissions(read_all(discover([str(p) for p in paths]), jobs))


def only(report):
    [result] = report.files
    return result


@pytest.fixture(scope="module")
def clean(tmp_path_factory, catalogue) -> Path:
    path = tmp_path_factory.mktemp("clean") / "desa.xlsx"
    path.write_bytes(render(catalogue, DESA))
    return path


def test_clean_submission_is_accepted(clean):
    result = only(validate_files([clean]))
    assert result.status == "diterima", [(f.aturan, f.sel, f.pesan) for f in result.findings]
    assert result.count("galat") == 0 and result.isian_terisi == result.isian_wajib > 0
    assert (result.kode_wilayah, result.tingkat, result.tahun) == (DESA, "desa", 2024)


@pytest.mark.parametrize("tingkat", TINGKAT)
@pytest.mark.parametrize("kind", DEFECT_KINDS)
def test_each_seeded_defect_is_reported_at_its_cell(catalogue, tmp_path, kind, tingkat):
    [unit] = plan_units([TINGKAT[tingkat]], None, 2024)
    targets = catalogue.targets(unit.tingkat)
    rng = random.Random(5)
    cells = plausible_values(catalogue, unit.tingkat, rng, targets)
    planted = plant_defect(kind, catalogue, unit.tingkat, rng, cells)
    if not planted:
        pytest.skip(f"tingkat {tingkat} has no row for {kind}")
    path = tmp_path / "kiriman.xlsx"
    path.write_bytes(Blueprint.build(unit.tingkat, 2024, targets, catalogue).render(unit.identity, targets, cells))
    result = only(validate_files([path]))
    found = {(f.aturan, f.sel) for f in result.findings}
    for p in planted:
        assert (p.aturan, p.sel) in found, (kind, sorted(found))
    assert result.status == ("diterima" if all(p.aturan == "N02" for p in planted) else "ditolak")


def test_formula_changed_error_value_and_moved_rows(catalogue, tmp_path):
    wb = load_workbook(io.BytesIO(render(catalogue, DESA)))
    ws = wb["Daftar Tilik"]
    ws["I17"] = "=H17/G17*100"  # changed formula
    ws["H18"] = "#DIV/0!"
    ws["H18"].data_type = "e"  # an Excel error value in an input cell
    ws["A20"], ws["A21"] = ws["A21"].value, ws["A20"].value  # rows swapped
    path = tmp_path / "diubah.xlsx"
    wb.save(path)
    found = {(f.aturan, f.sel) for f in only(validate_files([path])).findings}
    assert {("S11", "I17"), ("S12", "H18"), ("S10", "A20"), ("S10", "A21")} <= found


def test_identity_rules(catalogue, tmp_path):
    wb = load_workbook(io.BytesIO(render(catalogue, DESA)))
    wb["Daftar Tilik"][identity_cell("petugas")] = None
    wb["Daftar Tilik"][identity_cell("nama_kabupaten")] = "Kota Lain"  # name no longer matches the code
    meta = wb["_kkb"]
    meta["B5"] = "33.74.01.9999"  # unknown kode wilayah
    path = tmp_path / "identitas.xlsx"
    wb.save(path)
    codes = {f.aturan for f in only(validate_files([path])).findings}
    assert {"I01", "I06"} <= codes
    meta["B5"] = "33.74.01"  # a kecamatan code in a desa workbook
    wb.save(path)
    codes = {f.aturan for f in only(validate_files([path])).findings}
    assert {"I02", "I03", "I06"} <= codes


def test_empty_template_is_rejected_and_half_filled_gets_completeness(catalogue, desa_workbook, tmp_path):
    blank = only(validate_files([desa_workbook]))
    assert "K02" in {f.aturan for f in blank.findings} and blank.status == "ditolak"
    [unit] = plan_units([DESA], None, 2024)
    targets = catalogue.targets("desa")
    cells = plausible_values(catalogue, "desa", random.Random(2), targets)
    for ref in [r for r in cells if r[0] in "HJ" and int(r[1:]) >= FIRST_DATA_ROW][:6]:
        cells[ref] = None
    path = tmp_path / "separuh.xlsx"
    path.write_bytes(Blueprint.build("desa", 2024, targets, catalogue).render(unit.identity, targets, cells))
    result = only(validate_files([path]))
    [k01] = [f for f in result.findings if f.aturan == "K01"]
    assert k01.pesan.startswith("6 dari") and result.isian_terisi == result.isian_wajib - 6


def test_semester_one_report_is_complete_without_semester_two(catalogue, tmp_path):
    [unit] = plan_units([DESA], None, 2024)
    targets = catalogue.targets("desa")
    cells = plausible_values(catalogue, "desa", random.Random(3), targets)
    cells = {ref: (None if ref[0] in "JPQS" else v) for ref, v in cells.items()}
    path = tmp_path / "sem1.xlsx"
    path.write_bytes(Blueprint.build("desa", 2024, targets, catalogue).render(unit.identity, targets, cells))
    result = only(validate_files([path]))
    assert "K01" not in {f.aturan for f in result.findings} and result.status == "diterima"


def _encrypted(source: Path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with source.open("rb") as f:
        OOXMLFile(f).encrypt("rahasia", out)
    return out.getvalue()


def _with_vba(source: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def _other_version(source: Path) -> bytes:
    wb = load_workbook(source)
    wb["_kkb"]["B3"] = "0"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_bad_files_never_stop_the_batch(clean, tmp_path):
    folder = tmp_path / "kiriman"
    folder.mkdir()
    shutil.copy(clean, folder / "baik.xlsx")
    data = clean.read_bytes()
    other = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(other)
    files = {
        "bukan_zip.xlsx": b"ini bukan workbook",
        "zip_rusak.xlsx": data[: len(data) // 2],
        "kosong.xlsx": b"",
        "sandi.xlsx": _encrypted(clean),
        "makro.xlsm": _with_vba(clean),
        "lain.xlsx": other.getvalue(),
        "versi_lama.xlsx": _other_version(clean),
        "~$baik.xlsx": b"\x00lock",
        "bom.xlsx": zip_bomb(),
        "catatan.docx": b"PK\x03\x04 not really",
        "Thumbs.db": b"\x00",
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    report = validate_files([folder])
    by_name = {Path(r.berkas).name: r for r in report.files}
    assert len(by_name) == len(files) + 1  # nothing dropped
    expected = {
        "baik.xlsx": ("diterima", None), "bukan_zip.xlsx": ("ditolak", "S01"), "zip_rusak.xlsx": ("ditolak", "S01"),
        "kosong.xlsx": ("ditolak", "S01"), "sandi.xlsx": ("ditolak", "S02"), "makro.xlsm": ("diterima", "S05"),
        "lain.xlsx": ("ditolak", "S03"), "versi_lama.xlsx": ("ditolak", "S04"), "~$baik.xlsx": ("dilewati", "S07"),
        "bom.xlsx": ("ditolak", "S08"), "catatan.docx": ("dilewati", "S19"), "Thumbs.db": ("dilewati", "S07"),
    }  # fmt: skip
    for name, (status, rule) in expected.items():
        result = by_name[name]
        assert result.status == status, (name, [(f.aturan, f.pesan) for f in result.findings])
        if rule:
            assert rule in {f.aturan for f in result.findings}, name
        assert all("Traceback" not in f.pesan for f in result.findings)
    assert "versi 0" in next(f.pesan for f in by_name["versi_lama.xlsx"].findings if f.aturan == "S04")


def test_bomb_limit_is_enforced(monkeypatch, tmp_path):
    monkeypatch.setattr(reader_module, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    path = tmp_path / "bom.xlsx"
    path.write_bytes(zip_bomb())
    assert "S08" in {f.aturan for f in only(validate_files([path])).findings}


def test_parallel_reading_under_spawn_gives_the_same_report(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr(read_pool, "PARALLEL_MIN_FILES", 0)
    for i, kode in enumerate(["33.74.01.1001", "33.74.01.1002", "33.74.01.1003", "33.74.01.1004"]):
        (tmp_path / f"f{i}.xlsx").write_bytes(render(catalogue, kode, {"H16": 150} if i == 2 else None, seed=i))
    serial, parallel = validate_files([tmp_path], 1), validate_files([tmp_path], 2)
    assert [f.as_dict() for f in serial.findings] == [f.as_dict() for f in parallel.findings]
    assert [r.status for r in parallel.files] == ["diterima", "diterima", "ditolak", "diterima"]


@pytest.mark.libreoffice
def test_libreoffice_saved_submission_reads_back_the_same(catalogue, tmp_path):
    from libreoffice import recalculate, soffice

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    filled = tmp_path / "terisi.xlsx"
    wb = load_workbook(io.BytesIO(render(catalogue, DESA, {"L16": "=bukan rumus", "H17": "50,5"})))
    wb["Daftar Tilik"]["L16"].data_type = "s"
    wb.save(filled)
    [saved] = recalculate([filled], tmp_path)
    subs = read_all(discover([str(filled), str(saved)]))
    a, b = subs
    assert a.records == b.records
    assert {k: v for k, v in a.identity.items()} == {k: v for k, v in b.identity.items()}
    assert a.meta == b.meta
    assert validate_submissions([b]).files[0].count("galat") == validate_submissions([a]).files[0].count("galat")


@pytest.mark.libreoffice
def test_xls_saved_by_libreoffice_is_read_with_a_warning(catalogue, tmp_path):
    from libreoffice import recalculate, soffice

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    filled = tmp_path / "lama.xlsx"
    filled.write_bytes(render(catalogue, DESA))
    [xls] = recalculate([filled], tmp_path, fmt="xls")
    a, b = read_all(discover([str(filled), str(xls)]))
    assert b.kind == "xls" and "S06" in {f.aturan for f in b.findings}
    assert a.records == b.records
    assert validate_submissions([b]).files[0].status == "diterima"


def test_cli_outputs_and_exit_codes(clean, catalogue, tmp_path):
    bad = tmp_path / "buruk.xlsx"
    angka = next(row for row, i in enumerate(catalogue.active, start=FIRST_DATA_ROW)
                 if i.cara_isi == "angka" and i.tingkat_pengamatan == "desa")  # fmt: skip
    cell = f"{COL['capaian_1']}{angka}"  # a typed capaian (ratio capaian are formulas)
    bad.write_bytes(render(catalogue, DESA, {cell: -3, "L17": "=1+1"}))
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(clean)])
    assert ok.exit_code == 0 and "DITERIMA" in ok.output
    out = tmp_path / "hasil"
    result = runner.invoke(main, ["validate", str(clean), str(bad), "--laporan", str(out / "laporan.xlsx"),
                                  "--json", str(out / "temuan.json"), "--anotasi", str(out / "koreksi")])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "DITOLAK (" in result.output and "2 berkas: 1 diterima, 1 ditolak" in result.output
    laporan = load_workbook(out / "laporan.xlsx")
    assert laporan.sheetnames == ["Ringkasan", "Berkas", "Temuan"]
    temuan = laporan["Temuan"]
    assert temuan.auto_filter.ref and [c.value for c in temuan[1]][:3] == ["Berkas", "Lembar", "Sel"]
    rows = [[c.value for c in r] for r in temuan.iter_rows(min_row=2)]
    assert any(r[2] == cell and r[6] == "V01" for r in rows)
    payload = json.loads((out / "temuan.json").read_text(encoding="utf-8"))
    assert payload["ringkasan"]["ditolak"] == 1 and any(f["sel"] == cell for f in payload["temuan"])
    [annotated] = list((out / "koreksi").iterdir())
    marked = load_workbook(annotated)["Daftar Tilik"][cell]
    assert marked.comment is not None and "V01" in marked.comment.text
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before  # the original is never modified
    assert runner.invoke(main, ["validate", str(tmp_path / "tidak-ada")]).exit_code == 2


@pytest.mark.libreoffice
def test_submission_filled_in_libreoffice_reads_back_like_openpyxl(catalogue, desa_workbook, tmp_path):
    """LibreOffice as the OPD's client: values typed through UNO into the protected template."""
    import subprocess

    from libreoffice import soffice, uno_python

    python = uno_python() if soffice() else None
    if python is None:
        pytest.skip("LibreOffice with the Python UNO bridge (python3-uno) is not installed")
    [unit] = plan_units([DESA], None, 2024)
    targets = catalogue.targets("desa")
    cells = plausible_values(catalogue, "desa", random.Random(4), targets)
    cells = {ref: ((v - date(1899, 12, 30)).days if isinstance(v, date) else v) for ref, v in cells.items()}
    reference = tmp_path / "openpyxl.xlsx"
    reference.write_bytes(Blueprint.build("desa", 2024, targets, catalogue).render(unit.identity, targets, cells))
    spec = tmp_path / "cells.json"
    spec.write_text(json.dumps({f"Daftar Tilik!{ref}": v for ref, v in cells.items()}), encoding="utf-8")
    filled = tmp_path / "libreoffice.xlsx"
    helper = Path(__file__).with_name("lo_fill.py")
    subprocess.run([str(python), str(helper), str(desa_workbook), str(filled), str(spec), str(tmp_path / "profile")],
                   check=True, timeout=180, capture_output=True)  # fmt: skip
    with zipfile.ZipFile(filled) as saved:
        assert b"LibreOffice" in saved.read("docProps/app.xml")  # really written by LibreOffice
    a, b = read_all(discover([str(reference), str(filled)]))
    assert a.records == b.records and a.records
    assert {k: v for k, v in a.identity.items()} == {k: v for k, v in b.identity.items()}
    assert [f.aturan for f in b.findings] == [f.aturan for f in a.findings]
    assert validate_submissions([b]).files[0].status == "diterima"


@pytest.mark.libreoffice
def test_excel_errors_in_xls_are_reported_at_their_cell(catalogue, tmp_path):
    from libreoffice import recalculate, soffice

    from kkb_excel.read.xlsscan import error_cells

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    wb = load_workbook(io.BytesIO(render(catalogue, DESA)))
    cell = wb["Daftar Tilik"]["H59"]
    cell.value, cell.data_type = "#N/A", "e"
    wb["Daftar Tilik"]["J59"] = "=1/0"
    filled = tmp_path / "galat.xlsx"
    wb.save(filled)
    [xls] = recalculate([filled], tmp_path, fmt="xls")
    assert len(xls.read_bytes()) > 4096 * 4  # a regular (not mini) stream: both compound-file paths are real
    assert error_cells(xls.read_bytes(), "Daftar Tilik") == {"H59": "#N/A", "J59": "#DIV/0!"}
    result = only(validate_files([xls]))
    assert {(f.aturan, f.sel) for f in result.findings if f.aturan == "S12"} == {("S12", "H59"), ("S12", "J59")}
    assert result.status == "ditolak"
    assert error_cells(b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "Daftar Tilik") == {}
