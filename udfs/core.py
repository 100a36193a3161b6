"""What the KKB_* worksheet functions compute, independent of xlwings (pure Python, Pyodide-safe).

Inputs arrive as Excel gives them: None for an empty cell, floats, text (possibly a number typed as
text such as "50,5"), Excel errors as text ("#DIV/0!") or as COM error codes (classic xlwings).
Each function returns a value, or raises `Undefined` (an empty cell, with the reason) or `Misuse`
(an Excel error value with an Indonesian message). `cell` turns that into what a cell shows and
`explain` into the message KKB_PESAN shows.
"""

from __future__ import annotations

import inspect
import sys
from functools import cache

from kkb_excel import capaian as definition
from kkb_excel import tingkat
from kkb_excel.catalogue import load_catalogue
from kkb_excel.numbers import NumberFormatError, parse_number

EMPTY = ""
VALUE, NA, NUM = "#VALUE!", "#N/A", "#NUM!"
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
# Excel's COM error codes: how classic xlwings passes an error cell unless err_to_str is set.
COM_ERRORS = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}
# xlwings Lite (Pyodide) turns a returned "#VALUE!" into a real Excel error; classic xlwings cannot
# return error values (its VBA wrapper passes text), so there the cell shows the message instead.
ERRORS_AS_VALUES = sys.platform == "emscripten"
TARGET_YEAR = 2022  # the only year the catalogue (Lampiran 4) has targets for


class Misuse(ValueError):
    """An argument the function cannot use: Excel error `error`, explained by the message."""

    def __init__(self, message: str, error: str = VALUE):
        super().__init__(message)
        self.error = error


class Undefined(Exception):
    """No value to show (an empty cell, like the template formulas); the message says why."""


def number(value: object, name: str) -> float | None:
    """A cell value as a number, None for empty; Misuse for errors and text that is not a number."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        error = value.strip().upper()
        raise Misuse(f"{name} berisi galat Excel {error}", error)
    if isinstance(value, int | float) and not isinstance(value, bool) and value in COM_ERRORS:
        raise Misuse(f"{name} berisi galat Excel {COM_ERRORS[value]}", COM_ERRORS[value])
    try:
        return parse_number(value).value
    except NumberFormatError:
        raise Misuse(f"{name} bukan angka: {value!r}") from None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def polaritas(value: object) -> str:
    text = _text(value).lower() or "naik"
    if text not in definition.COEFFICIENTS:
        raise Misuse("polaritas harus 'naik' atau 'turun'")
    return text


def desimal(value: object) -> int:
    n = number(value, "desimal")
    if n is None:
        return definition.DECIMALS
    if n != int(n) or not 0 <= n <= 10:
        raise Misuse("desimal harus bilangan bulat 0 sampai 10", NUM)
    return int(n)


def _non_negative(value: float | None, name: str) -> float | None:
    if value is not None and value < 0:
        raise Misuse(f"{name} tidak boleh negatif", NUM)
    return value


def capaian(realisasi, target, pol=None, dec=None) -> float:
    """% capaian of one value against its target (official naik/turun formula)."""
    r = _non_negative(number(realisasi, "capaian"), "capaian")
    t = _non_negative(number(target, "target"), "target")
    p, d = polaritas(pol), desimal(dec)
    if r is None:
        raise Undefined("capaian kosong")
    if t is None:
        raise Undefined("target kosong")
    if t == 0:
        raise Undefined("target 0: % capaian tidak terdefinisi")
    return definition.capaian(r, t, p, d)


@cache
def _codes() -> dict[str, str]:
    return {ind.kode.casefold(): ind.kode for ind in load_catalogue()}


def indicator(kode):
    """The catalogue row of a kode indikator, in any case ('s3.pa.k6.b')."""
    text = _text(kode)
    if not text:
        raise Misuse("kode indikator kosong")
    if text.casefold() not in _codes():
        raise Misuse(f"kode indikator tidak dikenal: {text}", NA)
    return load_catalogue().get(_codes()[text.casefold()])


def capaian_indikator(kode, realisasi, target=None) -> float:
    """% capaian with the indicator's polarity, and its catalogue target when none is given."""
    ind = indicator(kode)
    t = number(target, "target")
    if t is None:
        t = ind.target_2022
        if t is None:
            raise Undefined(f"indikator {ind.kode} tidak punya target di katalog; isi argumen target")
    return capaian(realisasi, t, ind.polaritas)


