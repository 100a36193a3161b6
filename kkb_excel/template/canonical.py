"""The canonical blank templates kept in `workbooks/templates/` (one per tingkat)."""

from __future__ import annotations

import io
from pathlib import Path

from kkb_excel.catalogue import load_catalogue
from kkb_excel.files import write_atomic
from kkb_excel.template.layout import IDENTITY_FIELDS, TemplateSpec
from kkb_excel.template.workbook import build_workbook

# Kecamatan is left out: nothing is filled there (see template.generate.split_fillable).
CANONICAL_TINGKAT = ("desa", "kabupaten", "provinsi")
CANONICAL_TAHUN = 2024


def canonical_name(tingkat: str) -> str:
    return f"daftar-tilik_templat_{tingkat}.xlsx"


def canonical_spec(tingkat: str, tahun: int = CANONICAL_TAHUN) -> TemplateSpec:
    """A blank unit: identity fields show what gets filled in when a unit's workbook is generated."""
    identity = {key: f"({key.replace('_', ' ')})" for key in IDENTITY_FIELDS}
    return TemplateSpec(tingkat, tahun, identity, load_catalogue().targets(tingkat))


def write_canonical(out_dir: Path, tahun: int = CANONICAL_TAHUN) -> list[Path]:
    paths = []
    for tingkat in CANONICAL_TINGKAT:
        buffer = io.BytesIO()
        build_workbook(canonical_spec(tingkat, tahun)).save(buffer)
        path = out_dir / canonical_name(tingkat)
        write_atomic(path, buffer.getvalue())
        paths.append(path)
    return paths
