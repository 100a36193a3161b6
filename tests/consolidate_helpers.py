"""Builders for consolidation tests: desa workbooks holding exactly the inputs given, and a run."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from kkb_excel.consolidate.model import RunConfig
from kkb_excel.consolidate.run import consolidate_paths
from kkb_excel.output.rollup_workbook import records
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell

RATIO, TURUN, SUM, SHARE, COUNT = "S1.Pa.K1.a", "S3.Pa.K6.b", "S3.Pa.K4.b", "S4.Pa.K1.a", "S3.Pa.K2.a"


def row_of(catalogue, kode):
    return FIRST_DATA_ROW + [i.kode for i in catalogue.active].index(kode)


def submit(catalogue, folder: Path, name: str, kode: str, values: dict, opd="Pemerintah Desa", tanggal=date(2024, 12, 1), tahun=2024):
    """A submission holding only the given indicator inputs: {indicator: {column key: value}}."""
    [unit] = plan_units([kode], None, tahun)
    targets = catalogue.targets(unit.tingkat)
    cells = {identity_cell("opd"): opd, identity_cell("petugas"): "Petugas", identity_cell("tanggal"): tanggal}
    for ind_kode, inputs in values.items():
        for key, value in inputs.items():
            cells[f"{COL[key]}{row_of(catalogue, ind_kode)}"] = value
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(Blueprint.build(unit.tingkat, tahun, targets, catalogue).render(unit.identity, targets, cells))
    return path


FOUR_DESA = ["33.74.01.1001", "33.74.01.1002", "33.74.01.1003", "33.74.02.1001"]


def four_desa(catalogue, folder: Path) -> Path:
    """FOUR_DESA (two kecamatan of Kota Semarang) in `folder`, each with a ratio and a sum."""
    for i, kode in enumerate(FOUR_DESA):
        submit(catalogue, folder, f"desa-{i}.xlsx", kode, {RATIO: ratio(3 + i, 10), SUM: {"capaian_1": 5 + i}})
    return folder


def ratio(num, den, s=1):
    """A ratio row as typed: pembilang and penyebut (its % capaian is a formula in the template)."""
    return {f"pembilang_{s}": num, f"penyebut_{s}": den}


def run(paths, tingkat, wilayah=None, tahun=2024, **kw):
    return consolidate_paths([str(p) for p in paths], RunConfig(tingkat, tahun, wilayah, **kw))


def rec(rollup, level, kode, ind):
    [r] = [r for r in records(rollup, levels=[level]) if r["kode_wilayah"] == kode and r["kode_indikator"] == ind]
    return r


def sheets(path: Path, skip=("Manifest",)) -> dict[str, list[tuple]]:
    """Every sheet's cell values (hidden sheets too), minus the sheets that list this run's own files."""
    wb = load_workbook(path, read_only=True)
    out = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
        out[ws.title] = [r for r in rows if not (r and isinstance(r[0], str) and r[0].startswith("Berkas: "))]
    return out


_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")


def xlsx_parts(data: bytes) -> dict[str, bytes]:
    """Every part of an xlsx, its creation timestamps blanked (the only bytes two runs may differ in)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: _STAMP.sub(b"T", z.read(name)) for name in z.namelist()}


def same_as_uncached(consolidate, folder: Path, tmp_path: Path, *extra) -> str:
    """`consolidate(folder, output, *extra)` with its cache, then without: the same rollup bytes (timestamps
    aside). Returns the cached run's console output."""
    out = consolidate(folder, tmp_path / "rekap.xlsx", *extra)
    consolidate(folder, tmp_path / "bersih" / "rekap.xlsx", "--tanpa-cache", *extra)
    assert xlsx_parts((tmp_path / "rekap.xlsx").read_bytes()) == xlsx_parts((tmp_path / "bersih" / "rekap.xlsx").read_bytes())
    assert not (tmp_path / "bersih" / "rekap.kkb-cache").exists()
    return out


def consolidate_cli(*scope: str):
    """`kkb-excel consolidate FOLDER -o OUTPUT --tahun 2024 *scope *extra` (no `scope` when `extra` names a --tingkat),
    as a function that checks the exit status and returns the console output."""
    from click.testing import CliRunner

    from kkb_excel.cli import main

    def consolidate(folder: Path, output: Path, *extra: str) -> str:
        args = ["consolidate", str(folder), "-o", str(output), "--tahun", "2024", *(() if "--tingkat" in extra else scope), *extra]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return result.output

    return consolidate
