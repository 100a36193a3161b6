"""One consolidation run: submissions (read, validated) + RunConfig -> Rollup.

Every file ends in the manifest exactly once (diterima, ditolak, digantikan, dilewati). Rollups
written by kkb-excel are inputs again (kkb_excel.consolidate.rollup_sheet); a rollup never hides a
submission it has not seen: such a file is used when the rollup holds nothing for its unit, and
the run is refused with an explanation when the rollup holds an older figure for that unit.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.consolidate import aggregate, completeness, merge, rollup_sheet
from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.consolidate.model import (
    DESA_KEPT_UP_TO,
    DIGANTIKAN,
    ManifestEntry,
    RejectedFile,
    Rollup,
    RunConfig,
)
from kkb_excel.consolidate.opd_manifest import collapse_opd_rows
from kkb_excel.errors import KkbError
from kkb_excel.findings import DILEWATI, DITERIMA, DITOLAK, Report
from kkb_excel.memo import Memo
from kkb_excel.read.opd_reader import source_berkas
from kkb_excel.read.submission import Submission
from kkb_excel.tingkat import (
    LABEL,
    NASIONAL,
    TINGKAT,
    ancestors,
    in_scope,
    parent_of,
    rank,
    tingkat_of,
)
from kkb_excel.validators.rules import GALAT
from kkb_excel.wilayah import WilayahIndex, load_wilayah

SUPERSEDE_RULE = (
    "Untuk wilayah, OPD dan tahun yang sama, kiriman dengan tanggal pengisian terbaru dipakai (dibaca sebagai "
    "tanggal). Dua kiriman berbeda dengan tanggal sama: nilai yang sama dipakai, yang berbeda dilaporkan sebagai konflik."
)


def consolidate(
    submissions: list[Submission],
    report: Report,
    config: RunConfig,
    paths: dict[str, Path] | None = None,
    catalogue: Catalogue | None = None,
    index: WilayahIndex | None = None,
    memo: Memo | None = None,
) -> Rollup:
    """Consolidate read (`kkb_excel.read.pool.read_all`) and validated (`validate_submissions`) submissions.

    `paths` (berkas -> path) lets the run skip its own output files and use file times for rollups;
    `memo` holds the previous run's kecamatan sums, used for a kecamatan whose desa are all unchanged.
    """
    catalogue = catalogue or load_catalogue()
    index = index or load_wilayah()
    config = config.resolved(index)
    paths = paths or {}
    outputs = {os.path.normcase(os.path.abspath(p)) for p in config.outputs}
    results = {r.berkas: r for r in report.files}
    rollup = Rollup(config.tingkat, config.wilayah, config.tahun, config.semester, targets=config.targets)
    manifest: dict[str, ManifestEntry] = {}
    accepted, rollup_inputs, rejected_subs = [], [], []
    for sub in submissions:
        entry = _entry(sub)
        manifest[sub.berkas] = entry
        path = paths.get(sub.berkas) or paths.get(source_berkas(sub))
        if path is not None and os.path.normcase(os.path.abspath(path)) in outputs:
            _refuse_overwriting(sub, path)
            entry.status, entry.alasan = DILEWATI, "berkas keluaran rekap ini sendiri (tidak dibaca sebagai masukan)"
        elif sub.is_rollup:
            _classify_rollup(sub, entry, config, rollup_inputs)
        else:
            _classify_submission(sub, entry, results.get(sub.berkas), config, accepted, rejected_subs)
    rollup.manifest = [manifest[s.berkas] for s in sorted(submissions, key=lambda s: s.berkas)]
    datas = _choose_rollups(rollup_inputs, manifest, paths, config)
    fresh, replaced = _against_rollups(accepted, datas, manifest)
    _drop_replaced(datas, replaced)
    kept = merge.supersede(fresh, manifest)
    _note_rejected_revisions(kept, rejected_subs, manifest)
    leaves, rollup.conflicts = merge.merge_units(kept, catalogue, defer=_desa_dropped(config.tingkat))
    for _, data in datas:  # a rollup carrying its desa (a kecamatan rollup) is recomputed from them
        leaves.update({k: u for k, u in data.partials.get("desa", {}).items() if in_scope(k, rollup.wilayah)})
    _assemble(rollup, [(s, d) for s, d in datas if "desa" not in d.partials], leaves, catalogue, memo or Memo())
    _status_and_scope(rollup, datas, kept, rejected_subs, index, manifest)
    completeness.fill(rollup, index)
    completeness.expected_units(rollup, index, {i.tingkat_pengamatan for i in catalogue.active})
    _carry_files(rollup, datas, submissions, manifest, results)
    _names(rollup, index)
    rollup.manifest = collapse_opd_rows(rollup.manifest, submissions)  # an OPD workbook: one entry, its desa rows counted
    return rollup


def consolidate_paths(paths: list[str], config: RunConfig, jobs: int = 1, progress: Callable[[int], None] | None = None) -> Rollup:
    """discover -> read -> validate -> consolidate, for callers without a progress display of their own."""
    from kkb_excel.read.discover import discover
    from kkb_excel.read.pool import read_all
    from kkb_excel.validators.run import validate_submissions

    files = discover(paths)
    subs = read_all(files, jobs, progress)
    report = validate_submissions([s for s in subs if not s.is_rollup])
    return consolidate(subs, report, config, {f.berkas: f.path for f in files})


def refuse_input_as_output(output: Path, files: list) -> None:
    """-o naming an input workbook that is no earlier rollup: refused before anything is read or written
    (`consolidate` refuses it too, for callers that did not ask first)."""
    from kkb_excel.read.reader import read_submission

    same = os.path.normcase(os.path.abspath(output))
    for file in files:
        if os.path.normcase(os.path.abspath(file.path)) == same:
            _refuse_overwriting(read_submission(file.path, file.berkas), file.path)


def _refuse_overwriting(sub: Submission, path: Path) -> None:
    """An output named like an input workbook that is not an earlier rollup: stop before it is written over."""
    from kkb_excel.read.reader import WORKBOOK_SUFFIXES

    if not sub.is_rollup and Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        raise KkbError(
            f"{source_berkas(sub)} adalah salah satu berkas masukan, bukan rekap; rekap tidak ditulis agar berkas itu "
            "tidak tertimpa. Pilih nama lain untuk -o."
        )


def _entry(sub: Submission) -> ManifestEntry:
    return ManifestEntry(sub.berkas, sub.sha256, DILEWATI, jenis=sub.kind or "-", kode_wilayah=str(sub.meta.get("kode_wilayah", "")),
                         tingkat=str(sub.meta.get("tingkat", "")), opd=str(sub.identity.get("opd") or ""),
                         tanggal=_shown_date(sub), tahun=sub.meta.get("tahun"))  # fmt: skip


def _shown_date(sub: Submission) -> str:
    parsed = merge.tanggal_of(sub)
    raw = sub.identity.get("tanggal")
    return parsed.isoformat() if parsed else ("" if raw in (None, "") else str(raw))


def _classify_rollup(sub: Submission, entry: ManifestEntry, config: RunConfig, rollup_inputs: list) -> None:
    if not sub.readable:
        entry.status, entry.alasan = DITOLAK, _first_error(sub.findings)
    elif sub.meta.get("tahun") != config.tahun:
        entry.alasan = f"rekap tahun {sub.meta.get('tahun')}, bukan {config.tahun}"
    elif str(sub.meta.get("tingkat")) not in TINGKAT or rank(str(sub.meta.get("tingkat"))) > rank(config.tingkat):
        entry.alasan = f"rekap tingkat {sub.meta.get('tingkat')} lebih tinggi dari --tingkat {config.tingkat}"
    elif not _overlaps(entry.kode_wilayah, config.wilayah):
        entry.alasan = f"rekap wilayah {entry.kode_wilayah} di luar cakupan {config.wilayah}"
    else:
        entry.status = DITERIMA
        entry.alasan = _first_message([f for f in sub.findings if f.aturan == "S20"])  # saved again: visible edits unused
        rollup_inputs.append(sub)


def _note_rejected_revisions(kept: list[Submission], rejected: list, manifest) -> None:
    """A file used while a newer one of the same unit and OPD was rejected: its Manifest line says so, since
    its figures stay in the rollup until the revision is corrected."""
    newer: dict[tuple[str, str], list[Submission]] = {}
    for sub, _ in rejected:
        if sub.meta.get("kode_wilayah"):
            newer.setdefault((str(sub.meta["kode_wilayah"]), merge.opd_key(sub)), []).append(sub)
    for sub in kept:
        later = [r for r in newer.get((str(sub.meta["kode_wilayah"]), merge.opd_key(sub)), []) if merge.rank(r) > merge.rank(sub)]
        if later:
            entry = manifest[sub.berkas]
            note = (f"dipakai karena kiriman lebih baru OPD ini ditolak ({', '.join(r.berkas for r in later[:3])}); "
                    "angka berkas ini tetap di rekap sampai kiriman itu diperbaiki")  # fmt: skip
            entry.alasan = f"{entry.alasan}; {note}" if entry.alasan else note


def _overlaps(kode: str, wilayah: str | None) -> bool:
    return wilayah is None or kode == NASIONAL or in_scope(kode, wilayah) or in_scope(wilayah, kode)


def _classify_submission(sub, entry, result, config: RunConfig, accepted: list, rejected: list) -> None:
    if result is None or result.status == DILEWATI:  # S07 lock files, S14 rollups, S19 no workbook: the reader says why
        entry.alasan = _first_message(sub.findings) or "bukan kiriman"
    elif sub.meta.get("tahun") != config.tahun and sub.meta.get("tahun") is not None:
        entry.alasan = f"tahun {sub.meta.get('tahun')}, bukan {config.tahun}"
    elif entry.kode_wilayah and not in_scope(entry.kode_wilayah, config.wilayah):
        entry.alasan = f"wilayah {entry.kode_wilayah} di luar cakupan {config.wilayah}"
    elif entry.tingkat in TINGKAT and rank(entry.tingkat) > rank(config.tingkat):
        entry.alasan = f"kiriman tingkat {entry.tingkat} di atas --tingkat {config.tingkat}"
    elif result.status == DITOLAK:
        entry.status, entry.alasan = DITOLAK, _first_error(result.findings)
        rejected.append((sub, result))
    else:
        entry.status = DITERIMA
        entry.alasan = _date_note(sub, config.tahun)
        accepted.append(sub)


def _date_note(sub: Submission, tahun: int) -> str:
    d = merge.tanggal_of(sub)
    if d is None:
        return ("tanggal pengisian kosong/tidak terbaca: kalah dari kiriman bertanggal"
                if sub.identity.get("tanggal") not in (None, "") else "")  # fmt: skip
    if d > date.today():
        return f"tanggal pengisian {d.isoformat()} di masa depan: kalah dari kiriman bertanggal"
    if d.year not in (tahun, tahun + 1):
        return f"tanggal pengisian {d.isoformat()} di luar tahun pelaporan {tahun}"
    return ""


def _first_error(findings) -> str:
    return next((f.pesan for f in findings if f.keparahan == GALAT), "")


def _first_message(findings) -> str:
    return findings[0].pesan if findings else ""


def _choose_rollups(inputs: list[Submission], manifest, paths, config: RunConfig) -> list[tuple[Submission, rollup_sheet.RollupData]]:
    """Rollup inputs whose scopes do not overlap; of overlapping ones the newest is used."""
    def made(sub: Submission):
        path = paths.get(sub.berkas)
        return (str(sub.meta.get("dibuat") or ""), os.path.getmtime(path) if path else 0.0, sub.berkas)

    chosen: list[tuple[Submission, rollup_sheet.RollupData]] = []
    for sub in sorted(inputs, key=made, reverse=True):
        data = rollup_sheet.from_rows(sub.rekap)
        data.scope = [k for k in data.scope if _overlaps(k, config.wilayah)] or [str(sub.meta.get("kode_wilayah"))]
        clash = next((other for other, od in chosen if any(_overlaps(a, b) for a in data.scope for b in od.scope)), None)
        if clash is not None:
            entry = manifest[sub.berkas]
            entry.status, entry.alasan = DIGANTIKAN, f"cakupan tumpang tindih dengan rekap yang lebih baru {clash.berkas}"
            continue
        chosen.append((sub, data))
    return sorted(chosen, key=lambda item: item[0].berkas)


def _covering(kode: str, datas) -> tuple[Submission, rollup_sheet.RollupData] | None:
    return next(((s, d) for s, d in datas if any(in_scope(kode, u) for u in d.scope)), None)


def _against_rollups(accepted: list[Submission], datas, manifest) -> tuple[list[Submission], set[str]]:
    """Submissions to use, and the desa whose figure inside a rollup they replace.

    Under a rollup's cover: a file it has seen is `digantikan`; an older file of an OPD it holds is
    `digantikan`; a unit it holds nothing for is taken from the file. A newer file for a unit it holds
    replaces that desa when the rollup carries its desa (kecamatan rollups) and holds no other OPD
    for it; otherwise the run stops, since the old figure cannot be taken out of the rollup's sums.
    """
    fresh, stale, replaced = [], [], set()
    for sub in accepted:
        kode = str(sub.meta["kode_wilayah"])
        cover = _covering(kode, datas)
        if cover is None:
            fresh.append(sub)
            continue
        rsub, data = cover
        entry = manifest[sub.berkas]
        if any(f[0] == sub.sha256 for f in data.known_files):
            entry.status, entry.alasan = DIGANTIKAN, f"sudah tercakup dalam rekap {rsub.berkas}"
            continue
        held = [f for f in data.known_files if f[1] == kode and f[4] == DITERIMA]
        same_opd = [f for f in held if " ".join(f[2].split()).casefold() == merge.opd_key(sub)]
        mine = merge.rank(sub)
        if same_opd and all(mine < merge.usable(merge.parse_tanggal(f[3])) for f in same_opd):
            entry.status, entry.alasan = DIGANTIKAN, f"rekap {rsub.berkas} memakai kiriman OPD ini yang lebih baru"
        elif not held:
            entry.alasan = f"dipakai: rekap {rsub.berkas} tidak memuat kiriman untuk unit ini"
            fresh.append(sub)
        elif len(same_opd) == len(held) and kode in data.partials.get("desa", {}):
            entry.alasan = f"dipakai: lebih baru dari kiriman yang dimuat rekap {rsub.berkas}; nilai desa ini di rekap itu diganti"
            replaced.add(kode)
            fresh.append(sub)
        else:
            stale.append((sub, rsub))
    if stale:
        shown = "; ".join(f"{s.berkas} ({s.meta['kode_wilayah']}) vs rekap {r.berkas}" for s, r in stale[:5])
        raise KkbError(
            f"{len(stale)} kiriman lebih baru atau tidak dikenal oleh rekap yang sudah memuat unit yang sama: {shown}. "
            "Angka rekap itu mungkin usang dan tidak dapat dikeluarkan dari jumlahnya. Buat ulang rekap tersebut "
            "bersama kiriman ini, atau keluarkan rekap itu (atau kiriman itu) dari masukan."
        )
    return fresh, replaced


def _drop_replaced(datas, replaced: set[str]) -> None:
    """Desa replaced by newer files leave their rollup: values, status and conflicts."""
    for _, data in datas:
        desa = data.partials.get("desa", {})
        for kode in replaced & desa.keys():
            del desa[kode]
            data.desa_status.pop(kode, None)
        data.conflicts = [c for c in data.conflicts if c.kode_wilayah not in replaced]


def _desa_dropped(tingkat: str) -> bool:
    """Above a kabupaten rollup desa values are neither shown, exported nor carried up (`exported_levels`):
    they are added up kecamatan by kecamatan and not kept, so a nasional run never holds every desa's."""
    return rank(tingkat) > rank(DESA_KEPT_UP_TO)


