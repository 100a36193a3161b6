"""Resubmissions and several OPDs for one unit: which submission counts, and what the unit reports.

Resubmissions: per unit x OPD, the latest tanggal pengisian (read as a date, kkb_excel.dates) wins;
copies with the same content are one submission; two different submissions with the same date are
both kept as sources, so that whatever differs is reported as a conflict instead of picked silently.
OPDs: per unit x indicator x semester, values that agree are used; values that differ are a
conflict and that semester is held back (the other semester and other indicators are kept).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import PurePath

from kkb_excel.catalogue import Catalogue, Indicator
from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.consolidate.model import DIGANTIKAN, Conflict, ManifestEntry
from kkb_excel.dates import parse_tanggal
from kkb_excel.keys import COLUMN_LABEL, SEMESTERS
from kkb_excel.read.submission import Record, Submission

SEMESTER_LABEL = {1: "Semester I", 2: "Semester II"}


def opd_key(sub: Submission) -> str:
    return " ".join(str(sub.identity.get("opd") or "").split()).casefold()


def tanggal_of(sub: Submission) -> date | None:
    return parse_tanggal(sub.identity.get("tanggal"))


def usable(tanggal: date | None) -> date:
    """A tanggal as it weighs against others: a date in the future (a typo such as 2042 for 2024) weighs
    like an unreadable one, losing to every dated submission, so that it cannot outlive its corrections."""
    return tanggal if tanggal is not None and tanggal <= date.today() else date.min


def rank(sub: Submission) -> date:
    return usable(tanggal_of(sub))


def _older_because(sub: Submission) -> str:
    """Why a superseded submission lost: the other is newer, or its own tanggal does not count."""
    tanggal = tanggal_of(sub)
    if tanggal is not None and tanggal > date.today():
        return f"tanggal pengisian berkas ini {tanggal:%d/%m/%Y} di masa depan, kalah dari kiriman bertanggal"
    if tanggal is None:
        text = sub.identity.get("tanggal")
        state = "kosong" if text is None or not str(text).strip() else "tidak terbaca"
        return f"tanggal pengisian berkas ini {state}, kalah dari kiriman bertanggal"
    return "tanggal pengisian lebih baru"


def _content(sub: Submission) -> tuple:
    return tuple((r.kode, r.inputs(), r.belum_tersedia) for r in sub.records if r.diamati)


def supersede(candidates: list[Submission], manifest: dict[str, ManifestEntry]) -> list[Submission]:
    """The submissions that count: newest per unit x OPD; same-date different submissions all kept."""
    groups: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    for sub in candidates:
        groups[(str(sub.meta.get("kode_wilayah")), opd_key(sub))].append(sub)
    kept = []
    for key in sorted(groups):
        subs = sorted(groups[key], key=lambda s: s.berkas)
        newest = max(rank(s) for s in subs)
        latest = [s for s in subs if rank(s) == newest]
        distinct: dict[tuple, Submission] = {}
        for sub in latest:
            first = distinct.setdefault(_content(sub.unpacked()) if len(latest) > 1 else (), sub)
            if first is not sub:
                entry = manifest[sub.berkas]
                entry.status, entry.alasan = DIGANTIKAN, f"isi sama dengan {first.berkas}"
        winners = list(distinct.values())
        kept.extend(_remainders([s for s in subs if rank(s) != newest], winners, manifest))
        if len(winners) > 1:
            names = ", ".join(w.berkas for w in winners)
            for sub in winners:
                manifest[sub.berkas].alasan = (f"kiriman OPD yang sama dengan tanggal pengisian sama ({names}): "
                                               "nilai yang sama dipakai, yang berbeda dilaporkan di lembar Konflik")  # fmt: skip
        kept.extend(winners)
    return kept


def _remainders(older: list[Submission], winners: list[Submission], manifest: dict[str, ManifestEntry]) -> list[Submission]:
    """What still counts of a unit x OPD's older submissions: each is superseded for the indicators a newer
    one's form holds, filled or not. A newer row of a per-OPD workbook holds only that OPD's indicators:
    what the older per-desa form reported beyond them stays (a copy restricted to those indicators)."""
    covered = set().union(*(_indicators(w) for w in winners))
    kept = []
    for day in sorted({rank(s) for s in older}, reverse=True):
        held: set[str] = set()  # what this date's forms hold, for the older dates
        for sub in (s for s in older if rank(s) == day):
            full = sub.unpacked()
            held |= {r.kode for r in full.records if r.diamati}
            rest = [r for r in full.records if r.diamati and r.kode not in covered and _says_something(r)]
            entry = manifest[sub.berkas]
            if not rest:
                entry.status, entry.alasan = DIGANTIKAN, f"digantikan oleh {winners[0].berkas} ({_older_because(sub)})"
                continue
            kept.append(replace(full, records=rest, leaves=None))
            entry.alasan = (f"sebagian digantikan oleh {winners[0].berkas} ({_older_because(sub)}): dipakai untuk "
                            f"{len(rest)} indikator yang tidak ada di kiriman itu")  # fmt: skip
        covered |= held
    return kept


def _indicators(sub: Submission) -> set[str]:
    """The indicators its form holds (every observed one for a per-desa form, the OPD's for a row of a per-OPD workbook)."""
    return {r.kode for r in sub.unpacked().records if r.diamati}


def _says_something(rec: Record) -> bool:
    """A value typed, or 'Belum tersedia': a row that counts for its unit."""
    return rec.belum_tersedia or any(v is not None for v in rec.inputs())


def _entry(ind: Indicator, rec: Record, s: int):
    """What one source says for one semester, comparable between sources; None when it says nothing."""
    if ind.cara_isi == "rasio":
        num, den = rec.value(f"pembilang_{s}"), rec.value(f"penyebut_{s}")
        if num is not None and den is not None:
            return ("pembilang", num), ("penyebut", den)  # a typed % beside them is derived, not compared
        persen = rec.value(f"capaian_{s}")
        return (("capaian", persen),) if persen is not None else None
    if ind.cara_isi == "status":
        status = rec.value(f"status_{s}")
        return (("status", status),) if status in ("ya", "tidak") else None
    value = rec.value(f"capaian_{s}")
    return (("capaian", value),) if value is not None else None


def _shown(entry, s: int) -> str:
    """A source's values with the column labels users see ('Pembilang Sem I 3, Penyebut Sem I 16')."""
    return ", ".join(f"{COLUMN_LABEL[f'{k}_{s}']} {f'{v:.15g}' if isinstance(v, float) else v}" for k, v in entry)


def _source(sub: Submission) -> str:
    return f"{sub.identity.get('opd') or '-'} ({sub.berkas})"


def single_source(sub: Submission, catalogue: Catalogue) -> dict[str, Partial]:
    """The partials of a unit with this one submission (workers compute them ahead: `Submission.leaves`)."""
    partials = {}
    for rec in sub.records:
        if rec.diamati and _says_something(rec):
            partials[rec.kode] = aggregate.leaf(catalogue.get(rec.kode), rec.value, rec.belum_tersedia)
    return partials


def partials_of(unit: dict[str, Partial] | Submission, catalogue: Catalogue) -> dict[str, Partial]:
    """A unit's partials from `merge_units`, or of a unit with this one source (packed or not)."""
    if not isinstance(unit, Submission):
        return unit
    leaves = unit.packed_leaves()
    return dict(leaves) if leaves is not None else single_source(unit.unpacked(), catalogue)


def _source_order(sub: Submission) -> tuple[str, str, str]:
    """OPD, then file name: the same order however the run was given its folders (rollup of rollups = direct)."""
    return (str(sub.identity.get("opd") or ""), PurePath(sub.berkas.replace("\\", "/")).name, sub.berkas)


def merge_unit(kode: str, subs: list[Submission], catalogue: Catalogue) -> tuple[dict[str, Partial], list[Conflict]]:
    """One unit's partials from its sources (OPDs, same-date submissions)."""
    subs = sorted(subs, key=_source_order)
    if len(subs) == 1:
        return partials_of(subs[0], catalogue), []
    subs = [s.unpacked() for s in subs]  # several sources: their records are compared
    by_ind: dict[str, list[tuple[Submission, Record]]] = defaultdict(list)
    for sub in subs:
        for rec in sub.records:
            if rec.diamati:
                by_ind[rec.kode].append((sub, rec))
    partials, conflicts = {}, []
    for ind_kode, given in by_ind.items():
        ind = catalogue.get(ind_kode)
        chosen: dict[str, object] = {}
        held: list[int] = []
        for s in SEMESTERS:
            said = [(sub, e) for sub, rec in given if (e := _entry(ind, rec, s)) is not None]
            if len({e for _, e in said}) > 1:
                held.append(s)
                nilai = " | ".join(f"{sub.identity.get('opd') or '-'}: {_shown(e, s)}" for sub, e in said)
                ditahan = f"{SEMESTER_LABEL[s]} indikator ini untuk unit ini tidak dipakai (tidak ikut dijumlahkan ke atas)"
                conflicts.append(Conflict(kode, ind_kode, s, "; ".join(_source(sub) for sub, _ in said), nilai, ditahan))
            elif said:
                chosen.update({f"{k}_{s}": v for k, v in said[0][1]})
        belum = any(rec.belum_tersedia for _, rec in given)
        if chosen or held or belum:
            partials[ind_kode] = aggregate.leaf(ind, chosen.get, belum, tuple(held))
    return partials, conflicts


def merge_units(
    subs: list[Submission], catalogue: Catalogue, *, defer: bool
) -> tuple[dict[str, dict[str, Partial] | Submission], list[Conflict]]:
    """Leaf partials per unit, and the conflicts found, in code order.

    With `defer`, a unit with one source (no conflict possible) is given as that submission, still
    packed: `partials_of` computes it when it is added up, so a nasional run never holds every desa's.
    """
    by_unit: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        by_unit[str(sub.meta["kode_wilayah"])].append(sub)
    leaves: dict[str, dict[str, Partial] | Submission] = {}
    conflicts = []
    for kode in sorted(by_unit):
        if defer and len(by_unit[kode]) == 1:
            leaves[kode] = by_unit[kode][0]
            continue
        leaves[kode], found = merge_unit(kode, by_unit[kode], catalogue)
        conflicts.extend(found)
    return leaves, conflicts
