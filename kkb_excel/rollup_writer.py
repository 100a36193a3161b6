"""Write a Rollup: ROLLUP.xlsx (readable by people and again by `consolidate`), CSV and Parquet.

Text that came from submissions is always written as text: never a formula in the xlsx, and
escaped in the CSV so spreadsheet programs do not run it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill

from kkb_excel import __version__, aggregate, capaian
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.consolidate import COMPLETENESS_FIELDS, NASIONAL, ROLLUP_FIELDS, SUPERSEDE_RULE, Rollup, tier_target
from kkb_excel.files import write_atomic
from kkb_excel.layout import ROLLUP_ID, ROLLUP_VERSION, SHEET_META, SHEET_ROLLUP_DATA
from kkb_excel.tingkat import LABEL, TINGKAT
from kkb_excel.validators.rules import GALAT
from kkb_excel.wilayah import ATTRIBUTION

RECORD_COLUMNS = (
    "tingkat", "kode_wilayah", "nama_wilayah", "kode_indikator", "sasaran_no", "indikator", "satuan", "polaritas",
    "agregasi", "target", "capaian_1", "persen_1", "kategori_1", "capaian_2", "persen_2", "kategori_2",
    "pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2", "unit_ya_1", "unit_berstatus_1", "unit_ya_2",
    "unit_berstatus_2", "laporan_1", "laporan_2", "catatan",
)  # fmt: skip
TIER_HEADERS = (
    "Tingkat", "Kode wilayah", "Nama wilayah", "Kode", "Sasaran", "Indikator", "Satuan", "Polaritas", "Agregasi",
    "Target", "Capaian Semester I", "% Capaian Sem I", "Kategori Sem I", "Capaian Semester II", "% Capaian Sem II",
    "Kategori Sem II", "Pembilang Sem I", "Penyebut Sem I", "Pembilang Sem II", "Penyebut Sem II",
    "Unit ya Sem I", "Unit berstatus Sem I", "Unit ya Sem II", "Unit berstatus Sem II", "Jumlah laporan Sem I",
    "Jumlah laporan Sem II", "Catatan",
)  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def records(rollup: Rollup, catalogue: Catalogue | None = None, levels: list[str] | None = None) -> list[dict]:
    """Long format: one record per tier x unit x indicator, with values, capaian, category and flags."""
    catalogue = catalogue or load_catalogue()
    out = []
    for level in levels or rollup.levels():
        for kode in sorted(rollup.partials.get(level, {})):
            unit = rollup.partials[level][kode]
            for ind in catalogue.active:
                part = unit.get(ind.kode)
                if part is None:
                    continue
                out.append(_record(rollup, catalogue, level, kode, ind, part))
    return out


def _record(rollup: Rollup, catalogue: Catalogue, level: str, kode: str, ind, part) -> dict:
    target = tier_target(rollup, catalogue, level, kode, ind.kode)
    rec = {
        "tingkat": level, "kode_wilayah": kode, "nama_wilayah": rollup.names.get(kode, kode), "kode_indikator": ind.kode,
        "sasaran_no": ind.sasaran_no, "indikator": ind.indikator, "satuan": ind.satuan, "polaritas": ind.polaritas,
        "agregasi": ind.agregasi, "target": target,
    }  # fmt: skip
    flags = set(part.flags)
    for s in aggregate.SEMESTERS:
        used = rollup.semester is None or rollup.semester == s
        value = aggregate.value(ind, part, s) if used else None
        persen = capaian.capaian(value, target, ind.polaritas)
        if capaian.is_floored(value, target, ind.polaritas):
            flags.add(aggregate.FLAG_FLOORED)
        rec[f"capaian_{s}"], rec[f"persen_{s}"], rec[f"kategori_{s}"] = value, persen, capaian.kategori(persen)
        for name, key in (("pembilang", "pembilang"), ("penyebut", "penyebut"), ("unit_ya", "ya"), ("unit_berstatus", "berstatus"), ("laporan", "laporan")):
            rec[f"{name}_{s}"] = part.sums.get(f"{key}_{s}") if used else None
    rec["catatan"] = "; ".join(aggregate.FLAG_LABEL[f] for f in sorted(flags))
    return rec


def _cell(ws, value, bold: bool = False):
    """A plain value, or a cell object where a string would otherwise be taken as a formula."""
    if bold or (isinstance(value, str) and value.startswith("=")):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
        if bold:
            cell.font = Font(bold=True)
        return cell
    return value


def _append(ws, values, bold: bool = False) -> None:
    ws.append([_cell(ws, v, bold) for v in values])


def _sheet_title(level: str) -> str:
    return f"Rekap {LABEL[level].replace('/', '-')}"


def write_xlsx(rollup: Rollup, path: Path, catalogue: Catalogue | None = None) -> None:
    catalogue = catalogue or load_catalogue()
    wb = Workbook(write_only=True)
    shown = [lv for lv in rollup.levels() if lv != "desa" or rollup.tingkat == "desa"]
    _ringkasan(wb, rollup, catalogue)
    for level in shown:
        _tier_sheet(wb, rollup, catalogue, level)
    _kelengkapan(wb, rollup)
    _konflik(wb, rollup)
    _ditolak(wb, rollup)
    _manifest(wb, rollup)
    _machine_sheets(wb, rollup, catalogue)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())


def _headline(rollup: Rollup, catalogue: Catalogue) -> tuple[str, int, list[tuple[str, int, float | None]]]:
    """Top tier unit (first), the semester shown, and mean % capaian per sasaran."""
    top = rollup.tingkat
    units = sorted(rollup.partials.get(top, {}))
    semester = rollup.semester or (2 if any(
        p.sums.get("laporan_2") for u in rollup.partials.get(top, {}).values() for p in u.values()) else 1)  # fmt: skip
    rows = []
    if not units:
        return "", semester, rows
    recs = [r for r in records(rollup, catalogue, [top]) if r["kode_wilayah"] == units[0]]
    for sasaran_no in sorted({i.sasaran_no for i in catalogue.active}):
        values = [r[f"persen_{semester}"] for r in recs if r["sasaran_no"] == sasaran_no and r[f"persen_{semester}"] is not None]
        name = next(i.sasaran for i in catalogue.active if i.sasaran_no == sasaran_no)
        rows.append((f"{sasaran_no}. {name}", len(values), round(sum(values) / len(values), 2) if values else None))
    return units[0], semester, rows


def _ringkasan(wb, rollup: Rollup, catalogue: Catalogue) -> None:
    ws = wb.create_sheet("Ringkasan")
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 16
    scope = rollup.names.get(rollup.wilayah, rollup.wilayah) if rollup.wilayah else "semua wilayah dalam kiriman"
    _append(ws, [f"Rekap daftar tilik Kampung Keluarga Berkualitas - tingkat {LABEL[rollup.tingkat]}"], bold=True)
    _append(ws, [f"Cakupan: {scope} ({rollup.wilayah or '-'}); tahun {rollup.tahun}; "
                 f"semester {rollup.semester or 'I dan II'}; dibuat dengan kkb-excel {__version__}"])  # fmt: skip
    counts = rollup.counts()
    _append(ws, [f"Berkas: {counts['ditemukan']} ditemukan = {counts['diterima']} diterima + {counts['ditolak']} ditolak "
                 f"+ {counts['digantikan']} digantikan + {counts['dilewati']} dilewati"])  # fmt: skip
    _append(ws, [SUPERSEDE_RULE])
    _append(ws, [f"Konflik antar-OPD: {len(rollup.conflicts)}; unit belum masuk: {len(rollup.not_reported)}"])
    _append(ws, [])
    unit, semester, rows = _headline(rollup, catalogue)
    _append(ws, [f"Capaian per sasaran - {rollup.names.get(unit, unit)} (rata-rata % capaian indikator, semester {semester})"], bold=True)
    _append(ws, ["Sasaran", "Indikator berisi", "Rata-rata % capaian"], bold=True)
    first = 9
    for row in rows:
        _append(ws, list(row))
    if rows:
        chart = BarChart()
        chart.type, chart.title, chart.height, chart.width = "bar", "Capaian per sasaran (%)", 7, 16
        chart.add_data(Reference(ws, min_col=3, min_row=first - 1, max_row=first + len(rows) - 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + len(rows) - 1))
        ws.add_chart(chart, "E2")
    _append(ws, [])
    below = TINGKAT[TINGKAT.index(rollup.tingkat) - 1] if rollup.tingkat != "desa" else "desa"
    units = rollup.completeness.get(below, {})
    start = first + len(rows) + 2
    _append(ws, [f"Kelengkapan per {LABEL[below].lower()} (% desa/kelurahan diterima)"], bold=True)
    _append(ws, ["Wilayah", "Diharapkan", "% diterima"], bold=True)
    for kode in sorted(units)[:200]:
        c = units[kode]
        pct = round(c["diterima"] / c["diharapkan"] * 100, 1) if c["diharapkan"] else None
        _append(ws, [f"{kode} {rollup.names.get(kode, '')}", c["diharapkan"], pct])
    if units:
        n = min(len(units), 200)
        chart = BarChart()
        chart.type, chart.title, chart.height, chart.width = "bar", "Kelengkapan (% diterima)", 9, 16
        chart.add_data(Reference(ws, min_col=3, min_row=start + 1, max_row=start + 1 + n), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 2, max_row=start + 1 + n))
        ws.add_chart(chart, "E20")
    _append(ws, [])
    _append(ws, [ATTRIBUTION])


def _tier_sheet(wb, rollup: Rollup, catalogue: Catalogue, level: str) -> None:
    ws = wb.create_sheet(_sheet_title(level))
    for letter, width in zip("ABCDEFGHIJ", (12, 14, 24, 12, 8, 50, 14, 9, 14, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "D2"
    recs = records(rollup, catalogue, [level])
    _append(ws, list(TIER_HEADERS), bold=True)
    for r in recs:
        _append(ws, [LABEL[level]] + [r[c] for c in RECORD_COLUMNS[1:]])
    last = len(recs) + 1
    ws.auto_filter.ref = f"A1:AA{max(last, 2)}"
    for letter in ("L", "O"):
        for band, condition in capaian.band_conditions(f"{letter}2"):
            ws.conditional_formatting.add(f"{letter}2:{letter}{max(last, 2)}",
                                          FormulaRule(formula=[condition], fill=PatternFill("solid", bgColor=band.fill)))  # fmt: skip


def _kelengkapan(wb, rollup: Rollup) -> None:
    ws = wb.create_sheet("Kelengkapan")
    ws.column_dimensions["C"].width = 30
    _append(ws, ["Tingkat", "Kode wilayah", "Nama wilayah", "Jumlah diharapkan", "Masuk", "Diterima", "Ditolak",
                 "Belum masuk", "% diterima"], bold=True)  # fmt: skip
    for level in TINGKAT:
        if level == "desa":
            continue
        for kode, c in sorted(rollup.completeness.get(level, {}).items()):
            pct = round(c["diterima"] / c["diharapkan"] * 100, 2) if c["diharapkan"] else None
            _append(ws, [LABEL[level], kode, rollup.names.get(kode, kode), c["diharapkan"], c["masuk"], c["diterima"],
                         c["ditolak"], c["diharapkan"] - c["masuk"], pct])  # fmt: skip
    ws2 = wb.create_sheet("Belum Masuk")
    _append(ws2, ["Kode wilayah", "Nama desa/kelurahan"], bold=True)
    for kode, nama in sorted(rollup.not_reported):
        _append(ws2, [kode, nama])


def _konflik(wb, rollup: Rollup) -> None:
    ws = wb.create_sheet("Konflik")
    _append(ws, ["Kode wilayah", "Kode indikator", "Berkas", "Nilai yang berbeda"], bold=True)
    for c in rollup.conflicts:
        _append(ws, [c.kode_wilayah, c.kode_indikator, "; ".join(c.berkas), c.nilai])


def _ditolak(wb, rollup: Rollup) -> None:
    ws = wb.create_sheet("Ditolak")
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["D"].width = 100
    _append(ws, ["Berkas", "Kode wilayah", "Jumlah galat", "Alasan"], bold=True)
    for r in sorted(rollup.rejected, key=lambda r: r.berkas):
        reasons = " | ".join(f"[{f.aturan}] {f.sel + ': ' if f.sel else ''}{f.pesan}" for f in r.findings if f.keparahan == GALAT)
        _append(ws, [r.berkas, r.kode_wilayah or "", r.count(GALAT), reasons])


def _manifest(wb, rollup: Rollup) -> None:
    ws = wb.create_sheet("Manifest")
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 66
    _append(ws, ["Berkas", "SHA-256", "Status", "Jenis", "Kode wilayah", "Tingkat", "OPD", "Tanggal pengisian", "Keterangan"], bold=True)
    for m in rollup.manifest:
        _append(ws, [m.berkas, m.sha256, m.status, m.jenis, m.kode_wilayah, m.tingkat, m.opd, m.tanggal, m.alasan])
    counts = rollup.counts()
    _append(ws, [])
    _append(ws, [f"ditemukan {counts['ditemukan']} = diterima {counts['diterima']} + ditolak {counts['ditolak']} "
                 f"+ digantikan {counts['digantikan']} + dilewati {counts['dilewati']}"])  # fmt: skip


def _machine_sheets(wb, rollup: Rollup, catalogue: Catalogue) -> None:
    meta = wb.create_sheet(SHEET_META)
    meta.sheet_state = "hidden"
    _append(meta, ["kunci", "nilai"])
    for key, value in (("template_id", ROLLUP_ID), ("template_versi", ROLLUP_VERSION), ("katalog_versi", catalogue.version),
                       ("kode_wilayah", rollup.wilayah or NASIONAL), ("tingkat", rollup.tingkat), ("tahun", rollup.tahun),
                       ("jenis_berkas", "rekap"), ("semester", rollup.semester or ""), ("dibuat_oleh", f"kkb-excel {__version__}")):  # fmt: skip
        _append(meta, [key, value])
    data = wb.create_sheet(SHEET_ROLLUP_DATA)
    data.sheet_state = "hidden"
    _append(data, ["jenis", "tingkat", "kode_wilayah", "kode_indikator", "catatan", *ROLLUP_FIELDS, *COMPLETENESS_FIELDS])
    top = rollup.tingkat  # the top tier carries everything the next consolidation needs
    for level in [top] if top in rollup.partials else []:
        for kode in sorted(rollup.partials[level]):
            for ind_kode, part in sorted(rollup.partials[level][kode].items()):
                _append(data, ["nilai", level, kode, ind_kode, ",".join(sorted(part.flags)),
                               *(part.sums.get(f) for f in ROLLUP_FIELDS), *([None] * len(COMPLETENESS_FIELDS))])  # fmt: skip
    for level, units in rollup.completeness.items():
        for kode, c in sorted(units.items()):
            if level == top:
                _append(data, ["kelengkapan", level, kode, "", "", *([None] * len(ROLLUP_FIELDS)), *(c[f] for f in COMPLETENESS_FIELDS)])


def safe_csv(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(rollup: Rollup, path: Path, catalogue: Catalogue | None = None) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RECORD_COLUMNS)
    for r in records(rollup, catalogue):
        writer.writerow([safe_csv("" if r[c] is None else r[c]) for c in RECORD_COLUMNS])
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))


def write_parquet(rollup: Rollup, path: Path, catalogue: Catalogue | None = None) -> None:
    import pandas as pd

    frame = pd.DataFrame(records(rollup, catalogue), columns=list(RECORD_COLUMNS))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(path, buffer.getvalue())
