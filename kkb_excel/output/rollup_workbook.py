"""Write a Rollup: ROLLUP.xlsx (readable by people and again by `consolidate`), CSV and Parquet.

Text that came from submissions is always written as text: never a formula in the xlsx, and
escaped in the CSV so spreadsheet programs do not run it.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path

import xlsxwriter

from kkb_excel import __version__, capaian

from kkb_excel.consolidate import aggregate
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.consolidate.run import COMPLETENESS_FIELDS, ROLLUP_FIELDS, SUPERSEDE_RULE, Rollup, tier_target
from kkb_excel.files import write_atomic
from kkb_excel.keys import COLUMN_LABEL
from kkb_excel.output import matrix, rekap_form
from kkb_excel.output.xlsx_style import DEFAULT_PAPER, FONT_SIZE, HEADER_BLUE, Styles, print_setup, shown_width, text_lines
from kkb_excel.template.layout import ROLLUP_ID, ROLLUP_VERSION, SHEET_META, SHEET_ROLLUP_DATA
from kkb_excel.tingkat import LABEL, NASIONAL, TINGKAT
from kkb_excel.validators.rules import GALAT
from kkb_excel.wilayah import ATTRIBUTION, load_wilayah

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
    """A worksheet written row by row (XlsxWriter, constant memory). Text is always written as text.

    Numbers get thousands separators (counts) or 2 decimals, display-rounded once like Excel's ROUND;
    columns listed in `percent` get the % capaian format. `finish` fits the widths and sets up printing.
    """

    def __init__(self, book, name: str, styles: Styles, paper: str, percent: tuple[int, ...] = (), wrap: dict[int, float] | None = None):
        self.ws = book.add_worksheet(name)
        self.row = 0
        self.styles = styles
        self.paper = paper
        self.percent = set(percent)
        self.wrap = wrap or {}  # column -> fixed width, text wrapped
        self.widths: dict[int, int] = {}
        self.header_row: int | None = None

    def append(self, values, bold: bool = False, header: bool = False) -> None:
        styles = self.styles
        if header:
            self.header_row = self.row
        wrapped = [text_lines(v, self.wrap[c]) for c, v in enumerate(values) if c in self.wrap and isinstance(v, str)]
        if max(wrapped, default=1) > 1:
            self.ws.set_row(self.row, max(wrapped) * FONT_SIZE * 1.3 + 3)
        for col, value in enumerate(values):
            if value is None:
                continue
            if header:
                self.ws.write_string(self.row, col, str(value), styles.header())
                self.widths[col] = max(self.widths.get(col, 0), max((len(w) for w in str(value).split()), default=0))
                continue
            if not (bold and col == 0 and len(values) == 1):
                self.widths[col] = max(self.widths.get(col, 0), shown_width(value))
            if isinstance(value, str):
                fmt = styles.text(bold=True) if bold else styles.text(text_wrap=True) if col in self.wrap else styles.text()
                self.ws.write_string(self.row, col, value, fmt)  # never a formula, whatever it starts with
            elif isinstance(value, bool):
                self.ws.write_boolean(self.row, col, value, styles.text())
            elif col in self.percent:
                self.ws.write_number(self.row, col, capaian.excel_round(value, 2), styles.percent(capaian.kategori(value), bold=bold))
            else:
                shown = value if float(value).is_integer() else capaian.excel_round(value, 2)
                self.ws.write_number(self.row, col, shown, styles.number(shown, bold=bold))
        self.row += 1

    def finish(self, fit_width: bool = True, portrait: bool = False, maximum: float = 50, repeat: bool = True) -> None:
        """Column widths fitted to what was written; print set-up with the (last) header row repeated."""
        for col, width in self.widths.items():
            self.ws.set_column(col, col, self.wrap.get(col) or min(maximum, max(6, width + 2)))
        rows = (self.header_row, self.header_row) if self.header_row is not None and repeat else None
        print_setup(self.ws, self.paper, rows, fit_width=fit_width, portrait=portrait)
        if rows:
            self.ws.freeze_panes(self.header_row + 1, 0)


def _sheet_title(level: str) -> str:
    return f"Rekap {LABEL[level].replace('/', '-')}"


def write_xlsx(rollup: Rollup, path: Path, catalogue: Catalogue | None = None, paper: str = DEFAULT_PAPER) -> None:
    write_atomic(path, build_xlsx(rollup, catalogue, paper))


def build_xlsx(rollup: Rollup, catalogue: Catalogue | None = None, paper: str = DEFAULT_PAPER, for_print: bool = False) -> bytes:
    """ROLLUP.xlsx as bytes; `for_print` keeps only what is signed and sent up (Lampiran 4 and Ringkasan)."""
    catalogue = catalogue or load_catalogue()
    index = load_wilayah()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    styles = Styles(book)
    sheet = functools.partial(_Sheet, book, styles=styles, paper=paper)
    tops = sorted(rollup.partials.get(rollup.tingkat, {}))
    for kode in tops:
        rekap_form.write_form(book, styles, rollup, catalogue, kode, index, paper, rekap_form.sheet_name(kode, len(tops) > 1))
    _ringkasan(book, sheet("Ringkasan", percent=(2,)), rollup, catalogue)
    if not for_print:
        matrix.write_matrices(book, styles, rollup, catalogue, index, paper)
        shown = [lv for lv in rollup.levels() if lv != "desa" or rollup.tingkat == "desa"]
        for level in shown:
            _tier_sheet(book, sheet(_sheet_title(level), percent=(11, 14), wrap={5: 45, 26: 40}), rollup, catalogue, level)
        _kelengkapan(sheet("Kelengkapan", percent=(8,)), sheet("Belum Masuk"), rollup, index)
        _konflik(sheet("Konflik", wrap={4: 40, 6: 60}), rollup, catalogue)
        _ditolak(sheet("Ditolak", wrap={5: 70}), rollup)
        _manifest(sheet("Manifest", wrap={8: 50}), rollup)
        _machine_sheets(sheet(SHEET_META), sheet(SHEET_ROLLUP_DATA), rollup, catalogue)
    book.close()
    return buffer.getvalue()


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
        rows.append((f"{sasaran_no}. {name}", len(values), capaian.excel_round(sum(values) / len(values), 2) if values else None))
    return units[0], semester, rows


def _column_chart(book, sheet: _Sheet, title: str, first: int, last: int, anchor: str, target: float, y_title: str) -> None:
    """Columns of column C against the labels in column A (0-based rows, table order), axis from 0,
    data labels, and the target (column D) drawn as a line."""
    chart = book.add_chart({"type": "column"})
    name = sheet.ws.get_name()
    chart.add_series({"name": title, "categories": [name, first, 0, last, 0], "values": [name, first, 2, last, 2],
                      "data_labels": {"value": True, "num_format": "0.0", "font": {"size": 8}},
                      "fill": {"color": HEADER_BLUE}, "gap": 60})  # fmt: skip
    line = book.add_chart({"type": "line"})
    line.add_series({"name": f"Target {target:g} %", "categories": [name, first, 0, last, 0], "values": [name, first, 3, last, 3],
                     "line": {"color": "#C00000", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"}})  # fmt: skip
    chart.combine(line)
    chart.set_title({"name": title, "name_font": {"size": 11}})
    chart.set_y_axis({"min": 0, "name": y_title, "num_format": "0", "major_gridlines": {"visible": True}})
    chart.set_x_axis({"num_font": {"size": 8, "rotation": -45}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 340})
    sheet.ws.insert_chart(anchor, chart)


def _ringkasan(book, sheet: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    sheet.wrap = {0: 60}
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
    sheet.append(["Sasaran", "Indikator berisi", "Rata-rata % capaian", "Target"], header=True)
    first = sheet.row
    for row in rows:
        sheet.append([*row, 100])
    if rows:
        _column_chart(book, sheet, "Capaian per sasaran (%)", first, sheet.row - 1, f"A{sheet.row + 2}", 100, "% capaian")
        sheet.row += 19
    sheet.append([])
    below = TINGKAT[TINGKAT.index(rollup.tingkat) - 1] if rollup.tingkat != "desa" else "desa"
    units = rollup.completeness.get(below, {})
    sheet.append([f"Kelengkapan per {LABEL[below].lower()} (% desa/kelurahan diterima)"], bold=True)
    sheet.append(["Wilayah", "Diharapkan", "% diterima", "Target"], header=True)
    first = sheet.row
    for kode in sorted(units)[:200]:
        c = units[kode]
        pct = c["diterima"] / c["diharapkan"] * 100 if c["diharapkan"] else None
        sheet.append([f"{rollup.names.get(kode, '')} ({kode})", c["diharapkan"], pct, 100])
    if units:
        _column_chart(book, sheet, "Kelengkapan (% desa/kelurahan diterima)", first, sheet.row - 1, f"A{sheet.row + 2}", 100, "% diterima")
        sheet.row += 19
    sheet.append([])
    sheet.append([ATTRIBUTION])
    sheet.finish(portrait=True, repeat=False)  # several small tables: no one header to repeat


def _tier_sheet(book, sheet: _Sheet, rollup: Rollup, catalogue: Catalogue, level: str) -> None:
    recs = records(rollup, catalogue, [level])
    sheet.append(list(TIER_HEADERS), header=True)
    for r in recs:
        sheet.append([LABEL[level]] + [r[c] for c in RECORD_COLUMNS[1:]])
    last = max(len(recs), 1)
    sheet.ws.autofilter(0, 0, last, len(TIER_HEADERS) - 1)
    sheet.finish()
    sheet.ws.freeze_panes(1, 3)


def _parents(rollup: Rollup, index, kode: str) -> tuple[str, str]:
    """Kecamatan and kabupaten/kota names of a unit (empty where the unit is above them)."""
    parts = kode.split(".")
    names = []
    for n in (3, 2):
        code = ".".join(parts[:n]) if len(parts) > n else ""
        names.append(rollup.names.get(code) or (index.get(code).nama if code and code in index else ""))
    return names[0], names[1]


def _kelengkapan(sheet: _Sheet, missing: _Sheet, rollup: Rollup, index) -> None:
    sheet.wrap = {2: 30}
    sheet.append(["Tingkat", "Kode wilayah", "Nama wilayah", "Jumlah diharapkan", "Masuk", "Diterima", "Ditolak",
                  "Belum masuk", "% diterima"], header=True)  # fmt: skip
    for level in TINGKAT:
        if level == "desa":
            continue
        for kode, c in sorted(rollup.completeness.get(level, {}).items()):
            pct = c["diterima"] / c["diharapkan"] * 100 if c["diharapkan"] else None
            sheet.append([LABEL[level], kode, rollup.names.get(kode, kode), c["diharapkan"], c["masuk"], c["diterima"],
                          c["ditolak"], c["diharapkan"] - c["masuk"], pct])  # fmt: skip
    sheet.finish()
    missing.append(["Kode wilayah", "Nama desa/kelurahan", "Kecamatan", "Kabupaten/Kota"], header=True)
    for kode, nama in sorted(rollup.not_reported):
        missing.append([kode, nama, *_parents(rollup, index, kode)])
    missing.finish()


_FIELD = re.compile(r"\b(" + "|".join(sorted(COLUMN_LABEL, key=len, reverse=True)) + r")=")


def labelled(text: str) -> str:
    """Field names in a conflict's value text replaced by the column labels users know."""
    return _FIELD.sub(lambda m: f"{COLUMN_LABEL[m[1]]} = ", text)


