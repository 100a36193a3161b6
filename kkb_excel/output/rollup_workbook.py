"""Write a Rollup: ROLLUP.xlsx (readable by people and again by `consolidate`), CSV and Parquet.

Text that came from submissions is always written as text: never a formula in the xlsx, and
escaped in the CSV so spreadsheet programs do not run it.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from functools import partial
from pathlib import Path

import xlsxwriter

from kkb_excel import __version__, capaian
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.consolidate import aggregate, rollup_sheet
from kkb_excel.consolidate.model import DESA_KEPT_UP_TO, LOW_COVERAGE, Rollup
from kkb_excel.consolidate.run import SUPERSEDE_RULE, tier_target
from kkb_excel.files import write_atomic
from kkb_excel.memo import Memo
from kkb_excel.output import matrix, rekap_form
from kkb_excel.output.safe import clean
from kkb_excel.output.sheet_rows import DeflatedRows, SheetRows, fill_sheets
from kkb_excel.output.xlsx_style import (
    DEFAULT_PAPER,
    FONT_SIZE,
    HEADER_BLUE,
    Styles,
    print_setup,
    shown_width,
    text_lines,
)
from kkb_excel.template.layout import (
    ROLLUP_ID,
    ROLLUP_VERSION,
    SHEET_META,
    SHEET_ROLLUP_DATA,
)
from kkb_excel.tingkat import LABEL, NASIONAL, TINGKAT
from kkb_excel.wilayah import ATTRIBUTION, load_wilayah

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
MANIFEST_WRAP = {8: 50}  # the Keterangan column, wrapped
OFFLOAD_FROM = 100_000  # machine-sheet rows from which, with jobs > 1, a second process writes them and the Manifest


_SUM_COLUMNS = {s: tuple((f"{name}_{s}", f"{key}_{s}") for name, key in (("pembilang", "pembilang"), ("penyebut", "penyebut"),
                  ("unit_ya", "ya"), ("unit_berstatus", "berstatus"), ("laporan", "laporan"))) for s in aggregate.SEMESTERS}  # fmt: skip


def records(rollup: Rollup, catalogue: Catalogue | None = None, levels: list[str] | None = None) -> list[dict]:
    """Long format: one record per tier x unit x indicator, with values, capaian, category and flags."""
    return list(iter_records(rollup, catalogue, levels))


def iter_records(rollup: Rollup, catalogue: Catalogue | None = None, levels: list[str] | None = None) -> Iterator[dict]:
    """`records` one at a time: a nasional Rekap Kecamatan has ~500,000 (~1 GB as a list)."""
    catalogue = catalogue or load_catalogue()
    for level in levels or rollup.levels():
        for kode in sorted(rollup.partials.get(level, {})):
            yield from unit_records(rollup, catalogue, level, kode)


def unit_records(rollup: Rollup, catalogue: Catalogue, level: str, kode: str) -> Iterator[dict]:
    """One unit's records, in catalogue order."""
    unit = rollup.partials[level][kode]
    for ind in catalogue.active:
        part = unit.get(ind.kode)
        if part is not None:
            yield _record(rollup, catalogue, level, kode, ind, part)


def _unit_inputs(rollup: Rollup, catalogue: Catalogue, level: str, kode: str) -> tuple:
    """Everything `unit_records` reads of the rollup for one unit (the catalogue is in the memo's salt)."""
    unit = rollup.partials[level][kode]
    return (rollup.names.get(kode, kode), rollup.semester,
            [(ind.kode, tier_target(rollup, catalogue, level, kode, ind.kode), rollup.expected(kode, level, ind.tingkat_pengamatan),
              part.sums, sorted(part.flags)) for ind in catalogue.active if (part := unit.get(ind.kode)) is not None])  # fmt: skip


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
        value = clean(aggregate.value(ind, part, s)) if used else None  # NaN/inf never reach a writer
        persen = capaian.capaian(value, target, ind.polaritas)
        if capaian.is_floored(value, target, ind.polaritas):
            flags.add(aggregate.FLAG_FLOORED)
        rec[f"capaian_{s}"], rec[f"persen_{s}"], rec[f"kategori_{s}"] = value, persen, capaian.kategori(persen)
        for name, key in _SUM_COLUMNS[s]:
            rec[name] = clean(part.sums.get(key)) if used else None
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


