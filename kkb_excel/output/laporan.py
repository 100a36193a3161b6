"""Renderings of a validation Report: console lines, an xlsx laporan, JSON, annotated copies."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from kkb_excel import __version__
from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic
from kkb_excel.findings import DILEWATI, DITERIMA, DITOLAK, Report, finding, sort_key
from kkb_excel.output.safe import clean_number, clean_text, is_truncated
from kkb_excel.output.xlsx_style import text_lines
from kkb_excel.read.opd_reader import source_berkas
from kkb_excel.read.structure import FIXES_SHEET as SHEET_FIXES
from kkb_excel.read.submission import Submission
from kkb_excel.validators.rules import GALAT, INFO, PERINGATAN, RULES, advice

OPENPYXL_FONT_SIZE = 11  # the sheets openpyxl makes here: Calibri 11

FINDING_COLUMNS = ("berkas", "lembar", "sel", "kode_indikator", "kolom", "nilai", "aturan", "keparahan", "pesan")
FINDING_HEADERS = ("Berkas", "Lembar", "Sel", "Kode indikator", "Kolom", "Nilai", "Kode aturan", "Tingkat keparahan", "Pesan")
SEVERITY_FILL = {GALAT: "FFC7CE", PERINGATAN: "FFEB9C", INFO: "DDEBF7"}
STATUS_LABEL = {DITERIMA: "DITERIMA", DITOLAK: "DITOLAK", DILEWATI: "DILEWATI"}
# Annotated copies: a border and a hatched pattern, never a solid fill like the category colours.
MARK_COLOUR = {GALAT: "C00000", PERINGATAN: "E46C0A", INFO: "2F75B5"}
MARK_BORDER = {GALAT: "medium", PERINGATAN: "dashed", INFO: "dotted"}
MARK_PATTERN = {GALAT: "lightUp", PERINGATAN: "lightDown", INFO: None}


def file_line(result) -> str:
    """One console line per file, plain text that any console can show."""
    galat, peringatan = result.count(GALAT), result.count(PERINGATAN)
    if result.status == DILEWATI:
        verdict = "DILEWATI"
    elif result.status == DITERIMA:
        verdict = f"DITERIMA ({peringatan} peringatan)" if peringatan else "DITERIMA"
    else:
        verdict = f"DITOLAK ({galat} galat, {peringatan} peringatan)"
    return f"{verdict:<36} {result.berkas}"


def summary_line(report: Report) -> str:
    s = report.summary()
    return (
        f"{s['berkas']} berkas: {s[DITERIMA]} diterima, {s[DITOLAK]} ditolak, {s[DILEWATI]} dilewati; "
        f"{s[GALAT]} galat, {s[PERINGATAN]} peringatan."
    )


def write_json(report: Report, path: Path) -> None:
    payload = {
        "dibuat_oleh": f"kkb-excel {__version__}",
        "ringkasan": report.summary(),
        "berkas": [
            {"berkas": r.berkas, "status": r.status, "galat": r.count(GALAT), "peringatan": r.count(PERINGATAN),
             "kode_wilayah": r.kode_wilayah, "tingkat": r.tingkat, "tahun": clean_number(r.tahun), "opd": r.opd,
             "isian_wajib": r.isian_wajib, "isian_terisi": r.isian_terisi}
            for r in report.files
        ],  # fmt: skip
        "temuan": [f.as_dict() for f in report.findings],
    }
    write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8"))


def put_text(cell, value: str) -> int:
    """Text that stays text (never a formula), cleaned for Excel; 1 when it had to be cut."""
    cell.value = clean_text(value)
    cell.data_type = "s"
    return int(is_truncated(value))


def _row(ws, values, bold: bool = False) -> int:
    """Append a row; returns how many texts were cut at Excel's cell limit."""
    ws.append([None] * len(values))
    r = ws.max_row
    cut = 0
    for c, value in enumerate(values, start=1):
        cell = ws.cell(r, c)
        if isinstance(value, str):
            cut += put_text(cell, value)  # text from submissions never becomes a formula
        else:
            cell.value = clean_number(value)
        if bold:
            cell.font = Font(bold=True)
    return cut


