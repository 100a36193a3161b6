"""The hidden data sheet `_kkb_rekap` of a ROLLUP.xlsx: what the next consolidation needs, in one place.

A rollup carries, so that a rollup of rollups equals the direct run in every sheet:
  nilai     partial sums per unit x indicator at every tier from kecamatan up to its top tier, and
            of each desa in a kecamatan rollup (so a newer desa file can replace that desa);
  lingkup   the units whose desa/kelurahan it accounts for;
  desa      each desa/kelurahan it received (diterima/ditolak);
  berkas    every submission it has seen (sha256, unit, OPD, tanggal, status), to recognise a file
            it already holds and one it never saw;
  konflik   conflicts (unit x indicator x semester) and ditolak rejected files, carried up.
`to_rows` writes these rows (after the COLUMNS header); `from_rows` reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.consolidate.model import Conflict, RejectedFile, Rollup
from kkb_excel.tingkat import TINGKAT, rank

NUMBER_COLUMNS = tuple(f"{f}_{s}" for f in aggregate.FIELDS for s in aggregate.SEMESTERS)
COLUMNS = ("jenis", "tingkat", "kode_wilayah", "kode_indikator", "semester", "catatan", "berkas", "sha256",
           "opd", "tanggal", "nilai", *NUMBER_COLUMNS)  # fmt: skip
_N = len(COLUMNS) - len(NUMBER_COLUMNS)


@dataclass
class RollupData:
    """A rollup file's data sheet, read back."""

    partials: dict[str, dict[str, dict[str, Partial]]] = field(default_factory=dict)  # tingkat -> unit -> ind
    scope: list[str] = field(default_factory=list)
    desa_status: dict[str, str] = field(default_factory=dict)
    known_files: list[tuple] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)


def _row(jenis: str, tingkat="", kode="", ind="", semester="", catatan="", berkas="", sha="", opd="", tanggal="", nilai="", numbers=()):
    return [jenis, tingkat, kode, ind, semester, catatan, berkas, sha, opd, tanggal, nilai, *(numbers or [None] * len(NUMBER_COLUMNS))]


def to_rows(rollup: Rollup) -> list[list]:
    """The data rows (without the header) for `rollup`."""
    rows = []
    lowest = 0 if rollup.tingkat == "kecamatan" else 1
    for level in TINGKAT[lowest : rank(rollup.tingkat) + 1]:
        for kode in sorted(rollup.partials.get(level, {})):
            for ind_kode, part in sorted(rollup.partials[level][kode].items()):
                rows.append(_row("nilai", level, kode, ind_kode, catatan=",".join(sorted(part.flags)),
                                 numbers=[part.sums.get(c) for c in NUMBER_COLUMNS]))  # fmt: skip
    rows += [_row("lingkup", kode=kode) for kode in rollup.scope]
    rows += [_row("desa", "desa", kode, catatan=status) for kode, status in sorted(rollup.desa_status.items())]
    for sha, kode, opd, tanggal, status, berkas in rollup.known_files:
        rows.append(_row("berkas", kode=kode, catatan=status, berkas=berkas, sha=sha, opd=opd, tanggal=tanggal))
    for c in rollup.conflicts:
        rows.append(_row("konflik", kode=c.kode_wilayah, ind=c.kode_indikator, semester=c.semester, berkas=c.sumber,
                         nilai=c.nilai, catatan=c.ditahan))  # fmt: skip
    for r in rollup.rejected:
        rows.append(_row("ditolak", kode=r.kode_wilayah, berkas=r.berkas, sha=r.sha256, opd=r.opd, nilai=r.galat, catatan=r.alasan))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def bad_cell(sheet: list[list]) -> tuple[int, int, object] | None:
    """The first cell (sheet row from 1, column from 0, value) of the whole sheet that `from_rows` cannot read, or None.

    Only what `to_rows` writes reads back: numbers in the number columns, semester 1 or 2, a count of errors.
    """
    for number, row in enumerate(sheet[1:], start=2):
        if not row or row[0] in ("", None):
            continue
        for col, value in enumerate(row[_N:], start=_N):
            if value not in ("", None) and (isinstance(value, bool) or not isinstance(value, int | float)):
                return number, col, value
        if row[0] == "konflik" and _text(row[4]) not in ("1", "2"):
            return number, 4, row[4]
        if row[0] == "ditolak" and not (_text(row[10]) or "0").isdigit():
            return number, 10, row[10]
    return None


def from_rows(rows: list[tuple]) -> RollupData:
    """Read the data rows (header excluded) written by `to_rows`."""
    data = RollupData()
    for row in rows:
        jenis, tingkat, kode, ind, semester, catatan, berkas, sha, opd, tanggal, nilai = (_text(v) for v in row[:_N])
        if jenis == "nilai":
            sums = {c: float(v) for c, v in zip(NUMBER_COLUMNS, row[_N:], strict=False) if v not in ("", None)}
            data.partials.setdefault(tingkat, {}).setdefault(kode, {})[ind] = Partial(sums, set(filter(None, catatan.split(","))))
        elif jenis == "lingkup":
            data.scope.append(kode)
        elif jenis == "desa":
            data.desa_status[kode] = catatan
        elif jenis == "berkas":
            data.known_files.append((sha, kode, opd, tanggal, catatan, berkas))
        elif jenis == "konflik":
            data.conflicts.append(Conflict(kode, ind, int(semester), berkas, nilai, catatan))
        elif jenis == "ditolak":
            data.rejected.append(RejectedFile(berkas, sha, kode, int(nilai or 0), catatan, opd))
    return data
