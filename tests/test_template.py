"""Structure of a generated daftar tilik workbook, read back with openpyxl."""

import pytest
from openpyxl import load_workbook

from kkb_excel import capaian
from kkb_excel.keys import BELUM_TERSEDIA
from kkb_excel.template.form_parts import FILL_FORMULA, FILL_INPUT, SIGN_OFF, closing_first_row
from kkb_excel.template.layout import (
    COL,
    FIRST_DATA_ROW,
    FREEZE,
    HEADER_ROW,
    SHEET_GUIDE,
    SHEET_MAIN,
    SHEET_META,
    SHEET_PRINT,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    identity_cell,
)
from kkb_excel.template.print_sheet import mirror


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
    assert wb.sheetnames == [SHEET_MAIN, SHEET_PRINT, SHEET_GUIDE, SHEET_META]
    assert wb[SHEET_META].sheet_state == "hidden"
    assert wb.security.lockStructure
    for name in (SHEET_MAIN, SHEET_PRINT, SHEET_GUIDE):
        assert wb[name].protection.sheet
    assert wb[SHEET_MAIN].protection.password is None


def test_familiar_column_order(wb):
    ws = wb[SHEET_MAIN]
    headers = [ws.cell(HEADER_ROW, c).value for c in range(1, 13)]
    assert headers == ["Kode", "Sasaran", "Program", "Kegiatan", "Indikator", "Satuan", "Target",
                       "Capaian Semester I", "% Capaian Sem I", "Capaian Semester II", "% Capaian Sem II", "Keterangan"]  # fmt: skip


def test_identity_block(wb):
    ws = wb[SHEET_MAIN]
    assert (ws[identity_cell("nama_provinsi")].value, ws["E2"].value) == ("Jawa Tengah", "33")
    assert (ws[identity_cell("nama_kabupaten")].value, ws["L2"].value) == ("Kota Semarang", "33.74")
    assert (ws[identity_cell("nama_desa")].value, ws["L3"].value) == ("Miroto", "33.74.01.1001")
    assert ws[identity_cell("tahun")].value == "Tingkat Desa/Kelurahan - Tahun 2024"
    for key in ("opd", "petugas", "tanggal"):
        assert ws[identity_cell(key)].protection.locked is False
    assert HEADER_ROW == 5  # title and a three-line identity block above the table header


def test_metadata_locates_every_row(wb, meta, catalogue):
    pairs, rows = meta
    assert pairs["template_id"] == TEMPLATE_ID and pairs["template_versi"] == TEMPLATE_VERSION
    assert (pairs["lembar"], pairs["lembar_cetak"]) == (SHEET_MAIN, SHEET_PRINT)
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
        elif cara == "rasio":  # no double entry: the % is a locked formula of pembilang/penyebut
            assert unlocked == {"keterangan", "pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2"}
            for sem in (1, 2):
                num, den = (f"{COL[f'{k}_{sem}']}{row}" for k in ("pembilang", "penyebut"))
                assert ws[f"{COL[f'capaian_{sem}']}{row}"].value == capaian.ratio_excel_formula(num, den)
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
    for dv in validations:  # every rule explains itself; only the Keterangan list takes free text
        assert dv.prompt and (dv.showErrorMessage and dv.error or dv.formula1 == f'"{BELUM_TERSEDIA}"')
    def rules_for(cell):
        return [dv for dv in validations if cell in dv.sqref]
    for _kode, (row, diamati, cara) in rows.items():
        if diamati == "ya" and cara == "rasio":
            assert rules_for(f"H{row}") == []
            [pembilang] = rules_for(f"N{row}")
            assert pembilang.type == "custom" and f"N{FIRST_DATA_ROW}<=O{FIRST_DATA_ROW}" in pembilang.formula1
        if diamati == "ya":  # "Belum tersedia" offered, free text still allowed
            [note] = rules_for(f"L{row}")
            assert note.type == "list" and note.formula1 == f'"{BELUM_TERSEDIA}"' and not note.showErrorMessage
        if diamati == "ya" and cara == "status":
            [status] = rules_for(f"R{row}")
            assert status.formula1 == '"ya,tidak"'
        if diamati == "ya" and cara == "angka":
            [number] = rules_for(f"H{row}")
            assert number.operator == "greaterThanOrEqual"
    assert [dv.type for dv in rules_for(identity_cell("tanggal"))] == ["date"]


def test_group_labels_never_span_a_page_break(wb, catalogue):
    ws = wb[SHEET_PRINT]
    starts = {FIRST_DATA_ROW} | {b.id + 1 for b in ws.row_breaks.brk}
    assert len(starts) > 3
    merged = [r for r in ws.merged_cells.ranges if r.min_col in (2, 3, 4) and r.min_row >= FIRST_DATA_ROW]
    for rng in merged:
        assert not any(rng.min_row < start <= rng.max_row for start in starts), str(rng)
    for start in sorted(starts)[1:]:
        if start > FIRST_DATA_ROW + len(catalogue.active) - 1:
            continue
        for letter in "BCD":  # every page starts with its sasaran, program and kegiatan written out
            assert ws[f"{letter}{start}"].value, (letter, start)
    assert any(str(ws[f"B{s}"].value).endswith("(lanjutan)") for s in starts)
    assert not wb[SHEET_MAIN].row_breaks.brk  # the input sheet is laid out for the screen


def test_screen_view(wb):
    ws = wb[SHEET_MAIN]
    assert ws.freeze_panes == FREEZE == f"F{FIRST_DATA_ROW}"  # header rows and Kode..Indikator stay on screen
    assert wb[SHEET_PRINT].print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"


def _screen_px(points: float) -> float:
    return points * 96 / 72