def write_xlsx(report: Report, path: Path) -> int:
    """Laporan: Ringkasan, Berkas (status per file) and Temuan (one finding per row, with filters).

    Returns how many texts were cut at Excel's 32,767-character limit.
    """
    wb = Workbook()
    ringkasan = wb.active
    ringkasan.title = "Ringkasan"
    _row(ringkasan, ["Laporan validasi daftar tilik Kampung KB"], bold=True)
    _row(ringkasan, [f"Dibuat {datetime.now():%d/%m/%Y %H:%M} dengan kkb-excel {__version__}"])
    labels = {"berkas": "Jumlah berkas", DITERIMA: "Diterima", DITOLAK: "Ditolak", DILEWATI: "Dilewati",
              GALAT: "Galat", PERINGATAN: "Peringatan", INFO: "Info"}  # fmt: skip
    for key, value in report.summary().items():
        _row(ringkasan, [labels[key], value])
    _row(ringkasan, [])
    _row(ringkasan, ["Kode aturan", "Keparahan", "Aturan", "Jumlah temuan"], bold=True)
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.aturan] = counts.get(f.aturan, 0) + 1
    for code, count in sorted(counts.items()):
        _row(ringkasan, [code, str(RULES[code].keparahan), RULES[code].judul, count])
    ringkasan.column_dimensions["A"].width = 16
    ringkasan.column_dimensions["C"].width = 60

    berkas = wb.create_sheet("Berkas")
    _row(berkas, ["Berkas", "Status", "Galat", "Peringatan", "Kode wilayah", "Tingkat", "Tahun", "OPD",
                  "Isian wajib", "Isian terisi"], bold=True)  # fmt: skip
    for r in report.files:
        _row(berkas, [r.berkas, STATUS_LABEL[r.status], r.count(GALAT), r.count(PERINGATAN), r.kode_wilayah or "",
                      r.tingkat or "", r.tahun or "", r.opd or "", r.isian_wajib, r.isian_terisi])  # fmt: skip
    berkas.auto_filter.ref = berkas.dimensions
    berkas.column_dimensions["A"].width = 50

    temuan = wb.create_sheet("Temuan")
    _row(temuan, list(FINDING_HEADERS), bold=True)
    cut = 0
    for f in report.findings:
        cut += _row(temuan, [getattr(f, c) or "" if c != "keparahan" else str(f.keparahan) for c in FINDING_COLUMNS])
        temuan.cell(temuan.max_row, 8).fill = PatternFill("solid", fgColor=SEVERITY_FILL[f.keparahan])
    temuan.auto_filter.ref = temuan.dimensions
    temuan.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (45, 14, 8, 13, 20, 14, 11, 16, 80), strict=True):
        temuan.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())
    return cut


MAX_NAME_BYTES = 200  # a file name may hold 255 bytes (ext4, NTFS: 255 characters); room left for '_catatan_...'


def skip_own_reports(submissions: list[Submission], files, outputs: dict[str, Path]) -> list[Submission]:
    """validate's own --laporan/--json among the files it checks: skipped (S07), never validated; a kkb-excel
    workbook there is an input the report would overwrite, so the run stops before writing anything.

    `files`: the discovered files (path, berkas); `outputs`: option -> path.
    """
    where = {os.path.normcase(os.path.abspath(p)): option for option, p in outputs.items() if p}
    own = {f.berkas: where[key] for f in files if (key := os.path.normcase(os.path.abspath(f.path))) in where}
    if not own:
        return submissions
    kept, done = [], set()
    for sub in submissions:
        berkas = source_berkas(sub)
        if berkas not in own:
            kept.append(sub)
        elif sub.meta.get("template_id"):
            raise KkbError(f"{own[berkas]} {berkas}: berkas itu salah satu berkas masukan; laporan tidak ditulis agar berkas itu "
                           "tidak tertimpa. Pilih nama lain.")  # fmt: skip
        elif berkas not in done:
            done.add(berkas)
            kept.append(Submission(berkas, sub.sha256, skipped=True,
                                   findings=[finding("S07", berkas, jenis=f"Keluaran validate ini sendiri ({own[berkas]})")]))  # fmt: skip
    return kept


def annotated_name(berkas: str) -> str:
    """'desa.xlsx' -> 'desa_catatan.xlsx'; a very long name is shortened so the copy can be written."""
    stem = Path(berkas).stem
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem}_catatan.xlsx"


