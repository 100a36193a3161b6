"""The one definition of % capaian and its category bands.

Official forms (PermenPANRB, Sistem Manajemen Kinerja):
  naik  (higher is better): realisasi / target x 100
  turun (lower is better):  (2 x target - realisasi) / target x 100
Both are `(a*target + b*realisasi) / target * 100` with the coefficients below. The result is
floored at 0, rounded half away from zero like Excel's ROUND, and undefined (None / empty cell)
when the target is missing or not positive, or the realisasi is missing.
The native Excel formula in templates is rendered from the same coefficients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DECIMALS = 2
# The fast path of excel_round: |value| x 10^decimals below 1e11 differs from its 15-digit decimal by
# < 6.1e-5 (15th digit 5e-5, float product 1.1e-5), so its rounding is the decimal one unless within
# HALF_MARGIN of a half; those, and larger values, go the decimal way.
FAST_DECIMALS, FAST_BELOW, HALF_MARGIN = 15, 1e11, 1e-3
FLOOR = 0
COEFFICIENTS = {"naik": (0, 1), "turun": (2, -1)}


def excel_round(value: float, decimals: int = DECIMALS) -> float:
    """Round half away from zero at 15 significant digits, as Excel's ROUND does (2.675 -> 2.68).

    NaN and infinities (no Excel number is either) come back unchanged, never raise.
    """
    if not math.isfinite(value):
        return value
    if 0 <= decimals <= FAST_DECIMALS:  # far from a half, plain float arithmetic gives the same result, ~10 x faster
        scaled = abs(value) * 10.0**decimals
        if scaled < FAST_BELOW and abs(scaled - (whole := math.floor(scaled)) - 0.5) > HALF_MARGIN:
            return math.copysign((whole + (scaled - whole > 0.5)) / 10.0**decimals, value)
    return _decimal_round(value, decimals)


def _decimal_round(value: float, decimals: int) -> float:
    """`excel_round` in decimal arithmetic, exact at every value (the reference the fast path is tested against)."""
    exact = Decimal(f"{value:.15g}")
    if exact.adjusted() >= 15:  # 15 significant digits are all before the point: nothing to round
        return float(exact)
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _raw(realisasi: float, target: float, polaritas: str) -> float:
    a, b = COEFFICIENTS[polaritas]
    return (a * target + b * realisasi) / target * 100


def capaian(realisasi: float | None, target: float | None, polaritas: str = "naik", decimals: int = DECIMALS) -> float | None:
    """% capaian of `realisasi` against `target`, or None where it is undefined."""
    if polaritas not in COEFFICIENTS:
        raise ValueError(f"polaritas harus naik atau turun, bukan {polaritas!r}")
    if realisasi is None or target is None or target <= 0:
        return None
    return excel_round(max(FLOOR, _raw(realisasi, target, polaritas)), decimals)


def is_floored(realisasi: float | None, target: float | None, polaritas: str = "naik") -> bool:
    """True when the raw capaian fell below 0 and was shown as 0 (turun beyond 2 x target)."""
    if realisasi is None or target is None or target <= 0:
        return False
    return _raw(realisasi, target, polaritas) < FLOOR


def _term(coefficient: int, ref: str) -> str:
    if coefficient == 0:
        return ""
    if coefficient == 1:
        return f"+{ref}"
    if coefficient == -1:
        return f"-{ref}"
    return f"{coefficient:+d}*{ref}"


def excel_formula(realisasi_ref: str, target_ref: str, polaritas: str, decimals: int = DECIMALS) -> str:
    """The Excel formula (English names, ',' separators) computing capaian() for two cells."""
    a, b = COEFFICIENTS[polaritas]
    numerator = (_term(a, target_ref) + _term(b, realisasi_ref)).lstrip("+")
    value = f"ROUND(MAX({FLOOR},({numerator})/{target_ref}*100),{decimals})"
    return (
        f'=IF(AND(ISNUMBER({target_ref}),ISNUMBER({realisasi_ref})),'
        f'IF({target_ref}>0,{value},""),"")'
    )


def status_value(status: str | None, yes: float) -> float | None:
    """Capaian of one unit with a ya/tidak status: `yes` (100 for a share, 1 for a count), 0, or None."""
    return {"ya": yes, "tidak": 0}.get(status or "")


def status_excel_formula(status_ref: str, yes: float) -> str:
    """The Excel formula computing status_value() from a status cell."""
    return f'=IF({status_ref}="ya",{yes:g},IF({status_ref}="tidak",0,""))'


def ratio_value(pembilang: float | None, penyebut: float | None, decimals: int = DECIMALS) -> float | None:
    """Capaian (%) of a ratio indicator from its pembilang and penyebut; None when undefined."""
    if pembilang is None or penyebut is None or penyebut <= 0:
        return None
    value = pembilang / penyebut * 100
    return excel_round(value, decimals) if math.isfinite(value) else None  # Excel: #NUM!, no capaian


def ratio_excel_formula(pembilang_ref: str, penyebut_ref: str, decimals: int = DECIMALS) -> str:
    """The Excel formula computing ratio_value() from two cells."""
    return (
        f'=IF(AND(ISNUMBER({pembilang_ref}),ISNUMBER({penyebut_ref})),'
        f'IF({penyebut_ref}>0,ROUND({pembilang_ref}/{penyebut_ref}*100,{decimals}),""),"")'
    )


@dataclass(frozen=True)
class Band:
    """A category: values strictly above `above` (and not in a higher band); None = the rest."""

    label: str
    above: float | None
    fill: str  # RGB hex, used for conditional formatting


SCHEMES: dict[str, tuple[Band, ...]] = {
    # Permendagri 86/2017 (evaluasi RKPD): 91-100 ST, 76-90 T, 66-75 S, 51-65 R, <=50 SR.
    # Values between the printed integers belong to the higher band; above 100 is Sangat Tinggi.
    "permendagri86": (
        Band("Sangat Tinggi", 90, "C6EFCE"),
        Band("Tinggi", 75, "E2F0D9"),
        Band("Sedang", 65, "FFEB9C"),
        Band("Rendah", 50, "F8CBAD"),
        Band("Sangat Rendah", None, "FFC7CE"),
    ),
    # Simple target check used in many LKjIP tables.
    "tercapai": (
        Band("Tercapai", 99.995, "C6EFCE"),
        Band("Belum Tercapai", None, "FFC7CE"),
    ),
}
DEFAULT_SCHEME = "permendagri86"


def kategori(persen: float | None, skema: str = DEFAULT_SCHEME) -> str | None:
    """Category label of a % capaian, or None when it is undefined."""
    if persen is None:
        return None
    try:
        bands = SCHEMES[skema]
    except KeyError:
        raise ValueError(f"skema kategori tidak dikenal: {skema!r} (pilihan: {', '.join(SCHEMES)})") from None
    for band in bands:
        if band.above is None or persen > band.above:
            return band.label
    raise AssertionError("the last band has no lower bound")


def band_conditions(ref: str, skema: str = DEFAULT_SCHEME) -> list[tuple[Band, str]]:
    """Each band with an Excel condition (no leading '=') true exactly when kategori() gives it."""
    bands = SCHEMES[skema]
    out = []
    for i, band in enumerate(bands):
        parts = [f"ISNUMBER({ref})"]
        if band.above is not None:
            parts.append(f"{ref}>{band.above}")
        if i > 0:
            parts.append(f"{ref}<={bands[i - 1].above}")
        out.append((band, f"AND({','.join(parts)})"))
    return out
