"""Per-unit target overrides from a CSV or XLSX file (kode_wilayah, kode_indikator, target)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.errors import TargetFileError
from kkb_excel.numbers import NumberFormatError, parse_number
from kkb_excel.read.xlsxscan import column_index, percent_styles, sheet_parts, styled_cells
from kkb_excel.tingkat import NASIONAL
from kkb_excel.wilayah import WilayahIndex, load_wilayah, normalize_kode

COLUMNS = ("kode_wilayah", "kode_indikator", "target")
Overrides = dict[str, dict[str, float | None]]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_table(path: Path) -> list[list[object]]:
    """All rows of the first sheet (xlsx) or of the CSV (',', ';' or tab separated; UTF-8, UTF-16 or Windows-1252)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        with CalamineWorkbook.from_path(str(path)) as workbook:
            rows = [list(r) for r in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)]
            first = workbook.sheet_names[0]
        for row, col in _percent_cells(path, first):  # '62,5%' typed in Excel is 0.625 shown as a percent
            value = rows[row][col] if row < len(rows) and col < len(rows[row]) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                rows[row][col] = round(value * 100, 9)
        return rows
    text = _decoded(path.read_bytes())
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _percent_cells(path: Path, sheet: str) -> list[tuple[int, int]]:
    """(row, column) from 0 of the cells of `sheet` whose number format shows a percent."""
    with zipfile.ZipFile(path) as archive:
        part = sheet_parts(archive).get(sheet)
        if part is None or "xl/styles.xml" not in archive.namelist():
            return []
        cells = styled_cells(archive.read(part), percent_styles(archive.read("xl/styles.xml")))
    out = []
    for ref in cells:
        letters = ref.rstrip("0123456789")
        out.append((int(ref[len(letters) :]) - 1, column_index(letters)))
    return out


def _decoded(data: bytes) -> str:
    """CSV text as Excel saves it: UTF-8 ('CSV UTF-8'), UTF-16 ('Unicode Text') or Windows-1252 ('CSV', Windows)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def load_targets(path: Path, catalogue: Catalogue | None = None, index: WilayahIndex | None = None) -> Overrides:
    """kode_wilayah -> kode_indikator -> target. Every bad row is reported; nothing partial is returned."""
    catalogue = catalogue or load_catalogue()
    index = index or load_wilayah()
    try:
        rows = read_table(path)
    except FileNotFoundError:
        raise TargetFileError([f"{path}: berkas tidak ditemukan."]) from None
    except Exception as exc:  # any unreadable file becomes one clear message
        raise TargetFileError([f"{path}: berkas tidak dapat dibaca sebagai CSV/XLSX ({type(exc).__name__})."]) from None
    if not rows:
        raise TargetFileError([f"{path}: berkas kosong; kolom yang dibutuhkan: {', '.join(COLUMNS)}."])
    header = [_cell_text(h).lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TargetFileError([f"{path} baris 1: kolom {', '.join(missing)} tidak ada (dibutuhkan: {', '.join(COLUMNS)})."])
    position = {c: header.index(c) for c in COLUMNS}
    overrides: Overrides = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: _cell_text(row[i]) if i < len(row) else "" for c, i in position.items()}
        if not any(cells.values()):
            continue
        where = f"{path.name} baris {number}"
        kode_wilayah = normalize_kode(cells["kode_wilayah"])
        if kode_wilayah.upper() == NASIONAL:  # the national unit, written as KKB_TARGET takes it
            kode_wilayah = NASIONAL
        elif kode_wilayah not in index:
            problems.append(f"{where}: kode wilayah '{cells['kode_wilayah']}' tidak dikenal.")
        if cells["kode_indikator"] not in catalogue:
            problems.append(f"{where}: kode indikator '{cells['kode_indikator']}' tidak ada dalam katalog.")
        elif not catalogue.get(cells["kode_indikator"]).aktif:
            problems.append(f"{where}: indikator '{cells['kode_indikator']}' tidak aktif (tidak ada di templat).")
        try:
            target = parse_number(cells["target"]).value
        except NumberFormatError:
            problems.append(f"{where}: target '{cells['target']}' bukan angka.")
            continue
        if target is None:
            problems.append(f"{where}: target kosong.")
        elif target < 0:
            problems.append(f"{where}: target {cells['target']} negatif.")
        per_unit = overrides.setdefault(kode_wilayah, {})
        previous = per_unit.get(cells["kode_indikator"])
        if previous is not None and previous != target:
            problems.append(f"{where}: target ganda untuk {kode_wilayah} / {cells['kode_indikator']} dengan nilai berbeda.")
        per_unit[cells["kode_indikator"]] = target
    if problems:
        raise TargetFileError(problems)
    return overrides
