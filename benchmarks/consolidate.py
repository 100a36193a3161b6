"""Benchmark: `kkb-excel consolidate` end to end for one province (files/s, peak memory) vs the naive way.

Builds N synthetic desa submissions for Jawa Tengah (33): every desa once, then newer resubmissions
until N files (so deduplication works for real), ~5 % with seeded defects. Measures in the same run:
  - kkb-excel: `python -m kkb_excel consolidate DIR --tingkat provinsi --wilayah 33 --jobs J`;
  - naive: pandas.read_excel per file + one pandera validate() per file + pandas groupby (on a sample).

    python benchmarks/consolidate.py                 # 2,000 and 20,000 files
    python benchmarks/consolidate.py --n 2000
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from common import peak_memory_mb

from kkb_excel.catalogue import load_catalogue
from kkb_excel.files import write_atomic
from kkb_excel.synthetic import DEFECT_KINDS, plant_defect, plausible_values
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import identity_cell

NAIVE_SAMPLE = 150
ALL_DESA = 83_762
SCHEMA = pa.DataFrameSchema(
    {c: pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True) for c in ("Pembilang Sem I", "Penyebut Sem I")},
    checks=[pa.Check(lambda d: ~(d["Pembilang Sem I"] > d["Penyebut Sem I"]))],
)


def build(n: int, out: Path) -> None:
    catalogue = load_catalogue()
    units = plan_units(["33"], "desa", 2024)
    targets = catalogue.targets("desa")
    blueprint = Blueprint.build("desa", 2024, targets, catalogue)
    rng = random.Random(5)
    for i in range(n):
        unit = units[i % len(units)]
        copy = i // len(units)
        cells = plausible_values(catalogue, "desa", rng, targets)
        cells[identity_cell("opd")] = "Pemerintah Desa"
        cells[identity_cell("tanggal")] = date(2024, 7, 1) + timedelta(days=30 * copy)
        if rng.random() < 0.05:
            plant_defect(rng.choice(DEFECT_KINDS), catalogue, "desa", rng, cells)
        name = unit.filename.replace(".xlsx", f"_{copy}.xlsx")
        write_atomic(out / name, blueprint.render(unit.identity, targets, cells))


def naive(paths: list[Path]) -> float:
    start = time.perf_counter()
    frames = []
    for path in paths:
        frame = pd.read_excel(path, sheet_name="Daftar Tilik", header=14, engine="openpyxl")
        meta = pd.read_excel(path, sheet_name="_kkb", engine="openpyxl")
        frame["kode_wilayah"] = meta.loc[meta["kunci"] == "kode_wilayah", "nilai"].iloc[0]
        try:
            SCHEMA.validate(frame, lazy=True)
        except (pa.errors.SchemaErrors, pa.errors.SchemaError):
            continue
        frames.append(frame)
    data = pd.concat(frames)
    data["kecamatan"] = data["kode_wilayah"].str.rsplit(".", n=1).str[0]
    data.groupby(["kecamatan", "Kode"])[["Pembilang Sem I", "Penyebut Sem I"]].sum()
    return len(paths) / (time.perf_counter() - start)


def run(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="kkb-bench-consolidate-"))
    try:
        start = time.perf_counter()
        build(n, work / "kiriman")
        print(f"{n} kiriman sintetis Jawa Tengah dibuat dalam {time.perf_counter() - start:.1f} s")
        rates = {}
        for jobs in (1, 2):
            command = [sys.executable, "-m", "kkb_excel", "consolidate", str(work / "kiriman"), "-o", str(work / f"rekap-{jobs}.xlsx"),
                       "--tingkat", "provinsi", "--wilayah", "33", "--tahun", "2024", "--jobs", str(jobs)]  # fmt: skip
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            rates[jobs] = n / (time.perf_counter() - start)
            summary = done.stdout.strip().splitlines()[0] if done.stdout.strip() else done.stderr[-300:]
            print(f"  kkb-excel consolidate --jobs {jobs}: {rates[jobs]:8.1f} berkas/s end-to-end ({summary})")
        naive_rate = naive(sorted((work / "kiriman").iterdir())[:NAIVE_SAMPLE])
        print(f"  cara naif (read_excel + pandera per berkas + groupby, {NAIVE_SAMPLE} berkas): {naive_rate:8.1f} berkas/s")
        print(f"  --jobs 2 = {rates[2] / naive_rate:.1f} x cara naif; perkiraan {ALL_DESA:,} desa/kel nasional: "
              f"{ALL_DESA / rates[2] / 60:.1f} menit")  # fmt: skip
        print(f"  memori puncak: {peak_memory_mb()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="jumlah berkas (boleh diulang)")
    for n in parser.parse_args().n or [2000, 20_000]:
        run(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
