"""Benchmark: `kkb-excel validate` end to end (files/s, peak memory) against the naive way.

Builds N synthetic desa submissions from the real template (plausible values, ~5 % with seeded
defects), then measures in the same run:
  - kkb-excel: the real command (`python -m kkb_excel validate DIR --jobs J --json ...`), end to end
    including start-up: read (calamine + XML scan) -> one pandera call per schema for all files;
  - naive: pandas.read_excel per file + one pandera validate() per file (on a sample);
  - competent: one process, python-calamine per file, ONE pandera validate() over all rows (a sample).

    python benchmarks/validate.py            # 10,000 submissions
    python benchmarks/validate.py --n 2000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from common import calamine_frame, peak_memory_mb, reader_floor

from kkb_excel.read.discover import discover
from kkb_excel.synthetic import write_synthetic
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import HEADER_ROW, SHEET_MAIN
from kkb_excel.wilayah import load_wilayah

NAIVE_SAMPLE = 150
NAIVE_SCHEMA = pa.DataFrameSchema(
    {
        "Capaian Semester I": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "Capaian Semester II": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "Pembilang Sem I": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "Penyebut Sem I": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
    },
    checks=[pa.Check(lambda d: ~(d["Pembilang Sem I"] > d["Penyebut Sem I"]))],
)


def naive(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        frame = pd.read_excel(path, sheet_name=SHEET_MAIN, header=HEADER_ROW - 1, engine="openpyxl")
        frame.columns = [str(c).removesuffix(" (data dukung)") for c in frame.columns]
        try:
            NAIVE_SCHEMA.validate(frame, lazy=True)
        except (pa.errors.SchemaErrors, pa.errors.SchemaError):
            pass
    return len(paths) / (time.perf_counter() - start)


def competent(paths: list[Path]) -> float:
    """What an analyst writes in an afternoon: every form read with python-calamine, one pandera check."""
    start = time.perf_counter()
    data = calamine_frame(paths)
    for column in NAIVE_SCHEMA.columns:
        data[column] = pd.to_numeric(data[column], errors="coerce")
    try:
        NAIVE_SCHEMA.validate(data, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError):
        pass
    return len(paths) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    desa = [w.kode for w in load_wilayah().level("desa")]
    units = plan_units(random.Random(11).sample(desa, args.n), None, 2024)
    work = Path(tempfile.mkdtemp(prefix="kkb-bench-validate-"))
    try:
        start = time.perf_counter()
        planted = write_synthetic(units, 2024, work, seed=3, defect_rate=0.05)
        print(f"{args.n} kiriman sintetis dibuat dalam {time.perf_counter() - start:.1f} s "
              f"({sum(1 for p in planted.values() if p)} dengan cacat)")  # fmt: skip
        files = discover([str(work)])
        rates = {}
        for jobs in (1, 2):
            report_path = work.with_name(work.name + f"-{jobs}.json")
            command = [sys.executable, "-m", "kkb_excel", "validate", str(work), "--jobs", str(jobs), "--json", str(report_path)]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            rates[jobs] = len(files) / (time.perf_counter() - start)
            summary = json.loads(report_path.read_text(encoding="utf-8"))["ringkasan"]
            report_path.unlink()
            print(f"kkb-excel validate --jobs {jobs}: {rates[jobs]:8.1f} berkas/s end-to-end "
                  f"(status keluar {done.returncode}; {summary['ditolak']} ditolak, {summary['galat']} galat)")  # fmt: skip
        naive_rate = naive([f.path for f in files[:NAIVE_SAMPLE]])
        print(f"cara naif (read_excel + pandera per berkas, {NAIVE_SAMPLE} berkas): {naive_rate:8.1f} berkas/s")
        sample = [f.path for f in files[: NAIVE_SAMPLE * 10]]
        competent_rate = competent(sample)
        print(f"cara kompeten (1 proses, python-calamine + 1 pandera, {len(sample)} berkas): {competent_rate:8.1f} berkas/s")
        print(f"--jobs 2 = {rates[2] / naive_rate:.1f} x cara naif, {rates[2] / competent_rate:.1f} x cara kompeten")
        print(reader_floor(sample))
        print(f"memori puncak (pengukuran ini dan proses anak): {peak_memory_mb()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