def _assemble(rollup: Rollup, datas, leaves: dict[str, dict[str, Partial] | Submission], catalogue: Catalogue, memo: Memo) -> None:
    """Rollup inputs' units, then fresh leaves (deferred ones: `merge.partials_of`), then every tier up to the top (in scope)."""
    provided: set[str] = set()
    top = rollup.tingkat
    for _, data in datas:
        for level, units in data.partials.items():
            if rank(level) > rank(top):
                continue
            for kode, unit in units.items():
                if in_scope(kode, rollup.wilayah):
                    rollup.partials.setdefault(level, {})[kode] = {k: Partial(dict(p.sums), set(p.flags)) for k, p in unit.items()}
                    provided.add(kode)
    held: dict[str, dict[str, Partial] | Submission] = {}  # desa not kept (`_desa_dropped`), added up below
    for kode, unit in leaves.items():
        level = tingkat_of(kode)
        lifted = [above for above in ancestors(kode)[:-1][::-1] + [NASIONAL] if above in provided]
        if level == "desa" and _desa_dropped(top):
            held[kode] = unit
            unit = merge.partials_of(unit, catalogue) if lifted else unit
        else:
            unit = merge.partials_of(unit, catalogue)
            rollup.partials.setdefault(level, {}).setdefault(kode, {}).update(unit)
        for above in lifted:  # a rollup already gives this unit: add the new unit's part to it
            _add(rollup.partials[tingkat_of(above)][above], unit, tingkat_of(above), catalogue)
    for level in TINGKAT[1 : rank(top) + 1]:
        below = held if level == "kecamatan" and _desa_dropped(top) else rollup.partials.get(TINGKAT[rank(level) - 1], {})
        children: dict[str, list[tuple[str, dict[str, Partial] | Submission]]] = defaultdict(list)
        for kode, unit in below.items():
            parent = parent_of(kode)
            if parent not in provided and (in_scope(parent, rollup.wilayah) or level == "nasional"):
                children[parent].append((kode, unit))
        current_level = rollup.partials.setdefault(level, {})
        for parent in sorted(children):
            unit = current_level.setdefault(parent, {})
            kids = children.pop(parent)  # one kecamatan's desa at a time
            key = _sums_key(memo, level, parent, unit, kids, catalogue) if memo.active and level == "kecamatan" else None
            added = memo.get(key)
            if added is None:
                added = _added_up(level, unit, [(k, merge.partials_of(u, catalogue)) for k, u in kids], catalogue)
                memo.put(key, added)
            unit.update(added)


