"""Plausible filled submissions, with seeded defects, for the demo, tests and benchmarks.

Values are written straight into cloned blueprints (fast), exactly where an OPD would type them.
Every planted defect is returned with the rule code and cell it must be reported at.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kkb_excel.catalogue import Catalogue, Indicator, load_catalogue
from kkb_excel.files import write_atomic
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import Unit
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell

NAMES = ("Sri Wahyuni", "Budi Santoso", "Siti Aminah", "Agus Salim", "Dewi Lestari", "Rahmat Hidayat", "Nur Aisyah")
OPD = ("Dinas Pengendalian Penduduk dan KB", "Pemerintah Desa", "Puskesmas", "Kantor Urusan Agama", "Dinas Sosial")


@dataclass(frozen=True)
class Planted:
    """A defect written into a submission, and where validation must report it."""

    kind: str
    aturan: str
    sel: str


def _rows(catalogue: Catalogue, tingkat: str) -> list[tuple[int, Indicator]]:
    return [(row, ind) for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW) if ind.tingkat_pengamatan == tingkat]


def _ref(key: str, row: int) -> str:
    return f"{COL[key]}{row}"


def plausible_values(catalogue: Catalogue, tingkat: str, rng: random.Random, targets: dict[str, float | None]) -> dict[str, object]:
    """Cell -> value for every input of a unit, as a careful OPD would fill semester I and II."""
    cells: dict[str, object] = {
        identity_cell("opd"): rng.choice(OPD),
        identity_cell("petugas"): rng.choice(NAMES),
        identity_cell("tanggal"): date(2024, 7, 1) + timedelta(days=rng.randint(0, 150)),
    }
    for row, ind in _rows(catalogue, tingkat):
        target = targets.get(ind.kode)
        if ind.cara_isi == "rasio":
            share = (target or rng.uniform(20, 90)) / 100 * rng.uniform(0.7, 1.15)
            for sem, extra in ((1, 0), (2, rng.randint(0, 25))):
                den = rng.randint(20, 400) if sem == 1 else cells[_ref("penyebut_1", row)] + extra  # type: ignore[operator]
                num = min(den, round(den * share * (0.85 if sem == 1 else 1.0)))
                cells[_ref(f"pembilang_{sem}", row)], cells[_ref(f"penyebut_{sem}", row)] = num, den
        elif ind.cara_isi == "status":
            first = "ya" if rng.random() < 0.6 else "tidak"
            cells[_ref("status_1", row)] = first
            cells[_ref("status_2", row)] = "ya" if first == "ya" or rng.random() < 0.3 else "tidak"
        elif ind.persentase:
            cells[_ref("capaian_1", row)] = round(rng.uniform(30, 95), 2)
            cells[_ref("capaian_2", row)] = round(rng.uniform(30, 95), 2)
        else:
            first = rng.randint(0, 40)
            cells[_ref("capaian_1", row)], cells[_ref("capaian_2", row)] = first, first + rng.randint(0, 30)
    return cells


def _pick(rng: random.Random, rows, cara: str) -> int | None:
    candidates = [row for row, ind in rows if ind.cara_isi == cara]
    return rng.choice(candidates) if candidates else None


def plant_defect(kind: str, catalogue: Catalogue, tingkat: str, rng: random.Random, cells: dict[str, object]) -> list[Planted]:
    """Write one defect of `kind` into `cells`; [] when this tingkat has no row for it."""
    rows = _rows(catalogue, tingkat)
    rasio, status, angka = _pick(rng, rows, "rasio"), _pick(rng, rows, "status"), _pick(rng, rows, "angka")
    typed_percent = _pick(rng, [(r, i) for r, i in rows if i.persentase], "angka")  # ratio % are formulas
    if kind == "teks_bukan_angka" and rasio:
        cells[_ref("pembilang_1", rasio)] = "lima puluh"
        return [Planted(kind, "N01", _ref("pembilang_1", rasio))]
    if kind == "persen_lebih_100" and typed_percent:
        cells[_ref("capaian_1", typed_percent)] = 150
        return [Planted(kind, "V02", _ref("capaian_1", typed_percent))]
    if kind == "pembilang_lebih_penyebut" and rasio:
        cells[_ref("pembilang_1", rasio)] = cells[_ref("penyebut_1", rasio)] + 5  # type: ignore[operator]
        return [Planted(kind, "V03", _ref("pembilang_1", rasio))]
    if kind == "status_tidak_sah" and status:
        cells[_ref("status_1", status)] = "mungkin"
        return [Planted(kind, "V05", _ref("status_1", status))]
    if kind == "nilai_negatif" and angka:
        cells[_ref("capaian_1", angka)] = -3
        return [Planted(kind, "V01", _ref("capaian_1", angka))]
    if kind == "rumus_ditimpa" and rows:
        row = rng.choice(rows)[0]
        cells[_ref("persen_1", row)] = 100
        return [Planted(kind, "S11", _ref("persen_1", row))]
    if kind == "opd_kosong":
        cells[identity_cell("opd")] = None
        return [Planted(kind, "I05", identity_cell("opd"))]
    if kind == "angka_ambigu" and angka:
        cells[_ref("capaian_2", angka)] = "1.234"
        return [Planted(kind, "N02", _ref("capaian_2", angka))]
    return []


DEFECT_KINDS = (
    "teks_bukan_angka", "persen_lebih_100", "pembilang_lebih_penyebut",
    "status_tidak_sah", "nilai_negatif", "rumus_ditimpa", "opd_kosong", "angka_ambigu",
)  # fmt: skip


def write_synthetic(
    units: list[Unit],
    tahun: int,
    out_dir: Path,
    seed: int = 7,
    defect_rate: float = 0.05,
    progress: Callable[[int], None] | None = None,
    catalogue: Catalogue | None = None,
) -> dict[str, list[Planted]]:
    """Filled workbooks for `units`; returns file name -> defects planted (empty for clean files)."""
    catalogue = catalogue or load_catalogue()
    rng = random.Random(seed)
    blueprints: dict[str, Blueprint] = {}
    planted: dict[str, list[Planted]] = {}
    for unit in units:
        if unit.tingkat not in blueprints:
            blueprints[unit.tingkat] = Blueprint.build(unit.tingkat, tahun, catalogue.targets(unit.tingkat), catalogue)
        targets = catalogue.targets(unit.tingkat)
        cells = plausible_values(catalogue, unit.tingkat, rng, targets)
        defects = plant_defect(rng.choice(DEFECT_KINDS), catalogue, unit.tingkat, rng, cells) if rng.random() < defect_rate else []
        write_atomic(out_dir / unit.filename, blueprints[unit.tingkat].render(unit.identity, targets, cells))
        planted[unit.filename] = defects
        if progress:
            progress(1)
    return planted
