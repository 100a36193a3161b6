"""Benchmark: bulk daftar tilik generation (workbooks/s and peak memory) against the naive way.

The naive way builds every workbook from scratch with openpyxl and saves it. The competent way builds
one blank workbook, then per unit opens that template with openpyxl, fills the identity block and
saves it (what an analyst writes in an afternoon). kkb-excel builds one blueprint per tingkat and
clones it per unit at the XML level. All run here, in the same process and run.

    python benchmarks/generate.py            # 177 desa of 33.74, a 2,000-desa sample
    python benchmarks/generate.py --full     # also all 8,563 desa/kelurahan of Jawa Tengah
    python benchmarks/generate.py --full --folder /dev/shm   # written to RAM: the CPU's rate, not the disk's
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import peak_memory_mb
from openpyxl import load_workbook

from kkb_excel.catalogue import load_catalogue
from kkb_excel.template.generate import generate, plan_units
from kkb_excel.template.layout import IDENTITY, TemplateSpec
from kkb_excel.template.workbook import build_workbook
from kkb_excel.wilayah import load_wilayah

TAHUN = 2024
NAIVE_SAMPLE = 40


def naive_rate(units, out: Path) -> float:
    catalogue = load_catalogue()
    sample = units[:NAIVE_SAMPLE]
    start = time.perf_counter()
    for unit in sample:
        spec = TemplateSpec(unit.tingkat, TAHUN, unit.identity, catalogue.targets(unit.tingkat))
        buffer = io.BytesIO()
        build_workbook(spec, catalogue).save(buffer)
        (out / unit.filename).write_bytes(buffer.getvalue())
    return len(sample) / (time.perf_counter() - start)


def competent_rate(units, out: Path) -> float:
    """One template built once; per unit: open it with openpyxl, write the identity values, save."""
    catalogue = load_catalogue()
    sample = units[:NAIVE_SAMPLE]
    start = time.perf_counter()
    blank = io.BytesIO()
    build_workbook(TemplateSpec("desa", TAHUN, sample[0].identity, catalogue.targets("desa")), catalogue).save(blank)
    for unit in sample:
        wb = load_workbook(io.BytesIO(blank.getvalue()))
        ws = wb.worksheets[0]
        for field in IDENTITY:
            if not field.is_input:
                ws[field.cell] = unit.identity[field.key]
        buffer = io.BytesIO()
        wb.save(buffer)
        (out / unit.filename).write_bytes(buffer.getvalue())
    return len(sample) / (time.perf_counter() - start)


def fast_rate(units, out: Path, jobs: int) -> float:
    start = time.perf_counter()
    written = generate(units, TAHUN, out, jobs=jobs)
    elapsed = time.perf_counter() - start
    assert len(written) == len(units) and all(p.exists() for p in written[:: max(1, len(written) // 20)])
    return len(units) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="juga seluruh desa/kelurahan Jawa Tengah (33)")
    parser.add_argument("--folder", type=Path, help="folder induk berkas keluaran (bawaan: folder sementara sistem)")
    args = parser.parse_args()
    index = load_wilayah()
    desa = [w.kode for w in index.level("desa")]
    sets = {
        "Kota Semarang (33.74), 177 desa/kel": plan_units(["33.74"], "desa", TAHUN),
        "sampel 2.000 desa/kel (acak, seed 7)": plan_units(random.Random(7).sample(desa, 2000), None, TAHUN),
    }
    if args.full:
        sets["Jawa Tengah (33), 8.563 desa/kel"] = plan_units(["33"], "desa", TAHUN)
    work = Path(tempfile.mkdtemp(prefix="kkb-bench-", dir=args.folder))
    try:
        first = next(iter(sets.values()))
        (work / "naive").mkdir()
        naive = naive_rate(first, work / "naive")
        print(f"cara naif (openpyxl, bangun per berkas, {NAIVE_SAMPLE} berkas): {naive:8.1f} workbook/s")
        (work / "kompeten").mkdir()
        competent = competent_rate(first, work / "kompeten")
        print(f"cara kompeten (satu templat, buka-isi-simpan openpyxl, {NAIVE_SAMPLE} berkas): {competent:8.1f} workbook/s")
        for label, units in sets.items():
            for jobs in (1, 2):
                out = work / f"{len(units)}-{jobs}"
                rate = fast_rate(units, out, jobs)
                print(f"{label:<40} --jobs {jobs}: {rate:8.1f} workbook/s  ({rate / naive:5.1f} x naif, "
                      f"{rate / competent:5.1f} x kompeten)")
                shutil.rmtree(out)
        print(f"memori puncak: {peak_memory_mb()}")
        print(f"perkiraan 83.762 desa/kel nasional dengan --jobs 2: {83762 / rate:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
