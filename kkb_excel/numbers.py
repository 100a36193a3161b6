"""Numbers typed by people: Indonesian ("1.234,5", "50,5", "80%") and English ("1,234.5") forms."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

BLANK_MARKERS = {"", "-", "--", "\u2013", "\u2014", "n/a", "na", "#n/a", "tidak ada", "nihil"}
_GROUPED = r"\d{{1,3}}(?:{sep}\d{{3}})+"


@dataclass(frozen=True)
class ParsedNumber:
    """`value` is None for a blank; `ambiguous` marks a form read by the Indonesian convention."""

    value: float | None
    ambiguous: bool = False


class NumberFormatError(ValueError):
    """Text that is not a number in any accepted form."""


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(_GROUPED.format(sep=re.escape(sep)), text) is not None


def _unsigned(text: str) -> ParsedNumber:
    if re.fullmatch(r"\d+", text):
        return ParsedNumber(float(text))
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _, frac = text.rpartition(decimal_sep)
        if (_grouped(whole, group_sep) or whole.isdigit()) and frac.isdigit():
            return ParsedNumber(float(whole.replace(group_sep, "") + "." + frac))
        raise NumberFormatError(text)
    sep = "," if commas else "."
    count = commas or dots
    whole, _, frac = text.partition(sep)
    if count == 1 and whole.isdigit() and frac.isdigit():
        if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
            # "1.234" / "1,234": Indonesian reading wins (dot groups thousands, comma is decimal).
            value = float(whole + frac) if sep == "." else float(f"{whole}.{frac}")
            return ParsedNumber(value, ambiguous=True)
        return ParsedNumber(float(f"{whole}.{frac}"))
    if _grouped(text, sep):
        return ParsedNumber(float(text.replace(sep, "")))
    if count == 1 and text.startswith(sep) and frac.isdigit():
        return ParsedNumber(float("0." + frac))
    raise NumberFormatError(text)


def parse_number(raw: object) -> ParsedNumber:
    """A cell value or text to a number; raises NumberFormatError for text that is not one."""
    if raw is None:
        return ParsedNumber(None)
    if isinstance(raw, bool):
        raise NumberFormatError(str(raw))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise NumberFormatError(str(raw))
        return ParsedNumber(float(raw))
    text = str(raw).replace("\u00a0", " ").replace("\u202f", " ").strip()
    if text.casefold() in BLANK_MARKERS:
        return ParsedNumber(None)
    body = text.removesuffix("%").strip().replace(" ", "")
    sign = -1.0 if body.startswith("-") else 1.0
    body = body[1:] if body[:1] in ("+", "-") else body  # one sign at most: "--5" is not a number
    if not body:
        raise NumberFormatError(text)
    try:
        parsed = _unsigned(body)
    except NumberFormatError:
        raise NumberFormatError(text) from None
    return ParsedNumber(sign * parsed.value, parsed.ambiguous)


def tampil(value: object) -> str:
    """A value as a clerk would recognise it: `1` not `1.0`, `66,39`, `12.800`, `TRUE`, text unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 1e15:
            return f"{value:G}".replace(".", ",")
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return str(value)
