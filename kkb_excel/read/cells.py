"""One typed cell value as its column expects it (number, status or text), shared by every reader."""

from __future__ import annotations

import re

from kkb_excel.catalogue import load_catalogue
from kkb_excel.findings import finding
from kkb_excel.keys import STATUS_KEYS
from kkb_excel.numbers import NumberFormatError, parse_number, tampil
from kkb_excel.read.submission import Submission

_EXTERNAL = re.compile(r"\[\d+\]")


def parse_value(sub: Submission, key: str, raw, where: dict):
    """A non-empty cell value as the column expects it; N01/N02 findings (at `where`) for number text."""
    if key == "keterangan":
        return str(raw)
    if key in STATUS_KEYS:  # 'Ya ' is ya; anything else is kept as typed for V05's message ('Y', a TRUE cell)
        return _status(raw.strip()) if isinstance(raw, str) else tampil(raw)
    try:
        if isinstance(raw, str) and raw.rstrip().endswith("%") and not _percent_cell(key, where.get("kode_indikator")):
            raise NumberFormatError(raw)  # '80%' typed in a count, pembilang or penyebut cell is no count
        parsed = parse_number(raw)
    except NumberFormatError:
        sub.findings.append(finding("N01", sub.berkas, nilai=raw, **where))
        return None
    if parsed.value is None:  # '-', 'nihil', 'n/a': read as empty, which a clerk may have meant as 0
        if str(raw).strip():
            sub.findings.append(finding("N06", sub.berkas, nilai=raw, **where))
        return None
    if parsed.ambiguous:
        plain = str(int(parsed.value)) if parsed.value.is_integer() else tampil(parsed.value)  # "1234": no separator to misread
        cara = "koma = pemisah desimal" if "," in str(raw) else "titik = pemisah ribuan"  # '12,345' is 12,345; '1.234' is 1234
        sub.findings.append(finding("N02", sub.berkas, nilai=raw, dibaca=plain, cara=cara, **where))
    return parsed.value


def formula_finding(berkas: str, rumus: str, value, where: dict):
    """N03 (its stored value used) or N04 (no stored value) for a formula typed into an input cell."""
    link = " yang merujuk ke workbook lain" if _EXTERNAL.search(rumus) else ""  # '[1]Sheet1!A1': values from another file
    if value is None or (isinstance(value, str) and not value.strip()):
        return finding("N04", berkas, rumus=rumus, tautan=link, **where)
    return finding("N03", berkas, rumus=rumus, tautan=link, nilai=value, **where)


def _status(text: str) -> str | None:
    lowered = text.lower()
    return lowered if lowered in ("ya", "tidak") else (text or None)


def _percent_cell(key: str, kode: object) -> bool:
    """Does this cell hold a percentage (a typed capaian of a percentage indicator), where '80%' means 80?"""
    catalogue = load_catalogue()
    return key.startswith("capaian_") and kode in catalogue and catalogue.get(kode).persentase
