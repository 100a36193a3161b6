"""Pre-fill per-desa daftar tilik workbooks with what OPDs already reported for that desa (`generate --isi-dari`).

Sources are submitted files (OPD workbooks and per-desa workbooks): only accepted ones for the
year, the newest per desa x OPD (as in consolidation). Only typed cells are filled (pembilang and
penyebut, status, or the number); formulas stay formulas. An indicator two OPDs gave different values
for is left empty for the desa forum to settle. Pre-filled cells are locked (the template's locked
style) and the Keterangan cell says which OPD and file the values came from.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kkb_excel.catalogue import Catalogue
from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic
from kkb_excel.findings import DITERIMA
from kkb_excel.keys import BELUM_TERSEDIA, SEMESTERS
from kkb_excel.read.discover import discover
from kkb_excel.read.opd_reader import source_berkas
from kkb_excel.read.pool import read_all
from kkb_excel.template.blueprint import MAIN_SHEET_PART, Blueprint
from kkb_excel.template.generate import Unit, refuse_overwrite
from kkb_excel.template.layout import COL, DEFAULT_PAPER, FIRST_DATA_ROW
from kkb_excel.template.opd_layout import SEMESTER_KEYS
from kkb_excel.validators.run import validate_submissions
from kkb_excel.wilayah import WilayahIndex


@dataclass(frozen=True)
class Given:
    """What one OPD reported for one indicator of one desa."""

    values: tuple[tuple[str, object], ...]  # (input key, value), sorted
    opd: str
    berkas: str
    tanggal: str
    belum_tersedia: bool = False  # the OPD said the data are not yet available


@dataclass
class Collected:
    given: dict[str, dict[str, Given]]  # desa -> indicator -> values
    conflicts: list[tuple[str, str]]  # (desa, indicator) left empty: OPDs disagree


def collect(paths: list[str], tahun: int, catalogue: Catalogue, index: WilayahIndex, jobs: int = 1) -> Collected:
    """Accepted desa values per desa and indicator, from the files under `paths`."""
    files = discover(paths)
    if not files:
        raise KkbError("--isi-dari: tidak ada berkas yang ditemukan.")
    subs = read_all(files, jobs)
    rollup = next((s for s in subs if s.is_rollup), None)
    if rollup is not None:
        raise KkbError(f"--isi-dari: {rollup.berkas} adalah rekap; rekap hanya membawa angka tingkat teratasnya, bukan nilai "
                       "per desa dan per OPD. Berikan folder kiriman OPD/desa.")  # fmt: skip
    status = {r.berkas: r.status for r in validate_submissions(subs, catalogue, index).files}
    latest = {}
    for sub in sorted(subs, key=lambda s: (str(s.identity.get("tanggal") or ""), s.berkas)):
        if status.get(sub.berkas) == DITERIMA and sub.meta.get("tahun") == tahun and sub.meta.get("tingkat") == "desa":
            opd = " ".join(str(sub.identity.get("opd") or "").split())
            latest[(str(sub.meta["kode_wilayah"]), opd.casefold())] = (sub, opd)
    found: dict[str, dict[str, list[Given]]] = defaultdict(lambda: defaultdict(list))
    for (kode, _), (sub, opd) in sorted(latest.items()):
        for rec in sub.records:
            keys = [f"{base}_{sem}" for sem in SEMESTERS for base in SEMESTER_KEYS[catalogue.get(rec.kode).cara_isi]]
            values = tuple((k, rec.value(k)) for k in keys if rec.value(k) is not None)
            if rec.diamati and (values or rec.belum_tersedia):
                tanggal = str(sub.identity.get("tanggal") or "")
                found[kode][rec.kode].append(Given(values, opd, source_berkas(sub), tanggal, rec.belum_tersedia))
    collected = Collected({}, [])
    for kode, indicators in sorted(found.items()):
        for ind, given in indicators.items():
            if len({(g.values, g.belum_tersedia) for g in given}) > 1:
                collected.conflicts.append((kode, ind))
            else:
                opds = ", ".join(dict.fromkeys(g.opd for g in given))
                collected.given.setdefault(kode, {})[ind] = Given(given[0].values, opds, given[0].berkas, given[0].tanggal,
                                                                  given[0].belum_tersedia)  # fmt: skip
    return collected


def note(given: Given) -> str:
    """The Keterangan of a pre-filled row; it keeps an OPD's 'Belum tersedia' (read as such again)."""
    source = f"{given.opd} ({Path(given.berkas).name}, {given.tanggal})"
    if given.belum_tersedia:
        return f"{BELUM_TERSEDIA} (menurut {source}); dikunci, konfirmasi di forum desa."
    return f"Diisi dari {source}; dikunci, konfirmasi di forum desa."


def render_prefilled(blueprint: Blueprint, unit: Unit, targets, given: dict[str, Given], catalogue: Catalogue) -> bytes:
    """One unit's workbook with the given values in place and locked, Keterangan naming the source."""
    rows = {ind.kode: row for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW)}
    cells: dict[str, object] = {}
    for ind_kode, g in given.items():
        row = rows[ind_kode]
        cells.update({f"{COL[key]}{row}": value for key, value in g.values})
        cells[f"{COL['keterangan']}{row}"] = note(g)
    data = blueprint.render(unit.identity, targets, cells)
    locked_row = next((row for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW) if ind.tingkat_pengamatan != unit.tingkat),
                      None)  # fmt: skip
    if not cells or locked_row is None:
        return data
    return _lock(data, {ref: f"{ref.rstrip('0123456789')}{locked_row}" for ref in cells})


_STYLE_RE = re.compile(rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")?')


def _lock(data: bytes, like: dict[str, str]) -> bytes:
    """Give each cell in `like` the style of its reference cell (a locked cell of the same column)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info, part in parts:
            if info.filename == MAIN_SHEET_PART:
                styles = {m.group(1).decode(): m.group(2) or b"" for m in _STYLE_RE.finditer(part)}
                wanted = {ref.encode(): styles.get(source, b"") for ref, source in like.items()}
                part = _STYLE_RE.sub(functools.partial(_restyle, wanted), part)
            archive.writestr(info, part)
    return out.getvalue()


def _restyle(wanted: dict[bytes, bytes], match: re.Match) -> bytes:
    ref = match.group(1)
    return b'<c r="' + ref + b'"' + wanted[ref] if ref in wanted else match.group(0)


def generate_prefilled(units: list[Unit], tahun: int, out_dir: Path, collected: Collected, catalogue: Catalogue,
                       overrides: dict[str, dict[str, float | None]] | None = None, kertas: str = DEFAULT_PAPER,
                       timpa: bool = False) -> list[Path]:  # fmt: skip
    """Write one workbook per unit; desa with OPD values get them pre-filled and locked. Never overwrites unless `timpa`."""
    if not timpa:
        refuse_overwrite([out_dir / u.filename for u in units])
    blueprints: dict[str, Blueprint] = {}
    written = []
    for unit in units:
        if unit.tingkat not in blueprints:
            blueprints[unit.tingkat] = Blueprint.build(unit.tingkat, tahun, catalogue.targets(unit.tingkat), catalogue, kertas)
        targets = catalogue.targets(unit.tingkat, (overrides or {}).get(unit.kode))
        path = out_dir / unit.filename
        write_atomic(path, render_prefilled(blueprints[unit.tingkat], unit, targets, collected.given.get(unit.kode, {}), catalogue))
        written.append(path)
    return written
