"""KKB_* worksheet functions: classic module (as xlwings imports it) and the Lite main.py."""

import importlib
import json
import subprocess
import sys

import pytest
from capaian_cases import CASES, KATEGORI

from kkb_excel.addin.lite import lite_module

FUNCTIONS = {
    "KKB_CAPAIAN", "KKB_CAPAIAN_INDIKATOR", "KKB_KATEGORI", "KKB_TARGET", "KKB_INDIKATOR",
    "KKB_SATUAN", "KKB_POLARITAS", "KKB_RASIO", "KKB_CAPAIAN_RENTANG", "KKB_KATEGORI_RENTANG", "KKB_PESAN",
}  # fmt: skip
COM_ERRORS = [  # Excel's seven COM error codes as classic xlwings passes error cells without err_to_str
    (-2146826281, "#DIV/0!"), (-2146826246, "#N/A"), (-2146826259, "#NAME?"), (-2146826288, "#NULL!"),
    (-2146826252, "#NUM!"), (-2146826265, "#REF!"), (-2146826273, "#VALUE!"),
]  # fmt: skip


@pytest.fixture(scope="module")
def udf():
    """The module by name, as xlwings' "UDF Modules" setting imports it."""
    return importlib.import_module("kkb_excel.udfs")


def cell(value):
    """Excel's view of a result: '' is an empty cell."""
    return None if value == "" else value


def test_module_exposes_the_functions_under_their_excel_names(udf):
    assert FUNCTIONS <= {name for name in dir(udf) if name.startswith("KKB_")}


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
    assert udf.KKB_CAPAIAN(-5, 1) == "capaian tidak boleh negatif"
    assert udf.KKB_CAPAIAN("abc", 3) == "capaian bukan angka: 'abc'"
    assert udf.KKB_CAPAIAN("#DIV/0!", 3) == "capaian berisi galat Excel #DIV/0!"
    assert udf.KKB_CAPAIAN(" #n/a ", 3) == "capaian berisi galat Excel #N/A"  # error text as typed
    assert udf.KKB_CAPAIAN(1, 3, "datar") == "polaritas harus 'naik' atau 'turun'"
    assert udf.KKB_CAPAIAN(1, 3, "naik", 2.5) == "desimal harus bilangan bulat 0 sampai 10"
    assert udf.KKB_CAPAIAN(1, 3, "naik", 11) == "desimal harus bilangan bulat 0 sampai 10"
    assert udf.KKB_CAPAIAN(1, 3, "naik", 10) == 33.3333333333
    assert udf.KKB_CAPAIAN_INDIKATOR("S9.X", 1) == "kode indikator tidak dikenal: S9.X"
    assert udf.KKB_INDIKATOR(None) == "kode indikator kosong"
    assert udf.KKB_KATEGORI(50, "bintang").startswith("skema tidak dikenal")
    assert udf.KKB_KATEGORI(99.99, " TERCAPAI ") == "Belum Tercapai" and udf.KKB_KATEGORI(100, "Tercapai") == "Tercapai"
    assert udf.KKB_TARGET("S3.Pa.K2.a", "33.7") == "kode wilayah tidak sah: 33.7"
    assert udf.KKB_TARGET("S2.Pa.K3.b", None, 2024.5) == "tahun harus bilangan bulat, misalnya 2024"


@pytest.mark.parametrize("code,error", COM_ERRORS)
def test_each_com_error_code_is_named(udf, code, error):
    assert udf.KKB_CAPAIAN(code, 3) == f"capaian berisi galat Excel {error}"
    assert udf.KKB_RASIO([[1], [code]], [[2], [3]]) == f"pembilang berisi galat Excel {error}"
    assert udf.KKB_KATEGORI(code) == f"persen berisi galat Excel {error}"
    assert udf.KKB_KATEGORI(code + 1) == "Sangat Rendah"  # only the exact codes are errors


