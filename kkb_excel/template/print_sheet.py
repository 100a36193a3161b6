"""The "Cetak" sheet: Lampiran 4 as it is printed and signed, every value taken from the input sheet.

Same rows as the input sheet ("Daftar Tilik"), columns A-L only. Labels are written out in full,
rows are as tall as their texts need on paper, page breaks are planned for one paper size (labels
repeated on the first row of a page, no merged cell across a break) and the legend and sign-off stay
together. Nothing here is typed into: it is locked, and the reader never reads it.
"""

from __future__ import annotations

from openpyxl.worksheet.pagebreak import Break

from kkb_excel.catalogue import Indicator
from kkb_excel.output.safe import put_text
from kkb_excel.template import pages
from kkb_excel.template.form_parts import (
    BORDER,
    CENTER,
    DATE_FORMAT,
    FILL_HEADER,
    FILL_LOCKED,
    FONT_HEADER,
    GAP_PT,
    LOCKED,
    NO_FILL,
    SIGN_ROWS,
    WRAP_TOP,
    add_category_formatting,
    closing_first_row,
    label_cell,
    observed,
    page_footer,
    row_texts,
    sign_off_pt,
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
    HEADER_ROW,
    IDENTITY,
    MARGIN_IN,
    MENGETAHUI,
    PAPERS,
    SEMESTERS,
    SHEET_MAIN,
    SOURCE_NOTE,
    TITLE_ROW,
    WIDTH,
    TemplateSpec,
    indicator_labels,
)

TOP_ROW_PT = {TITLE_ROW: 18.0, 2: 15.0, 3: 15.0, 4: 15.0, HEADER_ROW: 38.0}
LEGEND = (
    f"Nilai diambil dari lembar '{SHEET_MAIN}' (isi dan ubah di sana). Abu-abu = tidak diisi pada tingkat ini. "
    "Warna % capaian: kategori Permendagri 86/2017 (hijau tua > 90; hijau > 75; kuning > 65; jingga > 50; merah <= 50)."
)
LEGEND_PT = 27.0
PRINT_COLUMNS = [c for c in COLUMNS if c.letter <= FAMILIAR_LAST]


def mirror(cell: str) -> str:
    """A formula showing the input sheet's cell, blank while that cell is blank."""
    ref = f"'{SHEET_MAIN}'!{cell}"
    return f'=IF({ref}="","",{ref})'


def plan_pages(spec: TemplateSpec, indicators: list[Indicator]) -> pages.Plan:
    labels = [indicator_labels(i) for i in indicators]
    lines = [max(pages.line_count(text, WIDTH[key]) for key, text in row_texts(i, spec.tingkat).items()) for i in indicators]
    closing = GAP_PT + LEGEND_PT + GAP_PT + sign_off_pt()
    return pages.plan(labels, lines, PAPERS[spec.kertas], sum(TOP_ROW_PT.values()), TOP_ROW_PT[HEADER_ROW], closing)


def write_print_sheet(ws, spec: TemplateSpec, indicators: list[Indicator], last_row: int) -> None:
    """Fill `ws` as the printed Lampiran 4 of the unit (rows as in the input sheet)."""
    page_plan = plan_pages(spec, indicators)
    write_heading(ws, spec)
    _write_identity(ws)
    for col in PRINT_COLUMNS:
        cell = ws[f"{col.letter}{HEADER_ROW}"]
        put_text(cell, col.header)
        cell.fill, cell.font, cell.alignment, cell.border = FILL_HEADER, FONT_HEADER, CENTER, BORDER
        ws.column_dimensions[col.letter].width = col.width
    for row, pt in TOP_ROW_PT.items():
        ws.row_dimensions[row].height = pt
    _write_rows(ws, spec, indicators, page_plan)
    add_category_formatting(ws, last_row)
    _write_closing(ws, spec, last_row)
    _page_setup(ws, spec, last_row, page_plan)


def _write_identity(ws) -> None:
    for line in IDENTITY:
        label_cell(ws, line.row, line.label_cols, line.label)
        cell = value_cell(ws, line.row, line.value_cols, NO_FILL, LOCKED, mirror(line.cell))
        if line.key == "tanggal":
            cell.number_format = DATE_FORMAT
        if line.kode_key:
            value_cell(ws, line.row, (line.kode_col, line.kode_col), NO_FILL, LOCKED, mirror(f"{line.kode_col}{line.row}"))


def _write_rows(ws, spec: TemplateSpec, indicators: list[Indicator], page_plan: pages.Plan) -> None:
    for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
        texts = row_texts(ind, spec.tingkat)
        is_observed = observed(ind, spec.tingkat)
        for key in ("kode", "indikator", "satuan"):
            put_text(ws[f"{COL[key]}{row}"], texts[key])
        for key in ("kode", "sasaran", "program", "kegiatan", "indikator", "satuan"):
            style(ws[f"{COL[key]}{row}"], NO_FILL, alignment=WRAP_TOP)
        for key in ("target", *(f"{k}_{s}" for s in SEMESTERS for k in ("capaian", "persen"))):
            cell = ws[f"{COL[key]}{row}"]
            cell.value = mirror(f"{COL[key]}{row}")
            two_decimals = key.startswith("persen") or (key.startswith("capaian") and ind.cara_isi == "rasio")
            cell.number_format = "0.00" if two_decimals else "General"
            style(cell, NO_FILL if is_observed or key.startswith("persen") else FILL_LOCKED)
        note = ws[f"{COL['keterangan']}{row}"]
        if is_observed:
            note.value = mirror(note.coordinate)
        else:
            put_text(note, texts["keterangan"])
        style(note, NO_FILL, alignment=WRAP_TOP)
        ws.row_dimensions[row].height = page_plan.heights[row - FIRST_DATA_ROW]
    for seg in page_plan.segments:
        first = FIRST_DATA_ROW + seg.start
        put_text(ws[f"{COL[seg.key]}{first}"], seg.label)
        if seg.size > 1:
            ws.merge_cells(f"{COL[seg.key]}{first}:{COL[seg.key]}{first + seg.size - 1}")


def _write_closing(ws, spec: TemplateSpec, last_row: int) -> None:
    """Legend and the sign-off block, its values taken from the input sheet's block (same cells)."""

    def value(ws, line, row: int, cols: tuple[str, str]):
        fixed = line.key is None and not line.value.startswith("=")
        text = line.value.format(mengetahui=MENGETAHUI[spec.tingkat]) if fixed else mirror(f"{cols[0]}{row}")
        return value_cell(ws, row, cols, NO_FILL, LOCKED, text)

    write_closing(ws, last_row, LEGEND, LEGEND_PT, value)


def _page_setup(ws, spec: TemplateSpec, last_row: int, page_plan: pages.Plan) -> None:
    paper = PAPERS[spec.kertas]
    ws.sheet_view.zoomScale = 100
    ws.sheet_view.showGridLines = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{FAMILIAR_LAST}{closing_first_row(last_row) + SIGN_ROWS - 1}"
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
    page_footer(ws, SOURCE_NOTE)
    ws.protection.sheet = True

