"""Generate daftar tilik workbooks for many reporting units, in parallel (spawn-safe)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.errors import KkbError
from kkb_excel.files import slug, write_atomic
from kkb_excel.parallel import chunked, in_order, iter_chunks
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.layout import DEFAULT_PAPER
from kkb_excel.tingkat import CODE_PARTS, LABEL
from kkb_excel.wilayah import WilayahIndex, load_wilayah

TURUNAN = ("desa", "kecamatan", "kabupaten")
MAX_CHUNK = 64
# Starting spawn workers costs ~0.5 s; below this many units one process is faster.
PARALLEL_MIN_UNITS = 400


@dataclass(frozen=True)
class Unit:
    """A reporting unit to generate a workbook for."""

    kode: str
    tingkat: str
    identity: dict[str, str]
    filename: str


def unit_identity(index: WilayahIndex, kode: str) -> dict[str, str]:
    """Names and codes of the unit and its parents; '-' for levels below the unit."""
    chain = index.chain(kode)
    identity = {"kode_wilayah": chain[-1].kode, "nama_wilayah": chain[-1].nama}
    for level in CODE_PARTS:
        found = next((w for w in chain if w.tingkat == level), None)
        identity[f"kode_{level}"] = found.kode if found else "-"
        identity[f"nama_{level}"] = found.nama if found else "-"
    return identity


def file_name(tahun: int, kode: str, nama: str) -> str:
    return f"daftar-tilik_{tahun}_{kode}_{slug(nama)}.xlsx"


def plan_units(kode_list: Iterable[str], turunan: str | None, tahun: int, index: WilayahIndex | None = None) -> list[Unit]:
    """The units to generate: each code itself, or its descendants at `turunan`; sorted, unique."""
    index = index or load_wilayah()
    codes: set[str] = set()
    for kode in kode_list:
        parent = index.get(kode)
        if turunan is None:
            codes.add(parent.kode)
            continue
        if CODE_PARTS[turunan] <= CODE_PARTS[parent.tingkat]:
            raise KkbError(
                f"--turunan {turunan} tidak berlaku untuk {parent.kode} ({parent.nama}): "
                f"wilayah ini sudah tingkat {LABEL[parent.tingkat].lower()}; pilih tingkat di bawahnya."
            )
        codes.update(w.kode for w in index.children(parent.kode, turunan))
    units = []
    for kode in sorted(codes):
        wilayah = index.get(kode)
        units.append(Unit(kode, wilayah.tingkat, unit_identity(index, kode), file_name(tahun, kode, wilayah.nama)))
    return units


def split_fillable(units: list[Unit], catalogue: Catalogue | None = None) -> tuple[list[Unit], list[Unit]]:
    """Units whose daftar tilik has something to fill, and those whose tingkat observes no indicator.

    Kecamatan is such a tingkat: every indicator is observed at desa/kelurahan or kabupaten/kota and
    the kecamatan figures are a rollup (`kkb-excel consolidate --tingkat kecamatan`), so a kecamatan
    form would be an empty form to sign.
    """
    catalogue = catalogue or load_catalogue()
    observed = {i.tingkat_pengamatan for i in catalogue.active}
    can = {t: t in observed for t in {u.tingkat for u in units}}
    return [u for u in units if can[u.tingkat]], [u for u in units if not can[u.tingkat]]


def nothing_to_fill_message(empty: list[Unit]) -> str:
    tingkat = sorted({LABEL[u.tingkat].lower() for u in empty})
    return (
        f"{len(empty)} wilayah tingkat {', '.join(tingkat)} tidak dibuatkan daftar tilik: tidak ada indikator yang "
        f"diisi di tingkat itu (angkanya adalah rekap, lihat kkb-excel consolidate --tingkat {empty[0].tingkat})."
    )


# Worker state, set once per process by _init_worker (works under the spawn start method).
_BLUEPRINTS: dict[str, Blueprint] = {}


def _init_worker(blueprints: dict[str, Blueprint]) -> None:
    _BLUEPRINTS.clear()
    _BLUEPRINTS.update(blueprints)


def _render_chunk(job: tuple[str, list[tuple[Unit, dict[str, float | None]]]]) -> list[str]:
    out_dir, items = job
    written = []
    for unit, targets in items:
        path = Path(out_dir) / unit.filename
        write_atomic(path, _BLUEPRINTS[unit.tingkat].render(unit.identity, targets))
        written.append(str(path))
    return written


def generate(
    units: list[Unit],
    tahun: int,
    out_dir: Path,
    overrides: dict[str, dict[str, float | None]] | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    catalogue: Catalogue | None = None,
    kertas: str = DEFAULT_PAPER,
    timpa: bool = False,
) -> list[Path]:
    """Write one workbook per unit into `out_dir`; returns the paths in unit order.

    Existing files are never replaced unless `timpa` (a filled submission may carry the same name).
    `jobs` is an upper bound: small batches run in this process, where starting workers would cost
    more than it saves. A unit whose tingkat has nothing to fill is refused (see `split_fillable`).
    """
    if not timpa:
        refuse_overwrite([out_dir / u.filename for u in units])
    catalogue = catalogue or load_catalogue()
    overrides = overrides or {}
    _, empty = split_fillable(units, catalogue)
    if empty:
        raise KkbError(nothing_to_fill_message(empty))
    out_dir.mkdir(parents=True, exist_ok=True)
    blueprints = {
        tingkat: Blueprint.build(tingkat, tahun, catalogue.targets(tingkat), catalogue, kertas)
        for tingkat in sorted({u.tingkat for u in units})
    }
    items = [(u, overrides.get(u.kode) or {}) for u in units]  # the targets a unit's blueprint does not hold already
    chunks = [(str(out_dir), chunk) for chunk in chunked(items, jobs, MAX_CHUNK)]
    parallel = jobs > 1 and len(items) >= PARALLEL_MIN_UNITS
    in_order(iter_chunks(_render_chunk, chunks, parallel, jobs, progress, initializer=_init_worker, initargs=(blueprints,)))
    return [out_dir / u.filename for u in units]


def refuse_overwrite(paths: list[Path]) -> None:
    """Raise when any of `paths` exists: generating must not replace a workbook someone filled."""
    existing = [p for p in paths if p.exists()]
    if existing:
        raise KkbError(
            f"{len(existing)} berkas sudah ada dan tidak ditimpa (mis. {existing[0]}); mungkin berisi kiriman yang "
            "sudah diisi. Pilih folder lain, atau pakai --timpa untuk menimpanya."
        )
