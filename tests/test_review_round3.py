"""Review round 3: defects a clerk or a secretariat really produces, each found by running the CLI as a user.

Every test builds real .xlsx files (the project's own templates, filled or edited the way another
program saves them), runs `kkb-excel` and checks what the user sees: an Indonesian message naming
file, sheet and cell, no traceback, every file accounted for, inputs untouched.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from consolidate_helpers import RATIO, SHARE, ratio, submit
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.opd import load_opd_map
from kkb_excel.targets import load_targets
from kkb_excel.template.generate import plan_units
from kkb_excel.template.opd_layout import FIRST_DATA_ROW as OPD_FIRST_ROW
from kkb_excel.template.opd_layout import SHEET_OPD
from kkb_excel.template.opd_workbook import generate_opd
from kkb_excel.tingkat import NASIONAL

KEC = "33.74.01"
D1, D2, D3 = "33.74.01.1001", "33.74.01.1002", "33.74.01.1003"


def cli(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (result.output, result.exception)
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_rows(path: Path, title: str) -> list[tuple]:
    return [r for r in load_workbook(path, read_only=True)[title].iter_rows(values_only=True) if any(v is not None for v in r)]


def kecamatan_rollup(catalogue, tmp_path: Path):
    """A kecamatan rollup of one desa, opened for editing (openpyxl)."""
    kec = tmp_path / "kec"
    submit(catalogue, kec, "d1.xlsx", D1, {RATIO: ratio(1, 2)})
    rekap_kec = tmp_path / "rekap" / "kec.xlsx"
    assert cli("consolidate", kec, "-o", rekap_kec, "--tingkat", "kecamatan", "--wilayah", KEC, "--tahun", "2024").exit_code == 0
    return load_workbook(rekap_kec)


def kabupaten_run_with(catalogue, tmp_path: Path, wb, name: str):
    """`wb` saved as masukan/`name` beside a desa form of another kecamatan, consolidated for the kabupaten."""
    (tmp_path / "masukan").mkdir()
    wb.save(tmp_path / "masukan" / name)
    submit(catalogue, tmp_path / "masukan", "d2.xlsx", "33.74.02.1001", {RATIO: ratio(1, 3)})
    out = tmp_path / "hasil" / "kab.xlsx"
    return cli("consolidate", tmp_path / "masukan", "-o", out, "--tingkat", "kabupaten", "--wilayah", "33.74", "--tahun", "2024"), out


# --- a rollup input that cannot be used is listed in the Ditolak sheet, with what to do -------------------------


def test_a_rejected_rollup_input_is_in_the_ditolak_sheet_with_advice(catalogue, tmp_path):
    """A kecamatan rollup whose _kkb says another rollup version: the Manifest said 'ditolak', the console counted
    it, but the Ditolak sheet (and the rejected files carried up) left it out, and the reason ended in nothing to do."""
    wb = kecamatan_rollup(catalogue, tmp_path)
    wb["_kkb"]["B3"] = "1"  # template_versi: a rollup from an older kkb-excel
    result, out = kabupaten_run_with(catalogue, tmp_path, wb, "rekap kecamatan lama.xlsx")
    assert result.exit_code == 0, result.output
    assert "1 ditolak" in result.output
    ditolak = sheet_rows(out, "Ditolak")[1:]
    assert [r[0] for r in ditolak] == ["masukan/rekap kecamatan lama.xlsx"], ditolak
    reason = ditolak[0][5]
    assert "versi 1" in reason and "buat ulang" in reason.lower(), reason
    carried = [r for r in sheet_rows(out, "_kkb_rekap") if r[0] == "ditolak"]
    assert [r[6] for r in carried] == ["masukan/rekap kecamatan lama.xlsx"]


# --- --target names the national unit as KKB_TARGET does ('ID') ------------------------------------------------


def test_a_target_file_may_set_the_national_target(catalogue, tmp_path):
    """Count targets (e.g. 2.000 desa) apply only at nasional, to be set through --target; the national unit
    ('ID', as in KKB_TARGET) was refused as an unknown kode wilayah, so no national target could be given."""
    path = tmp_path / "target.csv"
    path.write_text("kode_wilayah;kode_indikator;target\nID;S3.Pe.K7.a;2.500\nid;S3.Pa.K4.b;40\n33.74;S3.Pa.K4.b;7\n",
                    encoding="utf-8")  # fmt: skip
    assert load_targets(path, catalogue) == {NASIONAL: {"S3.Pe.K7.a": 2500.0, "S3.Pa.K4.b": 40.0}, "33.74": {"S3.Pa.K4.b": 7.0}}


# --- an OPD workbook with a column inserted or deleted --------------------------------------------------------


@pytest.fixture(scope="module")
def opd_blank(tmp_path_factory, catalogue) -> Path:
    folder = tmp_path_factory.mktemp("opd")
    peta = folder / "peta.csv"
    peta.write_text("kode_indikator;opd\nS3.Pa.K4.a;Tim Uji\nS3.Pb.K1.a;Tim Uji\nS3.Pb.K5.a;Tim Uji\n", encoding="utf-8")
    [path] = generate_opd(plan_units(["33.74"], None, 2024), ["Tim Uji"], 2024, folder / "blank", load_opd_map(peta, catalogue))
    return path


def _opd_filled(blank: Path, change=None):
    """Rows 14-16 filled: the status (D/E), one ratio (G-J) and another (L-O), values that stay plausible when shifted."""
    wb = load_workbook(blank)
    ws = wb[SHEET_OPD]
    ws["B8"], ws["B9"] = "Petugas", date(2024, 11, 1)
    for row in range(OPD_FIRST_ROW, OPD_FIRST_ROW + 3):
        for col, value in zip("DEGHIJLMNO", ("ya", "ya", 5, 10, 20, 40, 5, 10, 20, 40), strict=True):
            ws[f"{col}{row}"] = value
    if change:
        change(ws)
    return wb


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda ws: ws.insert_cols(7), ["1 kolom disisipkan", "G"]),  # before the first ratio: its values read one column left
        (lambda ws: ws.delete_cols(6), ["dihapus", "F"]),  # the status's Keterangan deleted
    ],
    ids=["kolom disisipkan", "kolom dihapus"],
)
def test_an_opd_workbook_with_a_column_inserted_or_deleted_is_rejected_where_it_moved(opd_blank, tmp_path, change, words):
    """Per-desa forms report S15; an OPD workbook read every value from the column beside it, silently."""
    folder = tmp_path / "kiriman"
    folder.mkdir()
    path = folder / "isian dinkes.xlsx"
    _opd_filled(opd_blank, change).save(path)
    before = sha(path)
    result = cli("validate", folder, "--rinci")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "S15" in line]
    assert lines and all(w in lines[0] for w in words), result.output[-3000:]
    out = tmp_path / "rekap.xlsx"
    result = cli("consolidate", folder, "-o", out, "--tingkat", "kabupaten", "--wilayah", "33.74", "--tahun", "2024")
    assert result.exit_code == 1 and "ditolak" in result.output, result.output  # nothing accepted: no rollup
    assert sha(path) == before


def test_an_untouched_opd_workbook_has_no_structure_finding(opd_blank, tmp_path):
    path = tmp_path / "isian.xlsx"
    _opd_filled(opd_blank).save(path)
    result = cli("validate", path, "--rinci")
    assert result.exit_code == 0 and "S15" not in result.output, result.output


# --- -o must never overwrite one of the inputs -----------------------------------------------------------------


def test_output_named_like_an_input_submission_is_refused_and_the_input_kept(catalogue, opd_blank, tmp_path):
    """`-o kiriman/33.74.01.1001.xlsx`: the desa's own form was counted 'dilewati' (own output) and overwritten by
    the rollup (an OPD workbook was even read as input, then overwritten). Refused instead (status 2)."""
    folder = tmp_path / "kiriman"
    first = submit(catalogue, folder, "desa 1001.xlsx", D1, {RATIO: ratio(1, 2)})
    submit(catalogue, folder, "desa 1002.xlsx", D2, {RATIO: ratio(1, 3)})
    opd = folder / "isian opd.xlsx"
    _opd_filled(opd_blank).save(opd)
    before = {p: sha(p) for p in (first, opd)}
    for target in (first, opd):
        result = cli("consolidate", folder, "-o", target, "--tingkat", "kecamatan", "--wilayah", KEC, "--tahun", "2024")
        assert result.exit_code == 2, result.output
        assert target.name in result.output and "masukan" in result.output, result.output
    assert {p: sha(p) for p in (first, opd)} == before
    # a previous rollup in the same folder is still simply replaced
    out = folder / "rekap.xlsx"
    for _ in range(2):
        result = cli("consolidate", folder, "-o", out, "--tingkat", "kecamatan", "--wilayah", KEC, "--tahun", "2024")
        assert result.exit_code == 0, result.output
    assert {p: sha(p) for p in (first, opd)} == before


# --- --anotasi: every copy written, whatever the input's name ------------------------------------------------


def test_annotated_copies_of_files_with_very_long_or_case_clashing_names(catalogue, tmp_path):
    """A 245-character name plus '_catatan' is longer than a file name may be: validate stopped (status 2) naming a
    temporary file, and wrote no copy at all. Two folders holding 'Desa.xlsx' and 'desa.xlsx' gave two copies
    whose names differ only in case: one overwrites the other on Windows."""
    folder = tmp_path / "kiriman"
    bad = {SHARE: {"status_1": "mungkin"}}
    long_one = submit(catalogue, folder, "a" * 245 + ".xlsx", D1, bad)
    submit(catalogue, folder / "x", "Desa.xlsx", D2, bad)
    submit(catalogue, folder / "y", "desa.xlsx", D3, bad)
    out = tmp_path / "koreksi"
    result = cli("validate", folder, "--anotasi", out)
    assert result.exit_code == 1, result.output
    copies = sorted(p.name for p in out.iterdir())
    assert len(copies) == 3 and len({c.casefold() for c in copies}) == 3, copies
    assert all(len(c.encode()) <= 255 for c in copies) and any(c.startswith("a" * 100) for c in copies), copies
    assert long_one.is_file()


# --- a rollup whose hidden data sheet was edited -----------------------------------------------------------------


def test_a_rollup_with_text_in_its_data_sheet_is_rejected_naming_the_cell(catalogue, tmp_path):
    """A number of the hidden _kkb_rekap sheet typed over as text (a rollup unhidden and edited, or re-saved by a
    program that stores numbers as text): the whole run stopped with 'Galat internal: ValueError: could not
    convert string to float' (status 3). Now that rollup is rejected, naming the sheet and cell; the run goes on."""
    wb = kecamatan_rollup(catalogue, tmp_path)
    ws = wb["_kkb_rekap"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "nilai")
    cell = next(c for c in row[head.index("jumlah_1") :] if c.value is not None)
    cell.value = "abc"
    result, out = kabupaten_run_with(catalogue, tmp_path, wb, "rekap diubah.xlsx")
    edited = tmp_path / "masukan" / "rekap diubah.xlsx"
    assert result.exit_code == 0 and "Galat internal" not in result.output, result.output
    [(berkas, *_, reason)] = sheet_rows(out, "Ditolak")[1:]
    assert berkas == "masukan/rekap diubah.xlsx" and "_kkb_rekap" in reason and cell.coordinate in reason, reason
    result = cli("validate", edited, "--rinci")
    assert result.exit_code == 1 and f"S01 galat] {cell.coordinate}" in result.output, result.output