Listed = tuple[DeflatedRows, dict[int, int], int | None, int]  # `manifest_rows`


class _Made:
    """Rows deflated elsewhere, standing in for a sheet's SheetRows."""

    def __init__(self, rows: DeflatedRows) -> None:
        self._rows = rows

    def finish(self) -> DeflatedRows:
        return self._rows


class _Sheet:
    """A worksheet written row by row (XlsxWriter, constant memory). Text is always written as text.

    Numbers get thousands separators (counts) or 2 decimals, display-rounded once like Excel's ROUND;
    columns listed in `percent` get the % capaian format. `finish` fits the widths and sets up printing.
    """

    def __init__(self, book, name: str, styles: Styles, paper: str, percent: tuple[int, ...] = (), wrap: dict[int, float] | None = None,
                 charted: bool = False):  # fmt: skip
        self.ws = book.add_worksheet(name)
        self.row = 0
        self.styles = styles
        self.paper = paper
        self.percent = set(percent)
        self.wrap = wrap or {}  # column -> fixed width, text wrapped
        self.widths: dict[int, int] = {}
        self.header_row: int | None = None
        self._formats: dict[tuple, object] = {}
        self._texts: dict[tuple[int, str, bool], tuple] = {}  # (column, text, bold) -> `_text`
        # cells go in as XML rows when the book is done (`sheet_rows.fill_sheets`), except on a sheet with
        # a chart: XlsxWriter fills the chart's cached values (and text categories) from the cells it holds
        self.rows = None if charted else SheetRows()
        self.taken: list[tuple[str | None, int]] | None = None  # rows rendered, kept while not None (`put` takes them)

    def append(self, values, bold: bool = False, header: bool = False) -> None:
        if header:
            self.header_row = self.row
        widths, cells, lines = self.widths, [], 1
        sized = not (bold and len(values) == 1)  # a bold one-cell title line does not widen its column
        for col, value in enumerate(values):
            if value is None:
                continue
            if header:
                if col in self.wrap and isinstance(value, str):
                    lines = max(lines, text_lines(value, self.wrap[col]))
                if (value := clean(value)) is not None:
                    cells.append((col, str(value), self._format("header", False)))
                    widths[col] = max(widths.get(col, 0), max((len(w) for w in str(value).split()), default=0))
                continue
            if type(value) is str:  # text repeats down a sheet (names, indicators, kategori): worked out once
                known = self._texts.get((col, value, bold))
                if known is None:
                    known = self._texts[(col, value, bold)] = self._text(col, value, bold)
                cell, width, wrapped = known
                if cell is None:
                    continue
                lines = max(lines, wrapped)
            elif type(value) is float and col not in self.percent:  # most cells of a rekap sheet: `_number`, inlined
                if value.is_integer():
                    cell, width = (col, value, self._format("number", (True, bold))), len(f"{int(value):,}")
                elif value - value == 0.0:  # finite (a NaN or infinity is no cell value: `clean`)
                    shown = capaian.excel_round(value, 2)
                    cell, width = (col, shown, self._format("number", (shown.is_integer(), bold))), len(f"{value:,.2f}")
                else:
                    continue
            elif (value := clean(value)) is None:
                continue
            elif isinstance(value, str):  # a str subclass (a status enum)
                cell, width, wrapped = self._text(col, value, bold)
                lines = max(lines, wrapped)
            else:
                cell, width = self._number(col, value, bold)
            if (sized or col) and width > widths.get(col, -1):
                widths[col] = width
            cells.append(cell)
        height = lines * FONT_SIZE * 1.3 + 3 if lines > 1 else None
        if self.rows is not None:
            rendered = self.rows.add(self.row, cells, height)
            if self.taken is not None:
                self.taken.append((rendered, cells[-1][0] if cells else -1))
        else:
            _write_cells(self.ws, self.row, cells, height)
        self.row += 1

    def _text(self, col: int, value: str, bold: bool) -> tuple[tuple | None, int, int]:
        """A text cell (never a formula), its width and the lines it wraps to; (None, 0, 1) when it cleans to nothing."""
        wrapped = text_lines(value, self.wrap[col]) if col in self.wrap else 1
        if (value := clean(value)) is None:
            return None, 0, 1
        width = len(value) if "\n" not in value else shown_width(value)
        return (col, value, self._format("text", "bold" if bold else "wrap" if col in self.wrap else "")), width, wrapped

    def _number(self, col: int, value, bold: bool) -> tuple[tuple, int]:
        """A number or boolean cell, display-rounded once like Excel's ROUND, and its width."""
        width = shown_width(value)
        if isinstance(value, bool):
            return (col, value, self._format("text", "")), width
        if col in self.percent:
            return (col, capaian.excel_round(value, 2), self._format("percent", (capaian.kategori(value), bold))), width
        shown = value if float(value).is_integer() else capaian.excel_round(value, 2)
        return (col, shown, self._format("number", (float(shown).is_integer(), bold))), width

    def _format(self, kind: str, variant):
        """The cell format of a kind and variant, made once per sheet (Styles keys every call by its properties)."""
        key = (kind, variant)
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = _cell_format(self.styles, kind, variant)
        return found

    def style_key(self) -> tuple:
        """Every data-cell format this sheet can use with its index in styles.xml: what rendered rows depend on."""
        return tuple((kind, variant, self.rows.style(self._format(kind, variant))) for kind, variant in CELL_FORMATS)

    def adopt(self, rows: DeflatedRows, widths: dict[int, int], header_row: int | None, row: int) -> None:
        """Rows made for this sheet elsewhere (`manifest_rows`), with their widths, header row and count."""
        self.rows, self.widths, self.header_row, self.row = _Made(rows), widths, header_row, row

    def put(self, taken: list[tuple[str | None, int]]) -> None:
        """Rows rendered before (`taken`), at the next row numbers."""
        for rendered, last_col in taken:
            if rendered is not None:
                self.rows.add_rendered(self.row, rendered, last_col)
            self.row += 1

    def finish(self, fit_width: bool = True, portrait: bool = False, maximum: float = 50, repeat: bool = True) -> None:
        """Column widths fitted to what was written; print set-up with the (last) header row repeated."""
        for col, width in self.widths.items():
            self.ws.set_column(col, col, self.wrap.get(col) or min(maximum, max(6, width + 2)))
        rows = (self.header_row, self.header_row) if self.header_row is not None and repeat else None
        print_setup(self.ws, self.paper, rows, fit_width=fit_width, portrait=portrait)
        if rows:
            self.ws.freeze_panes(self.header_row + 1, 0)


