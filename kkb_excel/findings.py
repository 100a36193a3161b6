"""Findings and reports as data: every rendering (console, xlsx, JSON, annotated copies) reads these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from kkb_excel.numbers import tampil
from kkb_excel.validators.rules import (
    GALAT,
    INFO,
    INTERNAL,
    PERINGATAN,
    RULES,
    SEVERITY_ORDER,
    Keparahan,
    Status,
)

DITERIMA, DITOLAK, DILEWATI = Status.DITERIMA, Status.DITOLAK, Status.DILEWATI


@dataclass(frozen=True)
class Finding:
    """One problem at one place: file, sheet, cell (A1), indicator and column where known."""

    berkas: str
    aturan: str
    pesan: str
    lembar: str | None = None
    sel: str | None = None
    kode_indikator: str | None = None
    kolom: str | None = None
    nilai: str | None = None

    @property
    def keparahan(self) -> Keparahan:
        return RULES[self.aturan].keparahan

    def as_dict(self) -> dict:
        return {**asdict(self), "keparahan": str(self.keparahan), "judul_aturan": RULES[self.aturan].judul}


def finding(code: str, berkas: str, *, lembar=None, sel=None, kode_indikator=None, kolom=None, nilai=None, **fields) -> Finding:
    """The one way to make a Finding: fills the rule's template with `fields` (and nilai/kolom/sel).

    Values are shown the Indonesian way and as typed (`1`, `66,39`, `TRUE`); `nilai` is stored as shown.
    """
    shown = None if nilai is None else tampil(nilai)
    values = {k: tampil(v) for k, v in fields.items()}
    values.update(nilai=shown or "", kolom=kolom or "", sel=sel or "")
    pesan = RULES[code].message(**values)
    return Finding(berkas, code, pesan, lembar=lembar, sel=sel, kode_indikator=kode_indikator, kolom=kolom, nilai=shown)


def sort_key(f: Finding):
    return (f.berkas, SEVERITY_ORDER[f.keparahan], f.lembar or "", _cell_order(f.sel), f.aturan)


def _cell_order(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = cell.rstrip("0123456789")
    return (int(cell[len(letters) :] or 0), letters.rjust(3))


@dataclass
class FileResult:
    """The verdict for one submitted file."""

    berkas: str
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False
    kode_wilayah: str | None = None
    tingkat: str | None = None
    tahun: int | None = None
    opd: str | None = None
    isian_wajib: int = 0
    isian_terisi: int = 0

    def count(self, keparahan: str) -> int:
        return sum(1 for f in self.findings if f.keparahan == keparahan)

    @property
    def internal_error(self) -> bool:
        return any(f.aturan == INTERNAL for f in self.findings)

    @property
    def status(self) -> Status:
        if self.skipped:
            return DILEWATI
        return DITOLAK if self.count(GALAT) else DITERIMA


@dataclass
class Report:
    files: list[FileResult]

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.files for f in r.findings), key=sort_key)

    def count_status(self, status: str) -> int:
        return sum(1 for r in self.files if r.status == status)

    @property
    def valid(self) -> bool:
        return self.count_status(DITOLAK) == 0

    @property
    def internal_errors(self) -> int:
        return sum(1 for r in self.files if r.internal_error)

    def exit_status(self) -> int:
        """0 all accepted, 1 some files rejected, 3 the checker itself failed on some file."""
        return 3 if self.internal_errors else 0 if self.valid else 1

    def summary(self) -> dict:
        return {
            "berkas": len(self.files),
            DITERIMA: self.count_status(DITERIMA),
            DITOLAK: self.count_status(DITOLAK),
            DILEWATI: self.count_status(DILEWATI),
            GALAT: sum(r.count(GALAT) for r in self.files),
            PERINGATAN: sum(r.count(PERINGATAN) for r in self.files),
            INFO: sum(r.count(INFO) for r in self.files),
        }
