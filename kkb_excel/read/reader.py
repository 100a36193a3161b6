"""Read one submitted daftar tilik workbook into tidy records with provenance (file, sheet, cell).

Values are located through the template metadata (hidden sheet `_kkb`), never by guessing from
layout, and never taken from cached formula results. Any problem becomes a Finding; this module
never raises for a bad file.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from python_calamine import CalamineError

from kkb_excel import capaian
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.dates import tanggal_cell
from kkb_excel.files import NotAFileError, file_bytes
from kkb_excel.findings import finding
from kkb_excel.keys import COLUMN_LABEL, NUMBER_KEYS, VALUE_KEYS
from kkb_excel.numbers import tampil
from kkb_excel.read import structure
from kkb_excel.read.cells import formula_finding, parse_value
from kkb_excel.read.opd_reader import read_opd_workbook
from kkb_excel.read.submission import VALUE_INDEX, Record, Submission
from kkb_excel.read.xlsscan import error_cells
from kkb_excel.read.xlsxscan import (
    changed_formulas,
    column_index,
    column_letter,
    formula_cells,
    formula_count,
    has_error_cells,
    percent_styles,
    scan_sheet,
    sheet_parts,
    styled_cells,
)
from kkb_excel.template.layout import (
    READABLE_TEMPLATE_VERSIONS,
    ROLLUP_ID,
    ROLLUP_VERSION,
    SHEET_GUIDE,
    SHEET_META,
    SHEET_ROLLUP_DATA,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
)  # fmt: skip
from kkb_excel.template.opd_layout import OPD_ID

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
LOCK_PREFIX = "~$"
DAMAGED_PART = "isi workbook rusak (lembar tidak dapat diurai); buka di Excel lalu simpan ulang, atau minta OPD mengirim ulang"
OS_FILES = {".ds_store", "thumbs.db", "desktop.ini"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
OTHER_FORMAT = {  # a file named as no workbook (S19, skipped): what to do with it
    ".ods": "Berkas OpenDocument (.ods): buka lalu simpan sebagai .xlsx, kemudian jalankan lagi",
    ".zip": "Arsip .zip: ekstrak dulu, lalu jalankan lagi pada folder hasil ekstrak",
    ".rar": "Arsip .rar: ekstrak dulu, lalu jalankan lagi pada folder hasil ekstrak",
    ".7z": "Arsip .7z: ekstrak dulu, lalu jalankan lagi pada folder hasil ekstrak",
}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


_OS_REASON = {PermissionError: "tidak ada izin membaca, atau berkas sedang dikunci program lain",
              FileNotFoundError: "berkas hilang sebelum sempat dibaca",
              IsADirectoryError: "ini folder, bukan berkas",
              NotAFileError: "bukan berkas biasa (pipe, perangkat atau soket)"}  # fmt: skip


class _Stop(Exception):
    """Reading cannot go on; the finding already says why."""


def read_submission(path: Path, berkas: str | None = None, catalogue: Catalogue | None = None) -> Submission:
    """Read a submitted workbook. Never raises for a bad file: problems become findings."""
    sub = Submission(berkas or path.name)
    try:
        _read(path, sub, catalogue or load_catalogue())
    except _Stop:
        sub.stopped = True  # e.g. S16 for an edited `_kkb`: no identity or value rule runs on what was not read
    except CalamineError:  # a damaged part inside a sound archive (a sheet's XML cut short)
        sub.findings.append(finding("S01", sub.berkas, sebab=DAMAGED_PART))
        sub.records = []
    except Exception as exc:  # a bug or an input nobody foresaw: this file's finding, the batch goes on
        sub.findings.append(internal_error(sub.berkas, exc))
        sub.records = []
    return sub


def internal_error(berkas: str, exc: BaseException):
    return finding("X01", berkas, jenis=type(exc).__name__, galat=str(exc)[:300])


def _stop(sub: Submission, rule: str, **fields) -> None:
    sub.findings.append(finding(rule, sub.berkas, **fields))
    raise _Stop


def _read(path: Path, sub: Submission, catalogue: Catalogue) -> None:
    if path.name.startswith(LOCK_PREFIX):
        sub.skipped = True
        _stop(sub, "S07", jenis="Berkas kunci sementara Microsoft Office (~$...)")
    if path.name.lower() in OS_FILES:
        sub.skipped = True
        _stop(sub, "S07", jenis="Berkas sistem")
    try:
        data = file_bytes(path)
    except OSError as exc:  # no permission, a file another program holds locked, one removed meanwhile, a broken link
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            _stop(sub, "S01", sebab=f"tautan (symlink) ke berkas yang tidak ada ({os.readlink(path)})")
        _stop(sub, "S01", sebab=_OS_REASON.get(type(exc), f"galat sistem berkas ({exc.strerror or exc})"))
    sub.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        _stop(sub, "S01", sebab="berkas kosong (0 byte)")
    if len(data) > MAX_FILE_BYTES:
        _stop(sub, "S08", sebab=f"Berkas {len(data) / 1e6:.1f} MB melebihi batas {MAX_FILE_BYTES // 2**20} MB")
    archive = None
    if data.startswith(b"PK"):
        archive = _open_zip(sub, path)
        sub.kind = "xlsm" if "xl/vbaProject.bin" in archive.namelist() or path.suffix.lower() == ".xlsm" else "xlsx"
        if sub.kind == "xlsm":
            sub.findings.append(finding("S05", sub.berkas))
    elif data.startswith(_CFB_MAGIC):
        if _ENCRYPTION_INFO in data:
            _stop(sub, "S02")
        sub.kind = "xls"
        sub.findings.append(finding("S06", sub.berkas))
    else:
        _not_a_workbook(sub, path, "bukan berkas Excel (.xlsx/.xlsm/.xls)")
    _read_workbook(path, sub, catalogue, archive)


def _not_a_workbook(sub: Submission, path: Path, sebab: str, other: str | None = None) -> None:
    """S01 (rejected) for a file named as a workbook whose content is none; S19 (skipped) for a file named as
    something else (a cover letter, a photo, an archive, an .ods): `other` says what it is where OTHER_FORMAT does not."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        _stop(sub, "S01", sebab=sebab)
    sub.skipped = True
    sub.findings[:] = [f for f in sub.findings if f.aturan != "S06"]  # a Word .doc is a compound file, but no old workbook
    _stop(sub, "S19", sebab=OTHER_FORMAT.get(suffix) or other or f"Bukan workbook Excel ({suffix or 'tanpa ekstensi'})")