KATEGORI = tuple(b.label for b in capaian.SCHEMES[capaian.DEFAULT_SCHEME])
CELL_FORMATS = (("header", False), ("text", ""), ("text", "bold"), ("text", "wrap"),
                *(("percent", (k, b)) for k in (*KATEGORI, None) for b in (False, True)),
                *(("number", (i, b)) for i in (True, False) for b in (False, True)))  # fmt: skip


def _cell_format(styles: Styles, kind: str, variant):
    if kind == "header":
        return styles.header()
    if kind == "text":
        return styles.text(bold=True) if variant == "bold" else styles.text(text_wrap=True) if variant == "wrap" else styles.text()
    if kind == "percent":
        return styles.percent(variant[0], bold=variant[1])
    return styles.number(1 if variant[0] else 0.5, bold=variant[1])


def _fixed_styles(book: xlsxwriter.Workbook) -> Styles:
    """The book's styles, `CELL_FORMATS` registered first: their styles.xml indexes are the same in every rollup
    (rows in `memo` and rows made in another process use them)."""
    styles = Styles(book)
    for kind, variant in CELL_FORMATS:
        _cell_format(styles, kind, variant)._get_xf_index()
    return styles


def _write_cells(ws, row: int, cells: list[tuple[int, object, object]], height: float | None) -> None:
    """Cells through XlsxWriter itself (text always as text, never a formula)."""
    if height is not None:
        ws.set_row(row, height)
    for col, value, fmt in cells:
        if isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        else:
            ws.write_number(row, col, value, fmt)