def test_error_values_in_xlwings_lite(monkeypatch):
    """Lite (Pyodide) turns a returned "#VALUE!"-style text into a real Excel error: misuse returns one."""
    from kkb_excel.udfs import core

    monkeypatch.setattr(core, "ERRORS_AS_VALUES", True)
    udf = importlib.import_module("kkb_excel.udfs")
    assert udf.KKB_CAPAIAN(5, -1) == "#NUM!"
    assert udf.KKB_CAPAIAN("abc", 3) == "#VALUE!"
    assert udf.KKB_CAPAIAN("#DIV/0!", 3) == "#DIV/0!"  # an error argument propagates, as in Excel
    assert udf.KKB_CAPAIAN(1, 3, "naik", 2.5) == "#NUM!"
    assert udf.KKB_TARGET("S2.Pa.K3.b", None, 1999) == "#NUM!"
    assert udf.KKB_CAPAIAN_INDIKATOR("S9.X", 1) == "#N/A"
    assert udf.KKB_RASIO([[1], [-2]], [[1], [3]]) == "#NUM!"
    assert udf.KKB_CAPAIAN(5, 0) == ""  # undefined stays an empty cell
    assert udf.KKB_KATEGORI_RENTANG([[95, "x"]]) == [["Sangat Tinggi", "#VALUE!"]]
    assert udf.KKB_CAPAIAN_RENTANG([[1], [2]], [[1], [2], [3]]) == [["#VALUE!"]]
    assert udf.KKB_PESAN("KKB_CAPAIAN", 5, -1) == "target tidak boleh negatif"


def test_pesan_explains_errors_and_empty_cells(udf):
    assert udf.KKB_PESAN("KKB_CAPAIAN", 60, 80) == ""
    assert udf.KKB_PESAN("capaian", 5, 0) == "target 0: % capaian tidak terdefinisi"
    assert udf.KKB_PESAN("kkb_capaian", None, 80) == "capaian kosong"
    assert udf.KKB_PESAN("KKB_CAPAIAN", 5, None) == "target kosong"
    assert udf.KKB_PESAN("KKB_KATEGORI", None) == "persen kosong"
    assert udf.KKB_PESAN("KKB_SATUAN", "S9") == "kode indikator tidak dikenal: S9"
    assert udf.KKB_PESAN("KKB_RASIO", [[1]], [[0]]).startswith("jumlah penyebut 0")
    assert udf.KKB_PESAN("KKB_CAPAIAN_RENTANG", [[1], [2]], [[1], [-1]]) == "baris 2, kolom 1: target tidak boleh negatif"
    assert udf.KKB_PESAN("KKB_CAPAIAN_RENTANG", [[1], [2]], [[1], [2], [3]]) == "ukuran rentang harus sama"
    assert udf.KKB_PESAN("KKB_KATEGORI_RENTANG", [[95, 40]]) == ""
    assert udf.KKB_PESAN("KKB_CAPAIAN", 5) == "KKB_CAPAIAN memerlukan 2 sampai 4 argumen, bukan 1"
    assert udf.KKB_PESAN("KKB_TARGET", "S2.Pa.K3.b", None, 2024, 1) == "KKB_TARGET memerlukan 1 sampai 3 argumen, bukan 4"
    assert udf.KKB_PESAN("KKB_HITUNG").startswith("fungsi tidak dikenal: KKB_HITUNG; pilihan: KKB_CAPAIAN,")


def test_pesan_knows_every_function():
    from kkb_excel.udfs import core

    assert set(core.FUNCTIONS) | {"KKB_PESAN"} == FUNCTIONS


def test_codes_in_any_case(udf, catalogue):
    ind = catalogue.get("S3.Pa.K6.b")
    for kode in ("s3.pa.k6.b", " S3.PA.K6.B ", "S3.Pa.K6.b"):
        assert udf.KKB_INDIKATOR(kode) == ind.indikator
        assert udf.KKB_CAPAIAN_INDIKATOR(kode, 9) == 87.5
    assert udf.KKB_TARGET("s2.pa.k3.b", "id") == udf.KKB_TARGET("S2.Pa.K3.b") == 50.5


