"""The matrix sheet a coordination meeting reads: child units x indicators (grouped by sasaran).

One sheet per semester with data. Each cell is the unit's % capaian coloured by kategori (or, in
italics, its capaian where no target is set); each row shows how many desa/kelurahan it rests on.
Printed landscape at 100 % with the unit columns and the indicator headers repeated on every
page, and page breaks at sasaran boundaries where they fit.
"""

from __future__ import annotations

from kkb_excel import capaian
from kkb_excel.catalogue import Catalogue
from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.run import Rollup, tier_target
from kkb_excel.output.rekap_form import SEMESTER_NAME, semesters
from kkb_excel.output.xlsx_style import PAPERS, Styles, column_mm, kategori_legend, print_setup, text_lines
from kkb_excel.tingkat import LABEL, TINGKAT, parent_of, rank

FIXED = (("Kode wilayah", 11), ("Nama wilayah", 22), ("Desa/kel. diterima", 9), ("Desa/kel. diharapkan", 10), ("% diterima", 8))
INDICATOR_WIDTH = 11
HEADER_FIRST = 3  # sasaran row; then kode row, then indicator text row
SMALL = 8


def write_matrices(book, styles: Styles, rollup: Rollup, catalogue: Catalogue, index, paper: str) -> None:
    """One 'Matriks Sem I/II' sheet per semester with data at the tier below the top."""
    if rank(rollup.tingkat) == 0:
        return
    child = TINGKAT[rank(rollup.tingkat) - 1]
    units = rollup.partials.get(child, {})
    indicators = [i for i in catalogue.active if any(i.kode in u for u in units.values())]
    for s in semesters(rollup):
        if any(u.get(i.kode) and u[i.kode].sums.get(f"laporan_{s}") for u in units.values() for i in indicators):
            _write(book, styles, rollup, catalogue, index, paper, child, indicators, s)


def _cell(rollup: Rollup, catalogue: Catalogue, level: str, kode: str, ind, s: int):
    part = rollup.partials.get(level, {}).get(kode, {}).get(ind.kode)
    value = aggregate.value(ind, part, s) if part else None
    target = tier_target(rollup, catalogue, level, kode, ind.kode)
    return value, capaian.capaian(value, target, ind.polaritas)


def _write(book, styles: Styles, rollup: Rollup, catalogue: Catalogue, index, paper: str, child: str, indicators, s: int) -> None:
    ws = book.add_worksheet(f"Matriks Sem {SEMESTER_NAME[s]}")
    first_ind = len(FIXED)
    for col, (_, width) in enumerate(FIXED):
        ws.set_column(col, col, width)
    ws.set_column(first_ind, first_ind + len(indicators) - 1, INDICATOR_WIDTH)
    small = {"font_size": SMALL}
    top = rollup.tingkat
    ws.write_string(0, 0, f"Matriks % capaian per {LABEL[child].lower()} - Semester {SEMESTER_NAME[s]} {rollup.tahun} "
                          f"(rekap tingkat {LABEL[top].lower()})", styles.title())  # fmt: skip
    legend = "; ".join(text for text, _ in kategori_legend())
    ws.write_string(1, 0, f"Sel berwarna = % capaian menurut kategori ({legend}).", styles.text(**small))
    ws.write_string(2, 0, "Angka miring = capaian tanpa target (% capaian tidak dapat dihitung). Kosong = tidak ada laporan.",
                    styles.text(**small))  # fmt: skip
    header = styles.header(**small)
    for col, (title, _) in enumerate(FIXED):
        ws.merge_range(HEADER_FIRST, col, HEADER_FIRST + 2, col, title, header)
    groups: list[tuple[int, int, str]] = []
    for n, ind in enumerate(indicators):
        if groups and groups[-1][2].startswith(f"{ind.sasaran_no}. "):
            groups[-1] = (groups[-1][0], first_ind + n, groups[-1][2])
        else:
            groups.append((first_ind + n, first_ind + n, f"{ind.sasaran_no}. {ind.sasaran}"))
    for first, last, title in groups:
        if first == last:
            ws.write_string(HEADER_FIRST, first, title, header)
        else:
            ws.merge_range(HEADER_FIRST, first, HEADER_FIRST, last, title, header)
    for n, ind in enumerate(indicators):
        ws.write_string(HEADER_FIRST + 1, first_ind + n, ind.kode, header)
    for n, ind in enumerate(indicators):
        ws.write_string(HEADER_FIRST + 2, first_ind + n, ind.indikator, styles.header(valign="top", **small))
    tallest = max((text_lines(i.indikator, INDICATOR_WIDTH, SMALL) for i in indicators), default=1)
    ws.set_row(HEADER_FIRST, 24)
    ws.set_row(HEADER_FIRST + 2, min(409, tallest * SMALL * 1.3 + 4))
    row = HEADER_FIRST + 3
    parents = sorted({parent_of(k) for k in rollup.partials.get(child, {})} & set(rollup.partials.get(top, {})))
    for parent in parents:
        children = sorted(k for k in rollup.partials[child] if parent_of(k) == parent)
        for kode in children:
            _unit_row(ws, styles, rollup, catalogue, index, row, child, kode, indicators, s, bold=False)
            row += 1
        _unit_row(ws, styles, rollup, catalogue, index, row, top, parent, indicators, s, bold=True)
        row += 1
        ws.write_string(row, 1, f"Jumlah {LABEL[child].lower()} berdata", styles.text(italic=True, **small))
        for n, ind in enumerate(indicators):
            have = sum(1 for k in children if _cell(rollup, catalogue, child, k, ind, s)[0] is not None)
            ws.write_string(row, first_ind + n, f"{have} dari {len(children)}", styles.text(italic=True, align="center", **small))
        row += 2
    ws.freeze_panes(HEADER_FIRST + 3, 2)
    print_setup(ws, paper, (HEADER_FIRST, HEADER_FIRST + 2), fit_width=False)
    ws.repeat_columns(0, 1)
    ws.set_v_pagebreaks(_breaks(paper, indicators, first_ind))