def _sheet_title(level: str) -> str:
    return f"Rekap {LABEL[level].replace('/', '-')}"


def write_xlsx(rollup: Rollup, path: Path, catalogue: Catalogue | None = None, paper: str = DEFAULT_PAPER, jobs: int = 1,
               memo: Memo | None = None) -> None:  # fmt: skip
    write_atomic(path, build_xlsx(rollup, catalogue, paper, jobs=jobs, memo=memo))


def build_xlsx(rollup: Rollup, catalogue: Catalogue | None = None, paper: str = DEFAULT_PAPER, for_print: bool = False,
               jobs: int = 1, memo: Memo | None = None) -> bytes:  # fmt: skip
    """ROLLUP.xlsx as bytes; `for_print` keeps only what is signed and sent up (Lampiran 4 and Ringkasan).

    With `jobs` > 1, a machine sheet of `OFFLOAD_FROM` rows or more is written by a second process
    (spawn-started) while this one writes the other sheets. `memo` (the previous run's rendered
    rows, `kkb_excel.memo`) saves rendering the units whose inputs are unchanged.
    """
    catalogue, memo = catalogue or load_catalogue(), memo or Memo()
    if for_print:
        return _build(rollup, catalogue, paper, for_print, None, memo)
    if jobs < 2:  # the rows made when the other sheets are done, as their memory is freed
        return _build(rollup, catalogue, paper, for_print, lambda: machine_rows(_machine_data(rollup)), memo)
    data = _machine_data(rollup)
    if len(data) < OFFLOAD_FROM:
        return _build(rollup, catalogue, paper, for_print, partial(machine_rows, data), memo)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as helper:
        listed = helper.submit(manifest_rows, _manifest_values(rollup), rollup.accounting())  # first: its widths are needed sooner
        written = helper.submit(machine_rows, data)
        del data  # the rows go to the helper; its result replaces them
        return _build(rollup, catalogue, paper, for_print, lambda: _result_or_here(written, rollup), memo,
                      lambda: _listed_or_here(listed, rollup))  # fmt: skip


def _machine_data(rollup: Rollup) -> list[list]:
    return [list(rollup_sheet.COLUMNS), *rollup_sheet.to_rows(rollup)]


def _result_or_here(written: Future, rollup: Rollup) -> DeflatedRows:
    """The second process's machine sheet; written here should that process have died (memory, a frozen build)."""
    try:
        return written.result()
    except BrokenProcessPool:
        return machine_rows(_machine_data(rollup))


def _listed_or_here(listed: Future, rollup: Rollup) -> Listed:
    """The second process's Manifest rows; made here should that process have died."""
    try:
        return listed.result()
    except BrokenProcessPool:
        return manifest_rows(_manifest_values(rollup), rollup.accounting())