def test_target_for_another_year_is_empty_with_the_reason(udf, catalogue):
    assert catalogue.get("S2.Pa.K3.b").target_2022 == 50.5
    assert udf.KKB_TARGET("S2.Pa.K3.b", "33.74", 2022) == 50.5
    assert udf.KKB_TARGET("S2.Pa.K3.b", "33.74", "2024") == ""  # never the 2022 value
    assert udf.KKB_TARGET("S2.Pa.K3.b", None, 2023) == ""
    reason = udf.KKB_PESAN("KKB_TARGET", "S2.Pa.K3.b", "33.74", 2024)
    assert "2022" in reason and "2024" in reason


def test_target_per_tingkat_of_the_code(udf):
    # a percentage target applies at every tingkat, a count target (2,000 desa) only nationally
    for kode in ("33", "33.74", "33.74.01", "33.74.01.1001", "ID", 33.0):
        assert udf.KKB_TARGET("S2.Pa.K3.b", kode) == 50.5, kode
    assert udf.KKB_TARGET("S3.Pa.K2.a", "ID") == 2000
    for kode, label in (("33", "Provinsi"), ("33.74", "Kabupaten/Kota"), ("33.74.01.1001", "Desa/Kelurahan")):
        assert udf.KKB_TARGET("S3.Pa.K2.a", kode) == "", kode
        assert f"untuk tingkat {label}" in udf.KKB_PESAN("KKB_TARGET", "S3.Pa.K2.a", kode)
    assert udf.KKB_TARGET("S2.Pa.K3.b", 33.7) == 50.5  # 33.70 typed as a number arrives as 33.7
    assert "tingkat Kabupaten/Kota" in udf.KKB_PESAN("KKB_TARGET", "S3.Pa.K2.a", 33.7)
    assert "tingkat Provinsi" in udf.KKB_PESAN("KKB_TARGET", "S3.Pa.K2.a", 33.0)


def test_indicator_without_a_catalogue_target(udf, catalogue):
    assert catalogue.get("S2.Pa.K7.a").target_2022 is None
    for kode in ("S2.Pa.K7.a", "S1.Pa.K2.c"):
        assert udf.KKB_TARGET(kode, "33") == udf.KKB_CAPAIAN_INDIKATOR(kode, 5) == ""
        assert udf.KKB_PESAN("KKB_TARGET", kode, "33") == f"indikator {kode} tidak punya target di katalog"
        assert udf.KKB_PESAN("KKB_CAPAIAN_INDIKATOR", kode, 5).startswith(f"indikator {kode} tidak punya target")
    assert udf.KKB_CAPAIAN_INDIKATOR("S1.Pa.K2.c", 5, 10) == 50.0


def test_target_year_bounds(udf):
    for tahun in (2000, 2100):
        assert udf.KKB_TARGET("S2.Pa.K3.b", None, tahun) == "", tahun
    for tahun in (1999, 2101, 2024.5):
        assert udf.KKB_TARGET("S2.Pa.K3.b", None, tahun) == "tahun harus bilangan bulat, misalnya 2024", tahun


def test_catalogue_lookups(udf, catalogue):
    ind = catalogue.get("S3.Pa.K6.b")
    assert udf.KKB_INDIKATOR("S3.Pa.K6.b") == ind.indikator
    assert udf.KKB_SATUAN("S3.Pa.K6.b") == "Persentase"
    assert udf.KKB_POLARITAS("S3.Pa.K6.b") == "turun"
    assert udf.KKB_CAPAIAN_INDIKATOR("S3.Pa.K6.b", 9) == 87.5  # turun, target 8 from the catalogue
    assert udf.KKB_CAPAIAN_INDIKATOR("S3.Pa.K6.b", 9, 10) == 110.0
    assert udf.KKB_TARGET("S3.Pa.K2.a") == 2000  # national count target
    assert udf.KKB_TARGET("S3.Pa.K2.a", "33.74.01.1001") == ""  # not applicable to one desa
    assert udf.KKB_TARGET("S2.Pa.K3.b", "33.74", 2022) == 50.5


