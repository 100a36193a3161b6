"""Build one daftar tilik workbook (openpyxl) for a reporting unit, from the catalogue and layout.

Two sheets show the form. "Daftar Tilik" is where OPD staff type, laid out for a laptop screen:
compact heading, one or two lines per indicator, the indicator's name frozen beside every input,
group labels shortened to what fits. "Cetak" is Lampiran 4 as printed and signed, every value taken
from the input sheet (`print_sheet`). The reader reads the input sheet only, through `_kkb`.
"""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from kkb_excel import __version__, capaian
from kkb_excel.catalogue import Catalogue, Indicator, load_catalogue
from kkb_excel.keys import BELUM_TERSEDIA
from kkb_excel.output.safe import put_text
from kkb_excel.template import guide, pages
from kkb_excel.template.form_parts import (
    BORDER,
    CENTER,
    DATE_FORMAT,
    FILL_FORMULA,
    FILL_HEADER,
    FILL_INPUT,
    FILL_LOCKED,
    FILL_SUPPORT_HEADER,
    FONT_MUTED,
    LOCKED,
    NO_FILL,
    SIGN_ROWS,
    TOP,
    UNLOCKED,
    WRAP_TOP,
    add_category_formatting,
    closing_first_row,
    label_cell,
    observed,
    page_footer,
    row_texts,
    style,
    value_cell,
    write_closing,
    write_heading,
)
from kkb_excel.template.layout import (
    COL,
    COLUMNS,
    FAMILIAR_LAST,
    FIRST_DATA_ROW,
    FONT_NAME,
    FREEZE,
    HEADER_ROW,
    IDENTITY,
    IDENTITY_FIELDS,
    MENGETAHUI,
    PAPERS,
    SCREEN_WIDTH,
    SEMESTERS,
    SHEET_GUIDE,
    SHEET_MAIN,
    SHEET_META,
    SHEET_PRINT,
    SPACER_COLUMN,
    SUPPORT_FIRST,
    SUPPORT_LAST,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    TITLE,
    TITLE_ROW,
    TemplateSpec,
    identity_cell,
    indicator_labels,
)
from kkb_excel.template.print_sheet import write_print_sheet
from kkb_excel.template.seal import SEAL_KEY, seal

META_INDICATOR_COLUMNS = ("kode_indikator", "baris", "diamati", "cara_isi", "polaritas", "agregasi")
# Screen heights: the rows above the table stay frozen, so they are kept short (about 105 px).
TOP_ROW_PT = {TITLE_ROW: 15.0, 2: 13.5, 3: 13.5, 4: 13.5, HEADER_ROW: 24.0}
FONT_HEADER_SMALL = Font(name=FONT_NAME, size=8, bold=True, color="FFFFFF")
NOTE_ONE_LINE = Alignment(vertical="top", wrap_text=False)  # a locked note runs on over the empty cells beside it
LEGEND = (
    "Warna: ungu muda = diisi OPD; abu-abu = tidak diisi pada tingkat ini; biru = dihitung otomatis. "
    "Indikator persentase: isi pembilang dan penyebut di kolom Data dukung (N-Q); Capaian dihitung otomatis. "
    f"Data belum terbit: pilih 'Belum tersedia' di Keterangan. Untuk dicetak dan ditandatangani: lembar '{SHEET_PRINT}'."
)
LEGEND_PT = 27.0