def _build(rollup: Rollup, catalogue: Catalogue, paper: str, for_print: bool, machine: Callable[[], DeflatedRows] | None,
           memo: Memo, listed: Callable[[], Listed] | None = None) -> bytes:  # fmt: skip
    """The workbook; `machine` gives the data sheet's rows when every other sheet is done (None: no machine sheets),
    `listed` the Manifest's rows made elsewhere (None: made here)."""
    index = load_wilayah()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "nan_inf_to_errors": True})  # last resort
    styles = _fixed_styles(book)
    made: list[_Sheet] = []

    def sheet(name: str, **options) -> _Sheet:
        made.append(_Sheet(book, name, styles=styles, paper=paper, **options))
        return made[-1]

    tops = sorted(rollup.partials.get(rollup.tingkat, {}))
    for kode in tops:
        rekap_form.write_form(book, styles, rollup, catalogue, kode, index, paper, rekap_form.sheet_name(kode, len(tops) > 1))
    _ringkasan(book, sheet("Ringkasan", percent=(2,), charted=True), rollup, catalogue)
    if not for_print:
        matrix.write_matrices(book, styles, rollup, catalogue, index, paper)
        shown = [lv for lv in rollup.levels() if lv != "desa" or rollup.tingkat == "desa"]
        for level in shown:
            _tier_sheet(book, sheet(_sheet_title(level), percent=(11, 14), wrap={5: 45, 26: 40}), rollup, catalogue, level, memo)
        _kelengkapan(sheet("Kelengkapan", percent=(8,), charted=True), sheet("Belum Masuk"), rollup, index)
        _konflik(sheet("Konflik", wrap={4: 40, 6: 60}), rollup, catalogue)
        _ditolak(sheet("Ditolak", wrap={5: 70}), rollup)
        manifest = sheet("Manifest", wrap=MANIFEST_WRAP)
        _machine_meta(sheet(SHEET_META), rollup, catalogue)
        data = sheet(SHEET_ROLLUP_DATA)
        data.ws.hide()
        if listed is None:
            _manifest(manifest, _manifest_values(rollup), rollup.accounting())
        else:  # the other sheets are done: the second process has had their time to make these rows
            manifest.adopt(*listed())
        manifest.finish(maximum=70)
    book.close()
    rows = {s.ws.index: s.rows.finish() for s in made if s.rows is not None}
    if machine is not None:
        rows[data.ws.index] = machine()
    return fill_sheets(buffer.getvalue(), rows)



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


