"""Benchmark: `kkb-excel consolidate` end to end (files/s, peak memory) vs the naive and a competent way.

Builds N synthetic desa submissions: for N up to 8,563 the desa of Jawa Tengah (33), beyond that the
desa of all Indonesia; 97 % of the files go to the desa in turn (past the last desa, newer copies),
3 % are newer resubmissions of desa among them (so deduplication works for real), ~5 % carry
seeded defects. `--n 83762`: 81,250 desa of Indonesia, 2,512 of them resubmitted. Measures in the same run:
  - kkb-excel: `python -m kkb_excel consolidate DIR --tingkat provinsi|nasional --jobs J`;
  - naive: pandas.read_excel (openpyxl) per file + one pandera validate() per file + groupby (a sample);
  - competent: one process, python-calamine per file, ONE pandera validate() over all rows, groupby
    kecamatan: what an analyst writes in an afternoon (a sample);
  - rerun: after changing 1 % of the files (rewritten newer, removed, added), the same command again.

    python benchmarks/consolidate.py                 # 2,000 and 20,000 files
    python benchmarks/consolidate.py --n 2000 --jobs 2   # one size, one job count
    python benchmarks/consolidate.py --n 83762       # every desa/kelurahan of Indonesia
    python benchmarks/consolidate.py --n 20000 --corpus D:/kkb-20k   # keep the files for the next run
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
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from common import calamine_frame, peak_memory_mb, reader_floor

from kkb_excel.catalogue import load_catalogue
from kkb_excel.files import write_atomic
from kkb_excel.parallel import chunked, in_order, iter_chunks
from kkb_excel.synthetic import DEFECT_KINDS, plant_defect, plausible_values
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import HEADER_ROW, SHEET_MAIN, identity_cell
from kkb_excel.wilayah import load_wilayah

NAIVE_SAMPLE = 150
ALL_DESA = 83_762
SCHEMA = pa.DataFrameSchema(
    {c: pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True) for c in ("Pembilang Sem I", "Penyebut Sem I")},
    checks=[pa.Check(lambda d: ~(d["Pembilang Sem I"] > d["Penyebut Sem I"]))],
)


JATENG_DESA = 8_563
RESUBMITTED = 3  # % of the corpus that are newer resubmissions of a desa already in it


def scope(n: int) -> tuple[list[str], str]:
    """Wilayah codes to draw desa from, and the tingkat of the rollup."""
    if n <= JATENG_DESA:
        return ["33"], "provinsi"
    return [w.kode for w in load_wilayah().level("provinsi")], "nasional"


@cache
def _units(n: int) -> list:
    """The desa a corpus of `n` draws from, planned once per worker (all Indonesia: ~6 s)."""
    return plan_units(scope(n)[0], "desa", 2024)


def _build_chunk(job: tuple[str, list[int], int]) -> list[str]:
    """Worker: write the synthetic files numbered `numbers` of a corpus of `n` (deterministic per number).

    Files 0 .. n - n * RESUBMITTED // 100 - 1 go to the scope's desa in turn; the rest of the corpus are
    newer resubmissions of desa drawn among those; numbers from n on (a rerun's new files) are newer
    copies of the desa in turn.
    """
    out, numbers, n = job
    catalogue = load_catalogue()
    units = _units(n)
    targets = catalogue.targets("desa")
    blueprint = Blueprint.build("desa", 2024, targets, catalogue)
    first_copies = n - n * RESUBMITTED // 100
    written = []
    for i in numbers:
        rng = random.Random(i)
        if first_copies <= i < n:
            unit, copy, name = units[rng.randrange(min(first_copies, len(units)))], 1, f"_r{i}.xlsx"
        else:
            unit, copy = units[i % len(units)], i // len(units) + (i >= n)
            name = f"_{copy}.xlsx" if i < n else f"_b{i}.xlsx"
        cells = plausible_values(catalogue, "desa", rng, targets)
        cells[identity_cell("opd")] = "Pemerintah Desa"
        cells[identity_cell("tanggal")] = date(2024, 7, 1) + timedelta(days=30 * copy)
        if rng.random() < 0.05:
            plant_defect(rng.choice(DEFECT_KINDS), catalogue, "desa", rng, cells)
        name = unit.filename.replace(".xlsx", name)
        write_atomic(Path(out) / name, blueprint.render(unit.identity, targets, cells))
        written.append(name)
    return written


def build(n: int, out: Path, jobs: int = 2, first: int = 0, corpus: int | None = None) -> list[str]:
    """Write files numbered first..first+n-1 of a corpus of `corpus` (default n) into `out` (in `jobs` spawn workers)."""
    out.mkdir(parents=True, exist_ok=True)
    numbers = list(range(first, first + n))
    chunks = [(str(out), chunk, corpus or n) for chunk in chunked(numbers, jobs, 500)]
    return in_order(iter_chunks(_build_chunk, chunks, jobs > 1 and n >= 400, jobs))


def naive(paths: list[Path]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    frames = []
    for path in paths:
        frame = pd.read_excel(path, sheet_name=SHEET_MAIN, header=HEADER_ROW - 1, engine="openpyxl")
        frame.columns = [str(c).removesuffix(" (data dukung)") for c in frame.columns]
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
    return len(paths) / (time.perf_counter() - start), len(paths) / (time.process_time() - cpu)


def competent(paths: list[Path]) -> tuple[float, float]:
    """One process: python-calamine per file, one pandera check over all rows, groupby kecamatan."""
    start, cpu = time.perf_counter(), time.process_time()
    data = calamine_frame(paths)
    for column in ("Pembilang Sem I", "Penyebut Sem I"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    try:
        SCHEMA.validate(data, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError):
        pass
    data["kecamatan"] = data["kode_wilayah"].str.rsplit(".", n=1).str[0]
    data.groupby(["kecamatan", "Kode"])[["Pembilang Sem I", "Penyebut Sem I"]].sum()
    return len(paths) / (time.perf_counter() - start), len(paths) / (time.process_time() - cpu)


def children_cpu() -> float:
    """CPU seconds of finished child processes and their own children (the workers); 0 where the OS does not say."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def consolidate_rate(folder: Path, output: Path, tingkat: str, jobs: int, n: int, extra: list[str] = ()) -> tuple[float, float, str, float]:
    """(files/s, seconds, console summary, CPU seconds of the run and its workers)."""
    command = [sys.executable, "-m", "kkb_excel", "consolidate", str(folder), "-o", str(output),
               "--tingkat", tingkat, "--tahun", "2024", "--jobs", str(jobs), *extra]  # fmt: skip
    if tingkat == "provinsi":
        command += ["--wilayah", "33"]
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    summary = " | ".join(done.stdout.strip().splitlines()[:1] + [line for line in done.stdout.splitlines() if "cache" in line.lower()])
    return n / seconds, seconds, summary or done.stderr[-300:], cpu


def change_one_percent(folder: Path, n: int, jobs: int) -> int:
    """1 % of the corpus: a third removed, a third touched (new mtime, same bytes), a third new resubmissions."""
    files = sorted(folder.iterdir())
    picked = random.Random(11).sample(files, max(3, n // 100))
    third = len(picked) // 3
    for path in picked[:third]:
        path.unlink()
    for path in picked[third : 2 * third]:
        path.write_bytes(path.read_bytes())
    build(len(picked) - 2 * third, folder, jobs, first=n, corpus=n)
    return len(picked)


def run(n: int, jobs_list: tuple[int, ...] = (1, 2), rerun: bool = True, corpus: Path | None = None) -> None:
    work = Path(tempfile.mkdtemp(prefix="kkb-bench-consolidate-"))
    kiriman = corpus or work / "kiriman"
    tingkat = scope(n)[1]
    try:
        if kiriman.is_dir() and any(kiriman.iterdir()):  # kept from an earlier run (--corpus), 1 % changed by its rerun
            n = sum(1 for _ in kiriman.iterdir())
            print(f"{n} kiriman sintetis dari {kiriman} (dibuat run sebelumnya)")
        else:
            start = time.perf_counter()
            build(n, kiriman)
            print(f"{n} kiriman sintetis ({'Jawa Tengah' if tingkat == 'provinsi' else 'seluruh Indonesia'}) "
                  f"dibuat dalam {time.perf_counter() - start:.1f} s")  # fmt: skip
        rates, cpus, seconds = {}, {}, {}
        for jobs in jobs_list:
            rates[jobs], seconds[jobs], summary, cpus[jobs] = consolidate_rate(kiriman, work / f"rekap-{jobs}.xlsx", tingkat, jobs, n)
            print(f"  kkb-excel consolidate --jobs {jobs}: {rates[jobs]:8.1f} berkas/s, {seconds[jobs]:.1f} s end-to-end, "
                  f"{cpus[jobs]:.1f} s CPU semua proses ({summary})")  # fmt: skip
        sample = sorted(kiriman.iterdir())[:NAIVE_SAMPLE]
        naive_rate, naive_cpu = naive(sample)
        competent_sample = sorted(kiriman.iterdir())[: NAIVE_SAMPLE * 10]
        competent_rate, competent_cpu = competent(competent_sample)
        best = max(rates)  # the most jobs measured
        print(f"  cara naif (read_excel + pandera per berkas + groupby, {NAIVE_SAMPLE} berkas): {naive_rate:8.1f} berkas/s "
              f"({naive_cpu:.1f} berkas per detik CPU)")  # fmt: skip
        print(f"  cara kompeten (1 proses, python-calamine + 1 pandera + groupby, {len(competent_sample)} berkas): "
              f"{competent_rate:8.1f} berkas/s ({competent_cpu:.1f} berkas per detik CPU)")  # fmt: skip
        print(f"  --jobs {best} = {rates[best] / naive_rate:.1f} x cara naif, {rates[best] / competent_rate:.1f} x cara kompeten; "
              f"perkiraan {ALL_DESA:,} desa/kel nasional: {ALL_DESA / rates[best]:.0f} s")  # fmt: skip
        print(f"  {reader_floor(competent_sample, best)}")
        own_cpu = n / cpus[best] if cpus[best] else float("nan")
        print(f"  per detik CPU (tidak terpengaruh beban mesin lain): kkb-excel {own_cpu:.1f} berkas = "
              f"{own_cpu / naive_cpu:.1f} x cara naif, {own_cpu / competent_cpu:.1f} x cara kompeten")  # fmt: skip
        if rerun:  # the cache of the --jobs run above, then 1 % of the files changed
            changed = change_one_percent(kiriman, n, best)
            _, seconds_rerun, summary, cpu_rerun = consolidate_rate(kiriman, work / f"rekap-{best}.xlsx", tingkat, best, n)
            print(f"  jalankan ulang setelah {changed} berkas berubah/hilang/baru: {seconds_rerun:.1f} s = "
                  f"{seconds_rerun / seconds[best]:.0%} dari run penuh; CPU {cpu_rerun:.1f} s = {cpu_rerun / cpus[best]:.0%} "
                  f"({summary})")  # fmt: skip
        print(f"  memori puncak: {peak_memory_mb()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="jumlah berkas (boleh diulang)")
    parser.add_argument("--jobs", type=int, action="append", help="--jobs kkb-excel yang diukur (boleh diulang; bawaan 1 dan 2)")
    parser.add_argument("--corpus", type=Path, help="folder kiriman yang disimpan untuk run berikutnya (satu --n saja)")
    args = parser.parse_args()
    for n in args.n or [2000, 20_000]:
        run(n, tuple(args.jobs or (1, 2)), corpus=args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
