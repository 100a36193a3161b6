"""The reporting tiers (tingkat), lowest first, and every helper on the shape of a Kemendagri code.

Pure standard library (copied into the xlwings Lite bundle). Codes look like `33`, `33.74`,
`33.74.01`, `33.74.01.1001`; the national unit has the code `ID`.
"""

from __future__ import annotations

TINGKAT = ("desa", "kecamatan", "kabupaten", "provinsi", "nasional")

LABEL = {
    "desa": "Desa/Kelurahan",
    "kecamatan": "Kecamatan",
    "kabupaten": "Kabupaten/Kota",
    "provinsi": "Provinsi",
    "nasional": "Nasional",
}

# Number of dot-separated parts in a Kemendagri code at each wilayah tingkat.
CODE_PARTS = {"provinsi": 1, "kabupaten": 2, "kecamatan": 3, "desa": 4}
TINGKAT_BY_PARTS = {n: t for t, n in CODE_PARTS.items()}
PART_WIDTHS = (2, 2, 2, 4)
NASIONAL = "ID"  # code of the national unit (Kemendagri codes start at provinsi)


def rank(tingkat: str) -> int:
    """0 for desa up to 4 for nasional."""
    return TINGKAT.index(tingkat)


def is_valid_kode(kode: str) -> bool:
    """True for a well-formed code (two digits per part, four for a desa); not a reference look-up."""
    parts = kode.split(".")
    if not 1 <= len(parts) <= len(PART_WIDTHS):
        return False
    return all(len(p) == w and p.isdigit() for p, w in zip(parts, PART_WIDTHS, strict=False))


def tingkat_of(kode: str) -> str:
    """Tingkat from the shape of a code ('ID' is nasional)."""
    return "nasional" if kode == NASIONAL else TINGKAT_BY_PARTS[kode.count(".") + 1]


def parent_of(kode: str) -> str:
    """The code one tier up; a provinsi's parent is the national unit."""
    return kode.rsplit(".", 1)[0] if "." in kode else NASIONAL


def ancestors(kode: str) -> list[str]:
    """The code's chain from provinsi down to itself: 33, 33.74, 33.74.01, ..."""
    parts = kode.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def in_scope(kode: str, wilayah: str | None) -> bool:
    """Is `kode` the unit `wilayah` or below it? Everything is in scope of None or the national unit."""
    return wilayah is None or wilayah == NASIONAL or kode == wilayah or kode.startswith(wilayah + ".")