# --- the Konflik sheet shows the numbers that differ ---------------------------------------------------------------


def test_conflicting_large_numbers_are_shown_in_full(catalogue, tmp_path):
    """Two OPDs reporting 1.234.567 and 1.234.568 for one desa: the Konflik sheet showed both as '1.23457e+06',
    a conflict between two identical-looking values."""
    folder = tmp_path / "kiriman"
    submit(catalogue, folder, "desa.xlsx", D1, {RATIO: ratio(1234567, 2000000)})
    submit(catalogue, folder, "puskesmas.xlsx", D1, {RATIO: ratio(1234568, 2000000)}, opd="Puskesmas")
    out = tmp_path / "rekap.xlsx"
    result = cli("consolidate", folder, "-o", out, "--tingkat", "kecamatan", "--wilayah", KEC, "--tahun", "2024")
    assert result.exit_code == 0, result.output
    [row] = sheet_rows(out, "Konflik")[1:]
    shown = row[6].replace(".", "")
    assert "1234567" in shown and "1234568" in shown and "e+" not in shown, row[6]


# --- numbers typed over the Cetak sheet's formulas ------------------------------------------------------------------


def test_numbers_typed_into_the_cetak_sheet_are_reported_not_dropped_silently(catalogue, tmp_path):
    """A clerk who unprotected the printed Lampiran 4 (Cetak) and typed capaian there: the numbers were never read
    and nothing said so (a form filled only there was 'dikirim kosong'). Now an S17 warning names the sheet and cell."""
    form = submit(catalogue, tmp_path / "f", "desa.xlsx", D1, {RATIO: ratio(1, 2)})
    wb = load_workbook(form)
    ws = wb["Cetak"]
    typed = [c for row in ws.iter_rows(min_col=8, max_col=8) for c in row if str(c.value or "").startswith("=")][:3]
    for cell in typed:
        cell.value = 42
    path = tmp_path / "kiriman" / "isi di cetak.xlsx"
    path.parent.mkdir()
    wb.save(path)
    result = cli("validate", path, "--rinci")
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "S17" in line]
    assert f"S17 peringatan] {typed[0].coordinate}" in line and "'Cetak'" in line and "3 isian" in line, result.output


