"""Shared by the benchmark scripts (run them as `python benchmarks/NAME.py`)."""

from __future__ import annotations

from pathlib import Path


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
