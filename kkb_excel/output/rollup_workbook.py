"""Write a Rollup: ROLLUP.xlsx (readable by people and again by `consolidate`), CSV and Parquet.

Text that came from submissions is always written as text: never a formula in the xlsx, and
escaped in the CSV so spreadsheet programs do not run it.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from datetime import datetime
from pathlib import Path

import xlsxwriter

from kkb_excel import __version__, capaian
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.consolidate import aggregate, rollup_sheet
from kkb_excel.consolidate.model import LOW_COVERAGE, Rollup
from kkb_excel.consolidate.run import SUPERSEDE_RULE, tier_target
from kkb_excel.files import write_atomic
from kkb_excel.template.layout import (
    ROLLUP_ID,
    ROLLUP_VERSION,
    SHEET_META,
    SHEET_ROLLUP_DATA,
)
from kkb_excel.tingkat import LABEL, NASIONAL, TINGKAT
from kkb_excel.wilayah import ATTRIBUTION

RECORD_COLUMNS = (
    "tingkat", "kode_wilayah", "nama_wilayah", "kode_indikator", "sasaran_no", "indikator", "satuan", "polaritas",
    "agregasi", "target", "capaian_1", "persen_1", "kategori_1", "capaian_2", "persen_2", "kategori_2",
    "pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2", "unit_ya_1", "unit_berstatus_1", "unit_ya_2",
    "unit_berstatus_2", "laporan_1", "laporan_2", "catatan", "unit_diharapkan", "cakupan_1", "cakupan_2",
    "belum_tersedia_1", "belum_tersedia_2", "konflik_1", "konflik_2",
)  # fmt: skip
TIER_HEADERS = (
    "Tingkat", "Kode wilayah", "Nama wilayah", "Kode", "Sasaran", "Indikator", "Satuan", "Polaritas", "Agregasi",
    "Target", "Capaian Semester I", "% Capaian Sem I", "Kategori Sem I", "Capaian Semester II", "% Capaian Sem II",
    "Kategori Sem II", "Pembilang Sem I", "Penyebut Sem I", "Pembilang Sem II", "Penyebut Sem II",
    "Unit ya Sem I", "Unit berstatus Sem I", "Unit ya Sem II", "Unit berstatus Sem II", "Jumlah laporan Sem I",
    "Jumlah laporan Sem II", "Catatan", "Unit diharapkan", "% cakupan Sem I", "% cakupan Sem II",
    "Belum tersedia Sem I", "Belum tersedia Sem II", "Konflik Sem I", "Konflik Sem II",
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
    rec.update(_coverage(rollup, level, kode, ind, part))
    return rec


def _coverage(rollup: Rollup, level: str, kode: str, ind, part) -> dict:
    """Units reported out of units expected (from the wilayah reference), beside the value."""
    expected = rollup.expected(kode, level, ind.tingkat_pengamatan)
    out = {"unit_diharapkan": expected}
    for s in aggregate.SEMESTERS:
        used = rollup.semester is None or rollup.semester == s
        laporan = part.sums.get(f"laporan_{s}", 0.0) if used else None
        out[f"cakupan_{s}"] = capaian.excel_round(laporan / expected * 100) if used and expected else None
        out[f"belum_tersedia_{s}"] = part.sums.get(f"belum_tersedia_{s}") if used else None
        out[f"konflik_{s}"] = part.sums.get(f"konflik_{s}") if used else None
    return out


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
            value = clean(value)
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


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value):
    """A value every writer can store: NaN and infinities become empty, XML-illegal characters are dropped."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str) and not value.isprintable():  # fast path: printable text has no control characters
        return _ILLEGAL.sub("", value)
    return value


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


KATEGORI = tuple(b.label for b in capaian.SCHEMES[capaian.DEFAULT_SCHEME])


def sasaran_summary(rollup: Rollup, catalogue: Catalogue) -> tuple[int, list[list]]:
    """The semester shown and, per sasaran, how many indicator rows of the top tier (every unit of the
    scope) fall in each kategori, have no % capaian, and rest on low coverage (< LOW_COVERAGE %)."""
    top = rollup.tingkat
    semester = rollup.semester or (2 if any(
        p.sums.get("laporan_2") for u in rollup.partials.get(top, {}).values() for p in u.values()) else 1)  # fmt: skip
    recs = records(rollup, catalogue, [top])
    rows = []
    for sasaran_no in sorted({i.sasaran_no for i in catalogue.active}):
        mine = [r for r in recs if r["sasaran_no"] == sasaran_no]
        name = next(i.sasaran for i in catalogue.active if i.sasaran_no == sasaran_no)
        per = [sum(1 for r in mine if r[f"kategori_{semester}"] == k) for k in KATEGORI]
        none = sum(1 for r in mine if r[f"kategori_{semester}"] is None)
        low = sum(1 for r in mine if r[f"cakupan_{semester}"] is not None and r[f"cakupan_{semester}"] < LOW_COVERAGE)
        rows.append([f"{sasaran_no}. {name}", *per, none, low])
    return semester, rows


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
    sheet.append([f"Berkas: {rollup.accounting()}"])
    sheet.append([SUPERSEDE_RULE])
    sheet.append([rollup.units_summary()])
    sheet.append([])
    _sasaran_table(sheet, rollup, catalogue)
    sheet.append([])
    below = TINGKAT[TINGKAT.index(rollup.tingkat) - 1] if rollup.tingkat != "desa" else "desa"
    units = rollup.completeness.get(below, {})
    sheet.append([f"Kelengkapan per {LABEL[below].lower()} (% desa/kelurahan diterima)"], bold=True)
    sheet.append(["Wilayah", "Diharapkan", "% diterima"], bold=True)
    first = sheet.row
    for kode in sorted(units)[:200]:
        c = units[kode]
        pct = capaian.excel_round(c["diterima"] / c["diharapkan"] * 100, 1) if c["diharapkan"] else None
        sheet.append([f"{kode} {rollup.names.get(kode, '')}", c["diharapkan"], pct])
    if units:
        _bar_chart(book, sheet, "Kelengkapan (% diterima)", first, sheet.row - 1, "E20")
    sheet.append([])
    sheet.append([ATTRIBUTION])


