"""What classic xlwings does on Windows with kkb_excel.udfs, simulated with xlwings' own code, and the
files `kkb-excel addin` writes (macro workbook, its module and config; the xlwings Lite bundle)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import sys
import types
from pathlib import Path

import pytest
import xlwings
from click.testing import CliRunner
from openpyxl import load_workbook
from vba import modules

from kkb_excel import udfs
from kkb_excel.addin import classic
from kkb_excel.addin.lite import REVIEW_COLUMNS, lite_module
from kkb_excel.catalogue import read_rows
from kkb_excel.cli import main

UDF_MODULE = "kkb_excel.udfs"
# VBA keywords an argument name must not be (VBA is case-insensitive).
VBA_RESERVED = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "currency", "date", "declare",
    "dim", "do", "double", "each", "else", "elseif", "empty", "end", "enum", "eqv", "erase", "error", "event",
    "exit", "false", "for", "friend", "function", "get", "global", "gosub", "goto", "if", "imp", "implements",
    "in", "integer", "is", "let", "lib", "like", "long", "loop", "lset", "me", "mod", "new", "next", "not",
    "nothing", "null", "object", "on", "optional", "or", "paramarray", "preserve", "private", "property",
    "public", "raiseevent", "redim", "rem", "resume", "return", "rset", "select", "set", "single", "static",
    "step", "stop", "string", "sub", "then", "to", "true", "type", "typeof", "until", "variant", "wend",
    "while", "with", "xor",
}  # fmt: skip


class FakeWorkbook:
    """The COM calls xlwings.udfs.import_udfs makes on the workbook, recorded."""

    Name = "kkb_analis.xlsm"

    def __init__(self):
        self.vba, self.macro_options = "", {}
        self.VBProject = types.SimpleNamespace(VBComponents=self)
        self.Application = types.SimpleNamespace(Version="16.0", MacroOptions=self._options)

    def __call__(self, component):  # VBComponents("xlwings_udfs")
        return component

    def Remove(self, component):
        pass

    def Import(self, path):
        self.vba = Path(path).read_text()

    def _options(self, name, **options):
        self.macro_options[name.split("!")[-1]] = options


@pytest.fixture
def windows(monkeypatch):
    """xlwings.udfs (the Windows-only module behind @xw.func) loaded with stand-ins for pywin32,
    and kkb_excel.udfs.functions re-imported under its decorators, as on Windows."""
    pythoncom, pywintypes = types.ModuleType("pythoncom"), types.ModuleType("pywintypes")
    win32com, client = types.ModuleType("win32com"), types.ModuleType("win32com.client")
    pythoncom.CoInitialize = lambda: None
    pywintypes.com_error = type("com_error", (Exception,), {})
    client.Dispatch = lambda obj: obj
    for module in (pythoncom, pywintypes, win32com, client):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    spec = importlib.util.spec_from_file_location("xlwings.udfs", Path(xlwings.__file__).parent / "udfs.py")
    xlw_udfs = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "xlwings.udfs", xlw_udfs)
    spec.loader.exec_module(xlw_udfs)
    for name, impl in (("func", xlw_udfs.xlfunc), ("arg", xlw_udfs.xlarg), ("ret", xlw_udfs.xlret)):
        monkeypatch.setattr(xlwings, name, impl)
    functions = importlib.reload(importlib.import_module("kkb_excel.udfs.functions"))
    # what get_udf_module caches after importing UDF Modules (its import path needs Excel itself)
    xlw_udfs.udf_modules[UDF_MODULE] = {"module": functions, "filename": functions.__file__, "filetime": None}
    yield xlw_udfs, functions
    monkeypatch.undo()
    importlib.reload(importlib.import_module("kkb_excel.udfs.functions"))


def kkb_functions(module) -> dict:
    return {name: getattr(module, name) for name in dir(module) if name.startswith("KKB_")}


def test_every_function_has_category_kkb_and_indonesian_argument_docs(windows):
    _, functions = windows
    found = kkb_functions(functions)
    assert set(found) == {n for n in dir(udfs) if n.startswith("KKB_")}
    for name, func in found.items():
        info = func.__xlfunc__
        assert info["category"] == "KKB", name
        assert [a["name"] for a in info["args"]] == list(inspect.signature(func).parameters), name
        for arg in info["args"]:
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert len(arg["doc"]) <= 255 and arg["options"].get("err_to_str") is True, (name, arg["name"])
        assert info["ret"]["doc"] == func.__doc__ and len(func.__doc__) <= 255, name


def test_import_functions_as_xlwings_runs_it(windows):
    """xlwings' own import_udfs: the VBA module it writes and the MacroOptions it sets per function."""
    xlw_udfs, functions = windows
    workbook = FakeWorkbook()
    xlw_udfs.import_udfs(UDF_MODULE, workbook)
    headers = dict(re.findall(r"^Function (KKB_\w+)\((.*)\)$", workbook.vba, flags=re.MULTILINE))
    for name, func in kkb_functions(functions).items():
        params = inspect.signature(func).parameters.values()
        expected = ", ".join(
            ("ParamArray " + p.name + "()") if p.kind is p.VAR_POSITIONAL else ("Optional " if p.default is not p.empty else "") + p.name
            for p in params
        )
        assert headers[name] == expected
        assert f'XLPy.CallUDF("{UDF_MODULE}", "{name}", ' in workbook.vba
        assert all(p.name.lower() not in VBA_RESERVED and p.name.upper() not in headers for p in params), name
        options = workbook.macro_options[name]
        assert options["Category"] == "KKB" and options["Description"] == func.__doc__
        assert options["ArgumentDescriptions"] == [a["doc"] for a in func.__xlfunc__["args"]]
    assert set(headers) == set(workbook.macro_options) == set(kkb_functions(functions))