def build_workbook(spec: TemplateSpec, catalogue: Catalogue | None = None) -> Workbook:
    """The complete, protected daftar tilik workbook for one unit."""
    catalogue = catalogue or load_catalogue()
    indicators = catalogue.active
    wb = Workbook()
    _set_default_font(wb)
    ws = wb.active
    ws.title = SHEET_MAIN
    last_row = FIRST_DATA_ROW + len(indicators) - 1
    write_heading(ws, spec)
    _write_identity(ws, spec)
    _write_table_header(ws)
    _write_rows(ws, spec, indicators)
    closing = _write_closing(ws, spec, last_row)
    _add_validations(ws, spec, indicators, last_row, closing)
    add_category_formatting(ws, last_row)
    _finish_sheet(ws, spec, last_row)
    write_print_sheet(wb.create_sheet(SHEET_PRINT), spec, indicators, last_row)
    guide.write_guide(wb.create_sheet(SHEET_GUIDE), spec, catalogue)
    _write_meta(wb, spec, catalogue, indicators, last_row, closing)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = f"kkb-excel {__version__}"
    wb.properties.title = TITLE.title()
    wb.properties.created = datetime(2023, 1, 1)
    return wb


def _set_default_font(wb: Workbook) -> None:
    """Arial 10 as the Normal style: column widths are measured in its digits everywhere."""
    wb._fonts[0] = Font(name=FONT_NAME, size=10)  # noqa: SLF001 - openpyxl keeps the default font here


def _write_identity(ws, spec: TemplateSpec) -> None:
    values = {k: spec.identity[k] for k in IDENTITY_FIELDS}
    for line in IDENTITY:
        label_cell(ws, line.row, line.label_cols, line.label, fit=True)
        if line.is_input:
            cell = value_cell(ws, line.row, line.value_cols, FILL_INPUT, UNLOCKED)
            if line.key == "tanggal":
                cell.number_format = DATE_FORMAT
            continue
        value_cell(ws, line.row, line.value_cols, NO_FILL, LOCKED, values[line.key])
        if line.kode_key:
            value_cell(ws, line.row, (line.kode_col, line.kode_col), NO_FILL, LOCKED, values[line.kode_key])
    for row, pt in TOP_ROW_PT.items():
        ws.row_dimensions[row].height = pt


def _write_table_header(ws) -> None:
    for col in COLUMNS:
        cell = ws[f"{col.letter}{HEADER_ROW}"]
        put_text(cell, col.header)
        cell.fill = FILL_SUPPORT_HEADER if col.letter >= SUPPORT_FIRST else FILL_HEADER
        cell.font, cell.alignment, cell.border = FONT_HEADER_SMALL, CENTER, BORDER
        ws.column_dimensions[col.letter].width = SCREEN_WIDTH[col.key]
    ws.column_dimensions[SPACER_COLUMN].width = 2
    support = ws[f"{SUPPORT_FIRST}{HEADER_ROW - 1}"]
    put_text(support, "Data dukung (tidak dicetak)")
    support.fill, support.font, support.alignment = FILL_SUPPORT_HEADER, FONT_HEADER_SMALL, CENTER
    ws.merge_cells(f"{SUPPORT_FIRST}{HEADER_ROW - 1}:{SUPPORT_LAST}{HEADER_ROW - 1}")


def row_lines(ind: Indicator, tingkat: str) -> int:
    """Lines an indicator row takes on screen: its name and satuan wrap, a locked note runs on."""
    texts = row_texts(ind, tingkat)
    return max(pages.line_count(texts[key], SCREEN_WIDTH[key]) for key in ("indikator", "satuan"))


def _write_rows(ws, spec: TemplateSpec, indicators: list[Indicator]) -> None:
    for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
        is_observed = observed(ind, spec.tingkat)
        texts = row_texts(ind, spec.tingkat)
        for key in ("kode", "indikator", "satuan"):
            put_text(ws[f"{COL[key]}{row}"], texts[key])
        for key in ("kode", "kegiatan", "indikator", "satuan"):
            style(ws[f"{COL[key]}{row}"], NO_FILL, alignment=WRAP_TOP)
        for key in ("sasaran", "program"):  # narrow on screen: one line, its start shown
            style(ws[f"{COL[key]}{row}"], NO_FILL, alignment=TOP)
        target = ws[f"{COL['target']}{row}"]
        target.value = spec.targets.get(ind.kode)
        style(target, FILL_LOCKED if not is_observed else NO_FILL)
        for sem in SEMESTERS:
            _write_semester(ws, row, sem, ind, is_observed)
        note = ws[f"{COL['keterangan']}{row}"]
        if is_observed:
            style(note, FILL_INPUT, UNLOCKED, WRAP_TOP)
        else:
            put_text(note, texts["keterangan"])
            style(note, FILL_LOCKED, alignment=NOTE_ONE_LINE, font=FONT_MUTED)
        ws.row_dimensions[row].height = pages.height(row_lines(ind, spec.tingkat))
    _write_group_labels(ws, indicators)


