"""Pins for kkb_excel.capaian found by mutation testing (tools/mutate.py): every constant and branch.

The category bands are checked the way Excel shows them: the template's conditional-formatting
conditions are evaluated (by the `formulas` package) on the shared case table, and exactly one
band must be true, the one kategori() names.
"""

import dataclasses

import numpy as np
import pytest
import schedula
from capaian_cases import KATEGORI
from formulas import Parser
from openpyxl import load_workbook

from kkb_excel import capaian
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, SHEET_MAIN

TERCAPAI = [(100.0, "Tercapai"), (99.996, "Tercapai"), (99.995, "Belum Tercapai"), (99.99, "Belum Tercapai"),
            (0.0, "Belum Tercapai"), (None, None)]  # fmt: skip
EDGES = [(90.5, "Sangat Tinggi"), (75.9, "Tinggi"), (65.5, "Sedang"), (50.5, "Rendah"), (-1.0, "Sangat Rendah")]


def _compile(condition: str):
    return Parser().ast("=" + condition)[1].compile()


def _true(func, value) -> bool:
    args = [schedula.EMPTY if value is None else value for _ in func.inputs]
    return bool(np.asarray(func(*args)).item())


@pytest.fixture(scope="module")
def template_rules(desa_workbook):
    """(fill colour, compiled condition) of each band on the semester I % capaian column, in order."""
    ws = load_workbook(desa_workbook)[SHEET_MAIN]
    cell = f"{COL['persen_1']}{FIRST_DATA_ROW}"
    rules = [r for rng in ws.conditional_formatting if str(rng.sqref).startswith(cell + ":") for r in rng.rules]
    assert rules and all(r.stopIfTrue for r in rules)
    return [(r.dxf.fill.bgColor.rgb[-6:], _compile(r.formula[0])) for r in sorted(rules, key=lambda r: r.priority)]


@pytest.mark.parametrize("persen,label", KATEGORI + EDGES)
def test_template_conditional_formats_agree_with_kategori(template_rules, persen, label):
    true_fills = [fill for fill, func in template_rules if _true(func, persen)]
    expected = [b.fill for b in capaian.SCHEMES["permendagri86"] if b.label == label]
    assert true_fills == expected  # exactly one band (none for an empty cell), the one kategori() gives
    assert capaian.kategori(persen) == label


@pytest.mark.parametrize("skema,table", [("permendagri86", KATEGORI + EDGES), ("tercapai", TERCAPAI)])
def test_band_conditions_are_true_exactly_for_kategori(skema, table):
    conditions = [(band.label, _compile(cond)) for band, cond in capaian.band_conditions("B2", skema)]
    for persen, label in table:
        assert [lab for lab, func in conditions if _true(func, persen)] == ([label] if label else [])
        assert capaian.kategori(persen, skema) == label


def test_band_condition_text():
    assert capaian.band_conditions("I16", "tercapai")[1][1] == "AND(ISNUMBER(I16),I16<=99.995)"
    assert [c for _, c in capaian.band_conditions("I16")][:2] == ["AND(ISNUMBER(I16),I16>90)", "AND(ISNUMBER(I16),I16>75,I16<=90)"]


def test_bands_are_frozen():
    band = capaian.SCHEMES["tercapai"][0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        band.label = "x"


def test_a_scheme_without_a_catch_all_band_is_a_programming_error(monkeypatch):
    monkeypatch.setitem(capaian.SCHEMES, "uji", (capaian.Band("Di atas", 10, "FFFFFF"),))
    assert capaian.kategori(11, "uji") == "Di atas"
    with pytest.raises(AssertionError):
        capaian.kategori(10, "uji")


@pytest.mark.parametrize("realisasi,target,polaritas,floored", [
    (3, 1, "turun", True), (2, 1, "turun", False), (21, 10, "turun", True), (5, 0, "turun", False),
    (5, -1, "turun", False), (5, None, "turun", False), (None, None, "turun", False), (0, 10, "naik", False),
])  # fmt: skip
def test_is_floored_both_sides(realisasi, target, polaritas, floored):
    assert capaian.is_floored(realisasi, target, polaritas) is floored


@pytest.mark.parametrize("realisasi,target,expected", [(5, 1, 500.0), (1, 0.5, 200.0), (5, -1, None), (0, 1, 0.0)])
def test_target_bound(realisasi, target, expected):
    assert capaian.capaian(realisasi, target, "naik") == expected


def test_decimals_argument():
    assert capaian.capaian(1, 3, "naik", decimals=1) == 33.3
    assert capaian.capaian(2, 3, "naik", decimals=0) == 67.0
    assert capaian.excel_round(2.675, 1) == 2.7
    assert capaian.excel_round(1234.5, 0) == 1235.0


def test_excel_formulas_exactly():
    assert capaian.excel_formula("H16", "G16", "turun") == (
        '=IF(AND(ISNUMBER(G16),ISNUMBER(H16)),IF(G16>0,ROUND(MAX(0,(2*G16-H16)/G16*100),2),""),"")'
    )
    assert capaian.excel_formula("B1", "A1", "naik", decimals=1).endswith("ROUND(MAX(0,(B1)/A1*100),1),\"\"),\"\")")
    assert capaian.status_excel_formula("K16", 100) == '=IF(K16="ya",100,IF(K16="tidak",0,""))'
    assert capaian.status_excel_formula("K16", 1.5) == '=IF(K16="ya",1.5,IF(K16="tidak",0,""))'


@pytest.mark.parametrize("status,yes,expected", [("ya", 100, 100), ("tidak", 100, 0), ("ya", 1, 1), ("tidak", 1, 0),
                                                 (None, 100, None), ("", 1, None), ("Ya", 100, None)])  # fmt: skip
def test_status_value(status, yes, expected):
    result = capaian.status_value(status, yes)
    assert result == expected and (result is None) == (expected is None)


@pytest.mark.parametrize("pembilang,penyebut,expected", [(1, 3, 33.33), (1, 1, 100.0), (0, 5, 0.0), (3, 2, 150.0), (2.675, 100, 2.68),
                                                         (5, 0, None), (5, -1, None), (None, 5, None), (5, None, None)])  # fmt: skip
def test_ratio_value_both_sides(pembilang, penyebut, expected):
    assert capaian.ratio_value(pembilang, penyebut) == expected


def test_ratio_decimals_and_formula():
    assert capaian.ratio_value(1, 3, decimals=1) == 33.3
    assert capaian.ratio_excel_formula("E16", "F16") == '=IF(AND(ISNUMBER(E16),ISNUMBER(F16)),IF(F16>0,ROUND(E16/F16*100,2),""),"")'
    assert capaian.ratio_excel_formula("E16", "F16", 0).endswith('ROUND(E16/F16*100,0),""),"")')


def test_ordinary_values_are_rounded_without_decimal_arithmetic(monkeypatch):
    """The fast path of excel_round is taken wherever it is exact (0 to 15 decimals, far from a half)."""
    def refuse(value, decimals):
        raise AssertionError(f"decimal way taken for {value}, {decimals}")

    monkeypatch.setattr(capaian, "_decimal_round", refuse)
    assert capaian.excel_round(12.3456) == 12.35 and capaian.excel_round(-2.4, 0) == -2.0
    assert capaian.excel_round(1e-5, 15) == 1e-5 and capaian.excel_round(62.5049) == 62.5