def _added_up(level: str, unit: dict[str, Partial], kids: list[tuple[str, dict[str, Partial]]], catalogue: Catalogue) -> dict[str, Partial]:
    """A parent's partials from its children's, for the indicators it does not hold already."""
    added = {}
    for ind in catalogue.active:
        if ind.kode in unit or rank(ind.tingkat_pengamatan) >= rank(level):
            continue
        parts = [(k, u[ind.kode]) for k, u in kids if ind.kode in u]
        if parts:
            added[ind.kode] = aggregate.combine(ind, parts)
    return added


def _sums_key(memo: Memo, level: str, parent: str, unit: dict[str, Partial], kids, catalogue: Catalogue) -> bytes:
    """The memo key of `_added_up`: the indicators the parent holds and each child's partials, a child
    from one file by a digest of its packed records and partials (what `merge.partials_of` reads)."""
    given = []
    for kode, kid in kids:
        if isinstance(kid, Submission) and kid.packed is not None:
            digest = hashlib.blake2b(len(kid.packed[0]).to_bytes(8, "little"), digest_size=20)
            digest.update(kid.packed[0])
            digest.update(kid.packed[1])
            given.append((kode, digest.digest()))
        else:
            given.append((kode, [(k, p.sums, sorted(p.flags)) for k, p in merge.partials_of(kid, catalogue).items()]))
    given.sort(key=lambda kid: kid[0])  # the order the desa came in does not matter to `aggregate.combine`
    return memo.key("sums", level, parent, list(unit), given)