def _konflik(sheet: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    opd = {m.berkas: m.opd for m in rollup.manifest}
    index = load_wilayah()
    sheet.append(["Kode wilayah", "Desa/kelurahan", "Kecamatan", "Kode indikator", "Indikator", "OPD (berkas)",
                  "Nilai yang berbeda"], header=True)  # fmt: skip
    for c in rollup.conflicts:
        name = rollup.names.get(c.kode_wilayah) or (index.get(c.kode_wilayah).nama if c.kode_wilayah in index else "")
        sources = "; ".join(f"{opd.get(b) or '-'} ({Path(b).name})" for b in c.berkas)
        indicator = catalogue.get(c.kode_indikator).indikator if c.kode_indikator in catalogue else ""
        sheet.append([c.kode_wilayah, name, _parents(rollup, index, c.kode_wilayah)[0], c.kode_indikator, indicator,
                      sources, labelled(c.nilai)])  # fmt: skip
    sheet.finish()


def _ditolak(sheet: _Sheet, rollup: Rollup) -> None:
    opd = {m.berkas: m.opd for m in rollup.manifest}
    index = load_wilayah()
    sheet.append(["Berkas", "Kode wilayah", "Nama wilayah", "OPD", "Jumlah galat", "Alasan"], header=True)
    for r in sorted(rollup.rejected, key=lambda r: r.berkas):
        reasons = " | ".join(f"[{f.aturan}] {f.sel + ': ' if f.sel else ''}{f.pesan}" for f in r.findings if f.keparahan == GALAT)
        kode = r.kode_wilayah or ""
        name = index.get(kode).nama if kode and kode in index else ""
        sheet.append([r.berkas, kode, name, opd.get(r.berkas, ""), r.count(GALAT), reasons])
    sheet.finish()


def _manifest(sheet: _Sheet, rollup: Rollup) -> None:
    sheet.append(["Berkas", "SHA-256", "Status", "Jenis", "Kode wilayah", "Tingkat", "OPD", "Tanggal pengisian", "Keterangan"], header=True)
    for m in rollup.manifest:
        sheet.append([m.berkas, m.sha256, m.status, m.jenis, m.kode_wilayah, m.tingkat, m.opd, m.tanggal, m.alasan])
    counts = rollup.counts()
    sheet.append([])
    sheet.append([f"ditemukan {counts['ditemukan']} = diterima {counts['diterima']} + ditolak {counts['ditolak']} "
                  f"+ digantikan {counts['digantikan']} + dilewati {counts['dilewati']}"], bold=True)  # fmt: skip
    sheet.finish(maximum=70)


def _machine_sheets(meta: _Sheet, data: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    meta.ws.hide()
    meta.append(["kunci", "nilai"])
    for key, value in (("template_id", ROLLUP_ID), ("template_versi", ROLLUP_VERSION), ("katalog_versi", catalogue.version),
                       ("kode_wilayah", rollup.wilayah or NASIONAL), ("tingkat", rollup.tingkat), ("tahun", rollup.tahun),
                       ("jenis_berkas", "rekap"), ("semester", rollup.semester or ""), ("dibuat_oleh", f"kkb-excel {__version__}")):  # fmt: skip
        _raw(meta, [key, value])
    data.ws.hide()
    _raw(data, ["jenis", "tingkat", "kode_wilayah", "kode_indikator", "catatan", *ROLLUP_FIELDS, *COMPLETENESS_FIELDS])
    top = rollup.tingkat  # the top tier carries everything the next consolidation needs
    for kode in sorted(rollup.partials.get(top, {})):
        for ind_kode, part in sorted(rollup.partials[top][kode].items()):
            _raw(data, ["nilai", top, kode, ind_kode, ",".join(sorted(part.flags)),
                        *(part.sums.get(f) for f in ROLLUP_FIELDS), *([None] * len(COMPLETENESS_FIELDS))])  # fmt: skip
    for kode, c in sorted(rollup.completeness.get(top, {}).items()):
        _raw(data, ["kelengkapan", top, kode, "", "", *([None] * len(ROLLUP_FIELDS)), *(c[f] for f in COMPLETENESS_FIELDS)])


def _raw(sheet: _Sheet, values) -> None:
    """A machine row: exact values, no formats (hidden sheets are read back by `consolidate`)."""
    for col, value in enumerate(values):
        if isinstance(value, str):
            sheet.ws.write_string(sheet.row, col, value)
        elif value is not None:
            sheet.ws.write_number(sheet.row, col, value)
    sheet.row += 1


def safe_csv(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


ANALYST_COLUMNS = (
    "tahun", "semester", "tingkat_rekap", "kode_cakupan", "nama_cakupan", "tingkat", "kode_wilayah", "nama_wilayah",
    "kode_indikator", "sasaran_no", "indikator", "satuan", "polaritas", "agregasi", "target", "capaian",
    "persen_capaian", "kategori", "pembilang", "penyebut", "unit_ya", "unit_berstatus", "jumlah_laporan", "catatan",
)  # fmt: skip
CSV_FORMATS = ("indonesia", "standar")


def analyst_rows(rollup: Rollup, catalogue: Catalogue | None = None) -> list[dict]:
    """One row per tier x unit x indicator x semester, with the run's year, tier and scope: stackable."""
    scope = rollup.wilayah or NASIONAL
    run = {"tahun": rollup.tahun, "tingkat_rekap": rollup.tingkat, "kode_cakupan": scope,
           "nama_cakupan": rollup.names.get(scope, "Indonesia" if scope == NASIONAL else scope)}  # fmt: skip
    out = []
    for r in records(rollup, catalogue):
        for s in rekap_form.semesters(rollup):
            out.append({**run, "semester": s, **{k: r[k] for k in RECORD_COLUMNS if not k[-1].isdigit()},
                        "capaian": r[f"capaian_{s}"], "persen_capaian": r[f"persen_{s}"], "kategori": r[f"kategori_{s}"],
                        "pembilang": r[f"pembilang_{s}"], "penyebut": r[f"penyebut_{s}"], "unit_ya": r[f"unit_ya_{s}"],
                        "unit_berstatus": r[f"unit_berstatus_{s}"], "jumlah_laporan": r[f"laporan_{s}"]})  # fmt: skip
    return out


def _csv_value(value, decimal: str):
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", decimal)
    return safe_csv(value)


def write_csv(rollup: Rollup, path: Path, catalogue: Catalogue | None = None, fmt: str = "indonesia") -> None:
    """Long CSV for analysts. 'indonesia': ';' and ',' decimal, UTF-8 with BOM (Excel in Indonesian opens it
    as is); 'standar': ',' and '.', UTF-8 without BOM (pandas, R, Power Query)."""
    if fmt not in CSV_FORMATS:
        raise ValueError(f"format CSV harus {' atau '.join(CSV_FORMATS)}")
    separator, decimal, encoding = (";", ",", "utf-8-sig") if fmt == "indonesia" else (",", ".", "utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(ANALYST_COLUMNS)
    for r in analyst_rows(rollup, catalogue):
        writer.writerow([_csv_value(r[c], decimal) for c in ANALYST_COLUMNS])
    write_atomic(path, buffer.getvalue().encode(encoding))


def write_parquet(rollup: Rollup, path: Path, catalogue: Catalogue | None = None) -> None:
    import pandas as pd

    frame = pd.DataFrame(analyst_rows(rollup, catalogue), columns=list(ANALYST_COLUMNS))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(path, buffer.getvalue())


def write_pdf(rollup: Rollup, path: Path, catalogue: Catalogue | None = None, paper: str = DEFAULT_PAPER) -> None:
    """The Lampiran 4 rekap (with its sign-off block) and the Ringkasan as PDF, through LibreOffice."""
    from kkb_excel.output.pdf import xlsx_to_pdf

    xlsx_to_pdf(build_xlsx(rollup, catalogue, paper, for_print=True), path)
