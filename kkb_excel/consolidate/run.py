"""Tiered consolidation: discover -> read -> validate -> accept/reject -> deduplicate -> aggregate.

Every discovered file ends in the manifest exactly once (diterima, ditolak, digantikan, dilewati).
Rollups written by this module are valid inputs again: their partial sums continue upward.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.errors import KkbError
from kkb_excel.findings import DILEWATI, DITERIMA, DITOLAK, FileResult
from kkb_excel.keys import INPUT_VALUE_KEYS
from kkb_excel.consolidate.opd_manifest import collapse_opd_rows
from kkb_excel.read.discover import discover
from kkb_excel.read.opd_reader import source_berkas
from kkb_excel.read.pool import read_all
from kkb_excel.read.submission import Record, Submission
from kkb_excel.tingkat import LABEL, NASIONAL, TINGKAT, ancestors, in_scope, parent_of, rank, tingkat_of
from kkb_excel.validators.run import validate_submissions
from kkb_excel.validators.rules import GALAT
from kkb_excel.wilayah import WilayahIndex, load_wilayah

DIGANTIKAN = "digantikan"
KONSOLIDASI_TINGKAT = ("kecamatan", "kabupaten", "provinsi", "nasional")
SUPERSEDE_RULE = (
    "Untuk wilayah, OPD dan tahun yang sama, kiriman dengan tanggal pengisian terbaru dipakai; "
    "bila sama, berkas yang terakhir diubah. Kiriman lain berstatus 'digantikan'."
)
ROLLUP_FIELDS = tuple(f"{f}_{s}" for f in aggregate.FIELDS for s in aggregate.SEMESTERS)
COMPLETENESS_FIELDS = ("diharapkan", "masuk", "diterima", "ditolak")


@dataclass
class ManifestEntry:
    berkas: str
    sha256: str
    status: str
    jenis: str = ""
    kode_wilayah: str = ""
    tingkat: str = ""
    opd: str = ""
    tanggal: str = ""
    alasan: str = ""


@dataclass(frozen=True)
class Conflict:
    kode_wilayah: str
    kode_indikator: str
    berkas: tuple[str, ...]
    nilai: str


@dataclass
class Rollup:
    """Everything a rollup shows: partials per tier and unit, completeness, manifest, conflicts."""

    tingkat: str
    wilayah: str | None
    tahun: int
    semester: int | None
    partials: dict[str, dict[str, dict[str, Partial]]] = field(default_factory=dict)  # tingkat -> unit -> ind
    names: dict[str, str] = field(default_factory=dict)
    completeness: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # tingkat -> unit -> counts
    not_reported: list[tuple[str, str]] = field(default_factory=list)
    manifest: list[ManifestEntry] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[FileResult] = field(default_factory=list)
    targets: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {"ditemukan": len(self.manifest)}
        for status in (DITERIMA, DITOLAK, DIGANTIKAN, DILEWATI):
            out[status] = sum(1 for m in self.manifest if m.status == status)
        return out

    def levels(self) -> list[str]:
        """Tiers with results, lowest first."""
        return [t for t in TINGKAT if self.partials.get(t)]


def _tanggal(sub: Submission) -> str:
    return str(sub.identity.get("tanggal") or "")


def _supersede(candidates: list[tuple[Submission, float]], manifest: dict[str, ManifestEntry]) -> list[Submission]:
    """Keep the newest submission per wilayah x OPD (tahun is fixed per run)."""
    groups: dict[tuple[str, str], list[tuple[Submission, float]]] = defaultdict(list)
    for sub, mtime in candidates:
        opd = " ".join(str(sub.identity.get("opd") or "").split()).casefold()
        groups[(str(sub.meta.get("kode_wilayah")), opd)].append((sub, mtime))
    kept = []
    for key in sorted(groups):
        ranked = sorted(groups[key], key=lambda item: (_tanggal(item[0]), item[1], item[0].sha256), reverse=True)
        kept.append(ranked[0][0])
        for sub, _ in ranked[1:]:
            entry = manifest[sub.berkas]
            entry.status, entry.alasan = DIGANTIKAN, f"digantikan oleh {ranked[0][0].berkas} (kiriman lebih baru)"
    return kept


def _merge_opds(subs: list[Submission], catalogue: Catalogue) -> tuple[dict[str, dict[str, Partial]], list[Conflict]]:
    """Leaf partials per unit: OPDs' values merged; different values for one indicator are a conflict."""
    by_unit: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        by_unit[str(sub.meta["kode_wilayah"])].append(sub)
    leaves: dict[str, dict[str, Partial]] = {}
    conflicts = []
    for kode in sorted(by_unit):
        unit: dict[str, Partial] = {}
        sources: dict[str, list[tuple[str, Record]]] = defaultdict(list)
        for sub in sorted(by_unit[kode], key=lambda s: s.berkas):
            for rec in sub.records:
                if rec.diamati and any(v is not None for v in rec.inputs()):
                    sources[rec.kode].append((sub.berkas, rec))
        for ind_kode, given in sources.items():
            ind = catalogue.get(ind_kode)
            if len(given) > 1 and len({_inputs(r) for _, r in given}) > 1:
                unit[ind_kode] = Partial(flags={aggregate.FLAG_CONFLICT})
                shown = "; ".join(f"{b}: {_brief(dict(_inputs(r)))}" for b, r in given)
                conflicts.append(Conflict(kode, ind_kode, tuple(b for b, _ in given), shown))
            else:
                unit[ind_kode] = aggregate.leaf(ind, given[0][1].value)
        leaves[kode] = unit
    return leaves, conflicts


