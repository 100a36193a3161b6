"""Values any writer can store: no control characters Excel refuses, no text past its cell limit, no NaN/inf."""

from __future__ import annotations

import math
import re

MAX_CELL_TEXT = 32_767  # Excel's limit per cell
TRUNCATED = " ... [dipotong: teks melebihi 32.767 karakter]"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def clean_text(text: str) -> str:
    """Control characters (a vertical tab pasted from Word, `_x000B_`) become spaces; over-long text is cut."""
    text = _ESCAPED.sub(lambda m: " " if _ILLEGAL.match(chr(int(m.group(1), 16))) else m.group(0), str(text))
    text = _ILLEGAL.sub(" ", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED
    return text


def is_truncated(text: str) -> bool:
    return len(str(text)) > MAX_CELL_TEXT


def clean_number(value: float | int | None) -> float | int | None:
    """NaN and infinities have no cell value: written as empty."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def clean(value):
    """Any cell value made storable: text cleaned (fast path for ordinary text), NaN/inf empty."""
    if isinstance(value, float):
        return clean_number(value)
    if isinstance(value, str) and (not value.isprintable() or "_x" in value or len(value) > MAX_CELL_TEXT):
        return clean_text(value)
    return value


def put_text(cell, value: str) -> None:
    """Write text that stays text, even if it starts with '=' (never a formula)."""
    cell.value = value
    cell.data_type = "s"
