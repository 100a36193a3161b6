"""KKB_* worksheet functions: classic module (as xlwings imports it) and the Lite main.py."""

import importlib
import json
import subprocess
import sys
import textwrap

import pytest

from capaian_cases import CASES, KATEGORI
from kkb_excel.addin.lite import lite_main

FUNCTIONS = {
    "KKB_CAPAIAN", "KKB_CAPAIAN_INDIKATOR", "KKB_KATEGORI", "KKB_TARGET", "KKB_INDIKATOR",
    "KKB_SATUAN", "KKB_POLARITAS", "KKB_RASIO", "KKB_CAPAIAN_RENTANG", "KKB_KATEGORI_RENTANG",
}  # fmt: skip


@pytest.fixture(scope="module")
def udf():
    """The module by name, as xlwings' "UDF Modules" setting imports it."""
    return importlib.import_module("kkb_excel.udfs")


def cell(value):
    """Excel's view of a result: '' is an empty cell."""
    return None if value == "" else value


def test_module_exposes_the_functions_under_their_excel_names(udf):
    assert FUNCTIONS <= {name for name in dir(udf) if name.startswith("KKB_")}


def test_xlwings_decorators_name_real_parameters(monkeypatch):
    """On Windows xlwings checks every @arg name against the signature; check the same here."""
    import inspect

    import xlwings

    registered = {}

    def func(f):
        registered[f.__name__] = f
        return f

    def arg(name, **options):
        def inner(f):
            assert name in inspect.signature(f).parameters, (f.__name__, name)
            return f

        return inner

    monkeypatch.setattr(xlwings, "func", func)
    monkeypatch.setattr(xlwings, "arg", arg)
    importlib.reload(importlib.import_module("kkb_excel.udfs.functions"))
    assert set(registered) == FUNCTIONS


@pytest.mark.parametrize("polaritas,target,realisasi,expected", CASES)
def test_kkb_capaian_case_table(udf, polaritas, target, realisasi, expected):
    assert cell(udf.KKB_CAPAIAN(realisasi, target, polaritas)) == expected


@pytest.mark.parametrize("persen,label", KATEGORI)
def test_kkb_kategori(udf, persen, label):
    assert cell(udf.KKB_KATEGORI(persen)) == label


def test_inputs_as_excel_gives_them(udf):
    assert udf.KKB_CAPAIAN("50,5", "100") == 50.5  # number typed as text, Indonesian
    assert udf.KKB_CAPAIAN(" 12.800 ", 12800) == 100.0
    assert udf.KKB_CAPAIAN("80%", 80) == 100.0
    assert udf.KKB_CAPAIAN("-", 80) == ""  # blank marker
    assert udf.KKB_CAPAIAN(60, 80, None, None) == 75.0  # omitted optionals arrive as None
    assert udf.KKB_CAPAIAN(60, 80, "TURUN") == 125.0
    assert udf.KKB_CAPAIAN(1, 3, "naik", 4) == 33.3333
    assert udf.KKB_CAPAIAN(60, 80, "naik", 0) == 75.0


def test_misuse_gives_short_indonesian_messages(udf):
    assert udf.KKB_CAPAIAN(5, -1) == "target tidak boleh negatif"
    assert udf.KKB_CAPAIAN("abc", 3) == "capaian bukan angka: 'abc'"
    assert udf.KKB_CAPAIAN("#DIV/0!", 3) == "capaian berisi galat Excel #DIV/0!"
    assert udf.KKB_CAPAIAN(-2146826281, 3) == "capaian berisi galat Excel"
    assert udf.KKB_CAPAIAN(1, 3, "datar") == "polaritas harus 'naik' atau 'turun'"
    assert udf.KKB_CAPAIAN(1, 3, "naik", 2.5) == "desimal harus bilangan bulat 0 sampai 10"
    assert udf.KKB_CAPAIAN_INDIKATOR("S9.X", 1) == "kode indikator tidak dikenal: S9.X"
    assert udf.KKB_KATEGORI(50, "bintang").startswith("skema tidak dikenal")
    assert udf.KKB_TARGET("S3.Pa.K2.a", "33.7") == "kode wilayah tidak sah: 33.7"


def test_catalogue_lookups(udf, catalogue):
    ind = catalogue.get("S3.Pa.K6.b")
    assert udf.KKB_INDIKATOR("S3.Pa.K6.b") == ind.indikator
    assert udf.KKB_SATUAN("S3.Pa.K6.b") == "Persentase"
    assert udf.KKB_POLARITAS("S3.Pa.K6.b") == "turun"
    assert udf.KKB_CAPAIAN_INDIKATOR("S3.Pa.K6.b", 9) == 87.5  # turun, target 8 from the catalogue
    assert udf.KKB_CAPAIAN_INDIKATOR("S3.Pa.K6.b", 9, 10) == 110.0
    assert udf.KKB_TARGET("S3.Pa.K2.a") == 2000  # national count target
    assert udf.KKB_TARGET("S3.Pa.K2.a", "33.74.01.1001") == ""  # not applicable to one desa
    assert udf.KKB_TARGET("S2.Pa.K3.b", "33.74", 2024) == 50.5


