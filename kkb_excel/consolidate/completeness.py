"""Completeness from the wilayah reference: expected desa/kelurahan, received, missing, at every tier.

Expected units never depend on the inputs: every desa/kelurahan under the run's scope is expected,
whether its data come as a desa file, inside a rollup, or not at all. A unit with nothing received
below it is listed once, at the highest level where that is true ("Kecamatan Tugu: belum ada
kiriman desa/kelurahan, langsung maupun lewat rekap", with its desa count).
"""

from __future__ import annotations

from collections import Counter

from kkb_excel.consolidate.model import COMPLETENESS_FIELDS, MissingUnit, Rollup
from kkb_excel.findings import DITERIMA, DITOLAK
from kkb_excel.tingkat import LABEL, NASIONAL, ancestors, rank, tingkat_of
from kkb_excel.wilayah import WilayahIndex

NOTHING_BELOW = "belum ada kiriman desa/kelurahan, langsung maupun lewat rekap"
NOT_SENT = "belum mengirim"


def scope_units(index: WilayahIndex, wilayah: str | None, top: str, touched: set[str]) -> list[str]:
    """The units whose desa are expected: the run's wilayah, or (without one) every unit at the top
    tier that an in-scope input touches; the national run expects every provinsi."""
    if top == "nasional" and wilayah is None:
        return [NASIONAL]
    if wilayah is not None:
        return [wilayah]
    parts = {"kecamatan": 3, "kabupaten": 2, "provinsi": 1}[top]
    return sorted({".".join(k.split(".")[:parts]) for k in touched if k.count(".") + 1 >= parts and k.split(".")[0].isdigit()
                   and ".".join(k.split(".")[:parts]) in index})  # fmt: skip


def fill(rollup: Rollup, index: WilayahIndex) -> None:
    """Kelengkapan per unit of every tier up to the top, and Belum Masuk, from `rollup.desa_status`."""
    top = rollup.tingkat
    expected = sorted({d for unit in rollup.scope for d in _desa(index, unit)})
    per_kecamatan: dict[str, Counter] = {}
    for desa in expected:
        status = rollup.desa_status.get(desa)
        c = per_kecamatan.setdefault(desa.rsplit(".", 1)[0], Counter())
        c["diharapkan"] += 1
        if status in (DITERIMA, DITOLAK):
            c["masuk"] += 1
            c[status] += 1
    counts: dict[str, Counter] = {}
    for kecamatan, c in per_kecamatan.items():
        for unit in [*ancestors(kecamatan), NASIONAL]:
            if rank(tingkat_of(unit)) <= rank(top):
                counts.setdefault(unit, Counter()).update(c)
    rollup.completeness = {}
    for unit, c in counts.items():  # only tiers up to the top were counted
        rollup.completeness.setdefault(tingkat_of(unit), {})[unit] = {f: c[f] for f in COMPLETENESS_FIELDS}
    wanted = set(expected)
    rollup.desa_status = {d: s for d, s in rollup.desa_status.items() if d in wanted}
    rollup.not_reported = _missing(rollup, index, counts, expected)


def _desa(index: WilayahIndex, unit: str) -> list[str]:
    if unit == NASIONAL:
        return [w.kode for w in index.level("desa")]
    return [unit] if tingkat_of(unit) == "desa" else [w.kode for w in index.children(unit, "desa")]


def _missing(rollup: Rollup, index: WilayahIndex, counts: dict[str, Counter], expected: list[str]) -> list[MissingUnit]:
    """Missing desa grouped under the highest unit with nothing received (below the scope units)."""
    out, listed = [], set()
    scope = set(rollup.scope)
    for desa in expected:
        if desa in rollup.desa_status:
            continue
        whole = _highest_empty([NASIONAL, *ancestors(desa)], scope, counts)
        if whole in listed:
            continue
        listed.add(whole)
        level = tingkat_of(whole)
        if level == "desa":
            out.append(MissingUnit(level, whole, index.get(whole).nama, 1, NOT_SENT))
        else:
            out.append(MissingUnit(level, whole, f"{LABEL[level]} {index.get(whole).nama}", counts[whole]["diharapkan"], NOTHING_BELOW))
    return out


def _highest_empty(chain: list[str], scope: set[str], counts: dict[str, Counter]) -> str:
    """The highest unit of `chain` strictly below a scope unit that received nothing (else the desa)."""
    below_scope = False
    for unit in chain[:-1]:
        c = counts.get(unit)
        if below_scope and c is not None and c["masuk"] == 0:
            return unit
        below_scope = below_scope or unit in scope
    return chain[-1]


def expected_units(rollup: Rollup, index: WilayahIndex, observed_at: set[str]) -> None:
    """Units observing at each tier expected under every unit shown (coverage denominators)."""
    for level, units in rollup.partials.items():
        for unit in units:
            for obs in observed_at:
                if rank(obs) < rank(level):
                    rollup.expected_units[(unit, obs)] = _count(index, unit, obs)


def _count(index: WilayahIndex, unit: str, tingkat: str) -> int:
    if unit == NASIONAL:
        return len(index.level(tingkat))
    return len(index.children(unit, tingkat)) if unit in index else 0

