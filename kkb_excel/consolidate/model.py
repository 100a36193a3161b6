"""What a consolidation run is asked for (RunConfig) and what it produces (Rollup and its rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.errors import KkbError
from kkb_excel.findings import DILEWATI, DITERIMA, DITOLAK
from kkb_excel.tingkat import LABEL, NASIONAL, TINGKAT, rank
from kkb_excel.wilayah import WilayahIndex

DIGANTIKAN = "digantikan"
STATUSES = (DITERIMA, DITOLAK, DIGANTIKAN, DILEWATI)
KONSOLIDASI_TINGKAT = ("kecamatan", "kabupaten", "provinsi", "nasional")
COMPLETENESS_FIELDS = ("diharapkan", "masuk", "diterima", "ditolak")
LOW_COVERAGE = 50.0  # % of expected units below which a figure is called low-coverage
DESA_KEPT_UP_TO = "kabupaten"  # the highest rollup that shows, exports and keeps desa values


@dataclass
class RunConfig:
    """One consolidation: top tier, year, optional scope and semester, target overrides, output files."""

    tingkat: str
    tahun: int
    wilayah: str | None = None
    semester: int | None = None
    targets: dict[str, dict[str, float | None]] = field(default_factory=dict)
    outputs: tuple[Path, ...] = ()  # this run's own output files: never read as inputs

    def resolved(self, index: WilayahIndex) -> RunConfig:
        """The same configuration with the scope code normalised ('3374', ' 33.74 ' -> '33.74'); usage errors raised."""
        if self.tingkat not in KONSOLIDASI_TINGKAT:
            raise KkbError(f"--tingkat harus salah satu dari {', '.join(KONSOLIDASI_TINGKAT)}.")
        wilayah = self.wilayah.strip() if isinstance(self.wilayah, str) else None
        if wilayah and wilayah.upper() != NASIONAL:
            unit = index.get(wilayah)
            if rank(unit.tingkat) < rank(self.tingkat):
                raise KkbError(f"{unit.kode} ({unit.nama}) adalah {LABEL[unit.tingkat].lower()}; "
                               f"tidak dapat direkap ke tingkat {self.tingkat}.")  # fmt: skip
            wilayah = unit.kode
        else:
            wilayah = None
        return RunConfig(self.tingkat, self.tahun, wilayah, self.semester, self.targets, self.outputs)


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
    tahun: object = None


@dataclass(frozen=True)
class Conflict:
    """Two sources for one unit x indicator x semester that differ; that semester is held back."""

    kode_wilayah: str
    kode_indikator: str
    semester: int
    sumber: str  # "OPD (berkas); OPD (berkas)"
    nilai: str  # each source's values
    ditahan: str  # what was held back


@dataclass(frozen=True)
class RejectedFile:
    berkas: str
    sha256: str
    kode_wilayah: str
    galat: int
    alasan: str
    opd: str = ""


@dataclass(frozen=True)
class MissingUnit:
    """A unit with no submission at all (directly or through a rollup), at the highest level known."""

    tingkat: str
    kode_wilayah: str
    nama: str
    desa: int  # desa/kelurahan under it (1 for a desa)
    keterangan: str


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
    desa_status: dict[str, str] = field(default_factory=dict)  # desa -> diterima/ditolak (others: not received)
    scope: list[str] = field(default_factory=list)  # units whose desa are all expected
    not_reported: list[MissingUnit] = field(default_factory=list)
    manifest: list[ManifestEntry] = field(default_factory=list)
    known_files: list[tuple] = field(default_factory=list)  # (sha256, kode, opd, tanggal, status, berkas) seen so far
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)
    targets: dict[str, dict[str, float | None]] = field(default_factory=dict)
    expected_units: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit, observation tier) -> n

    def counts(self) -> dict[str, int]:
        out = {"ditemukan": len(self.manifest)}
        for status in STATUSES:
            out[status] = sum(1 for m in self.manifest if m.status == status)
        return out

    def accounting(self) -> str:
        """The one line accounting for every file found (console, Ringkasan and Manifest print it)."""
        c = self.counts()
        return (f"{c['ditemukan']} berkas ditemukan = {c[DITERIMA]} diterima + {c[DITOLAK]} ditolak + "
                f"{c[DIGANTIKAN]} digantikan + {c[DILEWATI]} dilewati")  # fmt: skip

    def missing_desa(self) -> int:
        """Desa/kelurahan with nothing received (the sum of Belum Masuk)."""
        return sum(m.desa for m in self.not_reported)

    def units_summary(self) -> str:
        """Conflicts and missing units in one line (console and Ringkasan)."""
        return (f"Konflik antar-OPD: {len(self.conflicts)}; desa/kelurahan belum masuk: {self.missing_desa()} "
                f"(dari {self.expected_desa()} yang diharapkan)")  # fmt: skip

    def expected_desa(self) -> int:
        return sum(c["diharapkan"] for c in self.completeness.get(self.tingkat, {}).values())

    def levels(self) -> list[str]:
        """Tiers with results, lowest first."""
        return [t for t in TINGKAT if self.partials.get(t)]

    def expected(self, kode: str, level: str, observed_at: str) -> int:
        """Units observing an indicator at `observed_at` expected under `kode` (1 for the unit itself)."""
        return 1 if level == observed_at else self.expected_units.get((kode, observed_at), 0)
