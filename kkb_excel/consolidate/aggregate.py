"""Aggregation up the tiers, as each indicator declares it (DHIS2-style: ratios after summing).

A Partial holds what a unit contributes for one indicator: sums that combine by addition, so a
kecamatan's partial plus its siblings' equals the kabupaten's (rollups of rollups are exact).
Capaian is derived from a partial at each tier, never averaged, and never rounded here: % capaian
is computed from the unrounded value and rounded once, for display (kkb_excel.capaian).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from kkb_excel.catalogue import Indicator
from kkb_excel.tingkat import rank

SEMESTERS = (1, 2)
FIELDS = ("jumlah", "pembilang", "penyebut", "ya", "berstatus", "laporan", "belum_tersedia", "konflik")
# laporan: units whose value is in the sums; belum_tersedia: units that said the data are not yet
# available; konflik: units whose sources disagreed (held back). Each is a count of units.
FLAG_ONLY_PERCENT = "persen_tanpa_rincian"  # a unit gave % but no pembilang/penyebut: left out of the ratio
FLAG_CONFLICT = "konflik_opd"  # two OPDs gave different values for the same unit and indicator
FLAG_NOT_AGGREGATABLE = "tidak_dapat_diagregasi"
FLAG_FLOORED = "capaian_turun_dibatasi_0"
FLAG_LABEL = {
    FLAG_ONLY_PERCENT: "sebagian unit hanya mengisi persentase tanpa pembilang/penyebut (tidak ikut dihitung)",
    FLAG_CONFLICT: ("nilai berbeda dari beberapa OPD/kiriman untuk unit dan semester yang sama "
                    "(semester itu tidak dipakai; lihat lembar Konflik)"),
    FLAG_NOT_AGGREGATABLE: "indikator ini tidak dapat diagregasi dari tingkat di bawahnya",
    FLAG_FLOORED: "capaian melebihi 2 x target pada polaritas turun; % capaian dibatasi 0",
}


@dataclass(slots=True)
class Partial:
    """Additive contributions per semester: key '<field>_<semester>' -> value.

    Slots, and one shared empty frozenset for a leaf without flags: a nasional run holds millions.
    """

    sums: dict[str, float] = field(default_factory=dict)
    flags: set[str] | frozenset[str] = field(default_factory=set)

    def merge(self, other: Partial) -> None:
        sums = self.sums
        for key, value in other.sums.items():
            sums[key] = sums.get(key, 0.0) + value
        self.flags |= other.flags


NO_FLAGS: frozenset[str] = frozenset()
_KEYS = {s: {f: f"{f}_{s}" for f in (*FIELDS, "status", "capaian")} for s in SEMESTERS}


def leaf(ind: Indicator, value_of: Callable[[str], object], belum_tersedia: bool = False, conflicted: tuple[int, ...] = ()) -> Partial:
    """The partial of one unit that observes `ind` itself; `value_of(key)` gives a submitted value.

    `belum_tersedia`: the unit said the data are not yet available (counted where a semester is empty);
    `conflicted`: semesters held back because its sources disagreed (counted, never summed).
    """
    sums: dict[str, float] = {}
    flags: set[str] = set()
    for s in SEMESTERS:
        k = _KEYS[s]
        if s in conflicted:
            sums[f"konflik_{s}"] = 1.0
            flags.add(FLAG_CONFLICT)
            continue
        if ind.cara_isi == "status":
            status = value_of(k["status"])
            if status == "ya" or status == "tidak":
                sums[k["ya"]], sums[k["berstatus"]], sums[k["laporan"]] = float(status == "ya"), 1.0, 1.0
        elif ind.cara_isi == "rasio":
            num, den = value_of(k["pembilang"]), value_of(k["penyebut"])
            if num is not None and den is not None:
                sums[k["pembilang"]], sums[k["penyebut"]], sums[k["laporan"]] = float(num), float(den), 1.0  # type: ignore[arg-type]
            elif value_of(k["capaian"]) is not None:
                flags.add(FLAG_ONLY_PERCENT)
        else:
            value = value_of(k["capaian"])
            if value is not None:
                sums[k["jumlah"]], sums[k["laporan"]] = float(value), 1.0  # type: ignore[arg-type]
        if belum_tersedia and k["laporan"] not in sums and FLAG_ONLY_PERCENT not in flags:
            sums[f"belum_tersedia_{s}"] = 1.0
    return Partial(sums, flags or NO_FLAGS)


def value(ind: Indicator, part: Partial, s: int) -> float | None:
    """The capaian of a partial for semester `s`, computed as the indicator's aggregation says;
    None where it is undefined (nothing reported, no penyebut, or not a finite number)."""
    result = _value(ind, part, s)
    return result if result is None or math.isfinite(result) else None


def _value(ind: Indicator, part: Partial, s: int) -> float | None:
    sums = part.sums
    if not sums.get(f"laporan_{s}"):
        return None
    if ind.cara_isi == "rasio":
        den = sums.get(f"penyebut_{s}", 0.0)
        return sums.get(f"pembilang_{s}", 0.0) / den * 100 if den > 0 else None
    if ind.cara_isi == "status":
        ya = sums.get(f"ya_{s}", 0.0)
        if ind.agregasi == "proporsi_unit":
            return ya / sums[f"berstatus_{s}"] * 100
        return ya
    return sums.get(f"jumlah_{s}")


def combine(ind: Indicator, children: list[tuple[str, Partial]]) -> Partial:
    """The partial of a parent from its children's, added in code order (deterministic)."""
    parent = Partial()
    if ind.agregasi == "tidak_diagregasi":
        parent.flags.add(FLAG_NOT_AGGREGATABLE)
        return parent
    for _, child in sorted(children, key=lambda item: item[0]):
        parent.merge(child)
    return parent


def aggregates(ind: Indicator, level: str) -> bool:
    """Does a unit at `level` get `ind` by adding up the units below it?"""
    return ind.agregasi != "tidak_diagregasi" and rank(ind.tingkat_pengamatan) < rank(level)
