"""Write a Rollup: ROLLUP.xlsx (readable by people and again by `consolidate`), CSV and Parquet.

Text that came from submissions is always written as text: never a formula in the xlsx, and
escaped in the CSV so spreadsheet programs do not run it.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

import xlsxwriter

from kkb_excel import __version__, capaian

from kkb_excel.consolidate import aggregate
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.consolidate.run import COMPLETENESS_FIELDS, ROLLUP_FIELDS, SUPERSEDE_RULE, Rollup, tier_target
from kkb_excel.files import write_atomic
from kkb_excel.template.layout import ROLLUP_ID, ROLLUP_VERSION, SHEET_META, SHEET_ROLLUP_DATA
from kkb_excel.tingkat import LABEL, NASIONAL, TINGKAT
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


class _Sheet:
    """A worksheet written row by row (XlsxWriter, constant memory). Text is always written as text."""

    def __init__(self, book, name: str, bold):
        self.ws = book.add_worksheet(name)
        self.row = 0
        self.bold = bold

    def append(self, values, bold: bool = False) -> None:
        fmt = self.bold if bold else None
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                self.ws.write_string(self.row, col, value, fmt)  # never a formula, whatever it starts with
            elif isinstance(value, bool):
                self.ws.write_boolean(self.row, col, value, fmt)
            else:
                self.ws.write_number(self.row, col, value, fmt)
        self.row += 1

    def widths(self, widths: dict[int, float]) -> None:
        for col, width in widths.items():
            self.ws.set_column(col, col, width)


def _sheet_title(level: str) -> str:
    return f"Rekap {LABEL[level].replace('/', '-')}"


def write_xlsx(rollup: Rollup, path: Path, catalogue: Catalogue | None = None) -> None:
    catalogue = catalogue or load_catalogue()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = functools.partial(_Sheet, book, bold=bold)
    shown = [lv for lv in rollup.levels() if lv != "desa" or rollup.tingkat == "desa"]
    _ringkasan(book, sheet("Ringkasan"), rollup, catalogue)
    for level in shown:
        _tier_sheet(book, sheet(_sheet_title(level)), rollup, catalogue, level)
    _kelengkapan(sheet("Kelengkapan"), sheet("Belum Masuk"), rollup)
    _konflik(sheet("Konflik"), rollup)
    _ditolak(sheet("Ditolak"), rollup)
    _manifest(sheet("Manifest"), rollup)
    _machine_sheets(sheet(SHEET_META), sheet(SHEET_ROLLUP_DATA), rollup, catalogue)
    book.close()
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


def _bar_chart(book, sheet: _Sheet, title: str, first: int, last: int, anchor: str) -> None:
    """A horizontal bar chart of column C against the labels in column A (0-based rows)."""
    chart = book.add_chart({"type": "bar"})
    name = sheet.ws.get_name()
    chart.add_series({"name": title, "categories": [name, first, 0, last, 0], "values": [name, first, 2, last, 2]})
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    sheet.ws.insert_chart(anchor, chart, {"x_scale": 1.3, "y_scale": 1.2})


def _ringkasan(book, sheet: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    sheet.widths({0: 48, 1: 16, 2: 16})
    scope = rollup.names.get(rollup.wilayah, rollup.wilayah) if rollup.wilayah else "semua wilayah dalam kiriman"
    sheet.append([f"Rekap daftar tilik Kampung Keluarga Berkualitas - tingkat {LABEL[rollup.tingkat]}"], bold=True)
    sheet.append([f"Cakupan: {scope} ({rollup.wilayah or '-'}); tahun {rollup.tahun}; "
                  f"semester {rollup.semester or 'I dan II'}; dibuat dengan kkb-excel {__version__}"])  # fmt: skip
    counts = rollup.counts()
    sheet.append([f"Berkas: {counts['ditemukan']} ditemukan = {counts['diterima']} diterima + {counts['ditolak']} ditolak "
                  f"+ {counts['digantikan']} digantikan + {counts['dilewati']} dilewati"])  # fmt: skip
    sheet.append([SUPERSEDE_RULE])
    sheet.append([f"Konflik antar-OPD: {len(rollup.conflicts)}; unit belum masuk: {len(rollup.not_reported)}"])
    sheet.append([])
    unit, semester, rows = _headline(rollup, catalogue)
    sheet.append([f"Capaian per sasaran - {rollup.names.get(unit, unit)} (rata-rata % capaian indikator, semester {semester})"], bold=True)
    sheet.append(["Sasaran", "Indikator berisi", "Rata-rata % capaian"], bold=True)
    first = sheet.row
    for row in rows:
        sheet.append(list(row))
    if rows:
        _bar_chart(book, sheet, "Capaian per sasaran (%)", first, sheet.row - 1, "E2")
    sheet.append([])
    below = TINGKAT[TINGKAT.index(rollup.tingkat) - 1] if rollup.tingkat != "desa" else "desa"
    units = rollup.completeness.get(below, {})
    sheet.append([f"Kelengkapan per {LABEL[below].lower()} (% desa/kelurahan diterima)"], bold=True)
    sheet.append(["Wilayah", "Diharapkan", "% diterima"], bold=True)
    first = sheet.row
    for kode in sorted(units)[:200]:
        c = units[kode]
        pct = round(c["diterima"] / c["diharapkan"] * 100, 1) if c["diharapkan"] else None
        sheet.append([f"{kode} {rollup.names.get(kode, '')}", c["diharapkan"], pct])
    if units:
        _bar_chart(book, sheet, "Kelengkapan (% diterima)", first, sheet.row - 1, "E20")
    sheet.append([])
    sheet.append([ATTRIBUTION])


def _tier_sheet(book, sheet: _Sheet, rollup: Rollup, catalogue: Catalogue, level: str) -> None:
    sheet.widths(dict(enumerate((12, 14, 24, 12, 8, 50, 14, 9, 14, 10))))
    sheet.ws.freeze_panes(1, 3)
    recs = records(rollup, catalogue, [level])
    sheet.append(list(TIER_HEADERS), bold=True)
    for r in recs:
        sheet.append([LABEL[level]] + [r[c] for c in RECORD_COLUMNS[1:]])
    last = max(len(recs), 1)
    sheet.ws.autofilter(0, 0, last, len(TIER_HEADERS) - 1)
    for letter in ("L", "O"):
        for band, condition in capaian.band_conditions(f"{letter}2"):
            fill = book.add_format({"bg_color": f"#{band.fill}"})
            sheet.ws.conditional_format(f"{letter}2:{letter}{last + 1}", {"type": "formula", "criteria": f"={condition}", "format": fill})


def _kelengkapan(sheet: _Sheet, missing: _Sheet, rollup: Rollup) -> None:
    sheet.widths({2: 30})
    sheet.append(["Tingkat", "Kode wilayah", "Nama wilayah", "Jumlah diharapkan", "Masuk", "Diterima", "Ditolak",
                  "Belum masuk", "% diterima"], bold=True)  # fmt: skip
    for level in TINGKAT:
        if level == "desa":
            continue
        for kode, c in sorted(rollup.completeness.get(level, {}).items()):
            pct = round(c["diterima"] / c["diharapkan"] * 100, 2) if c["diharapkan"] else None
            sheet.append([LABEL[level], kode, rollup.names.get(kode, kode), c["diharapkan"], c["masuk"], c["diterima"],
                          c["ditolak"], c["diharapkan"] - c["masuk"], pct])  # fmt: skip
    missing.append(["Kode wilayah", "Nama desa/kelurahan"], bold=True)
    for kode, nama in sorted(rollup.not_reported):
        missing.append([kode, nama])


def _konflik(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.append(["Kode wilayah", "Kode indikator", "Berkas", "Nilai yang berbeda"], bold=True)
    for c in rollup.conflicts:
        sheet.append([c.kode_wilayah, c.kode_indikator, "; ".join(c.berkas), c.nilai])


def _ditolak(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.widths({0: 50, 3: 100})
    sheet.append(["Berkas", "Kode wilayah", "Jumlah galat", "Alasan"], bold=True)
    for r in sorted(rollup.rejected, key=lambda r: r.berkas):
        reasons = " | ".join(f"[{f.aturan}] {f.sel + ': ' if f.sel else ''}{f.pesan}" for f in r.findings if f.keparahan == GALAT)
        sheet.append([r.berkas, r.kode_wilayah or "", r.count(GALAT), reasons])


def _manifest(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.widths({0: 50, 1: 66})
    sheet.append(["Berkas", "SHA-256", "Status", "Jenis", "Kode wilayah", "Tingkat", "OPD", "Tanggal pengisian", "Keterangan"], bold=True)
    for m in rollup.manifest:
        sheet.append([m.berkas, m.sha256, m.status, m.jenis, m.kode_wilayah, m.tingkat, m.opd, m.tanggal, m.alasan])
    counts = rollup.counts()
    sheet.append([])
    sheet.append([f"ditemukan {counts['ditemukan']} = diterima {counts['diterima']} + ditolak {counts['ditolak']} "
                  f"+ digantikan {counts['digantikan']} + dilewati {counts['dilewati']}"])  # fmt: skip


def _machine_sheets(meta: _Sheet, data: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    meta.ws.hide()
    meta.append(["kunci", "nilai"])
    for key, value in (("template_id", ROLLUP_ID), ("template_versi", ROLLUP_VERSION), ("katalog_versi", catalogue.version),
                       ("kode_wilayah", rollup.wilayah or NASIONAL), ("tingkat", rollup.tingkat), ("tahun", rollup.tahun),
                       ("jenis_berkas", "rekap"), ("semester", rollup.semester or ""), ("dibuat_oleh", f"kkb-excel {__version__}")):  # fmt: skip
        meta.append([key, value])
    data.ws.hide()
    data.append(["jenis", "tingkat", "kode_wilayah", "kode_indikator", "catatan", *ROLLUP_FIELDS, *COMPLETENESS_FIELDS])
    top = rollup.tingkat  # the top tier carries everything the next consolidation needs
    for kode in sorted(rollup.partials.get(top, {})):
        for ind_kode, part in sorted(rollup.partials[top][kode].items()):
            data.append(["nilai", top, kode, ind_kode, ",".join(sorted(part.flags)),
                         *(part.sums.get(f) for f in ROLLUP_FIELDS), *([None] * len(COMPLETENESS_FIELDS))])  # fmt: skip
    for kode, c in sorted(rollup.completeness.get(top, {}).items()):
        data.append(["kelengkapan", top, kode, "", "", *([None] * len(ROLLUP_FIELDS)), *(c[f] for f in COMPLETENESS_FIELDS)])


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