def _add(target: dict[str, Partial], unit: dict[str, Partial], level: str, catalogue: Catalogue) -> None:
    for ind_kode, part in unit.items():
        ind = catalogue.get(ind_kode)
        if rank(ind.tingkat_pengamatan) >= rank(level):
            continue
        if not aggregate.aggregates(ind, level):
            target.setdefault(ind_kode, Partial(flags={aggregate.FLAG_NOT_AGGREGATABLE}))
            continue
        target.setdefault(ind_kode, Partial()).merge(part)


def _status_and_scope(rollup: Rollup, datas, kept, rejected_subs, index: WilayahIndex, manifest) -> None:
    """Each desa's status (rollups first, then this run's files) and the units whose desa are expected."""
    for _, data in datas:
        rollup.desa_status.update({k: s for k, s in data.desa_status.items() if in_scope(k, rollup.wilayah)})
    for sub, _ in rejected_subs:
        kode = str(sub.meta.get("kode_wilayah") or "")
        if tingkat_of_safe(kode) == "desa" and rollup.desa_status.get(kode) != DITERIMA:
            rollup.desa_status[kode] = DITOLAK
    for sub in kept:
        kode = str(sub.meta["kode_wilayah"])
        if tingkat_of_safe(kode) == "desa":
            rollup.desa_status[kode] = DITERIMA
    touched = {m.kode_wilayah for m in manifest.values() if m.status != DILEWATI and m.kode_wilayah}
    touched |= {u for _, d in datas for u in d.scope}
    rollup.scope = completeness.scope_units(index, rollup.wilayah, rollup.tingkat, {k for k in touched if k in index})