def _inputs(rec: Record) -> tuple:
    """What an OPD entered for an indicator (target and keterangan are not inputs)."""
    return tuple((k, rec.value(k)) for k in INPUT_VALUE_KEYS)


def _brief(values: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(values.items()) if v is not None)


def _rollup_partials(sub: Submission) -> tuple[dict[str, dict[str, Partial]], dict[str, dict[str, int]], str]:
    """Unit partials and completeness carried by a rollup file, and the tier they are at."""
    level = str(sub.meta.get("tingkat"))
    units: dict[str, dict[str, Partial]] = defaultdict(dict)
    completeness: dict[str, dict[str, int]] = {}
    for row in sub.rekap:
        jenis, tingkat, kode, ind_kode, flags, *numbers = row
        if tingkat != level:
            continue  # lower tiers of that rollup are for reading, its top tier carries everything
        if jenis == "kelengkapan":
            completeness[str(kode)] = {f: int(numbers[len(ROLLUP_FIELDS) + i] or 0) for i, f in enumerate(COMPLETENESS_FIELDS)}
            continue
        sums = {f: float(v) for f, v in zip(ROLLUP_FIELDS, numbers, strict=False) if v not in ("", None)}
        units[str(kode)][str(ind_kode)] = Partial(sums, set(filter(None, str(flags or "").split(","))))
    return dict(units), completeness, level