def _sasaran_table(sheet: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    semester, rows = sasaran_summary(rollup, catalogue)
    units = len(rollup.partials.get(rollup.tingkat, {}))
    title = f"Jumlah indikator per kategori % capaian, per sasaran - semester {semester}, {units} unit {LABEL[rollup.tingkat].lower()}"
    sheet.append([title], bold=True)
    sheet.append(["Sasaran", *KATEGORI, "Tanpa % capaian", f"Cakupan < {LOW_COVERAGE:g} %"], bold=True)
    for row in rows:
        sheet.append(row)
    low = sum(r[-1] for r in rows)
    if low:
        note = f"{low} angka bertumpu pada cakupan rendah: kurang dari {LOW_COVERAGE:g} % unit yang diharapkan melapor"
        sheet.append([note + " (lihat kolom % cakupan di lembar rekap)."])


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
            pct = capaian.excel_round(c["diterima"] / c["diharapkan"] * 100) if c["diharapkan"] else None
            sheet.append([LABEL[level], kode, rollup.names.get(kode, kode), c["diharapkan"], c["masuk"], c["diterima"],
                          c["ditolak"], c["diharapkan"] - c["masuk"], pct])  # fmt: skip
    _belum_masuk(missing, rollup)


def _belum_masuk(sheet: _Sheet, rollup: Rollup) -> None:
    """Missing units at the level known: a whole kecamatan with its desa count, or single desa."""
    sheet.widths({2: 36, 4: 60})
    sheet.append(["Tingkat", "Kode wilayah", "Nama wilayah", "Jumlah desa/kelurahan", "Keterangan"], bold=True)
    for m in rollup.not_reported:
        sheet.append([LABEL[m.tingkat], m.kode_wilayah, m.nama, m.desa, m.keterangan])
    sheet.append([])
    sheet.append([f"Jumlah desa/kelurahan belum masuk: {rollup.missing_desa()}"])


def _konflik(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.append(["Kode wilayah", "Nama wilayah", "Kode indikator", "Semester", "OPD (berkas)", "Nilai yang berbeda",
                  "Yang ditahan"], bold=True)  # fmt: skip
    for c in rollup.conflicts:
        sheet.append([c.kode_wilayah, rollup.names.get(c.kode_wilayah, ""), c.kode_indikator, c.semester, c.sumber, c.nilai, c.ditahan])


def _ditolak(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.widths({0: 50, 3: 100})
    sheet.append(["Berkas", "Kode wilayah", "Jumlah galat", "Alasan"], bold=True)
    for r in rollup.rejected:
        sheet.append([r.berkas, r.kode_wilayah, r.galat, r.alasan])


def _manifest(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.widths({0: 50, 1: 66})
    sheet.append(["Berkas", "SHA-256", "Status", "Jenis", "Kode wilayah", "Tingkat", "OPD", "Tanggal pengisian", "Keterangan"], bold=True)
    for m in rollup.manifest:
        sheet.append([m.berkas, m.sha256, m.status, m.jenis, m.kode_wilayah, m.tingkat, m.opd, m.tanggal, m.alasan])
    sheet.append([])
    sheet.append([rollup.accounting()])


def _machine_sheets(meta: _Sheet, data: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    meta.ws.hide()
    meta.append(["kunci", "nilai"])
    for key, value in (("template_id", ROLLUP_ID), ("template_versi", ROLLUP_VERSION), ("katalog_versi", catalogue.version),
                       ("kode_wilayah", rollup.wilayah or NASIONAL), ("tingkat", rollup.tingkat), ("tahun", rollup.tahun),
                       ("jenis_berkas", "rekap"), ("semester", rollup.semester or ""), ("dibuat_oleh", f"kkb-excel {__version__}"),
                       ("dibuat", datetime.now().isoformat(timespec="microseconds"))):  # fmt: skip
        meta.append([key, value])
    data.ws.hide()
    data.append(list(rollup_sheet.COLUMNS))
    for row in rollup_sheet.to_rows(rollup):
        data.append(row)


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
        writer.writerow([safe_csv("" if clean(r[c]) is None else clean(r[c])) for c in RECORD_COLUMNS])
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))


def write_parquet(rollup: Rollup, path: Path, catalogue: Catalogue | None = None) -> None:
    import pandas as pd

    rows = [{c: clean(r[c]) for c in RECORD_COLUMNS} for r in records(rollup, catalogue)]
    frame = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(path, buffer.getvalue())
