"""Structure a submission must keep: columns and rows in place, identity block as generated, the seal.

Each check compares what was read with the hidden metadata (`_kkb`); none guesses column letters.
"""

from __future__ import annotations

import re

from kkb_excel.findings import finding
from kkb_excel.keys import COLUMN_LABEL, INPUT_VALUE_KEYS
from kkb_excel.numbers import tampil
from kkb_excel.read.submission import Submission
from kkb_excel.read.xlsxscan import column_index, column_letter
from kkb_excel.template.layout import COLUMNS, TEMPLATE_VERSION, identity_cell
from kkb_excel.template.seal import SEAL_KEY, seal
from kkb_excel.tingkat import CODE_PARTS, LABEL, NASIONAL

HEADERS = {c.key: c.header for c in COLUMNS}
FIXES_SHEET = "Daftar Perbaikan"  # added to annotated copies (kkb_excel.output.laporan); an OPD may send one back
MAX_TEXT = {"opd": 200}  # as the template's data validation allows
_TYPED_NUMBER = re.compile(rb'<c r="([A-Z]+[0-9]+)"(?: s="[0-9]+")?(?: t="n")?><v>')  # a number, no formula
_KODE_IN_NAME = re.compile(r"(?<![\d.])(\d{2}(?:\.\d{2}){0,2}(?:\.\d{4})?)(?![\d.])")


