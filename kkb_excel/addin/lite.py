"""The xlwings Lite bundle: one self-contained module, kkb_fungsi.py, added beside the analyst's main.py.

Lite runs Python in the browser (Pyodide) without kkb-excel installed, so kkb_fungsi.py embeds the
very source files the installed package uses (capaian, catalogue, numbers, tingkat, udfs.core) plus
the catalogue data, registers them as modules, then holds the source of udfs/functions.py: Lite sees
the same KKB_* functions as classic xlwings. It is uploaded as an xlwings Lite personal module
(Menu > Files > Import/Export, folder `personal/`), so the analyst's own main.py stays untouched.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from kkb_excel import __version__
from kkb_excel.catalogue import CATALOGUE_FILE, read_rows
from kkb_excel.files import write_atomic

MODULE_NAME = "kkb_fungsi"
PERSONAL_DIR = "personal"  # the folder xlwings Lite loads personal modules from
# Catalogue columns that are internal review notes (partly English), not what analysts need.
REVIEW_COLUMNS = ("keputusan", "keraguan", "aturan_agregasi_sumber", "sumber")

# Embedded modules in dependency order; a None source means "use the shim below".
MODULES = (
    ("kkb_excel", "__init__.py"),
    ("kkb_excel.errors", "errors.py"),
    ("kkb_excel.resources", None),
    ("kkb_excel.tingkat", "tingkat.py"),
    ("kkb_excel.numbers", "numbers.py"),
    ("kkb_excel.capaian", "capaian.py"),
    ("kkb_excel.catalogue", "catalogue.py"),
    ("kkb_excel.udfs", None),
    ("kkb_excel.udfs.core", "udfs/core.py"),
)
PACKAGES = {"kkb_excel", "kkb_excel.udfs"}

RESOURCES_SHIM = '''"""Packaged data embedded in kkb_fungsi.py."""
def read_data(*parts):
    return _KKB_DATA["/".join(parts)].encode("utf-8")
'''

BOOTSTRAP = '''
def _kkb_install():
    import sys
    import types

    for name, source in _KKB_MODULES:
        module = types.ModuleType(name)
        module.__file__ = "<kkb-excel " + name + ">"
        if name in _KKB_PACKAGES:
            module.__path__ = []
        if name == "kkb_excel.resources":
            module._KKB_DATA = _KKB_DATA
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)
        exec(compile(source, module.__file__, "exec"), module.__dict__)


_kkb_install()
'''

HEADER = '''"""kkb-excel {version}: fungsi lembar kerja KKB_* untuk xlwings Lite. Dibuat oleh `kkb-excel addin --lite`; jangan disunting.

Cara memasang (Excel Microsoft 365 atau Office 2021+ di Windows, macOS 13+, atau Excel untuk web):
1. Excel > Beranda > Add-in > cari "xlwings" > Tambahkan (xlwings Lite).
2. Di xlwings Lite: Menu > Files > Import/Export, seret folder "personal" yang berisi berkas ini.
3. Menu > Restart. Fungsi KKB_* tersedia di setiap workbook; main.py Anda tidak diubah.
   Untuk memakainya di kode main.py Anda sendiri: {import_line}
Katalog indikator Lampiran 4 (teks Indonesia, target 2022) tertanam di dalam berkas ini.
"""
'''
# Import the module, not its functions: a KKB_* function bound in main.py would be registered a second time.
IMPORT_LINE = f"import {MODULE_NAME}  # lalu {MODULE_NAME}.KKB_CAPAIAN(60, 80)"


def _source(relative: str) -> str:
    if relative.startswith("udfs/"):
        return resources.files("kkb_excel.udfs").joinpath(relative.removeprefix("udfs/")).read_text(encoding="utf-8")
    return resources.files("kkb_excel").joinpath(relative).read_text(encoding="utf-8")


def analyst_catalogue() -> str:
    """The catalogue CSV with the review-note columns emptied (kept as headers: the parser reads them)."""
    rows = read_rows()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, **dict.fromkeys(REVIEW_COLUMNS, "")} for row in rows)
    return out.getvalue()


def lite_module() -> str:
    """The text of kkb_fungsi.py."""
    modules = []
    for name, relative in MODULES:
        if name == "kkb_excel.resources":
            source = RESOURCES_SHIM
        elif relative is None:
            source = f'"""{name} (embedded package)."""\n'
        else:
            source = _source(relative)
        modules.append((name, source))
    functions = _source("udfs/functions.py")
    names = sorted({line.split("(")[0].removeprefix("def ") for line in functions.splitlines() if line.startswith("def KKB_")})
    parts = [
        HEADER.format(version=__version__, import_line=IMPORT_LINE),
        f"__all__ = {names!r}\n",
        f"_KKB_DATA = {({CATALOGUE_FILE: analyst_catalogue()})!r}\n",
        f"_KKB_PACKAGES = {sorted(PACKAGES)!r}\n",
        f"_KKB_MODULES = {modules!r}\n",
        BOOTSTRAP,
        "\n# ---- udfs/functions.py ----\n",
        functions,
    ]
    return "".join(parts)


def write_lite(out_dir: Path) -> Path:
    """personal/kkb_fungsi.py under out_dir, ready to drag into xlwings Lite's Import/Export."""
    path = out_dir / PERSONAL_DIR / f"{MODULE_NAME}.py"
    write_atomic(path, lite_module().encode("utf-8"))
    return path
