"""Prepare what analysts need to call the KKB_* functions from Excel (classic xlwings or Lite)."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic
from kkb_excel.addin.lite import lite_main

UDF_MODULE = "kkb_excel.udfs"
CONF_SHEET = "xlwings.conf"

NOTE_MODULE = '''"""Workbook {name}: the KKB_* functions come from the installed package kkb_excel.udfs.

The sheet "xlwings.conf" sets UDF Modules = kkb_excel.udfs. Import them in Excel with
xlwings > Import Functions (after `pip install kkb-excel` and `xlwings addin install`).
"""

from kkb_excel.udfs import *  # noqa: F401,F403
'''


def write_classic(out_dir: Path, name: str = "kkb_analis") -> list[Path]:
    """An xlwings quickstart workbook (.xlsm) configured to load kkb_excel.udfs, and its module."""
    if not name.isidentifier():
        raise KkbError(f"Nama '{name}' tidak sah: pakai huruf, angka dan garis bawah (contoh: kkb_analis).")
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-c", "import sys, xlwings.cli; sys.argv[0] = 'xlwings'; xlwings.cli.main()", "quickstart", name]
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
        workbook = Path(tmp) / name / f"{name}.xlsm"
        if done.returncode != 0 or not workbook.exists():
            raise KkbError(f"xlwings quickstart gagal: {(done.stderr or done.stdout).strip()[-300:]}")
        wb = load_workbook(workbook, keep_vba=True)
    conf = wb["_xlwings.conf"]
    conf.title = CONF_SHEET  # activates the settings
    for row in conf.iter_rows(min_col=1, max_col=2):
        key, value = row
        if key.value == "UDF Modules":
            value.value = UDF_MODULE
        elif key.value == "Interpreter_Win" and sys.platform.startswith("win"):
            value.value = sys.executable
    buffer = io.BytesIO()
    wb.save(buffer)
    paths = [out_dir / f"{name}.xlsm", out_dir / f"{name}.py"]
    write_atomic(paths[0], buffer.getvalue())
    write_atomic(paths[1], NOTE_MODULE.format(name=name).encode("utf-8"))
    return paths


def write_lite(out_dir: Path) -> Path:
    """main.py for xlwings Lite, holding the same functions and catalogue."""
    path = out_dir / "main.py"
    write_atomic(path, lite_main().encode("utf-8"))
    return path