def _norm(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def _cell(grid: list[list], row: int, col: int):
    if 0 < row <= len(grid) and 0 <= col < len(grid[row - 1]):
        return grid[row - 1][col]
    return ""


def column_shift(sub: Submission, grid: list[list]) -> object | None:
    """S15 when the table's header row shows columns inserted or deleted (one finding, naming where)."""
    first = sub.meta.get("baris_pertama")
    if not isinstance(first, int):
        return None
    header_row = first - 1
    cells = [_norm(v) for v in (grid[header_row - 1] if 0 < header_row <= len(grid) else [])]
    for key, header in HEADERS.items():
        letter = sub.meta.get(f"kolom_{key}")
        if letter is None:
            continue
        col, wanted = column_index(str(letter)), _norm(header)
        if col < len(cells) and cells[col] == wanted:
            continue
        if wanted not in cells:
            continue  # an edited header, or the deleted column itself: the next headers tell
        moved = cells.index(wanted) - col
        if moved > 0:
            sebab, at = f"{moved} kolom disisipkan di antara {column_letter(col - 1)} dan {letter}", str(letter)
        else:
            gone = column_letter(col + moved) + (f"-{column_letter(col - 1)}" if moved < -1 else "")
            sebab, at = (f"kolom {gone} templat asli dihapus (judul '{header}' kini di {column_letter(col + moved)})",
                         column_letter(col + moved))  # fmt: skip
        return finding("S15", sub.berkas, sebab=sebab, lembar=sub.sheet, sel=f"{at}{header_row}", nilai=_cell(grid, header_row, col))
    return None


def row_shift(sub: Submission, grid: list[list], indicator_rows) -> object | None:
    """S15 when every misplaced indicator row moved by the same offset (rows inserted or deleted)."""
    kode_col = column_index(str(sub.meta["kolom_kode"]))
    misplaced = [(kode, row) for kode, row, _ in indicator_rows if _cell(grid, row, kode_col) != kode]
    if not misplaced:
        return None
    where = {}
    for row in range(1, len(grid) + 1):
        value = _cell(grid, row, kode_col)
        if isinstance(value, str) and value:
            where.setdefault(value, row)
    offsets = {where[kode] - row for kode, row in misplaced if kode in where}  # a deleted row's kode is nowhere
    if len(offsets) != 1 or 0 in offsets:
        return None
    [moved] = offsets
    first = misplaced[0][1]
    if moved > 0:
        sebab = f"{moved} baris disisipkan di antara baris {first - 1} dan {first}"
    else:
        sebab = f"{-moved} baris dihapus di sekitar baris {first}"
    return finding("S15", sub.berkas, sebab=sebab, lembar=sub.sheet, sel=sub.cell("kode", first), nilai=_cell(grid, first, kode_col))


def expected_identity(meta: dict) -> dict[str, str]:
    """What the generator wrote in the visible identity block, from the metadata."""
    kode, tingkat = str(meta.get("kode_wilayah", "")), str(meta.get("tingkat", ""))
    parts = [] if kode == NASIONAL else kode.split(".")
    expected = {f"kode_{level}": ".".join(parts[:n]) if len(parts) >= n else "-" for level, n in CODE_PARTS.items()}
    if tingkat in CODE_PARTS:
        expected[f"nama_{tingkat}"] = str(meta.get("nama_wilayah", ""))
    if tingkat in LABEL:
        expected["tingkat_label"] = LABEL[tingkat]
    expected["tahun"] = meta.get("tahun")
    return expected


_IDENTITY_LABEL = {"tingkat_label": "Tingkat", "tahun": "Tahun", **{f"kode_{lv}": f"Kode wilayah {LABEL[lv].lower()}" for lv in CODE_PARTS},
                   **{f"nama_{lv}": f"Nama {LABEL[lv].lower()}" for lv in CODE_PARTS}}  # fmt: skip


def identity_vs_meta(sub: Submission, keys: tuple[str, ...] | None = None) -> list:
    """I07 at each visible identity cell (of `keys`, default all) that disagrees with the metadata (a changed code, name, tahun)."""
    found = []
    for key, wanted in expected_identity(sub.meta).items():
        if keys is not None and key not in keys:
            continue
        ref = sub.identity.get(f"sel_{key}")
        if ref is None:
            continue
        shown = sub.identity.get(key)
        same = _same_number(shown, wanted) if key == "tahun" else _norm(shown) == _norm(wanted)
        if not same:
            if key == "tahun":  # a year, not an amount: 2023, not 2.023
                shown, wanted = _year_text(shown), _year_text(wanted)
            found.append(finding("I07", sub.berkas, seharusnya=wanted, lembar=sub.sheet, sel=str(ref), kolom=_IDENTITY_LABEL[key],
                                 nilai=shown))  # fmt: skip
    return found


def _year_text(value) -> object:
    return str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() else value


def heading_vs_meta(sub: Submission, grid: list[list]) -> list:
    """I07 when the heading's "Tingkat ... - Tahun ..." (current template) disagrees with the metadata."""
    tingkat, tahun = str(sub.meta.get("tingkat", "")), sub.meta.get("tahun")
    if str(sub.meta.get("template_versi")) != TEMPLATE_VERSION or tingkat not in LABEL:
        return []
    ref = identity_cell("tahun")
    letters = ref.rstrip("0123456789")
    shown = _cell(grid, int(ref[len(letters) :]), column_index(letters))
    wanted = f"Tingkat {LABEL[tingkat]} - Tahun {tahun}"
    if _norm(shown) == _norm(wanted):
        return []
    return [finding("I07", sub.berkas, seharusnya=wanted, lembar=sub.sheet, sel=ref, kolom="Tingkat dan tahun", nilai=shown)]


def _same_number(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def text_lengths(sub: Submission) -> list:
    """I12 for identity texts longer than the template allows."""
    found = []
    for key, limit in MAX_TEXT.items():
        text = sub.identity.get(key)
        if isinstance(text, str) and len(text) > limit:
            found.append(finding("I12", sub.berkas, panjang=str(len(text)), batas=str(limit), lembar=sub.sheet,
                                 sel=str(sub.identity.get(f"sel_{key}")), kolom="OPD/instansi pengisi"))  # fmt: skip
    return found


def stray_values(sub: Submission, grid: list[list], indicator_rows) -> list:
    """S18 for values typed where the form reads nothing: right of its last column, in a column between its
    columns on an indicator row (the blank spacer), or below its last row. One warning naming the first cells."""
    columns = {column_index(str(v)) for k, v in sub.meta.items() if k.startswith("kolom_")}
    rows = {row for _, row, _ in indicator_rows}
    if not columns:  # no layout to tell its places from others (S16 or S15 said why)
        return []
    last_col = max(columns)
    last_row = max([*rows, *(int(str(v).lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for k, v in sub.meta.items() if k.startswith("sel_"))],
                   default=0)  # fmt: skip
    spacers = [c for c in range(last_col) if c not in columns]
    stray = []
    for r, cells in enumerate(grid, start=1):
        if r > last_row:
            places = range(len(cells))
        else:
            places = [*(spacers if r in rows else ()), *range(last_col + 1, len(cells))]
        stray.extend((r, c) for c in places if c < len(cells) and cells[c] not in ("", None))
    return _stray_finding(sub, grid, stray)


def opd_stray_values(sub: Submission, grid: list[list], first_row: int, last_row: int, last_col: int) -> list:
    """S18 for a per-OPD workbook: values right of its table on the desa rows, or below its last desa row
    (a desa row appended by hand is read by no one)."""
    stray = []
    for r, cells in enumerate(grid, start=1):
        places = range(len(cells)) if r > last_row else range(last_col + 1, len(cells)) if r >= first_row else ()
        stray.extend((r, c) for c in places if cells[c] not in ("", None))
    return _stray_finding(sub, grid, stray)


def _stray_finding(sub: Submission, grid: list[list], stray: list[tuple[int, int]]) -> list:
    """One S18 warning counting the stray cells and naming the first three."""
    if not stray:
        return []
    shown = ", ".join(f"{column_letter(c)}{r} = {tampil(grid[r - 1][c])}" for r, c in stray[:3])
    r, c = stray[0]
    return [finding("S18", sub.berkas, jumlah=str(len(stray)), contoh=shown + (", ..." if len(stray) > 3 else ""),
                    lembar=sub.sheet, sel=f"{column_letter(c)}{r}", nilai=grid[r - 1][c])]  # fmt: skip


def file_name(sub: Submission, name: str) -> list:
    """I08 when the file name carries another wilayah code than the content."""
    kode = str(sub.meta.get("kode_wilayah", ""))
    named = _KODE_IN_NAME.findall(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    other = [k for k in named if k != kode and not kode.startswith(k + ".") and k.count(".") >= 1]
    if other and kode not in named:
        return [finding("I08", sub.berkas, kode_berkas=other[0], kode=kode)]
    return []


def seal_check(sub: Submission, grid: list[list], indicator_rows) -> list:
    """S16 when the metadata or a locked Target no longer matches the seal written at generation."""
    if str(sub.meta.get("template_versi")) != TEMPLATE_VERSION:
        return []  # older templates were generated without a seal
    stored = sub.meta.get(SEAL_KEY)
    where = {"lembar": "_kkb"}
    if not stored:
        return [finding("S16", sub.berkas, sebab="segel pada metadata (_kkb) hilang", **where)]
    target_col = column_index(str(sub.meta["kolom_target"]))
    targets = {kode: _cell(grid, row, target_col) for kode, row, _ in indicator_rows}
    meta = sub.meta
    if seal(str(meta.get("kode_wilayah")), str(meta.get("tingkat")), meta.get("tahun"), str(meta.get("katalog_versi")),
            indicator_rows, targets) == stored:  # fmt: skip
        return []
    return [finding("S16", sub.berkas, sebab="metadata tersembunyi (_kkb: kode wilayah, tingkat, tahun, indikator yang diisi) "
                    f"atau nilai {COLUMN_LABEL['target']} yang terkunci telah diubah", **where)]  # fmt: skip


def other_sheets(sub: Submission, workbook, known: set[str], indicator_rows) -> list:
    """S17 for values typed into a sheet the reader does not read (e.g. a copy 'Daftar Tilik (2)').

    A copy of the form counts only its input cells (observed rows); any other sheet counts every value.
    """
    columns = [column_index(str(sub.meta[f"kolom_{k}"])) for k in INPUT_VALUE_KEYS if f"kolom_{k}" in sub.meta]
    kode_col = column_index(str(sub.meta["kolom_kode"]))
    found = []
    for name in workbook.sheet_names:
        if name in known:
            continue
        grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        observed = [row for kode, row, diamati in indicator_rows if diamati]
        if indicator_rows and all(_cell(grid, row, kode_col) == kode for kode, row, _ in indicator_rows[:3]):
            count = sum(1 for row in observed for col in columns if _cell(grid, row, col) not in ("", None))
        else:
            count = sum(1 for r in grid for v in r if v not in ("", None))
        if count:
            found.append(finding("S17", sub.berkas, lembar_salinan=name, jumlah=str(count), lembar_dicari=sub.sheet, lembar=name))
    return found


def typed_in_print_sheet(sub: Submission, xml: bytes, name: str) -> list:
    """S17 for numbers typed over the print sheet's formulas (it only shows the input sheet and is never read)."""
    if _TYPED_NUMBER.search(xml) is None:  # the usual case: one scan, nothing found
        return []
    cells = [m.decode() for m in _TYPED_NUMBER.findall(xml)]
    return [finding("S17", sub.berkas, lembar_salinan=name, jumlah=str(len(cells)), lembar_dicari=sub.sheet, lembar=name, sel=cells[0])]
