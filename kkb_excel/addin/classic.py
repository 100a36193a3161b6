"""The classic xlwings macro workbook (Windows/Mac desktop Excel) that loads kkb_excel.udfs.

`kkb-excel addin` starts from xlwings' own quickstart workbook (it carries the reference to the
xlwings add-in and the sample macro `SampleCall`, which runs `<name>.main()`), activates its
xlwings.conf sheet with this interpreter and UDF Modules = kkb_excel.udfs, puts the instructions
in Bahasa Indonesia, and writes `<name>.py` whose main() fills a sheet of worked examples.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Font

from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic

UDF_MODULE = "kkb_excel.udfs"
CONF_SHEET = "xlwings.conf"
GUIDE_SHEET = "Petunjuk"
EXAMPLE_SHEET = "Contoh"

# (formula as Excel's English-syntax Range.Formula takes it, what it shows)
EXAMPLES = (
    ('=KKB_CAPAIAN(60,80)', "% capaian polaritas naik: 60/80 x 100 = 75"),
    ('=KKB_CAPAIAN(9,8,"turun")', "polaritas turun: (2 x 8 - 9)/8 x 100 = 87,5"),
    ('=KKB_CAPAIAN_INDIKATOR("s3.pa.k6.b",9)', "polaritas dan target 2022 diambil dari katalog (huruf kecil boleh)"),
    ('=KKB_KATEGORI(87.5)', "kategori Permendagri 86/2017: Tinggi"),
    ('=KKB_RASIO({9;500},{10;1000})', "jumlah pembilang / jumlah penyebut x 100 = 50,4 (bukan rata-rata 70)"),
    ('=KKB_TARGET("S2.Pa.K3.b","33.74")', "target 2022 katalog untuk Kota Semarang"),
    ('=KKB_TARGET("S2.Pa.K3.b","33.74",2024)', "kosong: katalog tidak memuat target 2024"),
    ('=KKB_PESAN("KKB_TARGET","S2.Pa.K3.b","33.74",2024)', "alasan sel kosong di baris sebelumnya"),
    ('=KKB_INDIKATOR("S3.Pa.K6.b")', "teks indikator dari katalog"),
    ('=KKB_PESAN("KKB_CAPAIAN",5,-1)', "penjelasan kesalahan pemakaian: target negatif"),
)  # fmt: skip

CONF_GUIDE = (
    "Petunjuk:",
    ("Lembar ini bernama \"xlwings.conf\" sehingga pengaturannya aktif untuk workbook ini dan mengalahkan "
    "pengaturan add-in xlwings. Pengaturan harus mulai di sel A1."),
    ("Interpreter_Win/Interpreter_Mac atau Conda Path + Conda Env menunjuk ke Python tempat kkb-excel dipasang; "
    "UDF Modules = kkb_excel.udfs."),
    "Baris yang dihapus kembali ke pengaturan add-in xlwings (tab xlwings) atau berkas xlwings.conf di folder ini.",
    ("Untuk workbook lain: salin lembar ini ke workbook .xlsm Anda (beserta referensi xlwings di VBA: Tools > "
    "References > xlwings), atau isi UDF Modules di tab xlwings untuk semua workbook."),
)

MODULE = '''"""Workbook {name}.xlsm: the KKB_* functions come from the installed package kkb_excel.udfs.

