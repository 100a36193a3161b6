"""Output file names: the extension must say what the file holds."""

from __future__ import annotations

from pathlib import Path

from kkb_excel.errors import KkbError

KIND = {".xlsx": "workbook Excel", ".csv": "CSV", ".parquet": "Parquet", ".pdf": "PDF", ".json": "JSON"}


def output_path(path: Path, extension: str, option: str) -> Path:
    """`path` with `extension` added when it has none; a different extension is refused."""
    if path.suffix == "":
        return path.with_name(path.name + extension)
    if path.suffix.lower() != extension:
        raise KkbError(f"{option} {path}: berkas ini akan berisi {KIND[extension]}, jadi namanya harus berakhiran "
                       f"{extension} (bukan {path.suffix}).")  # fmt: skip
    return path
