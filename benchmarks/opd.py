"""Benchmark: one OPD workbook for every desa/kelurahan of Jawa Tengah (8,563 rows).

Measures in the same run:
  - generation of one OPD workbook for all desa of province 33 (the OPD with most columns);
  - reading it back once every row is filled (read_all: one submission per desa row), then validating;
  - values read per second, against the per-desa path (read_all over N synthetic Lampiran 4 files).

    python benchmarks/opd.py            # per-desa comparison over 300 files
    python benchmarks/opd.py --n 1000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from common import peak_memory_mb
from openpyxl import load_workbook

from kkb_excel.catalogue import load_catalogue
from kkb_excel.opd import load_opd_map
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.synthetic import write_synthetic
from kkb_excel.template.generate import plan_units
from kkb_excel.template.opd_layout import SHEET_OPD
from kkb_excel.template.opd_workbook import generate_opd
from kkb_excel.validators.run import validate_submissions
from kkb_excel.wilayah import load_wilayah


def values_in(subs) -> int:
    return sum(1 for s in subs for r in s.records for k, v in r.as_dict().items() if v is not None and k != "target")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="per-desa files for the comparison")
    parser.add_argument("--profile", action="store_true", help="print where reading the OPD workbook spends its time")
    args = parser.parse_args()
    profile = args.profile
    catalogue, index, opd_map = load_catalogue(), load_wilayah(), load_opd_map()
    opd = max(opd_map.names(catalogue), key=lambda o: len(opd_map.indicators(o, catalogue)))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        unit = plan_units(["33"], None, 2024, index)
        start = time.perf_counter()
        [path] = generate_opd(unit, [opd], 2024, out / "opd", opd_map)
        generated = time.perf_counter() - start
        size = path.stat().st_size / 1e6
        wb = load_workbook(path)
        ws, meta = wb[SHEET_OPD], wb["_kkb"]
        columns = [(r[3], r[5]) for r in meta.iter_rows(min_row=2, values_only=True) if r[3] and r[5] != "keterangan"]
        rows = [int(r[7]) for r in meta.iter_rows(min_row=2, values_only=True) if len(r) > 8 and r[7]]
        rng = random.Random(1)
        for row in rows:
            for letter, key in columns:
                ws[f"{letter}{row}"] = (rng.choice(["ya", "tidak"]) if key.startswith("status")
                                        else rng.randint(0, 50) + 50 * key.startswith("penyebut"))  # fmt: skip
        filled = out / "opd-terisi.xlsx"
        wb.save(filled)
        if profile:
            import cProfile
            import pstats

            cProfile.runctx("read_all(discover([str(filled)]))", globals(), {"filled": filled}, str(out / "prof"))
            pstats.Stats(str(out / "prof")).sort_stats("tottime").print_stats(8)
        start = time.perf_counter()
        subs = read_all(discover([str(filled)]))
        read_opd = time.perf_counter() - start
        opd_values = values_in(subs)
        start = time.perf_counter()
        report = validate_submissions(subs, catalogue, index)
        validated = time.perf_counter() - start
        units = plan_units(["33.74"], "desa", 2024, index) * (args.n // 177 + 1)
        units = [u.__class__(u.kode, u.tingkat, u.identity, f"{i}-{u.filename}") for i, u in enumerate(units[: args.n])]
        (out / "desa").mkdir()
        write_synthetic(units, 2024, out / "desa", defect_rate=0.0, catalogue=catalogue)
        start = time.perf_counter()
        desa_subs = read_all(discover([str(out / "desa")]))
        read_desa = time.perf_counter() - start
        desa_values = values_in(desa_subs)
    print(f"OPD '{opd}': {len(opd_map.indicators(opd, catalogue))} indikator, {len(columns)} kolom isian, {len(rows)} desa/kelurahan")
    print(f"generate: {generated:.2f} s for one workbook ({size:.1f} MB)")
    print(f"read OPD workbook: {read_opd:.2f} s, {len(subs)} submissions, {opd_values} values -> {opd_values / read_opd:,.0f} values/s")
    print(f"validate the {len(report.files)} row submissions (pandera, all rows at once): {validated:.2f} s")
    print(f"read per-desa files: {read_desa:.2f} s for {len(desa_subs)} files, "
          f"{desa_values} values -> {desa_values / read_desa:,.0f} values/s")  # fmt: skip
    print(f"peak memory: {peak_memory_mb()}")


if __name__ == "__main__":
    main()