def _anchor(ws, ref: str):
    """The cell a finding marks: the top-left cell when `ref` lies inside a merged range."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return ws.cell(merged.min_row, merged.min_col)
    return ws[ref]


def _mark(cell, keparahan: str) -> None:
    side = Side(style=MARK_BORDER[keparahan], color=MARK_COLOUR[keparahan])
    cell.border = Border(left=side, right=side, top=side, bottom=side)
    if MARK_PATTERN[keparahan]:
        cell.fill = PatternFill(MARK_PATTERN[keparahan], fgColor=MARK_COLOUR[keparahan], bgColor="FFFFFF")


def _fixes_sheet(wb, result, indicator_names: dict[str, str]) -> None:
    """A printable list of every finding of one file: cell, indicator, what is wrong, what to do."""
    ws = wb.create_sheet(SHEET_FIXES, 0)
    _row(ws, [f"Daftar Perbaikan: {result.berkas}"], bold=True)
    _row(ws, [f"Status: {STATUS_LABEL[result.status]} ({result.count(GALAT)} galat, {result.count(PERINGATAN)} peringatan). "
              "Perbaiki setiap baris bertanda galat, lalu kirim ulang. Sel bermasalah ditandai bingkai merah bergaris."])  # fmt: skip
    _row(ws, ["No", "Lembar", "Sel", "Indikator", "Tingkat", "Apa yang salah", "Yang harus dilakukan"], bold=True)
    for number, f in enumerate(sorted(result.findings, key=sort_key), start=1):
        indicator = f"{f.kode_indikator} {indicator_names.get(f.kode_indikator, '')}".strip() if f.kode_indikator else ""
        _row(ws, [number, f.lembar or "", f.sel or "", indicator, str(f.keparahan).upper(), f"[{f.aturan}] {f.pesan}", advice(f.aturan)])
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = dict(zip("ABCDEFG", (5, 12, 8, 34, 13, 58, 45), strict=True))
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
        lines = max(text_lines(str(c.value or ""), widths[c.column_letter], OPENPYXL_FONT_SIZE) for c in row if c.column_letter in widths)
        ws.row_dimensions[row[0].row].height = lines * OPENPYXL_FONT_SIZE * 1.3 + 3  # spreadsheets do not size rows on opening
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.active = 0


def write_annotated(report: Report, sources: dict[str, Path], out_dir: Path) -> list[Path]:
    """For each readable file with findings: a copy with marked, commented cells and a Daftar Perbaikan sheet.

    One copy that cannot be written never stops the others (its findings stay in the laporan).
    """
    from kkb_excel.catalogue import load_catalogue

    names = {i.kode: i.indikator for i in load_catalogue().active}
    written = []
    used: set[str] = set()
    for result in report.files:
        if not result.findings or result.berkas not in sources or result.status == DILEWATI:
            continue
        try:  # from its bytes: openpyxl refuses a workbook by its name's extension (an .xlsx named .xls)
            wb = load_workbook(io.BytesIO(Path(sources[result.berkas]).read_bytes()))
        except Exception:  # unreadable by openpyxl: the laporan still lists its findings
            continue
        try:
            _annotate(wb, result, names)
            buffer = io.BytesIO()
            wb.save(buffer)
        except Exception:
            continue
        name = annotated_name(result.berkas)
        while name.casefold() in used:  # 'Desa.xlsx' and 'desa.xlsx' are one file name on Windows
            name = name.replace("_catatan", "_catatan_")
        used.add(name.casefold())
        path = out_dir / name
        write_atomic(path, buffer.getvalue())
        written.append(path)
    return written


def _annotate(wb, result, names: dict[str, str]) -> None:
    by_cell: dict[tuple[str, str], list] = {}
    for f in result.findings:
        if f.sel and f.lembar and f.lembar in wb.sheetnames:
            by_cell.setdefault((f.lembar, f.sel), []).append(f)
    for (sheet, ref), findings in by_cell.items():
        try:
            cell = _anchor(wb[sheet], ref)
        except (ValueError, KeyError):
            continue
        worst = min(findings, key=sort_key)
        _mark(cell, worst.keparahan)
        text = clean_text("\n".join(f"[{f.aturan} {f.keparahan}] {f.pesan}" for f in findings))
        cell.comment = Comment(text, "kkb-excel validate", width=320, height=120)
    _fixes_sheet(wb, result, names)
