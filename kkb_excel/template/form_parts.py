"""What the two sheets of a daftar tilik share: styles, the heading, identity labels, the sign-off lines,
the legend and the category colours. `workbook` writes the input sheet, `print_sheet` the printed form."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from kkb_excel import capaian
from kkb_excel.catalogue import Indicator
from kkb_excel.output.safe import put_text
from kkb_excel.template.layout import (
    COL,
    FAMILIAR_LAST,
    FIRST_DATA_ROW,
    FONT_NAME,
    FONT_SIZE,
    INPUT_COLOUR,
    SEMESTERS,
    TITLE,
    TITLE_ROW,
    TITLE_SIZE,
    TemplateSpec,
    identity_cell,
    indicator_labels,
)
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
LABEL_ALIGN = Alignment(vertical="center")
LABEL_ALIGN_FIT = Alignment(vertical="center", shrink_to_fit=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
DATE_FORMAT = "DD/MM/YYYY"
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


def row_texts(ind: Indicator, tingkat: str) -> dict[str, str]:
    """The fixed texts of an indicator row (kode, indikator, satuan, and Keterangan where locked)."""
    texts = {"indikator": indicator_labels(ind)["indikator"], "satuan": ind.satuan, "kode": ind.kode}
    if not observed(ind, tingkat):
        texts["keterangan"] = locked_note(ind, tingkat)
    return texts


def style(cell, fill, protection=LOCKED, alignment=TOP, font=FONT) -> None:
    """A table cell's look. openpyxl registers each style part per assignment (slow over thousands of
    cells), so a combination is registered once per workbook and copied onto later cells."""
    known = cell.parent.parent.__dict__.setdefault("_kkb_styles", {})
    key = (id(fill), id(protection), id(alignment), id(font))
    if key in known:
        number_format = cell._style.numFmtId if cell._style is not None else 0  # noqa: SLF001 - set before styling, kept
        cell._style = copy(known[key])  # noqa: SLF001 - openpyxl's own way to copy a cell's style
        cell._style.numFmtId = number_format  # noqa: SLF001
        return
    cell.fill, cell.protection, cell.border, cell.alignment, cell.font = fill, protection, BORDER, alignment, font
    known[key] = copy(cell._style)  # noqa: SLF001


def letters(first: str, last: str) -> list[str]:
    return [chr(c) for c in range(ord(first), ord(last) + 1)]


def label_cell(ws, row: int, cols: tuple[str, str], text: str, fit: bool = False) -> None:
    """A bold label; `fit` shrinks it into narrow screen columns (never used for what is printed)."""
    cell = ws[f"{cols[0]}{row}"]
    put_text(cell, text)
    cell.font, cell.alignment = FONT_BOLD, LABEL_ALIGN_FIT if fit else LABEL_ALIGN
    if cols[0] != cols[1]:
        ws.merge_cells(f"{cols[0]}{row}:{cols[1]}{row}")


def value_cell(ws, row: int, cols: tuple[str, str], fill, protection, value=None):
    for letter in letters(*cols):
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


def page_footer(ws, left: str) -> None:
    """Footer on every printed page: `left` text and the page number, in the table's font."""
    ws.oddFooter.left.text = left
    ws.oddFooter.right.text = "Halaman &P"
    for part in (ws.oddFooter.left, ws.oddFooter.right):
        part.font, part.size = FONT_NAME, FONT_SIZE


def write_heading(ws, spec: TemplateSpec) -> None:
    title = ws[f"A{TITLE_ROW}"]
    put_text(title, TITLE)
    title.font, title.alignment = FONT_TITLE, Alignment(vertical="center", shrink_to_fit=True)
    ws.merge_cells(f"A{TITLE_ROW}:H{TITLE_ROW}")
    unit = ws[f"I{TITLE_ROW}"]
    put_text(unit, f"Tingkat {LABEL[spec.tingkat]} - Tahun {spec.tahun}")
    unit.font, unit.alignment = Font(name=FONT_NAME, size=10, bold=True), Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"I{TITLE_ROW}:{FAMILIAR_LAST}{TITLE_ROW}")


def write_closing(ws, last_row: int, legend_text: str, legend_pt: float, write_value) -> dict[str, str]:
    """Legend and sign-off block ("Disusun oleh" / "Mengetahui") under the table; `write_value(ws, line, row,
    cols)` writes a line's value cell and returns it. Returns sel_<key> -> cell of the lines with a key."""
    ws.row_dimensions[last_row + 1].height = GAP_PT
    legend = ws[f"A{last_row + 2}"]
    put_text(legend, legend_text)
    legend.font, legend.alignment = FONT_MUTED, WRAP_TOP
    ws.merge_cells(f"A{last_row + 2}:{FAMILIAR_LAST}{last_row + 2}")
    ws.row_dimensions[last_row + 2].height = legend_pt
    ws.row_dimensions[last_row + 3].height = GAP_PT
    first = closing_first_row(last_row)
    keyed = {}
    for line in SIGN_OFF:
        row = first + line.offset
        label_cols, value_cols = SIGN_COLUMNS[line.side]
        ws.row_dimensions[row].height = max(line.height, ws.row_dimensions[row].height or 0)
        if line.offset == 0:
            label_cell(ws, row, (label_cols[0], label_cols[0]), line.label)
            continue
        label_cell(ws, row, label_cols, line.label)
        if line.label == "Tanda tangan":
            for letter in letters(*value_cols):
                ws[f"{letter}{row}"].border = SIGN_LINE
            continue
        cell = write_value(ws, line, row, value_cols)
        if line.label == "Tanggal":
            cell.number_format = DATE_FORMAT
        elif line.key and line.key.endswith("nip"):
            cell.number_format = "@"  # 18 digits stay text (a number keeps only 15)
        if line.key:
            keyed[line.key] = cell.coordinate
    return keyed


def add_category_formatting(ws, last_row: int) -> None:
    for sem in SEMESTERS:
        letter = COL[f"persen_{sem}"]
        for band, condition in capaian.band_conditions(f"{letter}{FIRST_DATA_ROW}"):
            ws.conditional_formatting.add(
                f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
                FormulaRule(formula=[condition], fill=PatternFill("solid", bgColor=band.fill), stopIfTrue=True),
            )
