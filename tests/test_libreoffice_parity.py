"""Template formulas, recalculated by LibreOffice (a real spreadsheet engine), match the case table."""

from __future__ import annotations

import pytest
from capaian_cases import CASES
from libreoffice import recalculate, soffice
from openpyxl import load_workbook

from kkb_excel import capaian
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, SHEET_MAIN, SHEET_PRINT

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


def test_ratio_filled_by_pembilang_penyebut_only_and_belum_tersedia(desa_workbook, catalogue, tmp_path):
    """LibreOffice types only pembilang/penyebut (and one 'Belum tersedia') into the protected form;
    its recalculated Capaian equals capaian.ratio_value, and the reader recomputes the same."""
    import json
    import random
    import subprocess
    from pathlib import Path

    from libreoffice import uno_python

    from kkb_excel.keys import BELUM_TERSEDIA
    from kkb_excel.read.reader import read_submission

    python = uno_python()
    if python is None:
        pytest.skip("python3-uno is not installed")
    rng = random.Random(11)
    rows = [(r, i) for r, i in enumerate(catalogue.active, start=FIRST_DATA_ROW)
            if i.tingkat_pengamatan == "desa" and i.cara_isi == "rasio"]  # fmt: skip
    cells, expected = {}, {}
    for n, (row, _ind) in enumerate(rows):
        den = [0, 3, 7, 400][n % 4] if n % 5 else 1000
        num = min(den, rng.randint(0, 9) * 37 % (den + 1))
        cells[f"{SHEET_MAIN}!{COL['pembilang_1']}{row}"], cells[f"{SHEET_MAIN}!{COL['penyebut_1']}{row}"] = num, den
        expected[row] = capaian.ratio_value(num, den)
    late = rows[0][0]
    cells[f"{SHEET_MAIN}!{COL['keterangan']}{late}"] = BELUM_TERSEDIA
    spec = tmp_path / "cells.json"
    spec.write_text(json.dumps(cells), encoding="utf-8")
    filled = tmp_path / "terisi.xlsx"
    subprocess.run([str(python), str(Path(__file__).with_name("lo_fill.py")), str(desa_workbook), str(filled), str(spec),
                    str(tmp_path / "profile")], check=True, timeout=180, capture_output=True)  # fmt: skip
    ws = load_workbook(filled, data_only=True)[SHEET_MAIN]
    for row, value in expected.items():
        assert blank(ws[f"{COL['capaian_1']}{row}"].value) == value, row
    submission = read_submission(filled)
    records = {r.baris: r for r in submission.records}
    for row, value in expected.items():
        assert records[row].value("capaian_1") == value
    assert records[late].belum_tersedia and not records[rows[1][0]].belum_tersedia
    # the printed form shows, recalculated, exactly what was typed and computed in the input sheet
    printed = load_workbook(filled, data_only=True)[SHEET_PRINT]
    for row, _ind in rows:
        for key in ("target", "capaian_1", "persen_1", "capaian_2", "keterangan"):
            assert blank(printed[f"{COL[key]}{row}"].value) == blank(ws[f"{COL[key]}{row}"].value), (row, key)
    assert printed[f"{COL['keterangan']}{late}"].value == BELUM_TERSEDIA
    assert not [f for f in submission.findings if f.aturan == "S17"]  # its shown values are not 'typed elsewhere'
