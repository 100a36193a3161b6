"""Structure of a generated daftar tilik workbook, read back with openpyxl."""

import pytest
from openpyxl import load_workbook

from kkb_excel import capaian
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, HEADER_ROW, SHEET_GUIDE, SHEET_MAIN, SHEET_META, TEMPLATE_ID, TEMPLATE_VERSION


@pytest.fixture(scope="module")
def wb(desa_workbook):
    return load_workbook(desa_workbook)


@pytest.fixture(scope="module")
def meta(wb):
    ws = wb[SHEET_META]
    pairs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    rows = {ws.cell(r, 4).value: (ws.cell(r, 5).value, ws.cell(r, 6).value, ws.cell(r, 7).value)
            for r in range(2, ws.max_row + 1) if ws.cell(r, 4).value}  # fmt: skip
    return pairs, rows


def test_sheets_and_structure_protection(wb):
    assert wb.sheetnames == [SHEET_MAIN, SHEET_GUIDE, SHEET_META]
    assert wb[SHEET_META].sheet_state == "hidden"
    assert wb.security.lockStructure
    for name in (SHEET_MAIN, SHEET_GUIDE):
        assert wb[name].protection.sheet
    assert wb[SHEET_MAIN].protection.password is None


def test_familiar_column_order(wb):
    ws = wb[SHEET_MAIN]
    headers = [ws.cell(HEADER_ROW, c).value for c in range(1, 13)]
    assert headers == ["Kode", "Sasaran", "Program", "Kegiatan", "Indikator", "Satuan", "Target",
                       "Capaian Semester I", "% Capaian Sem I", "Capaian Semester II", "% Capaian Sem II", "Keterangan"]  # fmt: skip


def test_identity_block(wb):
    ws = wb[SHEET_MAIN]
    assert (ws["C4"].value, ws["F4"].value) == ("Jawa Tengah", "33")
    assert (ws["C5"].value, ws["F5"].value) == ("Kota Semarang", "33.74")
    assert (ws["C7"].value, ws["F7"].value) == ("Miroto", "33.74.01.1001")
    assert ws["C8"].value == "Desa/Kelurahan" and ws["C9"].value == 2024
    for cell in ("C10", "C11", "C12"):
        assert ws[cell].protection.locked is False


def test_metadata_locates_every_row(wb, meta, catalogue):
    pairs, rows = meta
    assert pairs["template_id"] == TEMPLATE_ID and pairs["template_versi"] == TEMPLATE_VERSION
    assert pairs["katalog_versi"] == catalogue.version
    assert (pairs["kode_wilayah"], pairs["tingkat"], pairs["tahun"]) == ("33.74.01.1001", "desa", 2024)
    ws = wb[SHEET_MAIN]
    assert list(rows) == [i.kode for i in catalogue.active]
    for kode, (row, diamati, cara) in rows.items():
        assert ws[f"{pairs['kolom_kode']}{row}"].value == kode
        ind = catalogue.get(kode)
        assert diamati == ("ya" if ind.tingkat_pengamatan == "desa" else "tidak")
        assert cara == ind.cara_isi
    assert set(wb.defined_names) >= {"KKB_META", "KKB_INDIKATOR", "KKB_TABEL"}


def test_only_observed_indicators_are_inputs(wb, meta, catalogue):
    ws = wb[SHEET_MAIN]
    _, rows = meta
    for kode, (row, diamati, cara) in rows.items():
        unlocked = {key for key in COL if ws[f"{COL[key]}{row}"].protection.locked is False}
        if diamati == "tidak":
            assert unlocked == set(), kode
        elif cara == "rasio":
            assert unlocked == {"capaian_1", "capaian_2", "keterangan", "pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2"}
        elif cara == "status":
            assert unlocked == {"keterangan", "status_1", "status_2"}
            assert ws[f"{COL['capaian_1']}{row}"].value.startswith('=IF(R')
        else:
            assert unlocked == {"capaian_1", "capaian_2", "keterangan"}
        for key in ("kode", "indikator", "target", "persen_1", "persen_2"):
            assert ws[f"{COL[key]}{row}"].protection.locked is not False


def test_capaian_formulas_come_from_the_one_definition(wb, meta, catalogue):
    ws = wb[SHEET_MAIN]
    _, rows = meta
    for kode, (row, _, _) in rows.items():
        pol = catalogue.get(kode).polaritas
        for sem in (1, 2):
            expected = capaian.excel_formula(f"{COL[f'capaian_{sem}']}{row}", f"G{row}", pol)
            assert ws[f"{COL[f'persen_{sem}']}{row}"].value == expected
            assert ";" not in expected


def test_targets_default_from_catalogue(wb, meta, catalogue):
    ws = wb[SHEET_MAIN]
    _, rows = meta
    for kode, (row, _, _) in rows.items():
        assert ws[f"G{row}"].value == catalogue.get(kode).default_target("desa")


def test_data_validation_on_every_input(wb, meta):
    ws = wb[SHEET_MAIN]
    _, rows = meta
    validations = ws.data_validations.dataValidation
    for dv in validations:
        assert dv.showErrorMessage and dv.error and dv.prompt
    def rules_for(cell):
        return [dv for dv in validations if cell in dv.sqref]
    for kode, (row, diamati, cara) in rows.items():
        if diamati == "ya" and cara == "rasio":
            [percent] = rules_for(f"H{row}")
            assert (percent.type, percent.formula1, percent.formula2) == ("decimal", "0", "100")
            [pembilang] = rules_for(f"N{row}")
            assert pembilang.type == "custom" and "N16<=O16" in pembilang.formula1
        if diamati == "ya" and cara == "status":
            [status] = rules_for(f"R{row}")
            assert status.formula1 == '"ya,tidak"'
        if diamati == "ya" and cara == "angka":
            [number] = rules_for(f"H{row}")
            assert number.operator == "greaterThanOrEqual"
    assert [dv.type for dv in rules_for("C12")] == ["date"]


def test_merged_groups_and_view(wb, catalogue):
    ws = wb[SHEET_MAIN]
    merged = {str(r) for r in ws.merged_cells.ranges}
    sasaran1 = sum(1 for i in catalogue.active if i.sasaran_no == 1)
    assert f"B{FIRST_DATA_ROW}:B{FIRST_DATA_ROW + sasaran1 - 1}" in merged
    assert ws.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$14:$15"


def test_category_bands_as_conditional_formatting(wb):
    ws = wb[SHEET_MAIN]
    rules = [(str(rng.sqref), r.formula[0]) for rng in ws.conditional_formatting for r in rng.rules]
    bands = capaian.band_conditions("I16")
    assert [f for s, f in rules if s.startswith("I16")] == [cond for _, cond in bands]


def test_kabupaten_workbook_inputs_are_kabupaten_indicators(kabupaten_workbook, catalogue):
    wb = load_workbook(kabupaten_workbook)
    ws = wb[SHEET_MAIN]
    for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW):
        is_input = ws[f"L{row}"].protection.locked is False
        assert is_input == (ind.tingkat_pengamatan == "kabupaten"), ind.kode
        if ind.tingkat_pengamatan == "desa":
            assert "Direkap otomatis" in ws[f"L{row}"].value
    assert ws["C6"].value == "-" and ws["C7"].value == "-"


def test_guide_sheet_in_indonesian(wb):
    text = " ".join(str(c.value) for row in wb[SHEET_GUIDE].iter_rows() for c in row if c.value)
    assert "PETUNJUK PENGISIAN" in text and "pembilang" in text and "ODbL" in text