def _unit_row(ws, styles: Styles, rollup: Rollup, catalogue: Catalogue, index, row: int, level: str, kode: str, indicators, s: int,
              bold: bool) -> None:  # fmt: skip
    fmt = {"bold": bold, "border": 1}
    name = rollup.names.get(kode) or (index.get(kode).nama if kode in index else kode)
    ws.write_string(row, 0, kode, styles.text(**fmt))
    ws.write_string(row, 1, f"{name} (total)" if bold else name, styles.text(**fmt))
    c = rollup.completeness.get(level, {}).get(kode)
    if c:
        ws.write_number(row, 2, c["diterima"], styles.number(1, **fmt))
        ws.write_number(row, 3, c["diharapkan"], styles.number(1, **fmt))
        if c["diharapkan"]:
            ws.write_number(row, 4, capaian.excel_round(c["diterima"] / c["diharapkan"] * 100, 2), styles.percent(**fmt))
    for n, ind in enumerate(indicators):
        value, persen = _cell(rollup, catalogue, level, kode, ind, s)
        col = len(FIXED) + n
        if persen is not None:
            ws.write_number(row, col, persen, styles.percent(capaian.kategori(persen), **fmt))
        elif value is not None:
            shown = value if float(value).is_integer() else capaian.excel_round(value, 2)
            ws.write_number(row, col, shown, styles.number(shown, italic=True, font_color="#595959", **fmt))
        else:
            ws.write_blank(row, col, None, styles.text(**fmt))


def _breaks(paper: str, indicators, first_ind: int) -> list[int]:
    """Column breaks: a page holds the repeated unit columns plus as many indicators as fit, preferring sasaran ends."""
    room = PAPERS[paper].printable_mm()[0] * 0.97 - sum(column_mm(w) for _, w in FIXED[:2])
    per_page = max(1, int((room - sum(column_mm(w) for _, w in FIXED[2:])) // column_mm(INDICATOR_WIDTH)))
    later = max(1, int(room // column_mm(INDICATOR_WIDTH)))
    breaks, start, capacity = [], 0, per_page
    while len(indicators) - start > capacity:
        end = start + capacity
        sasaran_end = max((n for n in range(start + 1, end + 1) if indicators[n].sasaran_no != indicators[n - 1].sasaran_no), default=None)
        cut = sasaran_end if sasaran_end and sasaran_end - start >= capacity // 2 else end
        breaks.append(first_ind + cut)
        start, capacity = cut, later
    return breaks