def consolidate(
    paths: list[str],
    tingkat: str,
    tahun: int,
    wilayah: str | None = None,
    semester: int | None = None,
    target_overrides: dict[str, dict[str, float | None]] | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    catalogue: Catalogue | None = None,
    index: WilayahIndex | None = None,
    discovered: Callable[[int], None] | None = None,
) -> Rollup:
    """Consolidate the files under `paths` up to `tingkat` (within `wilayah`, for `tahun`).

    `discovered(n)` is told how many files were found; `progress(k)` as each batch is read.
    """
    catalogue = catalogue or load_catalogue()
    index = index or load_wilayah()
    if tingkat not in KONSOLIDASI_TINGKAT:
        raise KkbError(f"--tingkat harus salah satu dari {', '.join(KONSOLIDASI_TINGKAT)}.")
    if wilayah is not None:
        unit = index.get(wilayah)
        wilayah = unit.kode
        if rank(unit.tingkat) < rank(tingkat):
            raise KkbError(f"{unit.kode} ({unit.nama}) adalah {LABEL[unit.tingkat].lower()}; tidak dapat direkap ke tingkat {tingkat}.")
    files = discover(paths)
    if discovered:
        discovered(len(files))
    mtimes = {f.berkas: os.path.getmtime(f.path) for f in files}
    subs = read_all(files, jobs, progress)
    report = validate_submissions([s for s in subs if not s.is_rollup], catalogue, index)
    results = {r.berkas: r for r in report.files}
    rollup = Rollup(tingkat, wilayah, tahun, semester, targets=target_overrides or {})
    manifest: dict[str, ManifestEntry] = {}
    accepted, rollup_inputs = [], []
    for sub in subs:
        entry = ManifestEntry(sub.berkas, sub.sha256, DILEWATI, jenis=sub.kind or "-",
                              kode_wilayah=str(sub.meta.get("kode_wilayah", "")), tingkat=str(sub.meta.get("tingkat", "")),
                              opd=str(sub.identity.get("opd") or ""), tanggal=_tanggal(sub))  # fmt: skip
        manifest[sub.berkas] = entry
        result = results.get(sub.berkas)
        if sub.is_rollup:
            if not sub.readable:
                entry.status, entry.alasan = DITOLAK, _first_error(sub.findings)
            elif sub.meta.get("tahun") != tahun or not in_scope(entry.kode_wilayah, wilayah):
                entry.alasan = "rekap untuk tahun atau wilayah lain"
            else:
                entry.status = DITERIMA
                rollup_inputs.append(sub)
            continue
        if result is None or result.status == DILEWATI:
            entry.alasan = _first_message(sub.findings) or "bukan kiriman"
        elif result.status == DITOLAK:
            entry.status, entry.alasan = DITOLAK, _first_error(result.findings)
            rollup.rejected.append(result)
        elif sub.meta.get("tahun") != tahun:
            entry.alasan = f"tahun {sub.meta.get('tahun')} bukan {tahun}"
        elif not in_scope(entry.kode_wilayah, wilayah) or rank(entry.tingkat) > rank(tingkat):
            entry.alasan = "di luar cakupan wilayah/tingkat rekap"
        else:
            entry.status = DITERIMA
            accepted.append((sub, mtimes[source_berkas(sub)]))
    rollup.manifest = [manifest[s.berkas] for s in sorted(subs, key=lambda s: s.berkas)]
    covered = _apply_rollups(rollup, rollup_inputs, tingkat)
    fresh = []
    for sub, mtime in accepted:
        owner = next((c for c in covered if in_scope(str(sub.meta["kode_wilayah"]), c)), None)
        if owner:
            entry = manifest[sub.berkas]
            entry.status, entry.alasan = DIGANTIKAN, f"sudah tercakup dalam rekap {covered[owner]}"
        else:
            fresh.append((sub, mtime))
    kept = _supersede(fresh, manifest)
    leaves, rollup.conflicts = _merge_opds(kept, catalogue)
    for kode, unit in leaves.items():
        rollup.partials.setdefault(tingkat_of(kode), {})[kode] = unit
    _aggregate_up(rollup, catalogue, tingkat)
    received = {m.kode_wilayah for m in rollup.manifest if m.kode_wilayah and m.status != DILEWATI}
    _completeness(rollup, index, kept, received, tingkat, set(covered))
    _names(rollup, index)
    rollup.manifest = collapse_opd_rows(rollup.manifest, subs)  # after completeness: that counts desa rows
    return rollup


def _first_error(findings) -> str:
    return next((f.pesan for f in findings if f.keparahan == GALAT), "")


def _first_message(findings) -> str:
    return findings[0].pesan if findings else ""


def _apply_rollups(rollup: Rollup, inputs: list[Submission], top: str) -> dict[str, str]:
    """Insert rollup inputs' unit partials at their tier; returns covered unit -> rollup file."""
    covered: dict[str, str] = {}
    for sub in sorted(inputs, key=lambda s: s.berkas):
        units, completeness, level = _rollup_partials(sub)
        if rank(level) > rank(top):
            continue
        for kode, unit in units.items():
            if not in_scope(kode, rollup.wilayah):
                continue
            rollup.partials.setdefault(level, {})[kode] = unit
            covered[kode] = sub.berkas
        for kode, counts in completeness.items():
            rollup.completeness.setdefault(tingkat_of(kode), {})[kode] = counts
    return covered