def _write_group_labels(ws, indicators: list[Indicator]) -> None:
    """Sasaran, program and kegiatan over their rows (merged); on screen a long label shows its start."""
    for key in ("sasaran", "program", "kegiatan"):
        start = 0
        for i in range(1, len(indicators) + 1):
            if i < len(indicators) and indicator_labels(indicators[i])[key] == indicator_labels(indicators[start])[key]:
                continue
            first = FIRST_DATA_ROW + start
            put_text(ws[f"{COL[key]}{first}"], indicator_labels(indicators[start])[key])
            if i - start > 1:
                ws.merge_cells(f"{COL[key]}{first}:{COL[key]}{FIRST_DATA_ROW + i - 1}")
            start = i


def _write_semester(ws, row: int, sem: int, ind: Indicator, is_observed: bool) -> None:
    value = ws[f"{COL[f'capaian_{sem}']}{row}"]
    support = {
        "rasio": (f"pembilang_{sem}", f"penyebut_{sem}"),
        "status": (f"status_{sem}",),
    }.get(ind.cara_isi, ())
    if is_observed and ind.cara_isi == "status":
        value.value = capaian.status_excel_formula(f"{COL[f'status_{sem}']}{row}", ind.status_yes)
        style(value, FILL_FORMULA)
    elif is_observed and ind.cara_isi == "rasio":
        value.value = capaian.ratio_excel_formula(*(f"{COL[k]}{row}" for k in support))
        value.number_format = "0.00"
        style(value, FILL_FORMULA)
    elif is_observed:
        style(value, FILL_INPUT, UNLOCKED)
    else:
        style(value, FILL_LOCKED)
    persen = ws[f"{COL[f'persen_{sem}']}{row}"]
    persen.value = capaian.excel_formula(value.coordinate, f"{COL['target']}{row}", ind.polaritas)
    persen.number_format = "0.00"
    style(persen, FILL_FORMULA)
    for key in (f"pembilang_{sem}", f"penyebut_{sem}", f"status_{sem}"):
        cell = ws[f"{COL[key]}{row}"]
        if is_observed and key in support:
            style(cell, FILL_INPUT, UNLOCKED)
        else:
            style(cell, FILL_LOCKED)


def _dv(kind: str, title: str, prompt: str, error: str, **kwargs) -> DataValidation:
    return DataValidation(
        type=kind, allow_blank=True, showInputMessage=True, showErrorMessage=True,
        errorStyle="stop", promptTitle=title, prompt=prompt, errorTitle="Isian tidak valid", error=error,
        **kwargs,
    )  # fmt: skip