# --- dates as Indonesian clerks type them ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("4 Nop 2024", date(2024, 11, 4)),  # 'Nopember', abbreviated
        ("1 Mrt 2024", date(2024, 3, 1)),
        ("15-Agu-2024", date(2024, 8, 15)),  # Excel's dd-mmm-yyyy in Indonesian, pasted as text
        ("Senin, 4 November 2024", date(2024, 11, 4)),  # Excel's long date format, pasted as text
        ("Jum'at, 1 November 2024", date(2024, 11, 1)),
        ("15 August 2024", date(2024, 8, 15)),  # an English-language Excel
        ("1 Dec 2024", date(2024, 12, 1)),
    ],
)
def test_more_ways_of_writing_a_date(typed, meant):
    from kkb_excel.dates import parse_tanggal

    assert parse_tanggal(typed) == meant


def test_a_resubmission_dated_4_nop_2024_replaces_the_older_one(catalogue, tmp_path):
    """'4 Nop 2024' was unreadable: the correction counted as undated and lost to the July form it corrected."""
    folder = tmp_path / "kiriman"
    submit(catalogue, folder, "lama.xlsx", D1, {RATIO: ratio(1, 2)}, tanggal="01/07/2024")
    submit(catalogue, folder, "koreksi.xlsx", D1, {RATIO: ratio(1, 4)}, tanggal="4 Nop 2024")
    out = tmp_path / "rekap.xlsx"
    result = cli("consolidate", folder, "-o", out, "--tingkat", "kecamatan", "--wilayah", KEC, "--tahun", "2024")
    assert result.exit_code == 0, result.output
    manifest = {r[0]: r[2] for r in sheet_rows(out, "Manifest")[1:] if r[2]}
    assert manifest == {"kiriman/koreksi.xlsx": "diterima", "kiriman/lama.xlsx": "digantikan"}, manifest