def kategori(persen, skema=None) -> str:
    """Category label of a % capaian (Permendagri 86/2017 unless another scheme is named)."""
    p = number(persen, "persen")
    name = _text(skema).lower() or definition.DEFAULT_SCHEME
    if name not in definition.SCHEMES:
        raise Misuse(f"skema tidak dikenal; pilihan: {', '.join(definition.SCHEMES)}")
    if p is None:
        raise Undefined("persen kosong")
    return definition.kategori(p, name)


def kode_wilayah(value: object) -> str:
    """A Kemendagri code as typed or as Excel stores it (33.7 typed as a number means 33.70); ID = nasional."""
    if isinstance(value, float) and not isinstance(value, bool):
        text = str(int(value)) if value == int(value) else f"{value:.2f}"
    else:
        text = _text(value)
    if text.upper() == tingkat.NASIONAL:
        return tingkat.NASIONAL
    if not tingkat.is_valid_kode(text):
        raise Misuse(f"kode wilayah tidak sah: {text}")
    return text


def target(kode, kode_wilayah_=None, tahun=None) -> float:
    """Catalogue target (Lampiran 4, 2022) as it applies to the unit's tingkat; nasional by default."""
    ind = indicator(kode)
    year = number(tahun, "tahun")
    if year is not None and (year != int(year) or not 2000 <= year <= 2100):
        raise Misuse("tahun harus bilangan bulat, misalnya 2024", NUM)
    level = "nasional" if not _text(kode_wilayah_) else tingkat.tingkat_of(kode_wilayah(kode_wilayah_))
    if year is not None and year != TARGET_YEAR:
        raise Undefined(
            f"katalog hanya memuat target tahun {TARGET_YEAR} (Lampiran 4); target tahun {int(year)} "
            "belum ada: isi sendiri atau pakai berkas target (--target)"
        )
    value = ind.default_target(level)
    if value is None and ind.target_2022 is None:
        raise Undefined(f"indikator {ind.kode} tidak punya target di katalog")
    if value is None:
        raise Undefined(
            f"target {ind.kode} adalah jumlah tingkat nasional; untuk tingkat "
            f"{tingkat.LABEL[level]} isi target sendiri atau pakai berkas target (--target)"
        )
    return value


def lookup(kode, field: str) -> str:
    return getattr(indicator(kode), field)


def _grid(values) -> list[list]:
    """A range argument as a list of rows (a single cell becomes [[value]], a 1-D list one row)."""
    if not isinstance(values, list):
        return [[values]]
    if values and not isinstance(values[0], list):
        return [values]
    return values


def rasio(pembilang, penyebut, dec=None) -> float:
    """Ratio of sums x 100 over rows where both pembilang and penyebut are numbers."""
    nums, dens = _grid(pembilang), _grid(penyebut)
    if [len(r) for r in nums] != [len(r) for r in dens]:
        raise Misuse("rentang pembilang dan penyebut harus berukuran sama")
    decimals = desimal(dec)
    total_num = total_den = 0.0
    for row_n, row_d in zip(nums, dens, strict=True):
        for n, d in zip(row_n, row_d, strict=True):
            n, d = number(n, "pembilang"), number(d, "penyebut")
            if n is None or d is None:
                continue
            if n < 0 or d < 0:
                raise Misuse("pembilang/penyebut tidak boleh negatif", NUM)
            total_num, total_den = total_num + n, total_den + d
    if total_den == 0:
        raise Undefined("jumlah penyebut 0 (atau tidak ada pasangan pembilang dan penyebut yang lengkap)")
    return definition.excel_round(total_num / total_den * 100, decimals)