def _add_validations(ws, spec: TemplateSpec, indicators: list[Indicator], last_row: int, closing: dict[str, str]) -> None:
    percent = _dv("decimal", "Persentase", "Isi angka 0 sampai 100 (tanpa tanda %).",
                  "Persentase harus berupa angka 0 sampai 100.", operator="between", formula1="0", formula2="100")  # fmt: skip
    number = _dv("decimal", "Angka capaian", "Isi angka 0 atau lebih.",
                 "Capaian harus berupa angka 0 atau lebih.", operator="greaterThanOrEqual", formula1="0")  # fmt: skip
    # Keterangan: a list offering "Belum tersedia" that still takes free text (no error message).
    note = _dv("list", "Keterangan", f"Pilih '{BELUM_TERSEDIA}' bila data belum terbit, atau tulis penjelasan bebas.",
               "", formula1=f'"{BELUM_TERSEDIA}"')  # fmt: skip
    annual = _dv("list", "Data tahunan", f"Data indikator ini terbit setahun sekali. Bila belum terbit, pilih "
                 f"'{BELUM_TERSEDIA}' (bukan 0); boleh juga menulis penjelasan bebas.", "", formula1=f'"{BELUM_TERSEDIA}"')  # fmt: skip
    for dv in (note, annual):
        dv.showErrorMessage, dv.error, dv.errorTitle = False, None, None
    for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
        if not observed(ind, spec.tingkat):
            continue
        (annual if ind.tahunan else note).add(f"{COL['keterangan']}{row}")
        if ind.cara_isi == "angka":
            target = percent if ind.persentase else number
            for sem in SEMESTERS:
                target.add(f"{COL[f'capaian_{sem}']}{row}")
    validations = [percent, number, note, annual]
    for sem in SEMESTERS:
        num, den = COL[f"pembilang_{sem}"], COL[f"penyebut_{sem}"]
        first_num, first_den = f"{num}{FIRST_DATA_ROW}", f"{den}{FIRST_DATA_ROW}"
        cond = f"OR(NOT(ISNUMBER({first_den})),NOT(ISNUMBER({first_num})),{first_num}<={first_den})"
        pembilang = _dv("custom", "Pembilang", "Isi angka 0 atau lebih, tidak melebihi penyebut.",
                        "Pembilang harus angka 0 atau lebih dan tidak boleh melebihi penyebut.",
                        formula1=f"AND(ISNUMBER({first_num}),{first_num}>=0,{cond})")  # fmt: skip
        penyebut = _dv("custom", "Penyebut", "Isi angka 0 atau lebih, tidak kurang dari pembilang.",
                       "Penyebut harus angka 0 atau lebih dan tidak boleh kurang dari pembilang.",
                       formula1=f"AND(ISNUMBER({first_den}),{first_den}>=0,{cond})")  # fmt: skip
        pembilang.add(f"{num}{FIRST_DATA_ROW}:{num}{last_row}")
        penyebut.add(f"{den}{FIRST_DATA_ROW}:{den}{last_row}")
        validations += [pembilang, penyebut]
    status = _dv("list", "Status", "Pilih ya atau tidak.", "Isi hanya 'ya' atau 'tidak'.", formula1='"ya,tidak"')
    status.add(f"{COL['status_1']}{FIRST_DATA_ROW}:{COL['status_2']}{last_row}")
    tanggal = _dv("date", "Tanggal", "Isi tanggal (tanggal/bulan/tahun).",
                  "Tanggal harus tanggal yang valid antara 2020 dan 2100.",
                  operator="between", formula1="DATE(2020,1,1)", formula2="DATE(2100,12,31)")  # fmt: skip
    for ref in (identity_cell("tanggal"), *(ref for key, ref in closing.items() if key.endswith("tanggal"))):
        tanggal.add(ref)
    opd = _dv("textLength", "OPD/Instansi", "Tulis nama OPD/instansi pengisi.",
              "Nama OPD/instansi paling banyak 200 karakter.", operator="lessThanOrEqual", formula1="200")  # fmt: skip
    opd.add(identity_cell("opd"))
    for dv in (*validations, status, tanggal, opd):
        if dv.sqref:
            ws.add_data_validation(dv)


def _write_closing(ws, spec: TemplateSpec, last_row: int) -> dict[str, str]:
    """Legend and the sign-off block; returns sel_<key> -> cell of its inputs."""

    def value(ws, line, row: int, cols: tuple[str, str]):
        if line.key:
            return value_cell(ws, row, cols, FILL_INPUT, UNLOCKED)
        text = line.value.format(mengetahui=MENGETAHUI[spec.tingkat])
        return value_cell(ws, row, cols, FILL_FORMULA if text.startswith("=") else NO_FILL, LOCKED, text)

    return write_closing(ws, last_row, LEGEND, LEGEND_PT, value)


