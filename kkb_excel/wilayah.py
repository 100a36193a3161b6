"""The Kemendagri area-code reference (provinsi, kabupaten/kota, kecamatan, desa/kelurahan).

Data: idn-area-data 4.0.1, ODbL 1.0 — see kkb_excel/data/wilayah/README.md.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import re
from dataclasses import dataclass
from functools import cache

from kkb_excel.errors import UnknownWilayahError
from kkb_excel.resources import read_data
from kkb_excel.tingkat import CODE_PARTS, LABEL, TINGKAT_BY_PARTS

ATTRIBUTION = (
    "Data kode wilayah: Kemendagri melalui idn-area-data 4.0.1 (fityannugroho/idn-area-data), "
    "lisensi Open Database License (ODbL) 1.0."
)
_DIGIT_LENGTHS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
_CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True)
class Wilayah:
    kode: str
    nama: str

    @property
    def tingkat(self) -> str:
        return TINGKAT_BY_PARTS[self.kode.count(".") + 1]

    @property
    def jenis(self) -> str:
        """Indonesian label of the unit kind: Kelurahan (1xxx) or Desa (2xxx) at the lowest level."""
        if self.tingkat == "desa":
            return "Kelurahan" if self.kode.rsplit(".", 1)[1].startswith("1") else "Desa"
        return LABEL[self.tingkat]

    @property
    def parent_kode(self) -> str | None:
        return self.kode.rsplit(".", 1)[0] if "." in self.kode else None


def normalize_kode(text: str) -> str:
    """'3374011001' or ' 33.74.01.1001 ' -> '33.74.01.1001'; other text is returned stripped."""
    text = text.strip()
    digits = text.replace(".", "")
    if digits.isdigit() and len(digits) in _DIGIT_LENGTHS and "." not in text:
        parts, pos = [], 0
        for width in _DIGIT_LENGTHS[len(digits)]:
            parts.append(digits[pos : pos + width])
            pos += width
        return ".".join(parts)
    return text


def looks_like_kode(text: str) -> bool:
    return bool(_CODE_PATTERN.match(normalize_kode(text)))


class WilayahIndex:
    """Look-ups over all codes, kept sorted so that a code's descendants are one contiguous slice."""

    def __init__(self, rows: list[tuple[str, str]]):
        rows = sorted(rows)
        self._codes = [kode for kode, _ in rows]
        self._names = {kode: nama for kode, nama in rows}
        self._levels: dict[str, tuple[Wilayah, ...]] = {}

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, kode: str) -> bool:
        return normalize_kode(kode) in self._names

    def get(self, kode: str) -> Wilayah:
        norm = normalize_kode(kode)
        try:
            return Wilayah(norm, self._names[norm])
        except KeyError:
            raise UnknownWilayahError(
                f"Kode wilayah '{kode.strip()}' tidak dikenal dalam referensi Kemendagri "
                "(format PP.KK.CC.DDDD, misalnya 33.74 atau 33.74.01.1001)."
            ) from None

    def chain(self, kode: str) -> list[Wilayah]:
        """The unit and its parents, provinsi first."""
        unit = self.get(kode)
        parts = unit.kode.split(".")
        return [self.get(".".join(parts[: n + 1])) for n in range(len(parts))]

    def parents(self, kode: str) -> list[Wilayah]:
        return self.chain(kode)[:-1]

    def descendants(self, kode: str) -> list[str]:
        norm = self.get(kode).kode + "."
        lo = bisect.bisect_left(self._codes, norm)
        hi = bisect.bisect_left(self._codes, norm[:-1] + "/")  # '/' sorts right after '.'
        return self._codes[lo:hi]

    def children(self, kode: str, tingkat: str | None = None) -> list[Wilayah]:
        """Direct children, or all descendants at `tingkat` (e.g. every desa of a kabupaten)."""
        parent = self.get(kode)
        parts = CODE_PARTS[tingkat] if tingkat else parent.kode.count(".") + 2
        return [Wilayah(c, self._names[c]) for c in self.descendants(kode) if c.count(".") + 1 == parts]

    def level(self, tingkat: str) -> list[Wilayah]:
        """Every unit at `tingkat` (a new list; the scan of all 91,599 codes is done once per tingkat)."""
        if tingkat not in self._levels:
            parts = CODE_PARTS[tingkat]
            self._levels[tingkat] = tuple(Wilayah(c, self._names[c]) for c in self._codes if c.count(".") + 1 == parts)
        return list(self._levels[tingkat])

    def search(self, query: str, limit: int | None = 50) -> list[Wilayah]:
        """Units whose code starts with `query`, or whose name contains every word of it."""
        query = query.strip()
        if not query:
            return []
        if looks_like_kode(query) or query.replace(".", "").isdigit():
            prefix = normalize_kode(query)
            lo = bisect.bisect_left(self._codes, prefix)
            found = []
            for kode in self._codes[lo:]:
                if not kode.startswith(prefix):
                    break
                found.append(Wilayah(kode, self._names[kode]))
        else:
            words = query.casefold().split()
            found = [
                Wilayah(k, n) for k in self._codes if all(w in (n := self._names[k]).casefold() for w in words)
            ]
            found.sort(key=lambda w: (w.kode.count("."), w.kode))
        return found if limit is None else found[:limit]


@cache
def load_wilayah() -> WilayahIndex:
    """The packaged reference (91,599 units)."""
    raw = gzip.decompress(read_data("wilayah", "wilayah.csv.gz")).decode("utf-8")
    reader = csv.reader(io.StringIO(raw))
    next(reader)
    return WilayahIndex([(kode, nama) for kode, nama in reader])
