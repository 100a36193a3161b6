"""The Lampiran 4 indicator catalogue, loaded from the packaged data file `data/katalog.csv`."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from functools import cache

from kkb_excel.errors import UnknownIndicatorError
from kkb_excel.resources import read_data
from kkb_excel.tingkat import TINGKAT

CATALOGUE_FILE = "katalog.csv"
CATALOGUE_SERIES = "2023.1"

POLARITAS = ("naik", "turun")
CARA_ISI = ("angka", "rasio", "status")
AGREGASI = ("jumlah", "rasio", "proporsi_unit", "jumlah_unit", "tidak_diagregasi")
LINGKUP_TARGET = ("semua_tingkat", "nasional")
YA_TIDAK = ("ya", "tidak")

CARA_ISI_LABEL = {
    "angka": "angka capaian",
    "rasio": "pembilang dan penyebut",
    "status": "status ya/tidak",
}


@dataclass(frozen=True)
class Indicator:
    """One row of the daftar tilik: an output indicator and how it is entered and aggregated."""

    kode: str
    urutan: int
    sasaran_no: int
    sasaran: str
    program_kode: str
    program: str
    kegiatan_no: int
    kegiatan: str
    indikator: str
    satuan: str
    persentase: bool
    target_2022: float | None
    lingkup_target: str
    polaritas: str
    cara_isi: str
    tingkat_pengamatan: str
    agregasi: str
    kumulatif: bool
    aktif: bool
    tahunan: bool  # data published once a year with a lag: often "Belum tersedia" at Semester I
    definisi_pembilang: str
    definisi_penyebut: str
    keputusan: str
    keraguan: str

    @property
    def status_yes(self) -> int:
        """Capaian of one unit with status ya: 100 for a share of units, 1 for a count of units."""
        return 100 if self.agregasi == "proporsi_unit" else 1

    def default_target(self, tingkat: str) -> float | None:
        """The catalogue target that applies to a unit of `tingkat`.

        Percentages apply at every tingkat; a count target (e.g. 2,000 desa nationally) only
        at tingkat nasional — below it the target must come from a target file.
        """
        if self.lingkup_target == "semua_tingkat" or tingkat == "nasional":
            return self.target_2022
        return None


class Catalogue:
    """All indicators in daftar tilik order, with the version of the data they came from."""

    def __init__(self, indicators: list[Indicator], version: str):
        self.all = indicators
        self.version = version
        self._by_code = {i.kode: i for i in indicators}

    @property
    def active(self) -> list[Indicator]:
        """Indicators that appear in templates (spurious rows and placeholders stay out)."""
        return [i for i in self.all if i.aktif]

    def targets(self, tingkat: str, overrides: dict[str, float | None] | None = None) -> dict[str, float | None]:
        """Target per active indicator for a unit of `tingkat`: defaults, replaced by any override."""
        targets = {i.kode: i.default_target(tingkat) for i in self.active}
        targets.update(overrides or {})
        return targets

    def get(self, kode: str) -> Indicator:
        try:
            return self._by_code[kode]
        except KeyError:
            raise UnknownIndicatorError(f"Kode indikator '{kode}' tidak ada dalam katalog.") from None

    def __contains__(self, kode: str) -> bool:
        return kode in self._by_code

    def __iter__(self):
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _flag(text: str, field: str, kode: str) -> bool:
    if text not in YA_TIDAK:
        raise ValueError(f"katalog {kode}: {field}={text!r} bukan ya/tidak")
    return text == "ya"


def _choice(text: str, allowed: tuple[str, ...], field: str, kode: str) -> str:
    if text not in allowed:
        raise ValueError(f"katalog {kode}: {field}={text!r} tidak termasuk {allowed}")
    return text


def parse_row(row: dict[str, str]) -> Indicator:
    """One CSV row to an Indicator, rejecting values outside the closed sets."""
    kode = row["kode"]
    return Indicator(
        kode=kode,
        urutan=int(row["urutan"]),
        sasaran_no=int(row["sasaran_no"]),
        sasaran=row["sasaran"],
        program_kode=row["program_kode"],
        program=row["program"],
        kegiatan_no=int(row["kegiatan_no"]),
        kegiatan=row["kegiatan"],
        indikator=row["indikator"],
        satuan=row["satuan"],
        persentase=_flag(row["persentase"], "persentase", kode),
        target_2022=_number(row["target_2022"]),
        lingkup_target=_choice(row["lingkup_target"], LINGKUP_TARGET, "lingkup_target", kode),
        polaritas=_choice(row["polaritas"], POLARITAS, "polaritas", kode),
        cara_isi=_choice(row["cara_isi"], CARA_ISI, "cara_isi", kode),
        tingkat_pengamatan=_choice(row["tingkat_pengamatan"], TINGKAT, "tingkat_pengamatan", kode),
        agregasi=_choice(row["agregasi"], AGREGASI, "agregasi", kode),
        kumulatif=_flag(row["kumulatif"], "kumulatif", kode),
        aktif=_flag(row["aktif"], "aktif", kode),
        tahunan=_flag(row["tahunan"], "tahunan", kode),
        definisi_pembilang=row["definisi_pembilang"],
        definisi_penyebut=row["definisi_penyebut"],
        keputusan=row["keputusan"],
        keraguan=row["keraguan"],
    )


def read_rows() -> list[dict[str, str]]:
    """The catalogue file as raw rows (all columns, for export)."""
    return list(csv.DictReader(io.StringIO(read_data(CATALOGUE_FILE).decode("utf-8"), newline="")))


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue; its version is the series plus a digest of the file."""
    raw = read_data(CATALOGUE_FILE).replace(b"\r\n", b"\n")
    digest = hashlib.sha256(raw).hexdigest()[:8]
    indicators = sorted((parse_row(r) for r in read_rows()), key=lambda i: i.urutan)
    return Catalogue(indicators, f"{CATALOGUE_SERIES}+{digest}")
