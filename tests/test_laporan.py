"""Validation outputs under hostile input: control characters, huge text, merged cells, internal errors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DESA
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.findings import FileResult, Report, finding
from kkb_excel.output import laporan
from kkb_excel.output.safe import MAX_CELL_TEXT, clean_number, clean_text
from kkb_excel.read import reader as reader_module
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.synthetic import plausible_values
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, SHEET_MAIN, identity_cell
from kkb_excel.validators.run import validate_submissions

HOSTILE = "Dinas\x0bKB _x000B_ \x00\x1f =SUM(A1) " + "x" * 10


def _submission(catalogue, tmp_path, cells: dict, name: str = "kiriman.xlsx"):
    [unit] = plan_units([DESA], None, 2024)
    targets = catalogue.targets("desa")
    values = plausible_values(catalogue, "desa", random.Random(7), targets)
    values.update(cells)
    path = tmp_path / name
    path.write_bytes(Blueprint.build("desa", 2024, targets, catalogue).render(unit.identity, targets, values))
    return path


def test_clean_text_and_numbers():
    assert clean_text("a\x0bb_x000B_c\x00") == "a b c "
    assert clean_text("_x0041_") == "_x0041_"  # a legal escape stays as typed
    long = clean_text("y" * (MAX_CELL_TEXT + 10))
    assert len(long) == MAX_CELL_TEXT and long.endswith("[dipotong: teks melebihi 32.767 karakter]")
    assert clean_number(float("inf")) is None and clean_number(float("nan")) is None and clean_number(2.5) == 2.5


def test_every_validation_writer_survives_hostile_text(tmp_path):
    huge = "z" * (MAX_CELL_TEXT + 5)
    findings = [finding("N01", "a.xlsx", nilai=HOSTILE, lembar=SHEET_MAIN, sel="H59"),
                finding("I12", "a.xlsx", kolom=huge, panjang="1", batas="2")]  # fmt: skip
    report = Report([FileResult("a.xlsx", findings=findings, opd=HOSTILE, tahun=float("nan"))])
    cut = laporan.write_xlsx(report, tmp_path / "l.xlsx")
    assert cut == 2  # the kolom cell and the message quoting it
    rows = [[c.value for c in r] for r in load_workbook(tmp_path / "l.xlsx")["Temuan"].iter_rows(min_row=2)]
    [n01] = [r for r in rows if r[6] == "N01"]
    assert n01[5].startswith("Dinas KB") and "\x0b" not in n01[5] and n01[5].endswith("x" * 10)
    assert load_workbook(tmp_path / "l.xlsx")["Berkas"]["H2"].value.startswith("Dinas KB")
    laporan.write_json(report, tmp_path / "l.json")
    temuan = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))["temuan"]
    assert next(f["nilai"] for f in temuan if f["aturan"] == "N01") == HOSTILE


def test_annotated_copy_marks_cells_and_lists_every_finding(catalogue, tmp_path):
    count_row = next(r for r, i in enumerate(catalogue.active, start=FIRST_DATA_ROW) if i.kode == "S3.Pc.K3.a")
    path = _submission(catalogue, tmp_path, {
        identity_cell("opd"): "Dinas_x000B_KB",  # a vertical tab pasted from Word, as Excel stores it
        identity_cell("tanggal"): "bukan tanggal",  # a finding inside the merged C12:E12
        f"{COL['capaian_1']}{count_row}": -3,
    })  # fmt: skip
    report = validate_submissions(read_all(discover([str(path)])))
    [copy] = laporan.write_annotated(report, {report.files[0].berkas: path}, tmp_path / "koreksi")
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == laporan.SHEET_FIXES and wb.active.title == laporan.SHEET_FIXES
    fixes = wb[laporan.SHEET_FIXES]
    listed = [[c.value for c in r] for r in fixes.iter_rows(min_row=4)]
    assert len(listed) == len(report.files[0].findings)
    assert any(r[2] == f"{COL['capaian_1']}{count_row}" and r[3].startswith("S3.Pc.K3.a ") and "V01" in r[5] and r[6] for r in listed)
    assert fixes.page_setup.orientation == "landscape" and fixes.print_title_rows.replace("$", "") == "3:3"
    for number, row in enumerate(fixes.iter_rows(min_row=4), start=4):  # tall enough for its wrapped text: no overlap in print
        longest = max(len(str(c.value or "")) / fixes.column_dimensions[c.column_letter].width for c in row)
        assert fixes.row_dimensions[number].height >= 11 * 1.2 * max(1, -(-longest // 1)), (number, [c.value for c in row])
    cell = wb[SHEET_MAIN][f"{COL['capaian_1']}{count_row}"]
    assert cell.fill.patternType == "lightUp" and cell.border.left.style == "medium" and cell.border.left.color.rgb.endswith("C00000")
    assert "V01" in cell.comment.text
    dated = wb[SHEET_MAIN][identity_cell("tanggal")]
    assert dated.comment is not None and "I09" in dated.comment.text and dated.border.left.style == "dashed"
    # the copy, sent back as it is, reads like the original (its Daftar Perbaikan is not "another sheet")
    again = validate_submissions(read_all(discover([str(copy)])))
    assert {(f.aturan, f.sel) for f in again.files[0].findings} == {(f.aturan, f.sel) for f in report.files[0].findings}


def test_internal_error_is_the_files_finding_and_exit_3(catalogue, tmp_path, monkeypatch):
    good = _submission(catalogue, tmp_path, {}, "baik.xlsx")
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(good)]).exit_code == 0
    original = reader_module._read_rows

    def broken(sub, *args):
        if "rusak" in sub.berkas:
            raise ZeroDivisionError("uji")
        return original(sub, *args)

    monkeypatch.setattr(reader_module, "_read_rows", broken)
    _submission(catalogue, tmp_path, {}, "rusak.xlsx")
    report = validate_submissions(read_all(discover([str(tmp_path)])))
    by_name = {r.berkas.rsplit("/", 1)[-1]: r for r in report.files}
    assert by_name["baik.xlsx"].status == "diterima"
    [x01] = by_name["rusak.xlsx"].findings
    assert x01.aturan == "X01" and "ZeroDivisionError: uji" in x01.pesan and by_name["rusak.xlsx"].status == "ditolak"
    result = runner.invoke(main, ["validate", str(tmp_path), "--laporan", str(tmp_path / "out" / "l.xlsx")])
    assert result.exit_code == 3 and "Traceback" not in result.output


def test_exit_status_tells_rejected_from_crash(catalogue, tmp_path, monkeypatch):
    bad = _submission(catalogue, tmp_path, {identity_cell("opd"): None}, "buruk.xlsx")
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(bad)]).exit_code == 1

    def crash(*args, **kwargs):
        raise RuntimeError("penulis rusak")

    monkeypatch.setattr(laporan, "write_xlsx", crash)
    result = runner.invoke(main, ["validate", str(bad), "--laporan", str(tmp_path / "l.xlsx")])
    assert result.exit_code == 3 and "Galat internal" in result.output
    assert runner.invoke(main, ["validate", "--tidak-ada"]).exit_code == 2


def test_json_is_strict(tmp_path):
    report = Report([FileResult("a.xlsx", tahun=float("inf"))])
    laporan.write_json(report, tmp_path / "a.json")
    payload = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert payload["berkas"][0]["status"] == "diterima" and payload["berkas"][0]["tahun"] is None


@pytest.mark.libreoffice
def test_an_xlsx_named_otherwise_gets_its_annotated_copy(catalogue, tmp_path):
    """Read by content, accepted with findings: its copy is made too (openpyxl refused the name '.xls')."""
    folder = tmp_path / "kiriman"
    folder.mkdir()
    for name in ("lama.xls", "makro.xlsm", "tanpa akhiran"):
        _submission(catalogue, folder, {identity_cell("tanggal"): "bukan tanggal"}, name=name)
    report = validate_submissions(read_all(discover([str(folder)])))
    assert [(Path(r.berkas).name, str(r.status)) for r in report.files] == [
        ("lama.xls", "diterima"), ("makro.xlsm", "diterima"), ("tanpa akhiran", "diterima")]
    copies = laporan.write_annotated(report, {r.berkas: folder / Path(r.berkas).name for r in report.files}, tmp_path / "koreksi")
    assert sorted(p.name for p in copies) == ["lama_catatan.xlsx", "makro_catatan.xlsx", "tanpa akhiran_catatan.xlsx"]
    for copy in copies:
        assert load_workbook(copy).sheetnames[0] == laporan.SHEET_FIXES


def test_annotated_copy_prints_its_daftar_perbaikan_first_on_landscape_a4(catalogue, tmp_path):
    from libreoffice import recalculate, soffice

    pypdf = pytest.importorskip("pypdf")
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    path = _submission(catalogue, tmp_path, {identity_cell("opd"): None, identity_cell("tanggal"): "kemarin"})
    report = validate_submissions(read_all(discover([str(path)])))
    [copy] = laporan.write_annotated(report, {report.files[0].berkas: path}, tmp_path / "koreksi")
    [pdf] = recalculate([copy], tmp_path, fmt="pdf")
    first = pypdf.PdfReader(pdf).pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = first.extract_text()
    assert "Daftar Perbaikan" in text and "I05" in text and "Yang harus dilakukan" in text