def test_rasio_is_ratio_of_sums_not_mean_of_percentages(udf):
    assert udf.KKB_RASIO([[9], [500]], [[10], [1000]]) == 50.4  # not 70
    assert udf.KKB_RASIO([[9], [None]], [[10], [1000]]) == 90.0  # incomplete pairs skipped
    assert udf.KKB_RASIO([[0]], [[0]]) == ""
    assert udf.KKB_RASIO([[1], [2]], [[3]]) == "rentang pembilang dan penyebut harus berukuran sama"
    assert udf.KKB_RASIO(9, 10) == 90.0  # single cells
    assert udf.KKB_RASIO([[9], [-1]], [[10], [10]]) == "pembilang/penyebut tidak boleh negatif"
    assert udf.KKB_RASIO([[9], [1]], [[10], [-10]]) == "pembilang/penyebut tidak boleh negatif"
    assert udf.KKB_RASIO([[1], [2]], [[3], [3]], 4) == 50.0 and udf.KKB_RASIO([[1]], [[3]], 4) == 33.3333


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


LITE_RUNNER = """
import importlib.abc, importlib.util, json, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "kkb_excel":
            raise ImportError("kkb_excel must not be imported: " + name)
sys.meta_path.insert(0, Block())
if sys.argv[2] == "lite":
    sys.platform = "emscripten"  # what xlwings Lite (Pyodide) reports
sys.path.insert(0, sys.argv[1])
import kkb_fungsi as ns
cases = json.loads(sys.stdin.read())
out = {
    "capaian": [ns.KKB_CAPAIAN(r, t, p) for p, t, r, _ in cases],
    "indikator": ns.KKB_CAPAIAN_INDIKATOR("s3.pa.k6.b", 9),
    "rasio": ns.KKB_RASIO([[9], [500]], [[10], [1000]]),
    "kategori": ns.KKB_KATEGORI(95),
    "misuse": [ns.KKB_CAPAIAN(5, -1), ns.KKB_CAPAIAN_INDIKATOR("S9.X", 1), ns.KKB_CAPAIAN("#DIV/0!", 3)],
    "target_2024": ns.KKB_TARGET("S2.Pa.K3.b", "33.74", 2024),
    "pesan": ns.KKB_PESAN("KKB_TARGET", "S2.Pa.K3.b", "33.74", 2024),
    "all": sorted(ns.__all__),
}
print(json.dumps(out))
"""


@pytest.mark.parametrize("runtime", ["lite", "plain"])
def test_lite_module_runs_with_plain_python_and_no_kkb_excel(tmp_path, runtime):
    """kkb_fungsi.py is self-contained: with every kkb_excel import blocked it gives the table's values;
    under Pyodide's sys.platform misuse returns Excel error values."""
    (tmp_path / "kkb_fungsi.py").write_text(lite_module(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", LITE_RUNNER, str(tmp_path), runtime], input=json.dumps(CASES),
                          capture_output=True, text=True, check=True)  # fmt: skip
    out = json.loads(done.stdout)
    assert [cell(v) for v in out["capaian"]] == [c[3] for c in CASES]
    assert (out["indikator"], out["rasio"], out["kategori"]) == (87.5, 50.4, "Sangat Tinggi")
    expected = ["#NUM!", "#N/A", "#DIV/0!"] if runtime == "lite" else [
        "target tidak boleh negatif", "kode indikator tidak dikenal: S9.X", "capaian berisi galat Excel #DIV/0!"]
    assert out["misuse"] == expected
    assert out["target_2024"] == "" and "2024" in out["pesan"]
    assert set(out["all"]) == FUNCTIONS


def test_addin_command_prepares_both_kinds(tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from kkb_excel.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["addin", "-o", str(tmp_path)], catch_exceptions=False).exit_code == 0
    conf = load_workbook(tmp_path / "kkb_analis.xlsm")["xlwings.conf"]
    settings = {r[0].value: r[1].value for r in conf.iter_rows(max_col=2)}
    assert settings["UDF Modules"] == "kkb_excel.udfs"
    assert "def main():" in (tmp_path / "kkb_analis.py").read_text(encoding="utf-8")
    assert runner.invoke(main, ["addin", "--lite", "-o", str(tmp_path)], catch_exceptions=False).exit_code == 0
    assert "def KKB_CAPAIAN(" in (tmp_path / "personal" / "kkb_fungsi.py").read_text(encoding="utf-8")
    assert runner.invoke(main, ["addin", "--nama", "kkb-analis", "-o", str(tmp_path)]).exit_code == 2