The macro SampleCall (button or Alt+F8) runs main(): it writes worked examples to the sheet "Contoh".
"""

import xlwings as xw

from kkb_excel.addin.classic import write_examples


def main():
    write_examples(xw.Book.caller())
'''


def interpreter_settings(executable: str, prefix: str, platform: str, conda_exe: str | None = None) -> dict[str, str]:
    """xlwings.conf settings that start the Python kkb-excel runs in (venv, system or conda).

    A conda environment is activated through Conda Path + Conda Env (xlwings does that only when the
    interpreter is plain "python"); anything else is named by its full interpreter path.
    """
    if platform == "darwin":
        return {"Interpreter_Mac": executable}
    prefix_path = Path(prefix)
    if not (prefix_path / "conda-meta").is_dir():
        return {"Interpreter_Win": executable}
    if conda_exe:
        root = Path(conda_exe).parent.parent
    elif prefix_path.parent.name == "envs":
        root = prefix_path.parent.parent
    else:
        root = prefix_path
    if prefix_path == root:
        env = "base"
    elif prefix_path.parent == root / "envs":
        env = prefix_path.name
    else:
        env = str(prefix_path)  # an environment outside <root>\\envs: xlwings accepts its full path
    return {"Interpreter_Win": "python", "Conda Path": str(root), "Conda Env": env}


def write_examples(book) -> None:
    """Fill (or create) the sheet "Contoh" with each example formula, its live result and what it shows."""
    names = [s.name for s in book.sheets]
    sheet = book.sheets[EXAMPLE_SHEET] if EXAMPLE_SHEET in names else book.sheets.add(EXAMPLE_SHEET, after=book.sheets[-1])
    sheet["A1"].value = [["Rumus", "Hasil", "Keterangan"]]
    for row, (formula, note) in enumerate(EXAMPLES, start=2):
        sheet[f"A{row}"].value = "'" + formula
        sheet[f"B{row}"].formula = formula
        sheet[f"C{row}"].value = note


def _quickstart(name: str, tmp: str) -> Path:
    command = [sys.executable, "-c", "import sys, xlwings.cli; sys.argv[0] = 'xlwings'; xlwings.cli.main()", "quickstart", name]
    done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, check=False)
    workbook = Path(tmp) / name / f"{name}.xlsm"
    if done.returncode != 0 or not workbook.exists():
        raise KkbError(f"xlwings quickstart gagal: {(done.stderr or done.stdout).strip()[-300:]}")
    return workbook


def _configure(conf, settings: dict[str, str]) -> None:
    rows = {row[0].value: row[1] for row in conf.iter_rows(min_col=1, max_col=2) if row[0].value}
    for key, value in settings.items():
        if key not in rows:
            raise KkbError(f"lembar {CONF_SHEET} dari xlwings tidak memuat pengaturan '{key}'")
        rows[key].value = value
    start = next(r for r in range(1, conf.max_row + 2) if conf.cell(r, 1).value == "Instructions:")
    for r in range(start, conf.max_row + 1):
        conf.cell(r, 1).value = None
    for offset, text in enumerate(CONF_GUIDE):
        conf.cell(start + offset, 1).value = text


def _guide(ws, name: str) -> None:
    ws.title = GUIDE_SHEET
    lines = [
        "Fungsi lembar kerja KKB_* (kkb-excel)",
        "",
        "1. Tutup Excel, lalu di Command Prompt: xlwings addin install",
        ("2. Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings: centang "
        "\"Trust access to the VBA project object model\" (wajib untuk Import Functions)."),
        (f"3. Bila {name}.xlsm datang lewat e-mail atau folder bersama: klik kanan berkas > Properties > centang "
        "Unblock > OK, lalu buka lagi dan klik Enable Content."),
        "4. Tab xlwings > Import Functions. Fungsi KKB_* muncul di Insert Function, kategori KKB.",
        "5. Alt+F8 > SampleCall > Run: lembar \"Contoh\" diisi contoh rumus dan hasilnya.",
        "6. Excel berbahasa Indonesia memakai titik koma: =KKB_CAPAIAN(B2;C2;\"turun\").",
        ("7. Di xlwings klasik kesalahan pemakaian tampil sebagai teks pesan, bukan nilai galat: periksa dengan "
        "=ISNUMBER(sel) / =ISANGKA(sel). Alasan sel kosong: =KKB_PESAN(\"KKB_TARGET\";A2;B2;2024)."),
        "",
        "Contoh rumus:",
    ]
    lines += [f"{formula}    {note}" for formula, note in EXAMPLES]
    for row, text in enumerate(lines, start=1):
        ws.cell(row, 1).value = text
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


def write_classic(out_dir: Path, name: str = "kkb_analis") -> list[Path]:
    """The macro workbook <name>.xlsm (configured for this interpreter) and its module <name>.py."""
    if not name.isidentifier():
        raise KkbError(f"Nama '{name}' tidak sah: pakai huruf, angka dan garis bawah (contoh: kkb_analis).")
    with tempfile.TemporaryDirectory() as tmp:
        wb = load_workbook(_quickstart(name, tmp), keep_vba=True)
    conf = wb["_xlwings.conf"]
    conf.title = CONF_SHEET  # activates the settings
    settings = interpreter_settings(sys.executable, sys.prefix, sys.platform, os.environ.get("CONDA_EXE"))
    _configure(conf, {**settings, "UDF Modules": UDF_MODULE})
    _guide(wb.worksheets[0], name)
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.vba_archive.close()  # openpyxl keeps the macros in an open zip (keep_vba); closed here, not by a late collection
    paths = [out_dir / f"{name}.xlsm", out_dir / f"{name}.py"]
    write_atomic(paths[0], buffer.getvalue())
    write_atomic(paths[1], MODULE.format(name=name).encode("utf-8"))
    return paths