def _sasaran_table(sheet: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    semester, rows = sasaran_summary(rollup, catalogue)
    units = len(rollup.partials.get(rollup.tingkat, {}))
    percent, sheet.percent = sheet.percent, set()  # counts here, not percentages
    title = f"Jumlah indikator per kategori % capaian, per sasaran - semester {semester}, {units} unit {LABEL[rollup.tingkat].lower()}"
    sheet.append([title], bold=True)
    sheet.append(["Sasaran", *KATEGORI, "Tanpa % capaian", f"Cakupan < {LOW_COVERAGE:g} %"], header=True)
    for row in rows:
        sheet.append(row)
    low = sum(r[-1] for r in rows)
    if low:
        note = f"{low} angka bertumpu pada cakupan rendah: kurang dari {LOW_COVERAGE:g} % unit yang diharapkan melapor"
        sheet.append([note + " (lihat kolom % cakupan di lembar rekap)."])
    sheet.percent = percent


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
    sheet.append([f"Berkas: {rollup.accounting()}"])
    sheet.append([SUPERSEDE_RULE])
    sheet.append([rollup.units_summary()])
    sheet.append([])
    _sasaran_table(sheet, rollup, catalogue)
    sheet.append([])
    below = TINGKAT[TINGKAT.index(rollup.tingkat) - 1] if rollup.tingkat != "desa" else "desa"
    if not rollup.completeness.get(below):  # a kecamatan rollup: desa are counted, not given a % each
        below = rollup.tingkat
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


def _tier_sheet(book, sheet: _Sheet, rollup: Rollup, catalogue: Catalogue, level: str, memo: Memo) -> None:
    """One tier's records, a unit at a time; a unit whose inputs are all unchanged gets the rows `memo` kept."""
    sheet.append(list(TIER_HEADERS), header=True)
    label, columns, widths = LABEL[level], RECORD_COLUMNS[1:], sheet.widths
    common = ("tier", level, label, sorted(sheet.percent), sheet.wrap, sheet.style_key())
    for kode in sorted(rollup.partials.get(level, {})):
        key = memo.key(common, kode, _unit_inputs(rollup, catalogue, level, kode)) if memo.active else None
        made = memo.get(key)
        if made is None:
            sheet.widths, sheet.taken = {}, []
            for r in unit_records(rollup, catalogue, level, kode):
                sheet.append([label] + [r[c] for c in columns])
            made = (sheet.taken, sheet.widths)
            sheet.taken = None
            memo.put(key, made)
        else:
            sheet.put(made[0])
        for col, width in made[1].items():
            if width > widths.get(col, -1):
                widths[col] = width
    sheet.widths = widths
    last = max(sheet.row - 1, 1)
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
    _belum_masuk(missing, rollup, index)


def _belum_masuk(sheet: _Sheet, rollup: Rollup, index) -> None:
    """Missing units at the level known: a whole kecamatan (with its desa count) or single desa."""
    sheet.append(["Kode wilayah", "Nama wilayah", "Kecamatan", "Kabupaten/Kota", "Tingkat", "Jumlah desa/kelurahan",
                  "Keterangan"], header=True)  # fmt: skip
    for m in rollup.not_reported:
        sheet.append([m.kode_wilayah, m.nama, *_parents(rollup, index, m.kode_wilayah), LABEL[m.tingkat], m.desa, m.keterangan])
    sheet.append([])
    sheet.append([f"Jumlah desa/kelurahan belum masuk: {rollup.missing_desa()}"])
    sheet.finish()


def _konflik(sheet: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    index = load_wilayah()
    sheet.append(["Kode wilayah", "Desa/kelurahan", "Kecamatan", "Kode indikator", "Indikator", "OPD (berkas)",
                  "Nilai yang berbeda", "Semester", "Yang ditahan"], header=True)  # fmt: skip
    for c in rollup.conflicts:
        name = rollup.names.get(c.kode_wilayah) or (index.get(c.kode_wilayah).nama if c.kode_wilayah in index else "")
        indicator = catalogue.get(c.kode_indikator).indikator if c.kode_indikator in catalogue else ""
        sheet.append([c.kode_wilayah, name, _parents(rollup, index, c.kode_wilayah)[0], c.kode_indikator, indicator,
                      c.sumber, c.nilai, c.semester, c.ditahan])  # fmt: skip
    sheet.finish()


def _ditolak(sheet: _Sheet, rollup: Rollup) -> None:
    index = load_wilayah()
    sheet.append(["Berkas", "Kode wilayah", "Nama wilayah", "OPD", "Jumlah galat", "Alasan"], header=True)
    for r in rollup.rejected:
        name = index.get(r.kode_wilayah).nama if r.kode_wilayah and r.kode_wilayah in index else ""
        sheet.append([r.berkas, r.kode_wilayah, name, r.opd, r.galat, r.alasan])
    sheet.finish()


def _manifest_values(rollup: Rollup) -> list[list]:
    return [[m.berkas, m.sha256, m.status, m.jenis, m.kode_wilayah, m.tingkat, m.opd, m.tanggal, m.alasan] for m in rollup.manifest]


def _manifest(sheet: _Sheet, values: list[list], accounting: str) -> None:
    sheet.append(["Berkas", "SHA-256", "Status", "Jenis", "Kode wilayah", "Tingkat", "OPD", "Tanggal pengisian", "Keterangan"], header=True)
    for row in values:
        sheet.append(row)
    sheet.append([])
    sheet.append([accounting], bold=True)


def manifest_rows(values: list[list], accounting: str) -> Listed:
    """The Manifest's rows (deflated), column widths, header row and row count, made apart from the rollup's
    workbook; module level: a spawn-started process runs it for a nasional rollup (~84,000 rows). Its cells
    use `CELL_FORMATS` only, whose styles.xml indexes are the same in every rollup."""
    book = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True, "in_memory": True})
    sheet = _Sheet(book, "Manifest", styles=_fixed_styles(book), paper=DEFAULT_PAPER, wrap=MANIFEST_WRAP)
    _manifest(sheet, values, accounting)
    return sheet.rows.finish(), sheet.widths, sheet.header_row, sheet.row


def _machine_meta(meta: _Sheet, rollup: Rollup, catalogue: Catalogue) -> None:
    """The hidden metadata sheet `_kkb`: what the rollup is, for the reader."""
    meta.ws.hide()
    meta.append(["kunci", "nilai"])
    for key, value in (("template_id", ROLLUP_ID), ("template_versi", ROLLUP_VERSION), ("katalog_versi", catalogue.version),
                       ("kode_wilayah", rollup.wilayah or NASIONAL), ("tingkat", rollup.tingkat), ("tahun", rollup.tahun),
                       ("jenis_berkas", "rekap"), ("semester", rollup.semester or ""), ("dibuat_oleh", f"kkb-excel {__version__}"),
                       ("dibuat", datetime.now().isoformat(timespec="microseconds"))):  # fmt: skip
        meta.rows.add_values(meta.row, [key, value])
        meta.row += 1


