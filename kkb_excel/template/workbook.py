"""Build one daftar tilik workbook (openpyxl) for a reporting unit, from the catalogue and layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from kkb_excel import __version__, capaian
from kkb_excel.catalogue import Catalogue, Indicator, load_catalogue
from kkb_excel.keys import BELUM_TERSEDIA
from kkb_excel.output.safe import put_text
from kkb_excel.template import guide, pages
from kkb_excel.template.layout import (
    COL,
    COLUMNS,
    FAMILIAR_LAST,
    FIRST_DATA_ROW,
    FONT_NAME,
    FONT_SIZE,
    FREEZE,
    HEADER_ROW,
    IDENTITY,
    IDENTITY_FIELDS,
    INPUT_COLOUR,
    MARGIN_IN,
    MENGETAHUI,
    PAPERS,
    SEMESTERS,
    SHEET_GUIDE,
    SHEET_MAIN,
    SHEET_META,
    SOURCE_NOTE,
    SPACER_COLUMN,
    SUPPORT_FIRST,
    SUPPORT_LAST,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    TITLE,
    TITLE_ROW,
    TITLE_SIZE,
    WIDTH,
    TemplateSpec,
    identity_cell,
    indicator_labels,
)
from kkb_excel.template.seal import SEAL_KEY, seal
from kkb_excel.tingkat import LABEL, rank

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
SIGN_LINE = Border(bottom=Side(style="thin", color="404040"))
# Input cells are lilac: no category colour (green, yellow, orange, red) can be taken for one.
FILL_INPUT = PatternFill("solid", fgColor=INPUT_COLOUR)
FILL_FORMULA = PatternFill("solid", fgColor="DDEBF7")
FILL_LOCKED = PatternFill("solid", fgColor="EDEDED")
FILL_HEADER = PatternFill("solid", fgColor="1F4E78")
FILL_SUPPORT_HEADER = PatternFill("solid", fgColor="7F6000")
NO_FILL = PatternFill()
FONT = Font(name=FONT_NAME, size=FONT_SIZE)
FONT_HEADER = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="FFFFFF")
FONT_TITLE = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True)
FONT_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
FONT_MUTED = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color="595959")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
SHRINK = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
DATE_FORMAT = "DD/MM/YYYY"
META_INDICATOR_COLUMNS = ("kode_indikator", "baris", "diamati", "cara_isi", "polaritas", "agregasi")
TOP_ROW_PT = {TITLE_ROW: 18.0, 2: 15.0, 3: 15.0, 4: 15.0, HEADER_ROW: 38.0}
LEGEND = (
    "Warna: ungu muda = diisi OPD; abu-abu = tidak diisi pada tingkat ini; biru = dihitung otomatis. "
    "Indikator persentase: isi pembilang dan penyebut di kolom Data dukung (N-Q, tidak ikut dicetak); "
    "Capaian dihitung otomatis. Data belum terbit: pilih 'Belum tersedia' di Keterangan."
)
LEGEND_PT = 27.0
GAP_PT = 8.0


@dataclass(frozen=True)
class SignLine:
    """A line of the sign-off block: label in A:B or F:G, value in C:E or H:L."""

    key: str | None  # metadata key (sel_<key>) of an input, None for text and formulas
    label: str
    side: str  # "kiri" (Disusun oleh) or "kanan" (Mengetahui)
    offset: int
    value: str | None = None  # formula or fixed text
    height: float = 15.0


SIGN_OFF = (
    SignLine(None, "Disusun oleh,", "kiri", 0),
    SignLine(None, "Mengetahui,", "kanan", 0),
    SignLine(None, "OPD/Instansi", "kiri", 1, f'=IF({identity_cell("opd")}="","",{identity_cell("opd")})'),
    SignLine(None, "Jabatan", "kanan", 1, "{mengetahui}"),
    SignLine("jabatan", "Jabatan", "kiri", 2),
    SignLine(None, "Tanda tangan", "kiri", 3, height=42.0),
    SignLine(None, "Tanda tangan", "kanan", 3),
    SignLine(None, "Nama", "kiri", 4, f'=IF({identity_cell("petugas")}="","",{identity_cell("petugas")})'),
    SignLine("mengetahui_nama", "Nama", "kanan", 4),
    SignLine("nip", "NIP", "kiri", 5),
    SignLine("mengetahui_nip", "NIP", "kanan", 5),
    SignLine(None, "Tanggal", "kiri", 6, f'=IF({identity_cell("tanggal")}="","",{identity_cell("tanggal")})'),
    SignLine("mengetahui_tanggal", "Tanggal", "kanan", 6),
)
SIGN_COLUMNS = {"kiri": (("A", "B"), ("C", "E")), "kanan": (("F", "G"), ("H", "L"))}
SIGN_ROWS = 1 + max(line.offset for line in SIGN_OFF)


def closing_first_row(last_row: int) -> int:
    """First row of the sign-off block: after a gap, the legend and another gap."""
    return last_row + 4


def sign_off_pt() -> float:
    return sum({line.offset: line.height for line in SIGN_OFF if line.side == "kiri"}.values())


def observed(indicator: Indicator, tingkat: str) -> bool:
    return indicator.tingkat_pengamatan == tingkat


def locked_note(indicator: Indicator, tingkat: str) -> str:
    """Keterangan shown on a row that this tingkat does not fill."""
    where = LABEL[indicator.tingkat_pengamatan].lower()
    if indicator.agregasi != "tidak_diagregasi" and rank(indicator.tingkat_pengamatan) < rank(tingkat):
        return f"Direkap dari {where}."
    return f"Diisi di tingkat {where}."


def build_workbook(spec: TemplateSpec, catalogue: Catalogue | None = None) -> Workbook:
    """The complete, protected daftar tilik workbook for one unit."""
    catalogue = catalogue or load_catalogue()
    indicators = catalogue.active
    wb = Workbook()
    _set_default_font(wb)
    ws = wb.active
    ws.title = SHEET_MAIN
    last_row = FIRST_DATA_ROW + len(indicators) - 1
    _write_heading(ws, spec)
    _write_identity(ws, spec)
    _write_table_header(ws)
    page_plan = _plan_pages(spec, indicators)
    _write_rows(ws, spec, indicators, page_plan)
    closing = _write_closing(ws, spec, last_row)
    _add_validations(ws, spec, indicators, last_row, closing)
    _add_category_formatting(ws, last_row)
    _finish_sheet(ws, spec, last_row, page_plan)
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


def _write_heading(ws, spec: TemplateSpec) -> None:
    title = ws[f"A{TITLE_ROW}"]
    put_text(title, TITLE)
    title.font, title.alignment = FONT_TITLE, Alignment(vertical="center", shrink_to_fit=True)
    ws.merge_cells(f"A{TITLE_ROW}:H{TITLE_ROW}")
    unit = ws[f"I{TITLE_ROW}"]
    put_text(unit, f"Tingkat {LABEL[spec.tingkat]} - Tahun {spec.tahun}")
    unit.font, unit.alignment = Font(name=FONT_NAME, size=10, bold=True), Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"I{TITLE_ROW}:{FAMILIAR_LAST}{TITLE_ROW}")


def _identity_values(spec: TemplateSpec) -> dict[str, str]:
    return {k: spec.identity[k] for k in IDENTITY_FIELDS}


def _label_cell(ws, row: int, cols: tuple[str, str], text: str) -> None:
    cell = ws[f"{cols[0]}{row}"]
    put_text(cell, text)
    cell.font, cell.alignment = FONT_BOLD, Alignment(vertical="center")
    if cols[0] != cols[1]:
        ws.merge_cells(f"{cols[0]}{row}:{cols[1]}{row}")


def _value_cell(ws, row: int, cols: tuple[str, str], fill, protection, value=None):
    for letter in _letters(*cols):
        ws[f"{letter}{row}"].border = BORDER
    cell = ws[f"{cols[0]}{row}"]
    if isinstance(value, str) and not value.startswith("="):
        put_text(cell, value)
    elif value is not None:
        cell.value = value
    cell.fill, cell.protection, cell.font, cell.alignment = fill, protection, FONT, SHRINK
    if cols[0] != cols[1]:
        ws.merge_cells(f"{cols[0]}{row}:{cols[1]}{row}")
    return cell


def _letters(first: str, last: str) -> list[str]:
    return [chr(c) for c in range(ord(first), ord(last) + 1)]


def _write_identity(ws, spec: TemplateSpec) -> None:
    values = _identity_values(spec)
    for line in IDENTITY:
        _label_cell(ws, line.row, line.label_cols, line.label)
        if line.is_input:
            cell = _value_cell(ws, line.row, line.value_cols, FILL_INPUT, UNLOCKED)
            if line.key == "tanggal":
                cell.number_format = DATE_FORMAT
            continue
        _value_cell(ws, line.row, line.value_cols, NO_FILL, LOCKED, values[line.key])
        if line.kode_key:
            _value_cell(ws, line.row, (line.kode_col, line.kode_col), NO_FILL, LOCKED, values[line.kode_key])
    for row, pt in TOP_ROW_PT.items():
        ws.row_dimensions[row].height = pt


def _write_table_header(ws) -> None:
    for col in COLUMNS:
        cell = ws[f"{col.letter}{HEADER_ROW}"]
        support = col.letter >= SUPPORT_FIRST
        put_text(cell, f"{col.header} (data dukung)" if support else col.header)
        cell.fill = FILL_SUPPORT_HEADER if support else FILL_HEADER
        cell.font, cell.alignment, cell.border = FONT_HEADER, CENTER, BORDER
        ws.column_dimensions[col.letter].width = col.width
    ws.column_dimensions[SPACER_COLUMN].width = 2


def _row_texts(ind: Indicator, tingkat: str) -> dict[str, str]:
    texts = {"indikator": indicator_labels(ind)["indikator"], "satuan": ind.satuan, "kode": ind.kode}
    if not observed(ind, tingkat):
        texts["keterangan"] = locked_note(ind, tingkat)
    return texts


def _plan_pages(spec: TemplateSpec, indicators: list[Indicator]) -> pages.Plan:
    labels = [indicator_labels(i) for i in indicators]
    lines = [max(pages.line_count(text, WIDTH[key]) for key, text in _row_texts(i, spec.tingkat).items()) for i in indicators]
    top = sum(pt for row, pt in TOP_ROW_PT.items())
    closing = GAP_PT + LEGEND_PT + GAP_PT + sign_off_pt()
    return pages.plan(labels, lines, PAPERS[spec.kertas], top, TOP_ROW_PT[HEADER_ROW], closing)


def _style(cell, fill, protection=LOCKED, alignment=TOP, font=FONT) -> None:
    cell.fill, cell.protection, cell.border, cell.alignment, cell.font = fill, protection, BORDER, alignment, font


def _write_rows(ws, spec: TemplateSpec, indicators: list[Indicator], page_plan: pages.Plan) -> None:
    for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
        is_observed = observed(ind, spec.tingkat)
        texts = _row_texts(ind, spec.tingkat)
        for key in ("kode", "indikator", "satuan"):
            put_text(ws[f"{COL[key]}{row}"], texts[key])
        for key in ("kode", "sasaran", "program", "kegiatan", "indikator", "satuan"):
            _style(ws[f"{COL[key]}{row}"], NO_FILL, alignment=WRAP_TOP)
        target = ws[f"{COL['target']}{row}"]
        target.value = spec.targets.get(ind.kode)
        _style(target, FILL_LOCKED if not is_observed else NO_FILL)
        for sem in SEMESTERS:
            _write_semester(ws, row, sem, ind, is_observed)
        note = ws[f"{COL['keterangan']}{row}"]
        if is_observed:
            _style(note, FILL_INPUT, UNLOCKED, WRAP_TOP)
        else:
            put_text(note, texts["keterangan"])
            _style(note, FILL_LOCKED, alignment=WRAP_TOP, font=FONT_MUTED)
        ws.row_dimensions[row].height = page_plan.heights[row - FIRST_DATA_ROW]
    for seg in page_plan.segments:
        first = FIRST_DATA_ROW + seg.start
        put_text(ws[f"{COL[seg.key]}{first}"], seg.label)
        if seg.size > 1:
            ws.merge_cells(f"{COL[seg.key]}{first}:{COL[seg.key]}{first + seg.size - 1}")


def _write_semester(ws, row: int, sem: int, ind: Indicator, is_observed: bool) -> None:
    value = ws[f"{COL[f'capaian_{sem}']}{row}"]
    support = {
        "rasio": (f"pembilang_{sem}", f"penyebut_{sem}"),
        "status": (f"status_{sem}",),
    }.get(ind.cara_isi, ())
    if is_observed and ind.cara_isi == "status":
        value.value = capaian.status_excel_formula(f"{COL[f'status_{sem}']}{row}", ind.status_yes)
        _style(value, FILL_FORMULA)
    elif is_observed and ind.cara_isi == "rasio":
        value.value = capaian.ratio_excel_formula(*(f"{COL[k]}{row}" for k in support))
        value.number_format = "0.00"
        _style(value, FILL_FORMULA)
    elif is_observed:
        _style(value, FILL_INPUT, UNLOCKED)
    else:
        _style(value, FILL_LOCKED)
    persen = ws[f"{COL[f'persen_{sem}']}{row}"]
    persen.value = capaian.excel_formula(value.coordinate, f"{COL['target']}{row}", ind.polaritas)
    persen.number_format = "0.00"
    _style(persen, FILL_FORMULA)
    for key in (f"pembilang_{sem}", f"penyebut_{sem}", f"status_{sem}"):
        cell = ws[f"{COL[key]}{row}"]
        if is_observed and key in support:
            _style(cell, FILL_INPUT, UNLOCKED)
        else:
            _style(cell, FILL_LOCKED)


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


def _add_category_formatting(ws, last_row: int) -> None:
    for sem in SEMESTERS:
        letter = COL[f"persen_{sem}"]
        for band, condition in capaian.band_conditions(f"{letter}{FIRST_DATA_ROW}"):
            ws.conditional_formatting.add(
                f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
                FormulaRule(formula=[condition], fill=PatternFill("solid", bgColor=band.fill), stopIfTrue=True),
            )


def _write_closing(ws, spec: TemplateSpec, last_row: int) -> dict[str, str]:
    """Legend and the sign-off block ("Disusun oleh" / "Mengetahui"); returns sel_<key> -> cell of its inputs."""
    legend_row = last_row + 2
    first = closing_first_row(last_row)
    ws.row_dimensions[last_row + 1].height = GAP_PT
    legend = ws[f"A{legend_row}"]
    put_text(legend, LEGEND)
    legend.font, legend.alignment = FONT_MUTED, WRAP_TOP
    ws.merge_cells(f"A{legend_row}:{FAMILIAR_LAST}{legend_row}")
    ws.row_dimensions[legend_row].height = LEGEND_PT
    ws.row_dimensions[legend_row + 1].height = GAP_PT
    inputs = {}
    for line in SIGN_OFF:
        row = first + line.offset
        label_cols, value_cols = SIGN_COLUMNS[line.side]
        ws.row_dimensions[row].height = max(line.height, ws.row_dimensions[row].height or 0)
        if line.offset == 0:
            _label_cell(ws, row, (label_cols[0], label_cols[0]), line.label)
            continue
        _label_cell(ws, row, label_cols, line.label)
        if line.label == "Tanda tangan":
            for letter in _letters(*value_cols):
                ws[f"{letter}{row}"].border = SIGN_LINE
            continue
        if line.key:
            cell = _value_cell(ws, row, value_cols, FILL_INPUT, UNLOCKED)
            inputs[line.key] = cell.coordinate
            if line.key.endswith("tanggal"):
                cell.number_format = DATE_FORMAT
            elif line.key.endswith("nip"):
                cell.number_format = "@"  # 18 digits stay text (a number keeps only 15)
            continue
        value = line.value.format(mengetahui=MENGETAHUI[spec.tingkat])
        cell = _value_cell(ws, row, value_cols, FILL_FORMULA if value.startswith("=") else NO_FILL, LOCKED, value)
        if "tanggal" in value:
            cell.number_format = DATE_FORMAT
    return inputs


def _finish_sheet(ws, spec: TemplateSpec, last_row: int, page_plan: pages.Plan) -> None:
    paper = PAPERS[spec.kertas]
    ws.freeze_panes = FREEZE
    ws.sheet_view.zoomScale = 100
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{FAMILIAR_LAST}{closing_first_row(last_row) + SIGN_ROWS - 1}"  # support columns: screen only
    for index in page_plan.breaks:
        ws.row_breaks.append(Break(id=FIRST_DATA_ROW + index - 1))
    if page_plan.break_before_closing:
        ws.row_breaks.append(Break(id=last_row + 1))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = paper.code
    ws.page_setup.scale = paper.scale
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_options.horizontalCentered = True
    for side, inches in MARGIN_IN.items():
        setattr(ws.page_margins, side, inches)
    ws.oddFooter.left.text = SOURCE_NOTE
    ws.oddFooter.right.text = "Halaman &P"
    for part in (ws.oddFooter.left, ws.oddFooter.right):
        part.font, part.size = FONT_NAME, FONT_SIZE
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
