"""Renderings of a validation Report: console lines, an xlsx laporan, JSON, annotated copies."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from kkb_excel import __version__
from kkb_excel.files import write_atomic
from kkb_excel.findings import DILEWATI, DITERIMA, DITOLAK, Report
from kkb_excel.template.workbook import put_text
from kkb_excel.validators.rules import GALAT, INFO, PERINGATAN, RULES

FINDING_COLUMNS = ("berkas", "lembar", "sel", "kode_indikator", "kolom", "nilai", "aturan", "keparahan", "pesan")
FINDING_HEADERS = ("Berkas", "Lembar", "Sel", "Kode indikator", "Kolom", "Nilai", "Kode aturan", "Tingkat keparahan", "Pesan")
SEVERITY_FILL = {GALAT: "FFC7CE", PERINGATAN: "FFEB9C", INFO: "DDEBF7"}
STATUS_LABEL = {DITERIMA: "DITERIMA", DITOLAK: "DITOLAK", DILEWATI: "DILEWATI"}


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
             "kode_wilayah": r.kode_wilayah, "tingkat": r.tingkat, "tahun": r.tahun, "opd": r.opd,
             "isian_wajib": r.isian_wajib, "isian_terisi": r.isian_terisi}
            for r in report.files
        ],  # fmt: skip
        "temuan": [f.as_dict() for f in report.findings],
    }
    write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))


def _row(ws, values, bold: bool = False) -> None:
    ws.append([None] * len(values))
    r = ws.max_row
    for c, value in enumerate(values, start=1):
        cell = ws.cell(r, c)
        if isinstance(value, str):
            put_text(cell, value)  # text from submissions never becomes a formula
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)


def write_xlsx(report: Report, path: Path) -> None:
    """Laporan: Ringkasan, Berkas (status per file) and Temuan (one finding per row, with filters)."""
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
        _row(ringkasan, [code, RULES[code].keparahan, RULES[code].judul, count])
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
    for f in report.findings:
        _row(temuan, [getattr(f, c) or "" if c != "keparahan" else f.keparahan for c in FINDING_COLUMNS])
        temuan.cell(temuan.max_row, 8).fill = PatternFill("solid", fgColor=SEVERITY_FILL[f.keparahan])
    temuan.auto_filter.ref = temuan.dimensions
    temuan.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (45, 14, 8, 13, 20, 14, 11, 16, 80), strict=True):
        temuan.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())


def annotated_name(berkas: str) -> str:
    stem = Path(berkas).stem
    return f"{stem}_catatan.xlsx"


def write_annotated(report: Report, sources: dict[str, Path], out_dir: Path) -> list[Path]:
    """For each readable file with cell findings: a copy with those cells coloured and commented."""
    written = []
    used: set[str] = set()
    for result in report.files:
        cell_findings = [f for f in result.findings if f.sel and f.lembar]
        if not cell_findings or result.berkas not in sources:
            continue
        try:
            wb = load_workbook(sources[result.berkas])
        except Exception:  # unreadable by openpyxl: the laporan still lists its findings
            continue
        by_cell: dict[tuple[str, str], list] = {}
        for f in cell_findings:
            by_cell.setdefault((f.lembar, f.sel), []).append(f)
        for (sheet, ref), findings in by_cell.items():
            if sheet not in wb.sheetnames:
                continue
            cell = wb[sheet][ref]
            worst = min(findings, key=lambda f: (f.keparahan != GALAT, f.keparahan != PERINGATAN))
            cell.fill = PatternFill("solid", fgColor=SEVERITY_FILL[worst.keparahan])
            text = "\n".join(f"[{f.aturan} {f.keparahan}] {f.pesan}" for f in findings)
            cell.comment = Comment(text, "kkb-excel validate", width=320, height=120)
        name = annotated_name(result.berkas)
        while name in used:
            name = name.replace("_catatan", "_catatan_")
        used.add(name)
        buffer = io.BytesIO()
        wb.save(buffer)
        path = out_dir / name
        write_atomic(path, buffer.getvalue())
        written.append(path)
    return written
