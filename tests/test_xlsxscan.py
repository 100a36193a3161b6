"""Formula and error cells read from sheet XML as Excel, LibreOffice and openpyxl write it."""

from kkb_excel.read.xlsxscan import changed_formulas, scan_sheet

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
