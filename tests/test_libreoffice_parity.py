"""Template formulas, recalculated by LibreOffice (a real spreadsheet engine), match the case table."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from capaian_cases import CASES
from kkb_excel import capaian
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, SHEET_MAIN
from libreoffice import recalculate, soffice

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")]

CANARY = "U1"
STATUS = ["ya", "tidak", None]


def plan(catalogue) -> list[list[tuple]]:
    """Spread the cases over as few workbooks as possible: one case per row of that polarity."""
    rows = {"naik": [], "turun": []}
    for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW):
        if ind.cara_isi != "status":
            rows[ind.polaritas].append(row)
    queues = {p: [c for c in CASES if c[0] == p] for p in rows}
    workbooks = []
    while any(queues.values()):
        workbooks.append([(row, *queues[p].pop(0)) for p in rows for row in rows[p] if queues[p]])
    return workbooks


def blank(value):
    return None if value == "" else value


def test_capaian_formulas_in_libreoffice(desa_workbook, catalogue, tmp_path):
    status_rows = [(row, ind) for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW)
                   if ind.cara_isi == "status" and ind.tingkat_pengamatan == "desa"]  # fmt: skip
    files = []
    for n, cases in enumerate(plan(catalogue)):
        wb = load_workbook(desa_workbook)
        ws = wb[SHEET_MAIN]
        ws[CANARY] = "=1+1"
        for row, _, target, value, _ in cases:
            ws[f"{COL['target']}{row}"] = target
            ws[f"{COL['capaian_1']}{row}"] = value
            ws[f"{COL['capaian_2']}{row}"] = value
        for i, (row, _) in enumerate(status_rows):
            ws[f"{COL['status_1']}{row}"] = STATUS[i % 3]
        files.append((tmp_path / f"case{n:02d}.xlsx", cases))
        wb.save(files[-1][0])
    checked = 0
    for (_, cases), path in zip(files, recalculate([p for p, _ in files], tmp_path), strict=True):
        ws = load_workbook(path, data_only=True)[SHEET_MAIN]
        assert ws[CANARY].value == 2, "LibreOffice did not recalculate: the canary cell is empty"
        for row, polaritas, target, value, expected in cases:
            for column in (COL["persen_1"], COL["persen_2"]):
                assert blank(ws[f"{column}{row}"].value) == expected, (polaritas, target, value)
                checked += 1
        for i, (row, ind) in enumerate(status_rows):
            yes = 100 if ind.agregasi == "proporsi_unit" else 1
            value = {"ya": yes, "tidak": 0, None: None}[STATUS[i % 3]]
            assert blank(ws[f"{COL['capaian_1']}{row}"].value) == value, ind.kode
            target = ws[f"{COL['target']}{row}"].value
            assert blank(ws[f"{COL['persen_1']}{row}"].value) == capaian.capaian(value, target, ind.polaritas)
    assert checked == 2 * len(CASES)