# --- validate's own reports in the folder it checks ------------------------------------------------------------------


def test_validate_never_writes_its_report_over_an_input_and_skips_its_earlier_report(catalogue, tmp_path):
    """`--laporan kiriman/desa.xlsx` replaced the desa's form by the report; and `validate kiriman/ --laporan
    kiriman/laporan.xlsx` run twice read its own earlier report as a submission, rejected it, and exited 1."""
    folder = tmp_path / "kiriman"
    form = submit(catalogue, folder, "desa.xlsx", D1, {RATIO: ratio(1, 2)})
    before = sha(form)
    for option, why in (("--laporan", "masukan"), ("--json", "harus berakhiran .json")):  # a .xlsx is no JSON file either
        result = cli("validate", folder, option, form)
        said = "".join(result.output.split())  # the console wraps long lines, even inside a name
        assert result.exit_code == 2 and "desa.xlsx" in said and why.replace(" ", "") in said, result.output
    assert sha(form) == before
    for _ in range(2):
        result = cli("validate", folder, "--laporan", folder / "laporan.xlsx", "--json", folder / "temuan.json")
        assert result.exit_code == 0, result.output
    assert "laporan.xlsx" in result.output and "DILEWATI" in result.output, result.output
    assert sha(form) == before


def test_a_target_csv_saved_by_excel_as_ansi_or_unicode_text_is_read(catalogue, tmp_path):
    """Excel's plain 'CSV' on Windows is Windows-1252 and its 'Unicode Text' is UTF-16 with tabs: a note column
    with 'é' made the target file 'tidak dapat dibaca (UnicodeDecodeError)' and stopped the run."""
    ansi = tmp_path / "target ansi.csv"
    ansi.write_bytes("kode_wilayah;kode_indikator;target;catatan\n33.74;S1.Pa.K1.a;62,5;usulan Bappéda\n".encode("cp1252"))
    utf16 = tmp_path / "target unicode.txt"
    utf16.write_bytes("kode_wilayah\tkode_indikator\ttarget\n33.74\tS1.Pa.K1.a\t62,5\n".encode("utf-16"))
    assert load_targets(ansi, catalogue) == load_targets(utf16, catalogue) == {"33.74": {"S1.Pa.K1.a": 62.5}}