def _aggregate_up(rollup: Rollup, catalogue: Catalogue, top: str) -> None:
    for level in TINGKAT[1 : rank(top) + 1]:
        below = TINGKAT[rank(level) - 1]
        children: dict[str, list[tuple[str, dict[str, Partial]]]] = defaultdict(list)
        for kode, unit in rollup.partials.get(below, {}).items():
            parent = parent_of(kode)
            if in_scope(parent, rollup.wilayah) or level == "nasional":
                children[parent].append((kode, unit))
        current = rollup.partials.setdefault(level, {})
        for parent in sorted(children):
            unit = current.setdefault(parent, {})
            for ind in catalogue.active:
                if ind.kode in unit or rank(ind.tingkat_pengamatan) >= rank(level):
                    continue  # a rollup input or the unit's own observation already gives it
                parts = [(k, u[ind.kode]) for k, u in children[parent] if ind.kode in u]
                if parts:
                    unit[ind.kode] = aggregate.combine(ind, parts)


def _completeness(rollup: Rollup, index: WilayahIndex, kept: list[Submission], seen: set[str], top: str, covered: set[str]) -> None:
    """Expected desa (from the wilayah reference) vs received, per unit of every tier up to `top`.

    Desa under a unit that a rollup input already covers are counted by that rollup, not again.
    """
    accepted = {str(s.meta["kode_wilayah"]) for s in kept}
    lowest = [s for s in kept if s.meta.get("tingkat") == "desa"]
    if not lowest and rollup.completeness:
        _sum_completeness_up(rollup, top)
        return
    scope = rollup.wilayah
    if scope is not None:
        expected = [w.kode for w in index.children(scope, "desa")] if tingkat_of(scope) != "desa" else [scope]
    else:
        provinces = {k.split(".")[0] for k in accepted | seen if k and k[0].isdigit()}
        everywhere = top == "nasional"
        expected = [w.kode for w in index.level("desa") if everywhere or w.kode.split(".")[0] in provinces]
    desa_counts = {}
    for kode in expected:
        if covered and any(prefix in covered for prefix in ancestors(kode)):
            continue
        received = kode in seen
        ok = kode in accepted
        desa_counts[kode] = {"diharapkan": 1, "masuk": int(received), "diterima": int(ok), "ditolak": int(received and not ok)}
        if not received:
            rollup.not_reported.append((kode, index.get(kode).nama))
    rollup.completeness["desa"] = desa_counts
    _sum_completeness_up(rollup, top)


def _sum_completeness_up(rollup: Rollup, top: str) -> None:
    for level in TINGKAT[1 : rank(top) + 1]:
        below = rollup.completeness.get(TINGKAT[rank(level) - 1], {})
        current = rollup.completeness.setdefault(level, {})
        for kode in sorted(below):
            parent = parent_of(kode)
            if not in_scope(parent, rollup.wilayah) and level != "nasional":
                continue
            counts = current.setdefault(parent, dict.fromkeys(COMPLETENESS_FIELDS, 0))
            for f in COMPLETENESS_FIELDS:
                counts[f] += below[kode][f]


def _names(rollup: Rollup, index: WilayahIndex) -> None:
    for level in rollup.partials.values():
        for kode in level:
            rollup.names[kode] = "Indonesia" if kode == NASIONAL else index.get(kode).nama if kode in index else kode
    for level in rollup.completeness.values():
        for kode in level:
            rollup.names.setdefault(kode, "Indonesia" if kode == NASIONAL else index.get(kode).nama if kode in index else kode)


def tier_target(rollup: Rollup, catalogue: Catalogue, level: str, kode: str, ind_kode: str) -> float | None:
    override = rollup.targets.get(kode, {})
    return override[ind_kode] if ind_kode in override else catalogue.get(ind_kode).default_target(level)