def test_range_arguments_arrive_two_dimensional(windows):
    _, functions = windows
    for name, args in {"KKB_RASIO": ("pembilang", "penyebut"), "KKB_CAPAIAN_RENTANG": ("capaian", "target", "polaritas"),
                       "KKB_KATEGORI_RENTANG": ("persen",)}.items():  # fmt: skip
        argmap = getattr(functions, name).__xlfunc__["argmap"]
        assert all(argmap[a]["options"].get("ndim") == 2 for a in args), name


@pytest.fixture(scope="module")
def classic_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin")
    result = CliRunner().invoke(main, ["addin", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def settings_of(xlsm: Path) -> dict:
    conf = load_workbook(xlsm)[classic.CONF_SHEET]
    return {r[0].value: r[1].value for r in conf.iter_rows(max_col=2) if r[0].value}


def test_config_names_this_interpreter_and_the_udf_module(classic_files):
    settings = settings_of(classic_files / "kkb_analis.xlsm")
    key = "Interpreter_Mac" if sys.platform == "darwin" else "Interpreter_Win"
    assert settings[key] == sys.executable != "python"
    assert settings["UDF Modules"] == UDF_MODULE


def test_workbook_texts_are_indonesian(classic_files):
    wb = load_workbook(classic_files / "kkb_analis.xlsm")
    assert wb.sheetnames[0] == classic.GUIDE_SHEET
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if re.search(r"\b(If you|Rename this|these settings|delete)\b", t)]
    guide = " ".join(str(c.value) for row in wb[classic.GUIDE_SHEET].iter_rows() for c in row if c.value)
    for step in ("xlwings addin install", "Trust access to the VBA project object model", "Unblock", "Import Functions"):
        assert step in guide


def test_sample_macro_calls_a_function_that_exists(classic_files, monkeypatch):
    """SampleCall runs `<workbook name>.main()`: that module is written, has main(), and main() fills Contoh."""
    source = modules(classic_files / "kkb_analis.xlsm")["Module1"]
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in source
    monkeypatch.syspath_prepend(str(classic_files))
    module = importlib.import_module("kkb_analis")
    book = FakeBook()
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: book))
    module.main()
    formulas = [book.sheets["Contoh"][f"B{r}"].formula for r in range(2, 2 + len(classic.EXAMPLES))]
    assert formulas == [f for f, _ in classic.EXAMPLES]


