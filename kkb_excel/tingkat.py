"""The reporting tiers (tingkat), lowest first, and their Indonesian labels."""

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


def rank(tingkat: str) -> int:
    """0 for desa up to 4 for nasional."""
    return TINGKAT.index(tingkat)
