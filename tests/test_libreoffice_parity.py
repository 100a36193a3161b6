"""Template formulas, recalculated by LibreOffice, equal kkb_excel's own capaian function."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from kkb_excel import capaian
from kkb_excel.layout import COL, FIRST_DATA_ROW, SHEET_MAIN
from libreoffice import recalculate, soffice

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")]

CANARY = "U1"
# (target, capaian semester I); semester II gets capaian x 1.1. Each pair runs with naik and turun.
GRID = [
    (80, 60), (80, 80), (80, 120), (80, None), (None, 50), (0, 10), (0, 0), (-5, 3),
    (100, 2.675), (7, 6.5), (8, 9), (10, 20), (10, 25), (10, 0), (3, 1), (12800, 12801),
    (33.46, 33.45), (1, 1e-9), (50.5, 50.505), (200, 1.005),
]  # fmt: skip
STATUS = ["ya", "tidak", None]


def second(value):
    return None if value is None else value * 1.1


def plan(catalogue) -> list[list[tuple]]:
    """Spread the grid over as many workbooks as needed: one case per row, polarity of that row."""
    rows = {"naik": [], "turun": []}
    for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW):
        if ind.cara_isi != "status":
            rows[ind.polaritas].append(row)
    queues = {p: list(GRID) for p in rows}
    workbooks = []
    while any(queues.values()):
        workbooks.append([(row, p, *queues[p].pop(0)) for p in rows for row in rows[p] if queues[p]])
    return workbooks


def test_capaian_formulas_match_python_in_libreoffice(desa_workbook, catalogue, tmp_path):
    status_rows = [(row, ind) for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW)
                   if ind.cara_isi == "status" and ind.tingkat_pengamatan == "desa"]  # fmt: skip
    files = []
    for n, cases in enumerate(plan(catalogue)):
        wb = load_workbook(desa_workbook)
        ws = wb[SHEET_MAIN]
        ws[CANARY] = "=1+1"
        for row, _, target, value in cases:
            ws[f"G{row}"], ws[f"H{row}"], ws[f"J{row}"] = target, value, second(value)
        for i, (row, _) in enumerate(status_rows):
            ws[f"R{row}"] = STATUS[i % 3]
        files.append((tmp_path / f"case{n:02d}.xlsx", cases))
        wb.save(files[-1][0])
    recalculated = recalculate([p for p, _ in files], tmp_path)
    checked = 0
    for (_, cases), path in zip(files, recalculated, strict=True):
        ws = load_workbook(path, data_only=True)[SHEET_MAIN]
        assert ws[CANARY].value == 2, "LibreOffice did not recalculate: canary cell is empty"
        for row, polaritas, target, value in cases:
            for column, realisasi in ((COL["persen_1"], value), (COL["persen_2"], second(value))):
                got = ws[f"{column}{row}"].value
                expected = capaian.capaian(realisasi, target, polaritas)
                assert (None if got == "" else got) == expected, (polaritas, target, realisasi)
                checked += 1
        for i, (row, ind) in enumerate(status_rows):
            yes = 100 if ind.agregasi == "proporsi_unit" else 1
            expected_value = {"ya": yes, "tidak": 0, None: None}[STATUS[i % 3]]
            got = ws[f"H{row}"].value
            assert (None if got == "" else got) == expected_value, ind.kode
            got_persen = ws[f"I{row}"].value
            target = ws[f"G{row}"].value
            assert (None if got_persen == "" else got_persen) == capaian.capaian(expected_value, target, ind.polaritas)
    assert checked == 2 * 2 * len(GRID)  # two polarities, two semesters
