"""Read one OPD workbook (template `kkb-opd`) into one Submission per desa/kelurahan row that has a value.

Columns and rows are located through the hidden `_kkb` sheet (column -> indicator and value key,
row -> kode wilayah), never guessed. A row left entirely empty is "not reported" by that OPD: no
submission, not zeros. Each row submission is addressed `<file>!baris <n>`; its findings name the
sheet and the A1 cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from kkb_excel import capaian
from kkb_excel.catalogue import Catalogue, Indicator
from kkb_excel.dates import tanggal_cell
from kkb_excel.findings import finding
from kkb_excel.keys import COLUMN_LABEL, NUMBER_KEYS, SEMESTERS, VALUE_KEYS
from kkb_excel.read.cells import formula_finding, parse_value
from kkb_excel.read.structure import identity_vs_meta, opd_stray_values
from kkb_excel.read.submission import VALUE_INDEX, Record, Submission
from kkb_excel.read.xlsxscan import SheetScan, column_index, column_letter, formula_count, has_error_cells, scan_sheet
from kkb_excel.template.layout import SHEET_META
from kkb_excel.template.opd_layout import (
    HEADER_ROW,
    INDICATOR_ROW,
    KETERANGAN_LABEL,
    OPD_VERSION,
    SEMESTER_ROW,
    SHORT_LABEL,
)

ROW_SEPARATOR = "!baris "
RATIO_POSITIONS = tuple((VALUE_INDEX[f"capaian_{s}"], VALUE_INDEX[f"pembilang_{s}"], VALUE_INDEX[f"penyebut_{s}"]) for s in SEMESTERS)
STATUS_POSITIONS = tuple((VALUE_INDEX[f"capaian_{s}"], VALUE_INDEX[f"status_{s}"]) for s in SEMESTERS)


def row_berkas(berkas: str, row: int) -> str:
    """How a desa row of an OPD workbook is named in findings, conflicts and rejections."""
    return f"{berkas}{ROW_SEPARATOR}{row}"


def source_berkas(sub: Submission) -> str:
    """The file a submission came from (a row submission's workbook, else its own name)."""
    return getattr(sub, "berkas_asal", "") or sub.berkas


@dataclass
class OpdRowSubmission(Submission):
    """One desa row of an OPD workbook. `Record.baris` is the indicator's position in `kodes`."""

    berkas_asal: str = ""
    baris_excel: int = 0
    kodes: tuple[str, ...] = ()
    letters: dict[str, dict[str, str]] = field(default_factory=dict)  # kode -> value key -> column

    def cell(self, key: str, row: int) -> str:
        """A1 address of an indicator's value; a computed value points at the indicator's first input."""
        columns = self.letters[self.kodes[row]]
        sem = key.rsplit("_", 1)[-1]
        letter = columns.get(key) or next((c for k, c in columns.items() if k.endswith(f"_{sem}")), next(iter(columns.values())))
        return f"{letter}{self.baris_excel}"


def read_opd_workbook(workbook, sub: Submission, catalogue: Catalogue, sheet_xml: Callable[[str], bytes | None] = lambda _: None) -> None:
    """Fill `sub` (the file) with its meta and identity, and `sub.rows` with one submission per reported desa.

    `sheet_xml`: a sheet's XML by name (None for an .xls), where formulas typed into input cells are seen."""
    sub.kind = "opd"
    where = {"lembar": SHEET_META}
    if str(sub.meta.get("template_versi", "")) != OPD_VERSION:
        version = str(sub.meta.get("template_versi", "")) or "?"
        sub.findings.append(finding("S04", sub.berkas, jenis="Templat OPD", versi=version, versi_dukung=OPD_VERSION,
                                    saran="Minta OPD mengisi ulang templat terbaru (kkb-excel generate --opd).",
                                    sel="B3", nilai=version, **where))  # fmt: skip
        return
    if sub.meta.get("katalog_versi") != catalogue.version:
        sub.findings.append(finding("S13", sub.berkas, versi=sub.meta.get("katalog_versi"), versi_sekarang=catalogue.version,
                                    sel="B4", **where))  # fmt: skip
    sheet = str(sub.meta.get("lembar", ""))
    if sheet not in workbook.sheet_names:
        sub.findings.append(finding("S09", sub.berkas, lembar_dicari=sheet, lembar_ada=", ".join(workbook.sheet_names)))
        return
    meta_grid = workbook.get_sheet_by_name(SHEET_META).to_python(skip_empty_area=False)
    columns = [(str(r[3]), str(r[4]), str(r[5])) for r in meta_grid[1:] if len(r) > 5 and r[3] not in ("", None)]
    rows = [(int(r[7]), str(r[8])) for r in meta_grid[1:] if len(r) > 8 and r[7] not in ("", None)]
    grid = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    _read_identity(sub, grid)
    sub.findings.extend(identity_vs_meta(sub, keys=("tahun",)))  # the names are I03's, against the wilayah reference
    kodes = tuple(dict.fromkeys(kode for _, kode, _ in columns if kode in catalogue))
    letters: dict[str, dict[str, str]] = {k: {} for k in kodes}
    for letter, kode, key in columns:
        if kode in letters:
            letters[kode][key] = letter
    # Per indicator: (sheet column, position in VALUE_KEYS, key); all columns for the emptiness test.
    plan = [(kode, catalogue.get(kode), [(column_index(letters[kode][key]), VALUE_INDEX[key], key) for key in letters[kode]])
            for kode in kodes]  # fmt: skip
    every = [col for _, _, cols in plan for col, _, _ in cols]
    shifted = _column_shift(sub, grid, sheet, letters)
    if shifted is not None:  # values would be read from the column beside their own: the file is not read
        sub.findings.append(shifted)
        return
    width = max(every, default=-1) + 1
    if rows:
        sub.findings.extend(opd_stray_values(sub, grid, min(r for r, _ in rows), max(r for r, _ in rows), width - 1))
    scan = _typed_cells(sheet_xml(sheet))
    formulas, errors = scan.formulas, scan.errors
    letter_of = {col: column_letter(col) for col in every} if formulas or errors else {}
    for row, kode_wilayah in rows:
        cells = grid[row - 1] if 0 < row <= len(grid) else []
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        typed = (f"{x}{row}" for x in letter_of.values())
        if all(_blank(cells[col]) for col in every) and not any(ref in formulas or ref in errors for ref in typed):
            continue
        row_sub = _row_submission(sub, row, kode_wilayah, cells, kodes, letters)
        found = cells[0] if cells else ""
        if str(found).strip() != kode_wilayah:
            row_sub.findings.append(finding("S10", row_sub.berkas, baris=str(row), isi=f"desa/kelurahan {kode_wilayah}",
                                            lembar=sheet, sel=f"A{row}", nilai=str(found)))  # fmt: skip
            sub.rows.append(row_sub)
            continue
        for position, (kode, ind, cols) in enumerate(plan):
            values = [None] * len(VALUE_KEYS)
            for col, index, key in cols:
                value = cells[col]
                ref = f"{letter_of[col]}{row}" if letter_of else ""
                if ref in errors:  # an Excel error value, typed or a formula's (read as empty): S12, as on the desa form
                    row_sub.findings.append(finding("S12", row_sub.berkas, nilai=errors[ref], **_where(row_sub, key, kode, position)))
                elif ref in formulas:  # as the per-desa reader: N03 (its value used) or N04
                    rumus, where = formulas[ref], _where(row_sub, key, kode, position)
                    row_sub.findings.append(formula_finding(row_sub.berkas, rumus, value, where))
                if type(value) is float and key in NUMBER_KEYS:
                    values[index] = value
                elif not _blank(value):
                    values[index] = parse_value(row_sub, key, value, _where(row_sub, key, kode, position))
            _derive_capaian(ind, values)
            row_sub.records.append(Record(kode, position, True, tuple(values)))
        sub.rows.append(row_sub)
    if not sub.rows:
        sub.findings.append(finding("K02", sub.berkas, lembar=sheet))


def _column_shift(sub: Submission, grid: list[list], sheet: str, letters: dict[str, dict[str, str]]):
    """S15 when the header rows show the table's columns moved by the same offset (columns inserted or deleted).

    Each column is known by its header: the indicator code above an indicator's first column, then
    'Pembilang', 'Ya/Tidak', ... or 'Keterangan'. An edited header alone moves nothing and is not reported.
    """
    wanted: dict[int, tuple[str, str]] = {}
    for kode, columns in letters.items():
        cols = sorted((column_index(letter), key) for key, letter in columns.items())
        for n, (col, key) in enumerate(cols):
            label = KETERANGAN_LABEL if key == "keterangan" else SHORT_LABEL.get(key.rsplit("_", 1)[0], "")
            wanted[col] = (kode if n == 0 else "", label)

    def header(col: int) -> tuple[str, str]:
        kode = str(_grid_value(grid, INDICATOR_ROW, col) or "").split()
        note = str(_grid_value(grid, SEMESTER_ROW, col) or "").strip()
        label = KETERANGAN_LABEL if note == KETERANGAN_LABEL else str(_grid_value(grid, HEADER_ROW, col) or "").strip()
        return (kode[0] if kode else "", label)

    order = sorted(wanted)
    first = next((col for col in order if header(col) != wanted[col]), None)
    if first is None:
        return None
    for moved in (1, -1, 2, -2, 3, -3):
        rest = [col for col in order if col >= first - min(moved, 0)]
        if rest and all(col + moved >= 0 and header(col + moved) == wanted[col] for col in rest):
            break
    else:
        return None
    if moved > 0:
        sebab = f"{moved} kolom disisipkan di antara {column_letter(first - 1)} dan {column_letter(first)}"
    else:
        gone = column_letter(first) + (f"-{column_letter(first - moved - 1)}" if moved < -1 else "")
        sebab = f"kolom {gone} templat asli dihapus (kolom sesudahnya bergeser ke kiri)"
    return finding("S15", sub.berkas, sebab=sebab, lembar=sheet, sel=f"{column_letter(first)}{HEADER_ROW}",
                   nilai=" ".join(filter(None, header(first))))  # fmt: skip


def _typed_cells(xml: bytes | None) -> SheetScan:
    """Formulas and error values of the OPD sheet (its template has none in the table: any there was typed)."""
    if xml is None or not (formula_count(xml) or has_error_cells(xml)):
        return SheetScan({}, {})
    return scan_sheet(xml)


def _grid_value(grid: list[list], row: int, col: int):
    return grid[row - 1][col] if 0 < row <= len(grid) and 0 <= col < len(grid[row - 1]) else ""


def _blank(value) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def _read_identity(sub: Submission, grid: list[list]) -> None:
    for key, ref in sub.meta.items():
        if key.startswith("sel_"):
            letters = str(ref).rstrip("0123456789")
            row, col = int(str(ref)[len(letters) :]), column_index(letters)
            value = grid[row - 1][col] if row - 1 < len(grid) and col < len(grid[row - 1]) else ""
            if key == "sel_tanggal":
                value = tanggal_cell(value)
                value = value.isoformat() if isinstance(value, date) else value
            sub.identity[key[4:]] = value
            sub.identity[key] = ref


def _row_submission(sub: Submission, row: int, kode_wilayah: str, cells: list, kodes, letters) -> OpdRowSubmission:
    meta = {**sub.meta, "kode_wilayah": kode_wilayah, "tingkat": "desa", "kode_berkas": sub.meta.get("kode_wilayah"),
            "tingkat_berkas": sub.meta.get("tingkat")}
    identity = {
        **sub.identity,
        "nama_kecamatan": cells[1] if len(cells) > 1 else "",
        "nama_desa": cells[2] if len(cells) > 2 else "",
        "sel_kode_desa": f"A{row}",
        "sel_nama_desa": f"C{row}",
    }
    # A row's own key (file digest + row): files seen, rejected and carried up are told apart per desa row.
    return OpdRowSubmission(row_berkas(sub.berkas, row), f"{sub.sha256}!{row}", "opd", meta, identity,
                            berkas_asal=sub.berkas, baris_excel=row, kodes=kodes, letters=letters)  # fmt: skip


def _where(sub: OpdRowSubmission, key: str, kode: str, position: int) -> dict:
    return {"lembar": sub.sheet, "sel": sub.cell(key, position), "kode_indikator": kode, "kolom": COLUMN_LABEL[key]}


def _derive_capaian(ind: Indicator, values: list) -> None:
    """Capaian the OPD does not type, computed as the per-desa reader computes its formula cells."""
    if ind.cara_isi == "rasio":
        for capaian_at, num_at, den_at in RATIO_POSITIONS:
            values[capaian_at] = capaian.ratio_value(values[num_at], values[den_at]) if values[num_at] is not None else None
    elif ind.cara_isi == "status":
        for capaian_at, status_at in STATUS_POSITIONS:
            values[capaian_at] = capaian.status_value(values[status_at], ind.status_yes)
