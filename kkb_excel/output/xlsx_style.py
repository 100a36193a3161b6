"""Print set-up, fonts, number formats and column widths shared by the rollup sheets (XlsxWriter).

Every sheet a secretariat may print gets: landscape F4/Folio or A4, margins, repeated header rows,
a page footer, and either fit-to-width or (for forms with their own page breaks) widths that fit
the paper at a known scale. Number formats follow Excel's codes, so an Indonesian Excel shows
`1.234` and `62,54` by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from kkb_excel import capaian

FONT = "Arial"
FONT_SIZE = 9
MARGIN_IN = 0.4  # left/right; top/bottom leave room for the footer
MARGIN_TOP_IN, MARGIN_BOTTOM_IN = 0.5, 0.6
NUM_COUNT = "#,##0"
NUM_DECIMAL = "#,##0.00"
NUM_PERCENT = "0.00"
HEADER_BLUE = "#1F4E78"


@dataclass(frozen=True)
class Paper:
    """A paper size as XlsxWriter knows it, with its landscape size in millimetres."""

    label: str
    xlsx_code: int
    width_mm: float  # landscape: the long side
    height_mm: float

    def printable_mm(self) -> tuple[float, float]:
        return self.width_mm - 2 * MARGIN_IN * 25.4, self.height_mm - (MARGIN_TOP_IN + MARGIN_BOTTOM_IN) * 25.4


PAPERS = {
    "f4": Paper("F4/Folio 215 x 330 mm", 14, 330.2, 215.9),  # Excel's 'Folio 8.5 x 13 in'
    "a4": Paper("A4 210 x 297 mm", 9, 297.0, 210.0),
}
DEFAULT_PAPER = "f4"


def column_mm(width: float) -> float:
    """Printed width of an Excel column of `width` characters (7 px per character + 5 px padding at 96 dpi)."""
    return (int(width * 7 + 0.5) + 5) / 96 * 25.4


def text_lines(text: str, width: float, font_size: float = FONT_SIZE) -> int:
    """Lines a wrapped text needs in a column (conservative: wide fonts such as DejaVu Sans fit too)."""
    per_line = max(1, int(width * 7 / (font_size * 0.62)) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        line = 0
        lines += 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > per_line:
                lines += 1
                line = 0
            line += (1 if line else 0) + len(word)
            while line > per_line:  # a word longer than the column
                lines += 1
                line -= per_line
    return max(lines, 1)


def shown_width(value) -> int:
    """Characters a value takes on screen as these sheets format it."""
    if value is None:
        return 0
    if isinstance(value, float) and not value.is_integer():
        return len(f"{value:,.2f}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return len(f"{int(value):,}")
    return max((len(part) for part in str(value).split("\n")), default=0)


def fitted_widths(header: list[str], rows, minimum: float = 6, maximum: float = 60) -> list[float]:
    """Column widths fitted to the longest header word or value (clamped)."""
    widths = [max((len(w) for w in str(h).split()), default=0) for h in header]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], shown_width(value))
    return [min(maximum, max(minimum, w + 2)) for w in widths]


class Styles:
    """XlsxWriter formats made once per workbook, keyed by their properties."""

    def __init__(self, book):
        self.book = book
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.book.add_format({"font_name": FONT, "font_size": FONT_SIZE, **props})
        return self._cache[key]

    def header(self, **extra):
        props = {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_BLUE, "border": 1, "text_wrap": True,
                 "align": "center", "valign": "vcenter"}  # fmt: skip
        return self.get(**{**props, **extra})

    def title(self):
        return self.get(bold=True, font_size=12)

    def text(self, **extra):
        return self.get(**{"valign": "top", **extra})

    def number(self, value, **extra):
        """A count with thousands separators, or 2 decimals where the value has any."""
        integral = isinstance(value, (int, float)) and float(value).is_integer()
        return self.get(**{"num_format": NUM_COUNT if integral else NUM_DECIMAL, "valign": "top", **extra})

    def percent(self, kategori: str | None = None, **extra):
        """A % capaian (2 decimals) filled with its kategori colour."""
        fill = {"bg_color": f"#{BAND_FILL[kategori]}"} if kategori in BAND_FILL else {}
        return self.get(**{"num_format": NUM_PERCENT, "valign": "top", **fill, **extra})


BAND_FILL = {band.label: band.fill for band in capaian.SCHEMES[capaian.DEFAULT_SCHEME]}


def print_setup(ws, paper: str, header_rows: tuple[int, int] | None, fit_width: bool = True, portrait: bool = False) -> None:
    """Orientation, paper, margins, repeated header rows, fit to one page wide, page footer."""
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(PAPERS[paper].xlsx_code)
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=MARGIN_TOP_IN, bottom=MARGIN_BOTTOM_IN)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_footer("&L&8&A&R&8Halaman &P dari &N", {"margin": 0.25})


def kategori_legend() -> list[tuple[str, str]]:
    """(text, kategori) for each Permendagri 86/2017 band, highest first."""
    bands = capaian.SCHEMES[capaian.DEFAULT_SCHEME]
    out = []
    for i, band in enumerate(bands):
        upper = f" s.d. {bands[i - 1].above:g}" if i else ""
        lower = f"> {band.above:g}{upper}" if band.above is not None else f"<= {bands[i - 1].above:g}"
        out.append((f"{band.label} ({lower})", band.label))
    return out