def _open_zip(sub: Submission, path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _not_a_workbook(sub, path, "berkas rusak (arsip zip tidak utuh); minta OPD mengirim ulang")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        _stop(sub, "S08", sebab=f"Isi arsip tidak wajar ({total / 1e6:.0f} MB setelah dibuka, rasio {total / packed:.0f}x)")
    names = set(archive.namelist())
    if "xl/workbook.bin" in names:
        binary = "workbook biner Excel (.xlsb) tidak dapat diperiksa; simpan sebagai .xlsx (Excel Workbook)"
        _not_a_workbook(sub, path, binary, other=binary[0].upper() + binary[1:])
    if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
        _not_a_workbook(sub, path, "berkas OpenDocument (LibreOffice, .ods); buka lalu simpan sebagai .xlsx (Excel 2007-365)")
    if "xl/workbook.xml" not in names:
        _not_a_workbook(sub, path, "arsip zip ini bukan workbook Excel (tidak ada xl/workbook.xml)")
    return archive


def _read_workbook(path: Path, sub: Submission, catalogue: Catalogue, archive: zipfile.ZipFile | None) -> None:
    from python_calamine import CalamineWorkbook

    try:  # calamine picks its parser by the name's extension: a renamed file is opened by its content
        by_name = path.suffix.lower() == (".xls" if sub.kind == "xls" else ".xlsx" if sub.kind == "xlsx" else ".xlsm")
        workbook = CalamineWorkbook.from_path(str(path)) if by_name else CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    except Exception:  # a Word .doc is a compound file too
        _not_a_workbook(sub, path, "workbook rusak atau bukan format Excel yang dikenal; buka di Excel lalu simpan ulang sebagai .xlsx")
    if SHEET_META not in workbook.sheet_names:
        _stop(sub, "S03", sebab="lembar metadata '_kkb' tidak ada")
    try:
        parts = sheet_parts(archive) if archive is not None else {}
    except Exception as exc:
        _stop(sub, "S01", sebab=f"struktur workbook rusak ({type(exc).__name__})")
    meta_rows = workbook.get_sheet_by_name(SHEET_META).to_python(skip_empty_area=False)
    sub.meta = {str(r[0]): _meta_value(r[1]) for r in meta_rows[1:] if len(r) > 1 and r[0] not in ("", None)}
    meta_sheet = {"lembar": SHEET_META}
    if sub.meta.get("template_id") == ROLLUP_ID:
        _read_rollup(workbook, sub, meta_sheet, archive)
        return
    if sub.meta.get("template_id") == OPD_ID:  # one workbook per OPD: one submission per desa row
        read_opd_workbook(workbook, sub, catalogue, lambda name: archive.read(parts[name]) if name in parts else None)
        return
    if sub.meta.get("template_id") != TEMPLATE_ID:
        _stop(sub, "S03", sebab="id templat tidak dikenal", **meta_sheet, sel="B2")
    version = str(sub.meta.get("template_versi", ""))
    if version not in READABLE_TEMPLATE_VERSIONS:  # older forms are read: the metadata locates every value
        _stop(sub, "S04", jenis="Templat lama atau tidak dikenal:", versi=version or "?",
              versi_dukung=f"{', '.join(READABLE_TEMPLATE_VERSIONS)} (terbaru {TEMPLATE_VERSION})",
              saran="Minta OPD mengisi ulang templat terbaru (kkb-excel generate).", **meta_sheet, sel="B3", nilai=version)  # fmt: skip
    if sub.meta.get("katalog_versi") != catalogue.version:
        sub.findings.append(finding("S13", sub.berkas, versi=sub.meta.get("katalog_versi"), versi_sekarang=catalogue.version,
                                    **meta_sheet, sel="B4"))  # fmt: skip
    _layout_addresses(sub)
    sheet = str(sub.meta.get("lembar", ""))
    if sheet not in workbook.sheet_names:
        _stop(sub, "S09", lembar_dicari=sheet, lembar_ada=", ".join(workbook.sheet_names))
    grid = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    indicator_rows = _indicator_rows(sub, meta_rows)
    for shifted in (structure.column_shift(sub, grid), structure.row_shift(sub, grid, indicator_rows)):
        if shifted is not None:
            sub.findings.append(shifted)
            raise _Stop
    _read_identity(sub, grid)
    _read_rows(sub, grid, indicator_rows, catalogue)
    known = {sheet, SHEET_META, SHEET_GUIDE, structure.FIXES_SHEET}
    if "lembar_cetak" in sub.meta:  # the printed form: formulas showing the input sheet, never read
        known.add(str(sub.meta["lembar_cetak"]))
    sub.findings.extend(structure.identity_vs_meta(sub) + structure.heading_vs_meta(sub, grid) + structure.text_lengths(sub)
                        + structure.file_name(sub, sub.berkas) + structure.seal_check(sub, grid, indicator_rows)
                        + structure.stray_values(sub, grid, indicator_rows)
                        + structure.other_sheets(sub, workbook, known, indicator_rows))  # fmt: skip
    if sub.kind == "xls":  # the value reader shows an .xls error value as an empty cell
        for ref, error in sorted(error_cells(path.read_bytes(), sheet).items()):
            sub.findings.append(finding("S12", sub.berkas, sel=ref, nilai=error, lembar=sheet))
    printed = str(sub.meta.get("lembar_cetak"))
    if printed in parts:  # numbers typed over its formulas are never read: say so
        sub.findings.extend(structure.typed_in_print_sheet(sub, archive.read(parts[printed]), printed))
    if sheet in parts:
        xml = archive.read(parts[sheet])
        if "xl/styles.xml" in archive.namelist():
            _percent_typed(sub, styled_cells(xml, percent_styles(archive.read("xl/styles.xml"))), catalogue)
        _check_formulas(sub, xml, catalogue, grid)


_COLUMN = re.compile(r"[A-Z]{1,3}")
_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's sheet: A1:XFD1048576


def _layout_addresses(sub: Submission) -> None:
    """S16 when an address of the hidden metadata (kolom_*, sel_*) is no column or cell of a sheet: an
    edited `_kkb` from which no value can be located."""
    for key, value in sub.meta.items():
        text = str(value)
        if key.startswith("kolom_"):
            ok = _COLUMN.fullmatch(text) and column_index(text) < MAX_COLUMN
        elif key.startswith("sel_"):
            cell = _CELL.fullmatch(text)
            ok = cell and column_index(cell[1]) < MAX_COLUMN and int(cell[2]) <= MAX_ROW
        else:
            continue
        if not ok:
            _stop(sub, "S16", sebab=f"alamat {key} pada metadata (_kkb) bukan {'kolom' if key.startswith('kolom_') else 'sel'} "
                  f"lembar ('{text}')", lembar=SHEET_META, nilai=text)  # fmt: skip


def _indicator_rows(sub: Submission, meta_rows: list[list]) -> list[tuple[str, int, bool]]:
    """(kode, baris, diamati) per indicator row, from the metadata sheet."""
    rows = []
    for r in meta_rows[1:]:
        if len(r) > 5 and r[3] not in ("", None):
            if not isinstance(r[4], int | float) or isinstance(r[4], bool):
                _stop(sub, "S16", sebab=f"baris indikator {r[3]} pada metadata (_kkb) bukan angka ('{r[4]}')", lembar=SHEET_META)
            rows.append((str(r[3]), int(r[4]), str(r[5]) == "ya"))
    return rows


def _read_rollup(workbook, sub: Submission, meta_sheet: dict, archive: zipfile.ZipFile | None) -> None:
    """A rollup made by `kkb-excel consolidate`: its machine sheet of per-unit partial sums."""
    sub.kind = "rekap"
    version = str(sub.meta.get("template_versi", ""))
    if version != ROLLUP_VERSION:
        _stop(sub, "S04", jenis="Rekap", versi=version or "?", versi_dukung=ROLLUP_VERSION, nilai=version, **meta_sheet, sel="B3",
              saran="Buat ulang rekap ini dengan kkb-excel ini (consolidate atas kiriman atau rekap di bawahnya).")  # fmt: skip
    if SHEET_ROLLUP_DATA not in workbook.sheet_names:
        _stop(sub, "S09", lembar_dicari=SHEET_ROLLUP_DATA, lembar_ada=", ".join(workbook.sheet_names))
    rows = workbook.get_sheet_by_name(SHEET_ROLLUP_DATA).to_python(skip_empty_area=False)
    from kkb_excel.consolidate.rollup_sheet import bad_cell

    bad = bad_cell(rows)
    if bad is not None:
        ref = f"{column_letter(bad[1])}{bad[0]}"
        _stop(sub, "S01", sebab=f"lembar data rekap '{SHEET_ROLLUP_DATA}' diubah (sel {ref} berisi '{bad[2]}', bukan isian yang "
              "ditulis kkb-excel); buat ulang rekap ini dengan kkb-excel consolidate", lembar=SHEET_ROLLUP_DATA, sel=ref,
              nilai=str(bad[2]))  # fmt: skip
    sub.rekap = [tuple(r) for r in rows[1:] if r and r[0] not in ("", None)]
    saved = _saved_again(archive)
    if saved:
        sub.findings.append(finding("S20", sub.berkas, dibuat=saved[0], disimpan=saved[1], lembar=SHEET_ROLLUP_DATA))


_CORE_TIME = re.compile(rb"<dcterms:(created|modified)\b[^>]*>([^<]*)</dcterms:")


def _saved_again(archive: zipfile.ZipFile | None) -> tuple[str, str] | None:
    """(made, saved) when a rollup was saved again after kkb-excel wrote it (Excel, LibreOffice and openpyxl
    set 'modified'; kkb-excel writes it equal to 'created'), shown as 29/11/2026 16:34 UTC."""
    if archive is None or "docProps/core.xml" not in archive.namelist():
        return None
    times = dict(_CORE_TIME.findall(archive.read("docProps/core.xml")))
    made, saved = times.get(b"created"), times.get(b"modified")
    if not made or not saved or made == saved:
        return None
    try:
        return tuple(f"{datetime.fromisoformat(t.decode().replace('Z', '+00:00')):%d/%m/%Y %H:%M} UTC" for t in (made, saved))
    except ValueError:
        return made.decode(errors="replace"), saved.decode(errors="replace")


def _meta_value(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _at(grid: list[list], ref: str):
    letters = ref.rstrip("0123456789")
    if not (letters.isalpha() and letters.isupper() and ref[len(letters) :]):
        return ""  # not a cell address (an edited metadata sheet): nothing there
    return _value(grid, int(ref[len(letters) :]), column_index(letters))


def _value(grid: list[list], row: int, col: int):
    """Cell value by 1-based row and 0-based column; '' outside the used area."""
    if row - 1 < len(grid) and col < len(grid[row - 1]):
        return grid[row - 1][col]
    return ""


def _read_identity(sub: Submission, grid: list[list]) -> None:
    for key, ref in sub.meta.items():
        if key.startswith("sel_"):
            value = _at(grid, str(ref))
            if key == "sel_tanggal":  # dates as people type them: a date cell, a serial, 15/07/2024, 15 Juli 2024
                value = tanggal_cell(value)
            elif isinstance(value, datetime):
                value = value.date()
            sub.identity[key[4:]] = value.isoformat() if isinstance(value, date) else value
            sub.identity[f"sel_{key[4:]}"] = ref


def _read_rows(sub: Submission, grid: list[list], indicator_rows, catalogue: Catalogue) -> None:
    kode_col = column_index(str(sub.meta["kolom_kode"]))
    columns = [(key, column_index(str(sub.meta[f"kolom_{key}"])), key in NUMBER_KEYS) for key in VALUE_KEYS]
    for kode, row, diamati in indicator_rows:
        cells = grid[row - 1] if 0 < row <= len(grid) else []
        found = cells[kode_col] if kode_col < len(cells) else ""
        if found != kode:
            sub.findings.append(finding("S10", sub.berkas, baris=str(row), isi=f"indikator {kode}", lembar=sub.sheet,
                                        sel=sub.cell("kode", row), kode_indikator=kode, nilai=found))  # fmt: skip
            continue
        if kode not in catalogue:
            continue
        values = []
        width = len(cells)
        for key, col, number in columns:
            raw = cells[col] if col < width else ""
            if raw == "" or raw is None:
                values.append(None)
            elif number and type(raw) is float and math.isfinite(raw):
                values.append(raw)
            else:
                values.append(_parse(sub, key, raw, kode, row))
        ind = catalogue.get(kode)
        if diamati and _capaian_is_formula(ind.cara_isi, sub.meta):  # recompute from the inputs, never trust the cache
            for sem in (1, 2):
                if ind.cara_isi == "status":
                    computed = capaian.status_value(values[VALUE_INDEX[f"status_{sem}"]], ind.status_yes)
                else:
                    num, den = (values[VALUE_INDEX[f"{k}_{sem}"]] for k in ("pembilang", "penyebut"))
                    computed = _ratio(num, den)
                values[VALUE_INDEX[f"capaian_{sem}"]] = computed
        sub.records.append(Record(kode, row, diamati, tuple(values)))


def _ratio(num, den) -> float | None:
    if num == 0 or den == 0:  # keeps the sign of a zero (the cache below would not)
        return _exact_ratio(num, den)
    return _cached_ratio(num, den)


def _exact_ratio(num, den) -> float | None:
    try:
        return capaian.ratio_value(num, den)
    except ArithmeticError:  # an overflowing ratio (1e308 / 0,5): V11 flags the numbers themselves
        return None


_cached_ratio = lru_cache(maxsize=65536)(_exact_ratio)  # counts repeat across desa: rounding (Decimal) done once per pair


def _capaian_is_formula(cara_isi: str, meta: dict) -> bool:
    """Capaian is a locked formula for status indicators, and for ratio ones from template version 2 on."""
    return cara_isi == "status" or (cara_isi == "rasio" and str(meta.get("template_versi")) != "1")


def _parse(sub: Submission, key: str, raw, kode: str, row: int):
    return parse_value(sub, key, raw, _where(sub, key, kode, row))


def _where(sub: Submission, key: str, kode: str, row: int) -> dict:
    return {"lembar": sub.sheet, "sel": sub.cell(key, row), "kode_indikator": kode, "kolom": COLUMN_LABEL[key]}


@lru_cache(maxsize=64)
def _expected_formulas(
    columns: tuple[tuple[str, str], ...], rows: tuple[tuple[str, int, bool], ...], version: str, template_version: str = TEMPLATE_VERSION,
) -> dict[str, tuple[str, str, str]]:  # fmt: skip
    """Every locked formula a pristine workbook holds: cell -> (formula, indicator code, column key).

    Cached per layout (same columns, rows, catalogue and template version), so a batch computes it once.
    """
    meta = {"template_versi": template_version}
    cols = dict(columns)
    catalogue = load_catalogue()
    expected = {}
    for kode, row, diamati in rows:
        ind = catalogue.get(kode)
        for sem in (1, 2):
            target, value, status = (f"{cols[k]}{row}" for k in ("target", f"capaian_{sem}", f"status_{sem}"))
            expected[f"{cols[f'persen_{sem}']}{row}"] = (capaian.excel_formula(value, target, ind.polaritas), kode, f"persen_{sem}")
            if diamati and ind.cara_isi == "status":
                expected[value] = (capaian.status_excel_formula(status, ind.status_yes), kode, f"capaian_{sem}")
            elif diamati and _capaian_is_formula(ind.cara_isi, meta):
                num, den = (f"{cols[f'{k}_{sem}']}{row}" for k in ("pembilang", "penyebut"))
                expected[value] = (capaian.ratio_excel_formula(num, den), kode, f"capaian_{sem}")
    order = {c: i for i, c in enumerate(sorted(set(cols.values()), key=lambda c: (len(c), c)))}
    return dict(sorted(expected.items(), key=lambda item: (int(item[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                                                           order[item[0].rstrip("0123456789")])))  # fmt: skip


def _check_formulas(sub: Submission, xml: bytes, catalogue: Catalogue, grid: list[list]) -> None:
    """Locked formulas unchanged, and no Excel error values (dqchecks-style template check)."""
    where = {"lembar": sub.sheet}
    if has_error_cells(xml):
        for ref, error in sorted(scan_sheet(xml).errors.items()):
            sub.findings.append(finding("S12", sub.berkas, sel=ref, nilai=error, **where))
    columns = tuple(sorted((k[6:], str(v)) for k, v in sub.meta.items() if k.startswith("kolom_")))
    rows = tuple((r.kode, r.baris, r.diamati) for r in sub.records)
    expected = _expected_formulas(columns, rows, catalogue.version, str(sub.meta.get("template_versi")))
    changed = changed_formulas(xml, {ref: item[0] for ref, item in expected.items()})
    for ref, text in changed.items():
        _, kode, key = expected[ref]
        if text is not None:
            perubahan = f"diubah (='{text}')"
        else:  # no formula left: overwritten, or emptied
            typed = _at(grid, ref)
            perubahan = "dihapus (sel kosong)" if typed in ("", None) else f"ditimpa dengan nilai {tampil(typed)}"
        sub.findings.append(finding("S11", sub.berkas, perubahan=perubahan, sel=ref, kode_indikator=kode, kolom=COLUMN_LABEL[key],
                                    nilai=text, **where))  # fmt: skip
    _input_formulas(sub, xml, expected)


def _input_cells(sub: Submission, refs: set[str], letters: dict[str, str], rows: dict[int, str]) -> dict[str, tuple[str | None, str]]:
    """The cells among `refs` an OPD types into: ref -> (indicator code or None, column key or identity key)."""
    identity = {str(sub.identity[f"sel_{key}"]): key for key in ("opd", "petugas", "tanggal") if f"sel_{key}" in sub.identity}
    found = {}
    for ref in refs:
        if ref in identity:  # an identity cell (tanggal first where two share a cell, as it was written last)
            found[ref] = (None, identity[ref])
            continue
        letter = ref.rstrip("0123456789")
        row = int(ref[len(letter) :])
        if letter in letters and row in rows:
            found[ref] = (rows[row], letters[letter])
    return found


def _input_formulas(sub: Submission, xml: bytes, expected: dict) -> None:
    """N03 (cached value used) or N04 (no cached value) for a formula typed into an input cell."""
    count = formula_count(xml)
    if count <= len(expected):
        return
    letters = {str(sub.meta[f"kolom_{key}"]): key for key in VALUE_KEYS if key != "target"}  # the last key of a letter wins
    rows = {rec.baris: rec.kode for rec in sub.records}
    inputs = _input_cells(sub, formula_cells(xml, count) - expected.keys(), letters, rows)
    suspects = sorted(inputs)
    if not suspects:  # the fixed formulas of the form (sign-off, headings) are in no input cell
        return
    by_row = {rec.baris: rec for rec in sub.records}
    formulas = scan_sheet(xml).formulas
    errors = {f.sel for f in sub.findings if f.aturan == "S12"}  # a formula whose value is an error: S12 says it
    for ref in (ref for ref in suspects if ref not in errors):
        text = formulas.get(ref, "")
        kode, key = inputs[ref]
        if kode is None:
            value = sub.identity.get(key)
        else:
            value = by_row[int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))].value(key)
        where = {"lembar": sub.sheet, "sel": ref, "kode_indikator": kode, "kolom": COLUMN_LABEL.get(key, key)}
        sub.findings.append(formula_finding(sub.berkas, text, value, where))


def _percent_typed(sub: Submission, cells: set[str], catalogue: Catalogue) -> None:
    """A number typed with '%' (Excel stores 55% as 0.55): a percentage capaian is read as 55 (N05); elsewhere N01."""
    if not cells:
        return
    columns = {str(sub.meta[f"kolom_{k}"]): k for k in NUMBER_KEYS if k != "target" and f"kolom_{k}" in sub.meta}
    for i, rec in enumerate(sub.records):
        values = list(rec.values)
        for letter, key in columns.items():
            ref = f"{letter}{rec.baris}"
            value = rec.value(key)
            if ref not in cells or not isinstance(value, float):
                continue
            percent = round(value * 100, 10)
            where = _where(sub, key, rec.kode, rec.baris)
            if key.startswith("capaian_") and rec.kode in catalogue and catalogue.get(rec.kode).persentase:
                values[VALUE_INDEX[key]] = percent
                sub.findings.append(finding("N05", sub.berkas, nilai=percent, dibaca=percent, **where))
            else:
                values[VALUE_INDEX[key]] = None
                sub.findings.append(finding("N01", sub.berkas, nilai=f"{tampil(percent)}%", **where))
        sub.records[i] = rec._replace(values=tuple(values))
