"""Read one submitted daftar tilik workbook into tidy records with provenance (file, sheet, cell).

Values are located through the template metadata (hidden sheet `_kkb`), never by guessing from
layout, and never taken from cached formula results. Any problem becomes a Finding; this module
never raises for a bad file.
"""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from kkb_excel import capaian
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.findings import Finding
from kkb_excel.keys import COLUMN_LABEL, NUMBER_KEYS, STATUS_KEYS, VALUE_KEYS
from kkb_excel.read.submission import Record, Submission, VALUE_INDEX
from kkb_excel.template.layout import (
    READABLE_TEMPLATE_VERSIONS, ROLLUP_ID, ROLLUP_VERSION, SHEET_META, SHEET_ROLLUP_DATA, TEMPLATE_ID, TEMPLATE_VERSION,
)
from kkb_excel.numbers import NumberFormatError, parse_number
from kkb_excel.read.opd_reader import read_opd_workbook
from kkb_excel.template.opd_layout import OPD_ID
from kkb_excel.read.xlsxscan import changed_formulas, column_index, has_error_cells, scan_sheet, sheet_parts

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
LOCK_PREFIX = "~$"
OS_FILES = {".ds_store", "thumbs.db", "desktop.ini"}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


class _Stop(Exception):
    """Reading cannot go on; the finding already says why."""


def read_submission(path: Path, berkas: str | None = None, catalogue: Catalogue | None = None) -> Submission:
    """Read a submitted workbook. Never raises for a bad file: problems become findings."""
    sub = Submission(berkas or path.name)
    try:
        _read(path, sub, catalogue or load_catalogue())
    except _Stop:
        pass
    except Exception as exc:  # a damaged file must not stop the batch
        sub.findings.append(Finding(sub.berkas, "S01", f"Berkas tidak dapat dibaca ({type(exc).__name__}: {exc})."[:300]))
        sub.records = []
    return sub


def _stop(sub: Submission, rule: str, message: str, **where) -> None:
    sub.findings.append(Finding(sub.berkas, rule, message, **where))
    raise _Stop


def _read(path: Path, sub: Submission, catalogue: Catalogue) -> None:
    if path.name.startswith(LOCK_PREFIX):
        sub.skipped = True
        _stop(sub, "S07", "Berkas kunci sementara Microsoft Office (~$...), bukan kiriman; dilewati.")
    if path.name.lower() in OS_FILES:
        sub.skipped = True
        _stop(sub, "S07", "Berkas sistem (bukan kiriman); dilewati.")
    data = path.read_bytes()
    sub.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        _stop(sub, "S01", "Berkas kosong (0 byte).")
    if len(data) > MAX_FILE_BYTES:
        _stop(sub, "S08", f"Berkas {len(data) / 1e6:.1f} MB melebihi batas {MAX_FILE_BYTES // 2**20} MB.")
    archive = None
    if data.startswith(b"PK"):
        archive = _open_zip(sub, path)
        sub.kind = "xlsm" if "xl/vbaProject.bin" in archive.namelist() or path.suffix.lower() == ".xlsm" else "xlsx"
        if sub.kind == "xlsm":
            sub.findings.append(Finding(sub.berkas, "S05", "Workbook bermakro: nilai dibaca, makro diabaikan. Simpan sebagai .xlsx."))
    elif data.startswith(_CFB_MAGIC):
        if _ENCRYPTION_INFO in data:
            _stop(sub, "S02", "Workbook dilindungi kata sandi pembuka; kirim ulang tanpa kata sandi.")
        sub.kind = "xls"
        sub.findings.append(Finding(sub.berkas, "S06", "Format Excel 97-2003 (.xls): nilai dibaca, rumus tidak dapat diperiksa. Simpan sebagai .xlsx."))
    else:
        _stop(sub, "S01", "Bukan berkas Excel (.xlsx/.xlsm/.xls).")
    _read_workbook(path, sub, catalogue, archive)


