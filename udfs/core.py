"""What the KKB_* worksheet functions compute, independent of xlwings (pure Python, Pyodide-safe).

Inputs arrive as Excel gives them: None for an empty cell, floats, text (possibly a number typed as
text such as "50,5"), Excel error text such as "#DIV/0!". Results: a number, "" for undefined (the
same empty cell as the template formulas), or a short Indonesian message for misuse.
"""

from __future__ import annotations

from kkb_excel import capaian as definition
from kkb_excel.catalogue import load_catalogue
from kkb_excel import tingkat
from kkb_excel.numbers import NumberFormatError, parse_number

EMPTY = ""
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
# Excel's COM error codes, as classic xlwings may pass error cells (e.g. -2146826281 for #DIV/0!).
COM_ERRORS = {-2146826281, -2146826246, -2146826259, -2146826288, -2146826252, -2146826265, -2146826273}


class Misuse(ValueError):
    """An argument the function cannot use; the message is shown in the cell."""


def number(value: object, name: str) -> float | None:
    """A cell value as a number, None for empty; Misuse for errors and text that is not a number."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise Misuse(f"{name} berisi galat Excel {value.strip().upper()}")
    if isinstance(value, int | float) and not isinstance(value, bool) and value in COM_ERRORS:
        raise Misuse(f"{name} berisi galat Excel")
    try:
        return parse_number(value).value
    except NumberFormatError:
        raise Misuse(f"{name} bukan angka: {value!r}") from None


def polaritas(value: object) -> str:
    text = "naik" if value is None or (isinstance(value, str) and not value.strip()) else str(value).strip().lower()
    if text not in definition.COEFFICIENTS:
        raise Misuse("polaritas harus 'naik' atau 'turun'")
    return text


def desimal(value: object) -> int:
    n = number(value, "desimal")
    if n is None:
        return definition.DECIMALS
    if n != int(n) or not 0 <= n <= 10:
        raise Misuse("desimal harus bilangan bulat 0 sampai 10")
    return int(n)


def _non_negative(value: float | None, name: str) -> float | None:
    if value is not None and value < 0:
        raise Misuse(f"{name} tidak boleh negatif")
    return value


def guarded(func):
    """Turn Misuse into its message, so a cell shows Indonesian text instead of a traceback."""

    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Misuse as exc:
            return str(exc)

    wrapper.__name__, wrapper.__doc__ = func.__name__, func.__doc__
    return wrapper


def _result(value: float | None):
    return EMPTY if value is None else value


@guarded
def capaian(realisasi, target, pol=None, dec=None):
    """% capaian of one value against its target (official naik/turun formula)."""
    r = _non_negative(number(realisasi, "capaian"), "capaian")
    t = _non_negative(number(target, "target"), "target")
    return _result(definition.capaian(r, t, polaritas(pol), desimal(dec)))


def indicator(kode):
    kode = "" if kode is None else str(kode).strip()
    catalogue = load_catalogue()
    if kode not in catalogue:
        raise Misuse(f"kode indikator tidak dikenal: {kode or '(kosong)'}")
    return catalogue.get(kode)


@guarded
def capaian_indikator(kode, realisasi, target=None):
    """% capaian with the indicator's polarity, and its catalogue target when none is given."""
    ind = indicator(kode)
    t = number(target, "target")
    if t is None:
        t = ind.target_2022
    return capaian(realisasi, t, ind.polaritas)


@guarded
def kategori(persen, skema=None):
    """Category label of a % capaian (Permendagri 86/2017 unless another scheme is named)."""
    p = number(persen, "persen")
    name = definition.DEFAULT_SCHEME if skema is None or not str(skema).strip() else str(skema).strip().lower()
    if name not in definition.SCHEMES:
        raise Misuse(f"skema tidak dikenal; pilihan: {', '.join(definition.SCHEMES)}")
    return _result(definition.kategori(p, name))


def tingkat_of(kode_wilayah) -> str:
    """Tingkat from the shape of a Kemendagri code (33 / 33.74 / 33.74.01 / 33.74.01.1001)."""
    text = str(kode_wilayah).strip()
    if not tingkat.is_valid_kode(text):
        raise Misuse(f"kode wilayah tidak sah: {text}")
    return tingkat.tingkat_of(text)


@guarded
def target(kode, kode_wilayah=None, tahun=None):
    """Catalogue target (Lampiran 4, 2022) as it applies to the unit's tingkat; nasional by default."""
    ind = indicator(kode)
    number(tahun, "tahun")
    level = "nasional" if kode_wilayah is None or not str(kode_wilayah).strip() else tingkat_of(kode_wilayah)
    return _result(ind.default_target(level))


@guarded
def lookup(kode, field):
    return getattr(indicator(kode), field)


def _grid(values) -> list[list]:
    """A range argument as a list of rows (a single cell becomes [[value]])."""
    if not isinstance(values, list):
        return [[values]]
    if values and not isinstance(values[0], list):
        return [values]
    return values


@guarded
def rasio(pembilang, penyebut, dec=None):
    """Ratio of sums x 100 over rows where both pembilang and penyebut are numbers."""
    nums, dens = _grid(pembilang), _grid(penyebut)
    if [len(r) for r in nums] != [len(r) for r in dens]:
        raise Misuse("rentang pembilang dan penyebut harus berukuran sama")
    total_num = total_den = 0.0
    for row_n, row_d in zip(nums, dens, strict=True):
        for n, d in zip(row_n, row_d, strict=True):
            n, d = number(n, "pembilang"), number(d, "penyebut")
            if n is None or d is None:
                continue
            if n < 0 or d < 0:
                raise Misuse("pembilang/penyebut tidak boleh negatif")
            total_num, total_den = total_num + n, total_den + d
    if total_den == 0:
        return EMPTY
    return definition.excel_round(total_num / total_den * 100, desimal(dec))


def _broadcast(values, shape: list[int]) -> list[list]:
    grid = _grid(values)
    if len(grid) == 1 and len(grid[0]) == 1:
        return [[grid[0][0]] * width for width in shape]
    if [len(r) for r in grid] != shape:
        raise Misuse("ukuran rentang harus sama")
    return grid


def capaian_rentang(realisasi, target, pol=None, dec=None):
    """Element-wise capaian over ranges; polaritas may be one value or a range of the same size."""
    rows = _grid(realisasi)
    shape = [len(r) for r in rows]
    try:
        targets, pols = _broadcast(target, shape), _broadcast(pol, shape)
    except Misuse as exc:
        return [[str(exc)]]
    return [
        [capaian(r, t, p, dec) for r, t, p in zip(row, trow, prow, strict=True)]
        for row, trow, prow in zip(rows, targets, pols, strict=True)
    ]


def kategori_rentang(persen, skema=None):
    """Element-wise kategori over a range."""
    return [[kategori(p, skema) for p in row] for row in _grid(persen)]