def test_a_target_typed_as_a_percentage_in_excel_is_that_percentage(catalogue, tmp_path):
    """'62,5%' typed into a target workbook is stored by Excel as 0,625 with a % format: the target became 0,625
    (every % capaian a hundred times too high), silently."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["kode_wilayah", "kode_indikator", "target"])
    ws.append(["33.74", "S1.Pa.K1.a", 0.625])
    ws.append(["33.74", "S1.Pa.K2.a", 97])
    ws["C2"].number_format = "0.0%"
    path = tmp_path / "target.xlsx"
    wb.save(path)
    assert load_targets(path, catalogue) == {"33.74": {"S1.Pa.K1.a": 62.5, "S1.Pa.K2.a": 97.0}}


@pytest.mark.parametrize("option", ["--csv", "-o"])
def test_an_output_named_like_the_target_file_is_refused_and_the_target_kept(catalogue, tmp_path, option):
    """--csv (or -o) naming the --target file would have written the rollup over the user's targets."""
    kiriman = tmp_path / "kiriman"
    kiriman.mkdir()
    submit(catalogue, kiriman, "a.xlsx", "33.74.01.1001", {RATIO: ratio(9, 10)})
    target = tmp_path / ("target.csv" if option == "--csv" else "target.xlsx")
    if option == "--csv":
        target.write_text("kode_wilayah;kode_indikator;target\n33.74;S3.Pa.K4.b;7\n", encoding="utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["kode_wilayah", "kode_indikator", "target"])
        book.active.append(["33.74", "S3.Pa.K4.b", 7])
        book.save(target)
    before = target.read_bytes()
    outputs = ["-o", str(tmp_path / "rekap.xlsx"), "--csv", str(target)] if option == "--csv" else ["-o", str(target)]
    result = CliRunner().invoke(main, ["consolidate", str(kiriman), *outputs, "--tingkat", "kabupaten", "--wilayah", "33.74",
                                       "--tahun", "2024", "--target", str(target)])  # fmt: skip
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    assert "berkas --target (masukan)" in said and "Pilih nama lain" in said
    assert target.read_bytes() == before and not (tmp_path / "rekap.xlsx").exists()