def tingkat_of_safe(kode: str) -> str | None:
    try:
        return tingkat_of(kode)
    except (KeyError, AttributeError):
        return None


def _carry_files(rollup: Rollup, datas, submissions, manifest, results) -> None:
    """Files seen (for the next run), conflicts and rejected files from rollup inputs, carried up."""
    known = {}
    for _, data in datas:
        for f in data.known_files:
            known.setdefault(f[0], f)
        rollup.conflicts.extend(c for c in data.conflicts if in_scope(c.kode_wilayah, rollup.wilayah))
    rejected = {}
    for _, data in datas:
        for r in data.rejected:
            if in_scope(r.kode_wilayah, rollup.wilayah) or not r.kode_wilayah:
                rejected.setdefault(r.sha256 or r.berkas, r)
    for sub in submissions:
        entry = manifest[sub.berkas]
        if entry.status == DILEWATI:
            continue
        if not sub.is_rollup and sub.sha256:  # a rollup input is no submission; a rejected one is still listed as rejected
            known.setdefault(sub.sha256, (sub.sha256, entry.kode_wilayah, entry.opd, entry.tanggal, entry.status, sub.berkas))
        if entry.status == DITOLAK:
            result = None if sub.is_rollup else results.get(sub.berkas)
            errors = [f for f in (result.findings if result else sub.findings) if f.keparahan == GALAT]
            reasons = " | ".join(f"[{f.aturan}] {f.sel + ': ' if f.sel else ''}{f.pesan}" for f in errors)
            rejected.setdefault(sub.sha256 or sub.berkas,  # a file never read (a broken link, a pipe) has no digest
                                RejectedFile(sub.berkas, sub.sha256, entry.kode_wilayah, len(errors), reasons, entry.opd))
    rollup.known_files = sorted(known.values(), key=lambda f: (f[5], f[0]))
    rollup.rejected = sorted(rejected.values(), key=lambda r: (r.berkas, r.sha256))
    rollup.conflicts.sort(key=lambda c: (c.kode_wilayah, c.kode_indikator, c.semester))