@pytest.mark.parametrize("workbook_fixture", ["desa_workbook", "kabupaten_workbook"])
def test_rows_visible_on_a_laptop_screen(workbook_fixture, request, catalogue):
    """1366x768 at 100 %: about 460 px of grid under Excel's ribbon, formula bar and sheet tabs.

    Every window of rows that does not run into the end of the table shows at least 10 indicator rows
    (the median far more), under a frozen area of at most 110 px; the columns A-L fit 1,310 px.
    """
    ws = load_workbook(request.getfixturevalue(workbook_fixture))[SHEET_MAIN]
    frozen = sum(_screen_px(ws.row_dimensions[r].height) for r in range(1, FIRST_DATA_ROW))
    rows = [_screen_px(ws.row_dimensions[r].height) for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(catalogue.active))]
    assert frozen <= 110
    visible = []
    for start in range(len(rows)):
        room, n = 460 - frozen, 0
        while start + n < len(rows) and room >= rows[start + n]:
            room -= rows[start + n]
            n += 1
        if start + n < len(rows):
            visible.append(n)
    assert min(visible) >= 10, visible
    width_px = sum(ws.column_dimensions[chr(c)].width * 7 + 5 for c in range(ord("A"), ord("L") + 1))
    assert width_px <= 1310
    assert ws.column_dimensions["E"].width >= 2 * ws.column_dimensions["D"].width  # the indicator's name, not the groups


def test_print_sheet_shows_every_value_of_the_input_sheet(wb, meta, catalogue):
    """The printed form is locked and takes each value from the cell the OPD fills (nothing typed twice)."""
    entry, printed = wb[SHEET_MAIN], wb[SHEET_PRINT]
    _, rows = meta
    for kode, (row, diamati, _) in rows.items():
        for key in ("target", "capaian_1", "persen_1", "capaian_2", "persen_2"):
            assert printed[f"{COL[key]}{row}"].value == mirror(f"{COL[key]}{row}"), (kode, key)
        note = printed[f"{COL['keterangan']}{row}"].value
        assert note == (mirror(f"L{row}") if diamati == "ya" else entry[f"L{row}"].value)
        assert printed[f"E{row}"].value == entry[f"E{row}"].value
    for key in ("nama_desa", "opd", "petugas", "tanggal"):
        assert printed[identity_cell(key)].value == mirror(identity_cell(key))
    last = FIRST_DATA_ROW + len(rows) - 1
    first = closing_first_row(last)
    for line in SIGN_OFF:
        if line.key:  # the sign-off inputs (jabatan, NIP, Mengetahui) too
            cell = printed[f"{'C' if line.side == 'kiri' else 'H'}{first + line.offset}"]
            assert cell.value == mirror(cell.coordinate), line.key
    assert not [c.coordinate for r in printed.iter_rows() for c in r if c.protection.locked is False]
    assert printed.max_column <= 12  # A-L: the support columns are screen-only


def test_input_colour_is_not_a_category_colour():
    def rgb(hex_):
        return tuple(int(hex_[i : i + 2], 16) for i in (0, 2, 4))
    mine = rgb(FILL_INPUT.fgColor.rgb[-6:])
    for band in capaian.SCHEMES[capaian.DEFAULT_SCHEME]:
        assert sum(abs(a - b) for a, b in zip(mine, rgb(band.fill), strict=True)) > 60, band.label
    assert sum(abs(a - b) for a, b in zip(mine, rgb(FILL_FORMULA.fgColor.rgb[-6:]), strict=True)) > 40


def test_fonts_are_explicit(wb):
    for ws in (wb[SHEET_MAIN], wb[SHEET_PRINT]):
        for row in ws.iter_rows(min_row=1, max_row=FIRST_DATA_ROW + 5):
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "Arial", cell.coordinate


@pytest.mark.parametrize("sheet", [SHEET_MAIN, SHEET_PRINT])
def test_category_bands_as_conditional_formatting(wb, sheet):
    ws = wb[sheet]
    rules = [(str(rng.sqref), r.formula[0]) for rng in ws.conditional_formatting for r in rng.rules]
    bands = capaian.band_conditions(f"I{FIRST_DATA_ROW}")
    assert [f for s, f in rules if s.startswith(f"I{FIRST_DATA_ROW}")] == [cond for _, cond in bands]


def test_kabupaten_workbook_inputs_are_kabupaten_indicators(kabupaten_workbook, catalogue):
    wb = load_workbook(kabupaten_workbook)
    ws = wb[SHEET_MAIN]
    for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW):
        is_input = ws[f"L{row}"].protection.locked is False
        assert is_input == (ind.tingkat_pengamatan == "kabupaten"), ind.kode
        if ind.tingkat_pengamatan == "desa":
            assert "Direkap dari" in ws[f"L{row}"].value
    assert ws[identity_cell("nama_kecamatan")].value == "-" and ws[identity_cell("nama_desa")].value == "-"


def test_guide_sheet_in_indonesian(wb):
    text = " ".join(str(c.value) for row in wb[SHEET_GUIDE].iter_rows() for c in row if c.value)
    assert "PETUNJUK PENGISIAN" in text and "pembilang" in text and "ODbL" in text


def test_sign_off_dates_show_as_dates(wb, catalogue):
    first = closing_first_row(FIRST_DATA_ROW + len(catalogue.active) - 1)
    for sheet in (SHEET_MAIN, SHEET_PRINT):
        for line in SIGN_OFF:
            if line.label == "Tanggal":  # the compiler's date (from the identity block) and the acknowledger's
                cell = wb[sheet][f"{'C' if line.side == 'kiri' else 'H'}{first + line.offset}"]
                assert cell.number_format == "DD/MM/YYYY", (sheet, cell.coordinate)
