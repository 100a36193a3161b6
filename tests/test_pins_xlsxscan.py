"""Pins for kkb_excel.read.xlsxscan found by mutation testing (tools/mutate.py).

Sheet XML as other writers produce it: namespace-prefixed tags, cells out of order, a <c> without
r=, a missing formula cell; and the fast path (one byte comparison per untouched cell) is pinned by
forbidding the full-scan fallback where it must not be needed.
"""

import dataclasses
import io
import zipfile

import pytest

from kkb_excel.read import xlsxscan
from kkb_excel.read.xlsxscan import (
    changed_formulas,
    column_index,
    has_error_cells,
    normalize_formula,
    scan_sheet,
    sheet_parts,
)

EXPECTED = {"I16": '=IF(G16>0,H16/G16*100,"")', "I17": '=IF(G17>0,H17/G17*100,"")'}
I16 = b'<c r="I16" s="1"><f>IF(G16&gt;0,H16/G16*100,"")</f></c>'
I17 = b'<c r="I17" s="1"><f>IF(G17&gt;0,H17/G17*100,"")</f></c>'


@pytest.fixture
def no_full_scan(monkeypatch):
    def forbidden(*_):
        raise AssertionError("the full scan must not be needed here")

    monkeypatch.setattr(xlsxscan, "_changed_by_full_scan", forbidden)


def test_namespace_prefixed_tags():
    xml = (b'<x:row r="16"><x:c r="I16" s="1"><x:f>IF(G16&gt;0,H16/G16*100,"")</x:f></x:c>'
           b'<x:c r="I17"><x:f>H17*100</x:f></x:c><x:c r="J18" t="e"><x:v>#REF!</x:v></x:c></x:row>')  # fmt: skip
    scan = scan_sheet(xml)
    assert scan.formulas == {"I16": 'IF(G16>0,H16/G16*100,"")', "I17": "H17*100"}
    assert scan.errors == {"J18": "#REF!"}
    assert changed_formulas(xml, EXPECTED) == {"I17": "H17*100"}


def test_cells_out_of_order_and_a_missing_formula_cell():
    assert changed_formulas(I17 + I16, EXPECTED) == {}
    assert changed_formulas(I17 + b'<c r="I16"><f>1</f></c>', EXPECTED) == {"I16": "1"}
    assert changed_formulas(I16, EXPECTED) == {"I17": None}
    assert changed_formulas(b"", EXPECTED) == {"I16": None, "I17": None}


def test_a_cell_without_r_is_not_attributed_to_another_cell():
    xml = b'<c r="A1"><v>1</v></c><c s="1"><f>2+2</f></c>' + I16
    assert scan_sheet(xml).formulas == {"I16": 'IF(G16>0,H16/G16*100,"")'}


def test_a_bare_c_without_attributes_is_not_attributed_to_the_previous_cell():
    assert scan_sheet(b'<c r="A1"><v>1</v></c><c><f>2+2</f></c>').formulas == {}


def test_prefixed_error_cell_without_value():
    assert scan_sheet(b'<x:c r="A1" t="e"></x:c><x:c r="A2"><x:v>3</x:v></x:c>').errors == {"A1": "#?"}


def test_error_cell_without_value_does_not_take_the_next_cells_value():
    assert scan_sheet(b'<c r="A1" t="e"></c><c r="A2"><v>3</v></c>').errors == {"A1": "#?"}
    assert scan_sheet(b'<c r="A1" t="e"><v>#N/A</v></c>').errors == {"A1": "#N/A"}


def test_text_looking_like_an_error_type_is_not_an_error_cell():
    xml = b'<c r="D4" t="inlineStr"><is><t> t="e"</t></is></c><c r="D5" s="1"><f>1</f><v> t="e"</v></c>'
    assert scan_sheet(xml).errors == {}
    assert has_error_cells(b'<c r="D4" t="e"><v>#N/A</v></c>') and not has_error_cells(b'<c r="D4" t="n"><v>1</v></c>')


def test_shared_formula_children_without_a_master_are_left_out():
    xml = b'<c r="I16"><f t="shared" si="0">A16</f></c><c r="I17"><f t="shared" si="0"/></c><c r="I18"><f t="shared" si="7"/></c>'
    assert scan_sheet(xml).formulas == {"I16": "A16", "I17": "A17"}


def test_first_cell_at_offset_zero():
    assert scan_sheet(b'<c r="B2" t="e"><v>#DIV/0!</v></c>').errors == {"B2": "#DIV/0!"}
    assert scan_sheet(b'<c r="B2"><f>1+1</f></c>').formulas == {"B2": "1+1"}