def test_rasio_is_ratio_of_sums_not_mean_of_percentages(udf):
    assert udf.KKB_RASIO([[9], [500]], [[10], [1000]]) == 50.4  # not 70
    assert udf.KKB_RASIO([[9], [None]], [[10], [1000]]) == 90.0  # incomplete pairs skipped
    assert udf.KKB_RASIO([[0]], [[0]]) == ""
    assert udf.KKB_RASIO([[1], [2]], [[3]]) == "rentang pembilang dan penyebut harus berukuran sama"
    assert udf.KKB_RASIO(9, 10) == 90.0  # single cells


def test_range_forms_spill(udf):
    table = [[row[2]] for row in CASES if row[0] == "naik"]
    targets = [[row[1]] for row in CASES if row[0] == "naik"]
    expected = [[row[3]] for row in CASES if row[0] == "naik"]
    got = udf.KKB_CAPAIAN_RENTANG(table, targets, "naik")
    assert [[cell(v) for v in r] for r in got] == expected
    pols = [[row[0]] for row in CASES]
    got = udf.KKB_CAPAIAN_RENTANG([[r[2]] for r in CASES], [[r[1]] for r in CASES], pols)
    assert [cell(r[0]) for r in got] == [r[3] for r in CASES]
    assert udf.KKB_KATEGORI_RENTANG([[95, 40], [None, "x"]]) == [["Sangat Tinggi", "Sangat Rendah"], ["", "persen bukan angka: 'x'"]]
    assert udf.KKB_CAPAIAN_RENTANG([[1], [2]], [[1], [2], [3]]) == [["ukuran rentang harus sama"]]


def test_ten_thousand_rows_in_one_call(udf):
    rows = [[float(i % 120)] for i in range(10_000)]
    out = udf.KKB_CAPAIAN_RENTANG(rows, [[80.0]])
    assert len(out) == 10_000 and out[60][0] == 75.0


def test_lite_main_runs_with_plain_python_and_no_kkb_excel(tmp_path):
    """main.py is self-contained: with every kkb_excel import blocked it gives the table's values."""
    main = tmp_path / "main.py"
    main.write_text(lite_main(), encoding="utf-8")
    runner = textwrap.dedent(f"""
        import importlib.abc, json, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] == "kkb_excel":
                    raise ImportError("kkb_excel must not be imported: " + name)
        sys.meta_path.insert(0, Block())
        ns = {{"__name__": "main"}}
        exec(compile(open({str(main)!r}, encoding="utf-8").read(), "main.py", "exec"), ns)
        cases = json.loads(sys.stdin.read())
        out = {{
            "capaian": [ns["KKB_CAPAIAN"](r, t, p) for p, t, r, _ in cases],
            "indikator": ns["KKB_CAPAIAN_INDIKATOR"]("S3.Pa.K6.b", 9),
            "rasio": ns["KKB_RASIO"]([[9], [500]], [[10], [1000]]),
            "kategori": ns["KKB_KATEGORI"](95),
            "functions": sorted(k for k in ns if k.startswith("KKB_")),
        }}
        print(json.dumps(out))
    """)
    done = subprocess.run([sys.executable, "-c", runner], input=json.dumps(CASES), capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert [cell(v) for v in out["capaian"]] == [c[3] for c in CASES]
    assert (out["indikator"], out["rasio"], out["kategori"]) == (87.5, 50.4, "Sangat Tinggi")
    assert set(out["functions"]) == FUNCTIONS


def test_addin_command_prepares_both_kinds(tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from kkb_excel.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["addin", "-o", str(tmp_path)], catch_exceptions=False).exit_code == 0
    conf = load_workbook(tmp_path / "kkb_analis.xlsm", keep_vba=True)["xlwings.conf"]
    settings = {r[0].value: r[1].value for r in conf.iter_rows(max_col=2)}
    assert settings["UDF Modules"] == "kkb_excel.udfs"
    assert "from kkb_excel.udfs import" in (tmp_path / "kkb_analis.py").read_text(encoding="utf-8")
    assert runner.invoke(main, ["addin", "--lite", "-o", str(tmp_path)], catch_exceptions=False).exit_code == 0
    assert "def KKB_CAPAIAN(" in (tmp_path / "main.py").read_text(encoding="utf-8")
