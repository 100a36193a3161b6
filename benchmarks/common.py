"""Shared by the benchmark scripts (run them as `python benchmarks/NAME.py`)."""

from __future__ import annotations

import time
from pathlib import Path

TARGET_FILES_PER_S = 930  # issue 14: 83,762 desa in 90 s


def peak_memory_mb() -> str:
    """Peak resident memory of this process and of its largest finished child, where the OS reports it."""
    try:
        import resource
    except ImportError:  # Windows: no getrusage
        return "n/a"
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{own:.0f} MB (proses ini), {children:.0f} MB (proses anak terbesar)"


def calamine_frame(paths: list[Path]):
    """The first half of the competent one-process script: python-calamine per file, every form's
    indicator rows in one pandas DataFrame with its kode_wilayah (numbers still as read)."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    from kkb_excel.template.layout import HEADER_ROW, SHEET_MAIN

    frames = []
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        meta = dict((str(r[0]), r[1]) for r in book.get_sheet_by_name("_kkb").to_python()[1:] if r and r[0])
        rows = book.get_sheet_by_name(SHEET_MAIN).to_python()
        header = HEADER_ROW - 1
        frame = pd.DataFrame(rows[header + 1 :], columns=[str(c).removesuffix(" (data dukung)") for c in rows[header]])
        frame["kode_wilayah"] = meta.get("kode_wilayah")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def reader_floor(paths: list[Path], jobs: int = 2) -> str:
    """What python-calamine alone costs: open each file and read the two sheets every form needs, nothing else.

    No reader built on it can go faster: with `jobs` busy cores, files/s is at most jobs x files per CPU-second.
    """
    from python_calamine import CalamineWorkbook

    from kkb_excel.template.layout import SHEET_MAIN, SHEET_META

    cpu = time.process_time()
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_name(SHEET_META).to_python(skip_empty_area=False)
        book.get_sheet_by_name(SHEET_MAIN).to_python(skip_empty_area=False)
    per_cpu_second = len(paths) / (time.process_time() - cpu)
    best = per_cpu_second * jobs
    return (f"batas bawah pembaca (python-calamine saja: buka berkas + 2 lembar, {len(paths)} berkas): "
            f"{1000 / per_cpu_second:.2f} ms CPU per berkas = paling cepat {best:.0f} berkas/s dengan {jobs} proses, "
            f"tanpa pemeriksaan apa pun ({best / TARGET_FILES_PER_S:.0%} dari target {TARGET_FILES_PER_S} berkas/s)")