def machine_rows(rows: list[list]) -> DeflatedRows:
    """The hidden data sheet `_kkb_rekap` (header and `rollup_sheet.to_rows`), deflated; module level: a
    spawn-started process runs it for a nasional rollup (~550,000 rows)."""
    sheet = SheetRows()
    for number, values in enumerate(rows):
        sheet.add_values(number, values)
    return sheet.finish()


def safe_csv(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


ANALYST_COLUMNS = (
    "tahun", "semester", "tingkat_rekap", "kode_cakupan", "nama_cakupan", "tingkat", "kode_wilayah", "nama_wilayah",
    "kode_indikator", "sasaran_no", "indikator", "satuan", "polaritas", "agregasi", "target", "capaian",
    "persen_capaian", "kategori", "pembilang", "penyebut", "unit_ya", "unit_berstatus", "jumlah_laporan", "catatan",
    "unit_diharapkan", "cakupan", "belum_tersedia", "konflik",
)  # fmt: skip
CSV_FORMATS = ("indonesia", "standar")


def exported_levels(rollup: Rollup) -> list[str]:
    """Tiers of the long export. Desa rows only up to a kabupaten rollup: a kabupaten rollup carries no
    desa values, so a provinsi rollup built from kabupaten rollups could not repeat them, and a rollup
    of rollups must export exactly what the direct rollup exports."""
    keep_desa = TINGKAT.index(rollup.tingkat) <= TINGKAT.index(DESA_KEPT_UP_TO)
    return [level for level in rollup.levels() if level != "desa" or keep_desa]


def analyst_rows(rollup: Rollup, catalogue: Catalogue | None = None) -> list[dict]:
    """One row per tier x unit x indicator x semester, with the run's year, tier and scope: stackable."""
    scope = rollup.wilayah or NASIONAL
    run = {"tahun": rollup.tahun, "tingkat_rekap": rollup.tingkat, "kode_cakupan": scope,
           "nama_cakupan": rollup.names.get(scope, "Indonesia" if scope == NASIONAL else scope)}  # fmt: skip
    out = []
    for r in iter_records(rollup, catalogue, exported_levels(rollup)):
        for s in rekap_form.semesters(rollup):
            out.append({**run, "semester": s, **{k: r[k] for k in RECORD_COLUMNS if not k[-1].isdigit()},
                        "capaian": r[f"capaian_{s}"], "persen_capaian": r[f"persen_{s}"], "kategori": r[f"kategori_{s}"],
                        "pembilang": r[f"pembilang_{s}"], "penyebut": r[f"penyebut_{s}"], "unit_ya": r[f"unit_ya_{s}"],
                        "unit_berstatus": r[f"unit_berstatus_{s}"], "jumlah_laporan": r[f"laporan_{s}"],
                        "cakupan": r[f"cakupan_{s}"], "belum_tersedia": r[f"belum_tersedia_{s}"],
                        "konflik": r[f"konflik_{s}"]})  # fmt: skip
    return out


def _csv_value(value, decimal: str):
    value = clean(value)
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

    rows = [{c: clean(r[c]) for c in ANALYST_COLUMNS} for r in analyst_rows(rollup, catalogue)]
    frame = pd.DataFrame(rows, columns=list(ANALYST_COLUMNS))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(path, buffer.getvalue())


def write_pdf(rollup: Rollup, path: Path, catalogue: Catalogue | None = None, paper: str = DEFAULT_PAPER) -> None:
    """The Lampiran 4 rekap (with its sign-off block) and the Ringkasan as PDF, through LibreOffice."""
    from kkb_excel.output.pdf import xlsx_to_pdf

    xlsx_to_pdf(build_xlsx(rollup, catalogue, paper, for_print=True), path)
