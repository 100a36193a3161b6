"""A seal over what a daftar tilik must not change: its metadata and its locked Target values.

Written at generation into the hidden `_kkb` sheet (key `segel`); the reader recomputes it from what
it reads. Any edit of the wilayah code, tingkat, tahun, catalogue version, indicator rows, observed
flags or a locked Target gives another seal. It guards against accidents and casual edits, not
against someone who reads this code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

SEAL_KEY = "segel"


def _number(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value))
    return f"?{value}"


def seal(kode_wilayah: str, tingkat: str, tahun: object, katalog_versi: str,
         rows: Iterable[tuple[str, int, bool]], targets: Mapping[str, object]) -> str:  # fmt: skip
    """Hex seal of a unit's metadata and targets; `rows` are (kode, baris, diamati) in row order."""
    return sealed(kode_wilayah, tingkat, tahun, katalog_versi, rows_payload(rows, targets))


def rows_payload(rows: Iterable[tuple[str, int, bool]], targets: Mapping[str, object]) -> bytes:
    """The part of the sealed text every unit with the same rows and targets shares."""
    text = (f"|{kode},{int(baris)},{'ya' if diamati else 'tidak'},{_number(targets.get(kode))}" for kode, baris, diamati in rows)
    return "".join(text).encode()


def sealed(kode_wilayah: str, tingkat: str, tahun: object, katalog_versi: str, payload: bytes) -> str:
    digest = hashlib.sha256(f"{kode_wilayah}|{tingkat}|{_number(tahun)}|{katalog_versi}".encode())
    digest.update(payload)
    return digest.hexdigest()[:24]