class FakeSheet(dict):
    """A sheet of xlwings-like cells (value, formula) created on first use."""

    def __init__(self, name):
        super().__init__()
        self.name = name

    def __getitem__(self, address):
        return self.setdefault(address, types.SimpleNamespace(value=None, formula=None))


class FakeSheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else super().__getitem__(key)

    def add(self, name, after=None):
        self.append(FakeSheet(name))
        return self[-1]


class FakeBook:
    def __init__(self):
        self.sheets = FakeSheets([FakeSheet("Petunjuk")])


def call(formula: str):
    """Evaluate an example formula with literal arguments through the Python functions."""
    name, args = re.fullmatch(r"=(KKB_\w+)\((.*)\)", formula).groups()
    args = re.sub(r"\{([^}]*)\}", lambda m: "[" + ",".join(f"[{v}]" for v in m.group(1).split(";")) + "]", args)
    values = ast.literal_eval(f"({args},)")
    return name, values, getattr(udfs, name)(*values)


def test_examples_give_what_they_say(catalogue):
    results = {f: call(f) for f, _ in classic.EXAMPLES}
    for formula, (name, values, result) in results.items():
        if name != "KKB_PESAN":
            explanation = udfs.KKB_PESAN(name, *values)
            assert (result == "") == bool(explanation), formula  # empty only with a reason
    assert results['=KKB_CAPAIAN(60,80)'][2] == 75.0
    assert results['=KKB_RASIO({9;500},{10;1000})'][2] == 50.4
    assert results['=KKB_TARGET("S2.Pa.K3.b","33.74",2024)'][2] == ""
    assert "2024" in results['=KKB_PESAN("KKB_TARGET","S2.Pa.K3.b","33.74",2024)'][2]


@pytest.mark.parametrize("layout,expected", [
    ("venv", {"Interpreter_Win": "{exe}"}),
    ("conda-base", {"Interpreter_Win": "python", "Conda Path": "{root}", "Conda Env": "base"}),
    ("conda-env", {"Interpreter_Win": "python", "Conda Path": "{root}", "Conda Env": "kkb"}),
])  # fmt: skip
def test_interpreter_settings_for_venv_and_conda(tmp_path, layout, expected):
    root = tmp_path / "miniconda3"
    prefix = {"venv": tmp_path / "venv", "conda-base": root, "conda-env": root / "envs" / "kkb"}[layout]
    if layout != "venv":
        (prefix / "conda-meta").mkdir(parents=True)
    exe = str(prefix / "python.exe")
    got = classic.interpreter_settings(exe, str(prefix), "win32")
    assert got == {k: v.format(exe=exe, root=root) for k, v in expected.items()}
    assert classic.interpreter_settings(exe, str(prefix), "darwin") == {"Interpreter_Mac": exe}


def test_conda_env_outside_the_root_is_named_by_its_path(tmp_path):
    prefix = tmp_path / "proyek" / "env"
    (prefix / "conda-meta").mkdir(parents=True)
    conda_exe = tmp_path / "miniconda3" / "Scripts" / "conda.exe"
    got = classic.interpreter_settings("x", str(prefix), "win32", str(conda_exe))
    assert got == {"Interpreter_Win": "python", "Conda Path": str(tmp_path / "miniconda3"), "Conda Env": str(prefix)}


def test_lite_bundle_is_a_module_beside_main_py(tmp_path):
    result = CliRunner().invoke(main, ["addin", "--lite", "-o", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()] == ["personal/kkb_fungsi.py"]
    assert "import kkb_fungsi" in result.output and "main.py Anda tidak diubah" in result.output


def test_lite_catalogue_carries_no_review_notes():
    tree = ast.parse(lite_module())
    [data] = [ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "_KKB_DATA"]
    embedded = data["katalog.csv"]
    notes = [row[c] for row in read_rows() for c in REVIEW_COLUMNS if len(row[c]) > 20]
    assert notes and not [n for n in notes if n in embedded]
    assert all(row["indikator"] in embedded and row["definisi_pembilang"] in embedded for row in read_rows())
