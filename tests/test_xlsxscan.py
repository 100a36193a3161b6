"""Formula and error cells read from sheet XML as Excel, LibreOffice and openpyxl write it."""

from kkb_excel.read.xlsxscan import (
    changed_formulas,
    column_index,
    column_letter,
    formula_count,
    percent_styles,
    scan_sheet,
    styled_cells,
)  # fmt: skip

EXPECTED = {"I16": '=IF(G16>0,H16/G16*100,"")', "I17": '=IF(G17>0,H17/G17*100,"")'}


def test_openpyxl_and_excel_style_is_unchanged():
    xml = (b'<sheetData><row r="16"><c r="I16" s="1"><f>IF(G16&gt;0,H16/G16*100,"")</f><v></v></c></row>'
           b'<row r="17"><c r="I17" s="1"><f>IF(G17&gt;0,H17/G17*100,"")</f></c></row></sheetData>')  # fmt: skip
    assert changed_formulas(xml, EXPECTED) == {}


def test_libreoffice_style_is_unchanged():
    xml = (b'<row r="16"><c r="I16" s="13" t="str"><f aca="false">IF(G16&gt;0,H16/G16*100,&quot;&quot;)</f><v></v></c>'
           b'<c r="I17" s="13" t="n"><f aca="false">if(G17 &gt; 0,H17/G17*100,&quot;&quot;)</f><v>5</v></c></row>')  # fmt: skip
    assert changed_formulas(xml, EXPECTED) == {}


def test_overwritten_and_edited_formulas():
    xml = b'<c r="I16" s="1" t="n"><v>99</v></c><c r="I17" s="1"><f>H17*100</f></c>'
    assert changed_formulas(xml, EXPECTED) == {"I16": None, "I17": "H17*100"}


def test_shared_formulas_are_expanded():
    xml = (b'<c r="I16"><f t="shared" ref="I16:I17" si="0">IF(G16&gt;0,H16/G16*100,"")</f></c>'
           b'<c r="I17"><f t="shared" si="0"/></c>')  # fmt: skip
    assert scan_sheet(xml).formulas["I17"] == 'IF(G17>0,H17/G17*100,"")'
    assert changed_formulas(xml, EXPECTED) == {}


def test_error_cells():
    xml = b'<c r="H18" t="e"><v>#DIV/0!</v></c><c r="H19"><v>3</v></c><c r="J20" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    assert scan_sheet(xml).errors == {"H18": "#DIV/0!", "J20": "#DIV/0!"}


def test_namespace_prefixed_tags():
    xml = (b'<x:c r="I16" s="1"><x:f>IF(G16&gt;0,H16/G16*100,"")</x:f></x:c>'
           b'<x:c r="I17" s="1"><x:f>H17*100</x:f></x:c><x:c r="H18" t="e"><x:v>#N/A</x:v></x:c>')  # fmt: skip
    assert changed_formulas(xml, EXPECTED) == {"I17": "H17*100"}
    assert scan_sheet(xml).errors == {"H18": "#N/A"}
    assert formula_count(xml) == 2


def test_cells_out_of_order_are_still_compared():
    xml = b'<c r="I17"><f>IF(G17&gt;0,H17/G17*100,"")</f></c><c r="I16"><f>H16</f></c>'
    assert changed_formulas(xml, EXPECTED) == {"I16": "H16"}


def test_cell_without_reference_and_missing_formula_cell():
    xml = b'<c s="1"><f>IF(G16&gt;0,H16/G16*100,"")</f></c><c r="I17"><f>IF(G17&gt;0,H17/G17*100,"")</f></c>'
    assert changed_formulas(xml, EXPECTED) == {"I16": None}  # nothing at I16: the formula is gone
    assert changed_formulas(b'<c r="I17"><f>IF(G17&gt;0,H17/G17*100,"")</f></c>', EXPECTED) == {"I16": None}


def test_percent_styles_and_styled_cells():
    styles = (b'<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
              b'<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/><xf numFmtId="2"/>'
              b'<xf numFmtId="164"/></cellXfs></styleSheet>')  # fmt: skip
    assert percent_styles(styles) == {"1", "3"}
    xml = b'<c r="H16" s="1"><v>0.55</v></c><c r="H17" s="2"><v>3</v></c><c s="3" r="H18"><v>0.1</v></c>'
    assert styled_cells(xml, {"1", "3"}) == {"H16", "H18"}
    assert styled_cells(xml, set()) == set()


def test_column_letters_round_trip():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert all(column_index(column_letter(i)) == i for i in range(2000))


def test_formula_cells_fast_pass_and_unusual_xml():
    from kkb_excel.read.xlsxscan import formula_cells

    plain = b'<row r="5"><c r="A5"><v>1</v></c><c r="B5" s="2"><f>A5*2</f><v>2</v></c><x:c r="C5"><x:f>1</x:f></x:c></row>'
    assert formula_cells(plain) == {"B5", "C5"}
    attribute_after = b'<c s="2" t="n" r="D7"><v>1</v></c><c s="1" r="E7"><f>D7+1</f></c>'
    assert formula_cells(attribute_after) == {"E7"}