def _names(rollup: Rollup, index: WilayahIndex) -> None:
    units = {k for level in rollup.partials.values() for k in level} | {k for level in rollup.completeness.values() for k in level}
    units |= {c.kode_wilayah for c in rollup.conflicts} | {r.kode_wilayah for r in rollup.rejected if r.kode_wilayah}
    for kode in units:
        rollup.names[kode] = "Indonesia" if kode == NASIONAL else index.get(kode).nama if kode in index else kode


def nothing_accepted(rollup: Rollup) -> str | None:
    """Why nothing was accepted, in words ("172 berkas untuk tahun 2024; jalankan dengan --tahun 2024"), or None."""
    if rollup.counts()[DITERIMA]:
        return None
    years = Counter(m.tahun for m in rollup.manifest if m.tahun not in (None, "", rollup.tahun) and m.kode_wilayah)
    places = Counter(".".join(m.kode_wilayah.split(".")[:2]) for m in rollup.manifest
                     if m.kode_wilayah and "di luar cakupan" in m.alasan)  # fmt: skip
    hints = [f"{n} berkas untuk tahun {y}; jalankan dengan --tahun {y}" for y, n in years.most_common()]
    hints += [f"{n} berkas untuk wilayah {k}, di luar --wilayah {rollup.wilayah}; periksa --wilayah" for k, n in places.most_common(3)]
    rejected = rollup.counts()[DITOLAK]
    if rejected:
        hints.append(f"{rejected} berkas ditolak (jalankan kkb-excel validate untuk daftar perbaikannya)")
    if not rollup.manifest:
        hints.append("tidak ada berkas pada PATH yang diberikan")
    label = LABEL[rollup.tingkat].lower()
    return f"Tidak ada kiriman yang diterima untuk rekap {label} tahun {rollup.tahun}: " + ("; ".join(hints) or rollup.accounting()) + "."


def tier_target(rollup: Rollup, catalogue: Catalogue, level: str, kode: str, ind_kode: str) -> float | None:
    override = rollup.targets.get(kode, {})
    return override[ind_kode] if ind_kode in override else catalogue.get(ind_kode).default_target(level)