def _finish_sheet(ws, spec: TemplateSpec, last_row: int) -> None:
    """Screen first: frozen header and Kode..Indikator. Printed (a working copy), it fits one page wide."""
    ws.freeze_panes = FREEZE
    ws.sheet_view.zoomScale = 100
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{FAMILIAR_LAST}{closing_first_row(last_row) + SIGN_ROWS - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERS[spec.kertas].code
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    page_footer(ws, f"Lembar isian. Untuk dicetak dan ditandatangani: lembar '{SHEET_PRINT}'")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _write_meta(
    wb: Workbook, spec: TemplateSpec, catalogue: Catalogue, indicators: list[Indicator], last_row: int,
    closing: dict[str, str],
) -> None:  # fmt: skip
    """Hidden sheet the reader uses to find every value (never guessing from layout)."""
    meta = wb.create_sheet(SHEET_META)
    meta.sheet_state = "hidden"
    rows = ((i.kode, r, observed(i, spec.tingkat)) for r, i in enumerate(indicators, start=FIRST_DATA_ROW))
    pairs: list[tuple[str, str | int]] = [
        ("template_id", TEMPLATE_ID),
        ("template_versi", TEMPLATE_VERSION),
        ("katalog_versi", catalogue.version),
        ("kode_wilayah", spec.identity["kode_wilayah"]),
        ("nama_wilayah", spec.identity["nama_wilayah"]),
        ("tingkat", spec.tingkat),
        ("tahun", spec.tahun),
        ("jenis_berkas", "daftar_tilik"),
        ("dibuat_oleh", f"kkb-excel {__version__}"),
        ("lembar", SHEET_MAIN),
        ("lembar_cetak", SHEET_PRINT),
        ("baris_pertama", FIRST_DATA_ROW),
        ("baris_terakhir", last_row),
        ("kertas", spec.kertas),
        *((f"sel_{line.key}", line.cell) for line in IDENTITY),
        *((f"sel_{line.kode_key}", f"{line.kode_col}{line.row}") for line in IDENTITY if line.kode_key),
        *((f"sel_{key}", ref) for key, ref in closing.items()),
        *((f"kolom_{c.key}", c.letter) for c in COLUMNS),
        (SEAL_KEY, spec.identity.get(SEAL_KEY) or seal(spec.identity["kode_wilayah"], spec.tingkat, spec.tahun, catalogue.version, rows,
                                                       spec.targets)),
    ]
    put_text(meta["A1"], "kunci")
    put_text(meta["B1"], "nilai")
    for r, (key, value) in enumerate(pairs, start=2):
        put_text(meta.cell(r, 1), key)
        if isinstance(value, str):
            put_text(meta.cell(r, 2), value)
        else:
            meta.cell(r, 2).value = value
    for c, name in enumerate(META_INDICATOR_COLUMNS, start=4):
        put_text(meta.cell(1, c), name)
    for r, (row, ind) in enumerate(enumerate(indicators, start=FIRST_DATA_ROW), start=2):
        put_text(meta.cell(r, 4), ind.kode)
        meta.cell(r, 5).value = row
        put_text(meta.cell(r, 6), "ya" if observed(ind, spec.tingkat) else "tidak")
        put_text(meta.cell(r, 7), ind.cara_isi)
        put_text(meta.cell(r, 8), ind.polaritas)
        put_text(meta.cell(r, 9), ind.agregasi)
    names = {
        "KKB_META": f"'{SHEET_META}'!$A$1:$B${len(pairs) + 1}",
        "KKB_INDIKATOR": f"'{SHEET_META}'!$D$1:$I${len(indicators) + 1}",
        "KKB_TABEL": f"'{SHEET_MAIN}'!$A${HEADER_ROW}:${SUPPORT_LAST}${last_row}",
    }
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
