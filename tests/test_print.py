"""What a clerk gets on paper: the templates printed to PDF by LibreOffice, measured page by page."""

from __future__ import annotations

import math

import pytest
from conftest import DESA
from libreoffice import recalculate, soffice
from openpyxl import load_workbook

from kkb_excel.template.generate import generate, plan_units
from kkb_excel.template.layout import PAPERS, SHEET_PRINT, SOURCE_NOTE

pypdf = pytest.importorskip("pypdf")
pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")]
MM_PER_PT = 25.4 / 72


def _sizes(page) -> list[float]:
    """Size on paper (pt) of every piece of text drawn on a PDF page."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            b, d = tm[1] * cm[0] + tm[3] * cm[2], tm[1] * cm[1] + tm[3] * cm[3]
            sizes.append(size * math.hypot(b, d))

    page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("cetak")
    [desa] = generate(plan_units([DESA], None, 2024), 2024, out / "f4")
    [kab] = generate(plan_units(["33.74"], None, 2024), 2024, out / "a4", kertas="a4")
    pdfs = recalculate([desa, kab], out, fmt="pdf")
    return {"f4": (desa, pdfs[0]), "a4": (kab, pdfs[1])}


@pytest.mark.parametrize("kertas", ["f4", "a4"])
def test_pages_size_orientation_count_and_text_size(printed, kertas):
    xlsx, pdf = printed[kertas]
    paper = PAPERS[kertas]
    ws = load_workbook(xlsx)[SHEET_PRINT]
    expected_main = len(ws.row_breaks.brk) + 1
    pages = pypdf.PdfReader(pdf).pages
    main = [p for p in pages if SOURCE_NOTE in p.extract_text()]
    guide = [p for p in pages if "PETUNJUK PENGISIAN" in p.extract_text()]
    entry = [p for p in pages if p not in main and p not in guide]  # the input sheet, printed one page wide
    assert len(main) == expected_main and 1 <= len(guide) <= 2 and 1 <= len(entry) <= 6
    assert any("Lembar isian" in p.extract_text() for p in entry)
    for page in main:  # landscape on the chosen paper
        w, h = float(page.mediabox.width) * MM_PER_PT, float(page.mediabox.height) * MM_PER_PT
        assert (round(w), round(h)) == (round(paper.long_mm), round(paper.short_mm))
    for page in guide:
        assert float(page.mediabox.height) > float(page.mediabox.width)  # Petunjuk in portrait
    smallest = min(min(_sizes(p)) for p in main)
    assert smallest >= 8.0, smallest
    text = "".join(p.extract_text() for p in main)
    assert "Disusun oleh" in text and "Mengetahui" in text and "(lanjutan)" in text
    assert "Pembilang" not in text  # the support columns are screen-only
