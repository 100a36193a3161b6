"""One workbook per OPD x wilayah: every desa/kelurahan a row, that OPD's desa-level indicators as columns.

Written with XlsxWriter (all 8,563 desa of a province in seconds). The hidden
`_kkb` sheet maps every input column to (indicator, value key) and every row to a kode wilayah, so
the reader (`kkb_excel.read.opd_reader`) never guesses from the layout.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from kkb_excel import __version__
from kkb_excel.catalogue import Catalogue, Indicator, load_catalogue
from kkb_excel.errors import KkbError
from kkb_excel.files import slug, write_atomic
from kkb_excel.keys import BELUM_TERSEDIA, COLUMN_LABEL, SEMESTERS
from kkb_excel.opd import OpdMap
from kkb_excel.parallel import chunked, in_order, iter_chunks
from kkb_excel.template.generate import Unit, refuse_overwrite
from kkb_excel.template.layout import INPUT_COLOUR, SHEET_GUIDE, SHEET_META
from kkb_excel.template.opd_layout import (
    DESA_COLUMNS,
    FIRST_DATA_ROW,
    FIRST_IDENTITY_ROW,
    HEADER_ROW,
    IDENTITY_ROWS,
    INDICATOR_ROW,
    KETERANGAN_LABEL,
    OPD_ID,
    OPD_VERSION,
    SEMESTER_KEYS,
    SEMESTER_ROW,
    SHEET_OPD,
    SHORT_LABEL,
    TITLE,
)
from kkb_excel.wilayah import ATTRIBUTION, WilayahIndex, load_wilayah

INPUT_WIDTH = 11
KETERANGAN_WIDTH = 16
MAX_CHUNK = 8
PARALLEL_MIN_WORKBOOKS = 16  # a kabupaten's workbooks take ~0.1 s each; starting workers costs ~0.5 s
MIN_HEADER_WIDTH = 40  # characters across an indicator's columns, so its wrapped text fits the header
STEPS = (
    (
        "Isi identitas pada blok atas: nama OPD/instansi (sudah terisi, ubah bila nama OPD Anda berbeda), "
        "nama petugas dan tanggal pengisian."
    ),
    (
        "Setiap baris adalah satu desa/kelurahan. Isi hanya sel ungu muda, di bawah indikator yang menjadi "
        "tanggung jawab OPD Anda, untuk Semester I dan (bila sudah ada) Semester II."
    ),
    (
        "Indikator persentase: isi pembilang dan penyebut (angka, bukan persen); persentase dihitung "
        "otomatis saat direkap (jumlah pembilang / jumlah penyebut)."
    ),
    "Indikator status: pilih 'ya' atau 'tidak'. Indikator jumlah: isi angkanya.",
    (
        "Biarkan seluruh baris kosong bila data desa/kelurahan itu belum ada: baris kosong dihitung "
        "'belum melapor', bukan nol. Isi 0 hanya bila nilainya memang nol."
    ),
    (
        f"Bila data suatu indikator belum terbit untuk desa itu (data tahunan), pilih '{BELUM_TERSEDIA}' di kolom "
        "Keterangan indikator itu; jangan mengisi 0."
    ),
    "Desimal memakai koma sesuai pengaturan Excel Anda, misalnya 50,5.",
    "Lembar dilindungi tanpa kata sandi. Jangan menghapus, menyisipkan atau mengurutkan ulang baris/kolom.",
    (
        "Simpan tetap sebagai .xlsx lalu kirim ke sekretariat Kampung KB. Kiriman yang lebih baru "
        "(tanggal pengisian) menggantikan kiriman lama untuk desa yang diisinya."
    ),
)


@dataclass(frozen=True)
class InputColumn:
    """One input column: the indicator, its value key (e.g. 'pembilang_1') and the letter."""

    kode: str
    key: str
    letter: str


def opd_file_name(tahun: int, unit: Unit, opd: str) -> str:
    return f"isian-opd_{tahun}_{unit.kode}_{slug(unit.identity['nama_wilayah'], 24)}_{slug(opd)}.xlsx"


def input_columns(indicators: list[Indicator]) -> list[InputColumn]:
    """Every input column in order: per indicator, per semester, the keys its cara isi needs, then Keterangan."""
    columns = []
    col = len(DESA_COLUMNS)
    for ind in indicators:
        for sem in SEMESTERS:
            for base in SEMESTER_KEYS[ind.cara_isi]:
                columns.append(InputColumn(ind.kode, f"{base}_{sem}", xl_col_to_name(col)))
                col += 1
        columns.append(InputColumn(ind.kode, "keterangan", xl_col_to_name(col)))
        col += 1
    return columns


def _formats(book) -> dict:
    border = {"border": 1, "border_color": "#808080"}
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "muted": book.add_format({"italic": True, "font_color": "#595959"}),
        "label": book.add_format({"bold": True}),
        "fixed": book.add_format({**border, "bg_color": "#EDEDED"}),
        "input": book.add_format({**border, "bg_color": f"#{INPUT_COLOUR}", "locked": False}),
        "note": book.add_format({**border, "bg_color": f"#{INPUT_COLOUR}", "locked": False, "text_wrap": True}),
        "date": book.add_format({**border, "bg_color": f"#{INPUT_COLOUR}", "locked": False, "num_format": "DD/MM/YYYY"}),
        "header": book.add_format({**border, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                                   "text_wrap": True, "valign": "vcenter", "align": "center"}),
        "indicator": book.add_format({**border, "bold": True, "font_color": "#FFFFFF", "bg_color": "#7F6000",
                                      "text_wrap": True, "valign": "top", "align": "left"}),
        "plain": book.add_format({"locked": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def build_opd_workbook(
    unit: Unit, opd: str, tahun: int, opd_map: OpdMap, catalogue: Catalogue | None = None, index: WilayahIndex | None = None
) -> bytes:
    """The .xlsx bytes of one OPD workbook for every desa/kelurahan under `unit`."""
    catalogue = catalogue or load_catalogue()
    index = index or load_wilayah()
    indicators = opd_map.indicators(opd, catalogue)
    columns = input_columns(indicators)
    desa = index.children(unit.kode, "desa") if unit.tingkat != "desa" else [index.get(unit.kode)]
    kecamatan = {k: index.get(k).nama for k in {w.parent_kode for w in desa} if k}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _formats(book)
    last_row = FIRST_DATA_ROW + len(desa) - 1
    ws = book.add_worksheet(SHEET_OPD)
    _write_sheet(ws, fmt, unit, opd, tahun, indicators, columns, desa, kecamatan)
    _add_validations(ws, catalogue, columns, last_row)
    _finish(ws, columns, last_row)
    _write_guide(book.add_worksheet(SHEET_GUIDE), fmt, opd, indicators, opd_map)
    _write_meta(book.add_worksheet(SHEET_META), unit, opd, tahun, catalogue, columns, desa, last_row)
    book.close()
    return buffer.getvalue()


def _write_sheet(ws, fmt, unit: Unit, opd: str, tahun: int, indicators, columns, desa, kecamatan) -> None:
    ws.write_string(0, 0, TITLE, fmt["title"])
    ws.write_string(1, 0, f"{opd} - {unit.identity['nama_wilayah']} ({unit.kode}) - tahun {tahun}", fmt["muted"])
    values = {**unit.identity, "tahun": tahun, "opd": opd, "petugas": "", "tanggal": None}
    for i, (key, label, is_input) in enumerate(IDENTITY_ROWS):
        row = FIRST_IDENTITY_ROW - 1 + i
        ws.write_string(row, 0, label, fmt["label"])
        value = values.get(key)
        style = (fmt["date"] if key == "tanggal" else fmt["input"]) if is_input else fmt["fixed"]
        if value is None or value == "":
            ws.write_blank(row, 1, None, style)
        elif isinstance(value, int):
            ws.write_number(row, 1, value, style)
        else:
            ws.write_string(row, 1, str(value), style)
        kode_key = {"nama_provinsi": "kode_provinsi", "nama_kabupaten": "kode_kabupaten"}.get(key)
        if kode_key:
            ws.write_string(row, 2, unit.identity[kode_key], fmt["fixed"])
    # Header: indicator (merged over its columns), semester, value label; desa columns merged down.
    for col, (_, label, width) in enumerate(DESA_COLUMNS):
        ws.set_column(col, col, width)
        ws.merge_range(INDICATOR_ROW - 1, col, HEADER_ROW - 1, col, label, fmt["header"])
    # Input cells take their (unlocked, yellow) style from the column (set per indicator below):
    # writing 500,000 blank cells would dominate the run time. Rows above the table get a plain locked
    # style (a row style beats a column style), and rows below it are hidden.
    for row in range(HEADER_ROW):
        ws.set_row(row, None, fmt["plain"])
    ws.set_default_row(hide_unused_rows=True)
    start = len(DESA_COLUMNS)
    spans = []
    for ind in indicators:
        width = 2 * len(SEMESTER_KEYS[ind.cara_isi])
        satuan = "%" if ind.persentase else ind.satuan
        spans.append((start, width))
        ws.set_column(start, start + width - 1, max(INPUT_WIDTH, MIN_HEADER_WIDTH / (width + 1)), fmt["input"])
        ws.set_column(start + width, start + width, KETERANGAN_WIDTH, fmt["note"])
        _merge(ws, INDICATOR_ROW - 1, start, width + 1, f"{ind.kode}\n{ind.indikator} ({satuan})", fmt["indicator"])
        start += width + 1
    for start, width in spans:
        half = width // 2
        for sem in SEMESTERS:
            _merge(ws, SEMESTER_ROW - 1, start + (sem - 1) * half, half, f"Semester {'I' * sem}", fmt["header"])
        ws.merge_range(SEMESTER_ROW - 1, start + width, HEADER_ROW - 1, start + width, KETERANGAN_LABEL, fmt["header"])
    for i, column in enumerate(columns):
        if column.key != "keterangan":
            ws.write_string(HEADER_ROW - 1, start_col(i), SHORT_LABEL[column.key.rsplit("_", 1)[0]], fmt["header"])
    ws.set_row(INDICATOR_ROW - 1, 120, fmt["plain"])
    for r, w in enumerate(desa):
        row = FIRST_DATA_ROW - 1 + r
        ws.write_string(row, 0, w.kode, fmt["fixed"])
        ws.write_string(row, 1, kecamatan.get(w.parent_kode or "", "-"), fmt["fixed"])
        ws.write_string(row, 2, w.nama, fmt["fixed"])


def start_col(i: int) -> int:
    """0-based sheet column of the i-th input column."""
    return len(DESA_COLUMNS) + i


def _merge(ws, row: int, col: int, width: int, text: str, style) -> None:
    if width > 1:
        ws.merge_range(row, col, row, col + width - 1, text, style)
    else:
        ws.write_string(row, col, text, style)


def _add_validations(ws, catalogue: Catalogue, columns: list[InputColumn], last_row: int) -> None:
    first = FIRST_DATA_ROW - 1
    tanggal_row = FIRST_IDENTITY_ROW - 1 + [k for k, _, _ in IDENTITY_ROWS].index("tanggal")
    ws.data_validation(tanggal_row, 1, tanggal_row, 1, {
        "validate": "date", "criteria": "between", "minimum": date(2020, 1, 1), "maximum": date(2100, 12, 31),
        "input_title": "Tanggal pengisian", "input_message": "Tanggal, misalnya 15/07/2024.",
        "error_title": "Isian tidak valid", "error_message": "Isi tanggal yang sah.",
    })  # fmt: skip
    for i, column in enumerate(columns):
        col = start_col(i)
        ind = catalogue.get(column.kode)
        base = column.key.rsplit("_", 1)[0]
        title = f"{column.kode} {COLUMN_LABEL.get(column.key, column.key)}"[:32]
        if base == "keterangan":
            options = {"validate": "list", "source": [BELUM_TERSEDIA], "show_error": False,
                       "input_message": f"Pilih '{BELUM_TERSEDIA}' bila data belum terbit (bukan 0), "
                                        "atau tulis penjelasan bebas."}  # fmt: skip
        elif base == "status":
            options = {"validate": "list", "source": ["ya", "tidak"], "input_message": "Pilih ya atau tidak.",
                       "error_message": "Isi 'ya' atau 'tidak'."}  # fmt: skip
        elif base == "pembilang":
            here, den = f"{column.letter}{first + 1}", f"{xl_col_to_name(col + 1)}{first + 1}"
            options = {"validate": "custom", "value": f"=AND(ISNUMBER({here}),{here}>=0,OR(ISBLANK({den}),{here}<={den}))",
                       "input_message": f"Pembilang: {ind.definisi_pembilang}"[:250],
                       "error_message": "Pembilang harus angka >= 0 dan tidak melebihi penyebut."}  # fmt: skip
        elif base == "penyebut":
            options = {"validate": "decimal", "criteria": ">=", "value": 0,
                       "input_message": f"Penyebut: {ind.definisi_penyebut}"[:250],
                       "error_message": "Penyebut harus angka >= 0."}  # fmt: skip
        elif ind.persentase:
            options = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                       "input_message": "Persentase 0-100 (tanpa tanda %).", "error_message": "Persentase harus 0-100."}  # fmt: skip
        else:
            options = {"validate": "decimal", "criteria": ">=", "value": 0,
                       "input_message": f"Angka capaian ({ind.satuan}).", "error_message": "Isi angka >= 0."}  # fmt: skip
        ws.data_validation(first, col, last_row - 1, col, {**options, "input_title": title, "error_title": "Isian tidak valid"})


def _finish(ws, columns: list[InputColumn], last_row: int) -> None:
    ws.freeze_panes(FIRST_DATA_ROW - 1, len(DESA_COLUMNS))
    ws.protect("", {"format_columns": True})
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.repeat_rows(INDICATOR_ROW - 1, HEADER_ROW - 1)
    ws.repeat_columns(0, len(DESA_COLUMNS) - 1)
    ws.fit_to_pages(0, 0)
    ws.set_print_scale(70)
    ws.print_area(0, 0, last_row - 1, start_col(max(len(columns), 1) - 1))
    ws.set_header("&L&A&R&P / &N")


def _write_guide(ws, fmt, opd: str, indicators: list[Indicator], opd_map: OpdMap) -> None:
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 110)
    ws.write_string(0, 0, f"PETUNJUK PENGISIAN ISIAN OPD PER DESA/KELURAHAN - {opd}", fmt["title"])
    row = 2
    for n, step in enumerate(STEPS, start=1):
        ws.write_number(row, 0, n)
        ws.write_string(row, 1, step, fmt["wrap"])
        row += 1
    row += 1
    ws.write_string(row, 0, "Indikator yang diisi OPD ini", fmt["label"])
    row += 1
    for ind in indicators:
        text = f"{ind.kode} - {ind.indikator} (penanggung jawab pusat: {opd_map.kl.get(ind.kode, '-')})"
        if ind.cara_isi == "rasio":
            text += f". Pembilang: {ind.definisi_pembilang}. Penyebut: {ind.definisi_penyebut}."
        ws.write_string(row, 1, text, fmt["wrap"])
        row += 1
    row += 1
    ws.write_string(row, 1, f"Templat {OPD_ID} versi {OPD_VERSION}, kkb-excel {__version__}. {ATTRIBUTION}", fmt["muted"])
    ws.protect()


def _write_meta(ws, unit: Unit, opd: str, tahun: int, catalogue: Catalogue, columns, desa, last_row: int) -> None:
    """Key/value pairs in A:B, the column map in D:F, the row map in H:I (row 1 are headers)."""
    identity_row = {key: FIRST_IDENTITY_ROW + i for i, (key, _, _) in enumerate(IDENTITY_ROWS)}
    meta = [
        ("template_id", OPD_ID), ("template_versi", OPD_VERSION), ("katalog_versi", catalogue.version),
        ("kkb_versi", __version__), ("kode_wilayah", unit.kode), ("tingkat", unit.tingkat), ("tahun", tahun),
        ("opd", opd), ("lembar", SHEET_OPD), ("baris_pertama", FIRST_DATA_ROW), ("baris_terakhir", last_row),
        *((f"sel_{key}", f"B{row}") for key, row in identity_row.items()),
    ]  # fmt: skip
    tables = {0: ("kunci", "nilai"), 3: ("kolom", "kode_indikator", "kunci"), 7: ("baris", "kode_wilayah")}
    rows = max(len(meta), len(columns), len(desa)) + 1
    data = {
        0: [tables[0], *meta],
        3: [tables[3], *((c.letter, c.kode, c.key) for c in columns)],
        7: [tables[7], *((FIRST_DATA_ROW + i, w.kode) for i, w in enumerate(desa))],
    }
    for r in range(rows):
        for start, table in data.items():
            if r < len(table):
                for offset, value in enumerate(table[r]):
                    if isinstance(value, int):
                        ws.write_number(r, start + offset, value)
                    else:
                        ws.write_string(r, start + offset, str(value))
    ws.very_hidden()


def _render_chunk(job: tuple[str, int, OpdMap, list[tuple[Unit, str]]]) -> list[str]:
    """Worker entry point (spawn-safe): write the workbooks of one chunk of (unit, OPD) pairs."""
    out_dir, tahun, opd_map, items = job
    catalogue, index = load_catalogue(), load_wilayah()
    written = []
    for unit, opd in items:
        path = Path(out_dir) / opd_file_name(tahun, unit, opd)
        write_atomic(path, build_opd_workbook(unit, opd, tahun, opd_map, catalogue, index))
        written.append(str(path))
    return written


def generate_opd(units: list[Unit], opds: list[str], tahun: int, out_dir: Path, opd_map: OpdMap, jobs: int = 1,
                 progress: Callable[[int], None] | None = None, timpa: bool = False) -> list[Path]:  # fmt: skip
    """Write one workbook per unit x OPD into `out_dir` (in `jobs` spawn-safe workers when many); returns the paths.

    Existing files are never replaced unless `timpa` (a filled OPD workbook may carry the same name).
    """
    for unit in units:
        if unit.tingkat == "desa":
            raise KkbError(f"{unit.kode} ({unit.identity['nama_wilayah']}) adalah desa/kelurahan; workbook OPD dibuat untuk "
                           "kabupaten/kota (atau kecamatan/provinsi) dan memuat semua desa/kelurahannya.")  # fmt: skip
    items = [(unit, opd) for unit in units for opd in opds]
    if not timpa:
        refuse_overwrite([out_dir / opd_file_name(tahun, unit, opd) for unit, opd in items])
    out_dir.mkdir(parents=True, exist_ok=True)
    chunks = [(str(out_dir), tahun, opd_map, chunk) for chunk in chunked(items, jobs, MAX_CHUNK)]
    written = in_order(iter_chunks(_render_chunk, chunks, jobs > 1 and len(items) >= PARALLEL_MIN_WORKBOOKS, jobs, progress))
    return [Path(p) for p in written]
