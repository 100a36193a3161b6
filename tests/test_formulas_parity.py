"""The % capaian formulas written in the template, evaluated by the `formulas` package, match the table."""

import numpy as np
import pytest
import schedula
from capaian_cases import CASES
from formulas import Parser
from openpyxl import load_workbook

from kkb_excel.template.layout import COL, FIRST_DATA_ROW, SHEET_MAIN


@pytest.fixture(scope="module")
def compiled(desa_workbook, catalogue):
    """The semester I % capaian formula of the first template row of each polarity, compiled."""
    ws = load_workbook(desa_workbook)[SHEET_MAIN]
    out = {}
    for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW):
        if ind.polaritas not in out and ind.cara_isi != "status":
            func = Parser().ast(ws[f"{COL['persen_1']}{row}"].value)[1].compile()
            out[ind.polaritas] = (func, f"{COL['target']}{row}")
    return out


def evaluate(compiled, polaritas, target, realisasi):
    func, target_ref = compiled[polaritas]
    args = [target if name == target_ref else realisasi for name in func.inputs]
    result = np.asarray(func(*(schedula.EMPTY if a is None else a for a in args))).item()
    return None if result == "" else result


@pytest.mark.parametrize("polaritas,target,realisasi,expected", CASES)
def test_template_formula_in_formulas_package(compiled, polaritas, target, realisasi, expected):
    assert evaluate(compiled, polaritas, target, realisasi) == expected