def test_untouched_cells_are_one_byte_comparison(no_full_scan, monkeypatch):
    def forbidden(_):
        raise AssertionError("an untouched cell must not be parsed")

    monkeypatch.setattr(xlsxscan, "normalize_formula", forbidden)
    assert changed_formulas(b'<row r="16">' + I16 + I17 + b"</row>", EXPECTED) == {}


def test_another_cell_order_falls_back_to_the_full_scan(monkeypatch):
    calls = []
    full_scan = xlsxscan._changed_by_full_scan
    monkeypatch.setattr(xlsxscan, "_changed_by_full_scan", lambda *a: calls.append(a) or full_scan(*a))
    assert changed_formulas(I17 + I16, EXPECTED) == {} and len(calls) == 1


def test_unchanged_cells_take_the_fast_path(no_full_scan):
    assert changed_formulas(I16 + I17, EXPECTED) == {}
    shared_word = {"A1": '=IF(B1="shared",1,0)'}
    assert changed_formulas(b'<c r="A1"><f aca="false">IF(B1="shared",1,2)</f></c>', shared_word) == {"A1": 'IF(B1="shared",1,2)'}
    libreoffice = (b'<c r="I16" s="13" t="str"><f aca="false">IF(G16&gt;0,H16/G16*100,&quot;&quot;)</f><v></v></c>'
                   b'<c r="I17" s="13" t="n"><f aca="false">if(G17 &gt; 0,H17/G17*100,"")</f><v>5</v></c>')  # fmt: skip
    assert changed_formulas(libreoffice, EXPECTED) == {}
    edited = b'<c r="I16" s="1"/><c r="I17" s="1" t="n"><v>4</v></c>'
    assert changed_formulas(edited, EXPECTED) == {"I16": None, "I17": None}
    assert changed_formulas(I16 + b'<c r="I17"><f>h17 * 100</f></c>', EXPECTED) == {"I17": "h17 * 100"}


def test_entities_are_unescaped_once_amp_last():
    xml = b'<c r="A1"><f>"&amp;lt;"&amp;"&lt;&gt;&quot;&apos;"</f></c>'
    assert scan_sheet(xml).formulas == {"A1": "\"&lt;\"&\"<>\"'\""}


@pytest.mark.parametrize("letters,index", [("A", 0), ("Z", 25), ("AA", 26), ("AZ", 51), ("BA", 52), ("ZZ", 701), ("XFD", 16383)])
def test_column_index(letters, index):
    assert column_index(letters) == index


def test_normalize_formula():
    assert normalize_formula("= _xlfn.iferror( a1 ,\n0)") == "IFERROR(A1,0)"


def test_scan_is_a_frozen_value():
    with pytest.raises(dataclasses.FrozenInstanceError):
        scan_sheet(b"").formulas = {}


def _package(targets: dict[str, str]) -> zipfile.ZipFile:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(targets, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="{t}"/>' for i, t in enumerate(targets.values(), start=1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{sheets}</sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'{rels}</Relationships>')  # fmt: skip
    return zipfile.ZipFile(buffer)


def test_sheet_parts_relative_absolute_and_dotted_targets():
    archive = _package({"Daftar Tilik": "worksheets/sheet1.xml", "Petunjuk": "/xl/worksheets/sheet2.xml",
                        "_kkb": "./worksheets/../worksheets/sheet3.xml"})  # fmt: skip
    assert sheet_parts(archive) == {"Daftar Tilik": "xl/worksheets/sheet1.xml", "Petunjuk": "xl/worksheets/sheet2.xml",
                                    "_kkb": "xl/worksheets/sheet3.xml"}  # fmt: skip


def test_a_styles_part_without_cell_formats_has_no_percent_styles():
    styles = b'<styleSheet><numFmts><numFmt numFmtId="164" formatCode="0.0%"/></numFmts></styleSheet>'
    assert xlsxscan.percent_styles(styles) == frozenset()


def test_no_percent_styles_means_no_styled_cells_even_with_an_empty_style():
    assert xlsxscan.styled_cells(b'<c r="A1" s=""/><c r="A2" s="3"/>', frozenset()) == set()


def test_formula_count_counts_plain_shared_and_empty_formula_elements():
    xml = (b'<c r="A1"><f>1+1</f></c><c r="A2"><f t="shared" ref="A2:A3" si="0">B2</f></c>'
           b'<c r="A3"><f t="shared" si="0"/></c><c r="A4"><f/></c>')  # fmt: skip
    assert xlsxscan.formula_count(xml) == 4


def test_formula_cells_keeps_a_shared_formula_child_whose_master_is_gone():
    """The cell holds a formula element (a typed formula), even if the full scan cannot expand it."""
    assert xlsxscan.formula_cells(b'<c r="A1"><f t="shared" si="5"/></c>') == {"A1"}
