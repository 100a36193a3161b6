"""Assemble a self-contained main.py for xlwings Lite (Pyodide: pure Python, no kkb-excel install).

main.py embeds the very source files the installed package uses (capaian, catalogue, numbers,
udfs.core) plus the catalogue data, registers them as modules, then holds the source of
udfs/functions.py at top level, so Lite sees the same KKB_* functions as classic xlwings.
"""

from __future__ import annotations

from importlib import resources

from kkb_excel import __version__
from kkb_excel.catalogue import CATALOGUE_FILE
from kkb_excel.resources import read_data

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

RESOURCES_SHIM = '''"""Packaged data embedded in this main.py."""
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


def _source(relative: str) -> str:
    if relative.startswith("udfs/"):
        return resources.files("kkb_excel.udfs").joinpath(relative.removeprefix("udfs/")).read_text(encoding="utf-8")
    return resources.files("kkb_excel").joinpath(relative).read_text(encoding="utf-8")


def lite_main() -> str:
    """The text of main.py for xlwings Lite."""
    modules = []
    for name, relative in MODULES:
        if name == "kkb_excel.resources":
            source = RESOURCES_SHIM
        elif relative is None:
            source = f'"""{name} (embedded package)."""\n'
        else:
            source = _source(relative)
        modules.append((name, source))
    data = {CATALOGUE_FILE: read_data(CATALOGUE_FILE).decode("utf-8")}
    parts = [
        f'"""kkb-excel {__version__}: fungsi KKB_* untuk xlwings Lite (Excel web/Mac/Windows).\n\n'
        "Berkas ini dibuat oleh `kkb-excel addin --lite`; jangan disunting. Tempel seluruh isinya ke\n"
        'main.py di editor xlwings Lite. Katalog indikator Lampiran 4 tertanam di dalamnya.\n"""\n',
        f"_KKB_DATA = {data!r}\n",
        f"_KKB_PACKAGES = {sorted(PACKAGES)!r}\n",
        f"_KKB_MODULES = {modules!r}\n",
        BOOTSTRAP,
        "\n# ---- udfs/functions.py ----\n",
        _source("udfs/functions.py"),
    ]
    return "".join(parts)