def _open_zip(sub: Submission, path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _stop(sub, "S01", "Berkas rusak (arsip zip tidak utuh); minta OPD mengirim ulang.")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        _stop(sub, "S08", f"Isi arsip tidak wajar ({total / 1e6:.0f} MB setelah dibuka, rasio {total / packed:.0f}x); tidak dibaca.")
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        _stop(sub, "S01", "Arsip zip ini bukan workbook Excel (tidak ada xl/workbook.xml).")
    return archive


def _read_workbook(path: Path, sub: Submission, catalogue: Catalogue, archive: zipfile.ZipFile | None) -> None:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        _stop(sub, "S01", f"Workbook tidak dapat dibuka ({type(exc).__name__}).")
    if SHEET_META not in workbook.sheet_names:
        _stop(sub, "S03", "Workbook ini bukan daftar tilik kkb-excel (lembar metadata '_kkb' tidak ada).")
    parts = sheet_parts(archive) if archive is not None else {}
    meta_rows = workbook.get_sheet_by_name(SHEET_META).to_python(skip_empty_area=False)
    sub.meta = {str(r[0]): _meta_value(r[1]) for r in meta_rows[1:] if len(r) > 1 and r[0] not in ("", None)}
    meta_sheet = {"lembar": SHEET_META}
    if sub.meta.get("template_id") == ROLLUP_ID:
        _read_rollup(workbook, sub, meta_sheet)
        return
    if sub.meta.get("template_id") == OPD_ID:  # one workbook per OPD: one submission per desa row
        read_opd_workbook(workbook, sub, catalogue)
        return
    if sub.meta.get("template_id") != TEMPLATE_ID:
        _stop(sub, "S03", "Workbook ini bukan daftar tilik kkb-excel (id templat tidak dikenal).", **meta_sheet, sel="B2")
    version = str(sub.meta.get("template_versi", ""))
    if version not in READABLE_TEMPLATE_VERSIONS:  # older forms are read: the metadata locates every value
        _stop(sub, "S04", f"Templat lama atau tidak dikenal (versi {version or '?'}); kkb-excel ini membaca versi "
              f"{', '.join(READABLE_TEMPLATE_VERSIONS)} (terbaru {TEMPLATE_VERSION}). Minta OPD mengisi ulang templat "
              "terbaru (kkb-excel generate).", **meta_sheet, sel="B3", nilai=version)  # fmt: skip
    if sub.meta.get("katalog_versi") != catalogue.version:
        sub.findings.append(Finding(sub.berkas, "S13", f"Dibuat dengan katalog {sub.meta.get('katalog_versi')}; "
                                    f"katalog sekarang {catalogue.version}.", **meta_sheet, sel="B4"))  # fmt: skip
    sheet = str(sub.meta.get("lembar", ""))
    if sheet not in workbook.sheet_names:
        _stop(sub, "S09", f"Lembar '{sheet}' tidak ditemukan (lembar yang ada: {', '.join(workbook.sheet_names)}).")
    grid = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    indicator_rows = [(str(r[3]), int(r[4]), str(r[5]) == "ya") for r in meta_rows[1:] if len(r) > 5 and r[3] not in ("", None)]
    _read_identity(sub, grid)
    _read_rows(sub, grid, indicator_rows, catalogue)
    if sheet in parts:
        _check_formulas(sub, archive.read(parts[sheet]), catalogue)


def _read_rollup(workbook, sub: Submission, meta_sheet: dict) -> None:
    """A rollup made by `kkb-excel consolidate`: its machine sheet of per-unit partial sums."""
    sub.kind = "rekap"
    version = str(sub.meta.get("template_versi", ""))
    if version != ROLLUP_VERSION:
        _stop(sub, "S04", f"Rekap versi {version or '?'}; kkb-excel ini membaca versi {ROLLUP_VERSION}.", **meta_sheet, sel="B3")
    if SHEET_ROLLUP_DATA not in workbook.sheet_names:
        _stop(sub, "S09", f"Lembar data rekap '{SHEET_ROLLUP_DATA}' tidak ditemukan.")
    rows = workbook.get_sheet_by_name(SHEET_ROLLUP_DATA).to_python(skip_empty_area=False)
    sub.rekap = [tuple(r) for r in rows[1:] if r and r[0] not in ("", None)]


def _meta_value(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _at(grid: list[list], ref: str):
    letters = ref.rstrip("0123456789")
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
            if isinstance(value, datetime):
                value = value.date()
            sub.identity[key[4:]] = value.isoformat() if isinstance(value, date) else value
            sub.identity[f"sel_{key[4:]}"] = ref


def _read_rows(sub: Submission, grid: list[list], indicator_rows, catalogue: Catalogue) -> None:
    kode_col = column_index(str(sub.meta["kolom_kode"]))
    columns = [(key, column_index(str(sub.meta[f"kolom_{key}"]))) for key in VALUE_KEYS]
    for kode, row, diamati in indicator_rows:
        cells = grid[row - 1] if 0 < row <= len(grid) else []
        found = cells[kode_col] if kode_col < len(cells) else ""
        if found != kode:
            sub.findings.append(Finding(sub.berkas, "S10", f"Baris {row} seharusnya indikator {kode}, berisi '{found}'.",
                                        lembar=sub.sheet, sel=sub.cell("kode", row), kode_indikator=kode, nilai=str(found)))  # fmt: skip
            continue
        if kode not in catalogue:
            continue
        values = []
        for key, col in columns:
            raw = cells[col] if col < len(cells) else ""
            if raw == "" or raw is None:
                values.append(None)
            elif type(raw) is float and key in NUMBER_KEYS:
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
                    computed = capaian.ratio_value(num, den)
                values[VALUE_INDEX[f"capaian_{sem}"]] = computed
        sub.records.append(Record(kode, row, diamati, tuple(values)))


def _capaian_is_formula(cara_isi: str, meta: dict) -> bool:
    """Capaian is a locked formula for status indicators, and for ratio ones from template version 2 on."""
    return cara_isi == "status" or (cara_isi == "rasio" and str(meta.get("template_versi")) != "1")


def _parse(sub: Submission, key: str, raw, kode: str, row: int):
    """A non-empty cell value as the column expects it; N01/N02 findings for number text."""
    if key == "keterangan":
        return str(raw)
    if key in STATUS_KEYS:
        return str(raw).strip().lower() or None
    try:
        parsed = parse_number(raw)
    except NumberFormatError:
        sub.findings.append(Finding(sub.berkas, "N01", f"'{raw}' bukan angka.", nilai=str(raw), **_where(sub, key, kode, row)))
        return None
    if parsed.ambiguous:
        sub.findings.append(Finding(sub.berkas, "N02", f"'{raw}' dibaca sebagai {parsed.value:g} (titik = pemisah ribuan).",
                                    nilai=str(raw), **_where(sub, key, kode, row)))  # fmt: skip
    return parsed.value


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
    return dict(sorted(expected.items(), key=lambda item: (int(item[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), order[item[0].rstrip("0123456789")])))


def _check_formulas(sub: Submission, xml: bytes, catalogue: Catalogue) -> None:
    """Locked formulas unchanged, and no Excel error values (dqchecks-style template check)."""
    where = {"lembar": sub.sheet}
    if has_error_cells(xml):
        for ref, error in sorted(scan_sheet(xml).errors.items()):
            sub.findings.append(Finding(sub.berkas, "S12", f"Sel berisi galat Excel {error}.", sel=ref, nilai=error, **where))
    columns = tuple(sorted((k[6:], str(v)) for k, v in sub.meta.items() if k.startswith("kolom_")))
    rows = tuple((r.kode, r.baris, r.diamati) for r in sub.records)
    expected = _expected_formulas(columns, rows, catalogue.version, str(sub.meta.get("template_versi")))
    changed = changed_formulas(xml, {ref: item[0] for ref, item in expected.items()})
    for ref, text in changed.items():
        _, kode, key = expected[ref]
        if text is None:
            message = f"Rumus {COLUMN_LABEL[key]} di {ref} ditimpa dengan nilai; kembalikan dari templat asli."
        else:
            message = f"Rumus {COLUMN_LABEL[key]} di {ref} diubah (='{text}')."
        sub.findings.append(Finding(sub.berkas, "S11", message, sel=ref, kode_indikator=kode, kolom=COLUMN_LABEL[key], nilai=text, **where))