def _broadcast(values, shape: list[int]) -> list[list]:
    grid = _grid(values)
    if len(grid) == 1 and len(grid[0]) == 1:
        return [[grid[0][0]] * width for width in shape]
    if [len(r) for r in grid] != shape:
        raise Misuse("ukuran rentang harus sama")
    return grid


def cell(func, *args):
    """What a cell shows for func(*args): the value; "" when undefined; for misuse the Excel error
    (xlwings Lite) or the Indonesian message (classic xlwings)."""
    try:
        result = func(*args)
    except Undefined:
        return EMPTY
    except Misuse as exc:
        return exc.error if ERRORS_AS_VALUES else str(exc)
    return result


def explain(func, *args) -> str:
    """Why func(*args) gives an error or an empty cell (KKB_PESAN); "" when it gives a value."""
    try:
        func(*args)
    except (Misuse, Undefined) as exc:
        return str(exc)
    return EMPTY


def capaian_rentang(realisasi, target, pol=None, dec=None, each=cell) -> list[list]:
    """Element-wise capaian over ranges; polaritas may be one value or a range of the same size."""
    rows = _grid(realisasi)
    shape = [len(r) for r in rows]
    targets, pols = _broadcast(target, shape), _broadcast(pol, shape)
    return [
        [each(capaian, r, t, p, dec) for r, t, p in zip(row, trow, prow, strict=True)]
        for row, trow, prow in zip(rows, targets, pols, strict=True)
    ]


def kategori_rentang(persen, skema=None, each=cell) -> list[list]:
    """Element-wise kategori over a range."""
    return [[each(kategori, p, skema) for p in row] for row in _grid(persen)]


def explain_range(grid_func, *args) -> str:
    """KKB_PESAN for a range function: the first element's explanation, with its position."""
    try:
        grid = grid_func(*args, each=explain)
    except Misuse as exc:  # ranges of different sizes: the whole call fails
        return str(exc)
    for i, row in enumerate(grid, start=1):
        for j, message in enumerate(row, start=1):
            if message:
                return f"baris {i}, kolom {j}: {message}"
    return EMPTY


def range_cells(grid_func, *args) -> list[list]:
    """A range function's spill as cells; a shape misuse fills one cell."""
    try:
        return grid_func(*args)
    except Misuse as exc:
        return [[exc.error if ERRORS_AS_VALUES else str(exc)]]


# KKB_PESAN: the core function behind each Excel name, called with the same arguments.
FUNCTIONS = {
    "KKB_CAPAIAN": capaian, "KKB_CAPAIAN_INDIKATOR": capaian_indikator, "KKB_KATEGORI": kategori,
    "KKB_TARGET": target, "KKB_INDIKATOR": indicator, "KKB_SATUAN": indicator, "KKB_POLARITAS": indicator,
    "KKB_RASIO": rasio, "KKB_CAPAIAN_RENTANG": capaian_rentang, "KKB_KATEGORI_RENTANG": kategori_rentang,
}  # fmt: skip
RANGE_FUNCTIONS = (capaian_rentang, kategori_rentang)


def pesan(fungsi, *argumen) -> str:
    """The Indonesian explanation of KKB_<fungsi>(argumen...), or "" when it gives a value."""
    name = _text(fungsi).upper()
    name = name if name.startswith("KKB_") else "KKB_" + name
    if name not in FUNCTIONS:
        return f"fungsi tidak dikenal: {_text(fungsi) or '(kosong)'}; pilihan: {', '.join(FUNCTIONS)}"
    func = FUNCTIONS[name]
    params = [p for p in inspect.signature(func).parameters.values() if p.name != "each"]
    required = sum(p.default is inspect.Parameter.empty for p in params)
    if not required <= len(argumen) <= len(params):
        return f"{name} memerlukan {required} sampai {len(params)} argumen, bukan {len(argumen)}"
    return explain_range(func, *argumen) if func in RANGE_FUNCTIONS else explain(func, *argumen)
