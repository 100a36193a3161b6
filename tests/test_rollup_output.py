"""What a secretariat hands over: the unit's Lampiran 4 rekap, print set-up, names, CSV/Parquet, PDF."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from consolidate_helpers import run
from libreoffice import soffice
from openpyxl import load_workbook

from kkb_excel import capaian
from kkb_excel.cli import main
from kkb_excel.output import pdf, rekap_form
from kkb_excel.output.rollup_workbook import ANALYST_COLUMNS, records, write_csv, write_parquet, write_pdf, write_xlsx
from kkb_excel.output.xlsx_style import BAND_FILL
from kkb_excel.synthetic import plausible_values, write_synthetic
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import identity_cell

KOTA = "33.74"


@pytest.fixture(scope="module")
def kiriman(tmp_path_factory, catalogue) -> Path:
    """Every desa of two kecamatan of Kota Semarang but two, the kota's own workbook, and a second OPD that disagrees."""
    folder = tmp_path_factory.mktemp("kiriman")
    desa = plan_units(["33.74.01", "33.74.02"], "desa", 2024)
    write_synthetic(desa[2:], 2024, folder, seed=11, defect_rate=0)
    write_synthetic(plan_units([KOTA], None, 2024), 2024, folder, seed=12, defect_rate=0)
    other = desa[3]
    targets = catalogue.targets("desa")
    cells = plausible_values(catalogue, "desa", random.Random(5), targets)
    cells[identity_cell("opd")], cells[identity_cell("tanggal")] = "Puskesmas", date(2024, 12, 2)
    blueprint = Blueprint.build("desa", 2024, targets, catalogue)
    (folder / other.filename.replace(".xlsx", "_puskesmas.xlsx")).write_bytes(blueprint.render(other.identity, targets, cells))
    return folder


@pytest.fixture(scope="module")
def rollup(kiriman):
    return run([kiriman], "kabupaten", KOTA)


@pytest.fixture(scope="module")
def book(rollup, tmp_path_factory):
    path = tmp_path_factory.mktemp("rekap") / "rekap.xlsx"
    write_xlsx(rollup, path)
    return load_workbook(path)


def test_lampiran4_rekap_equals_the_consolidation_row_by_row(rollup, book, catalogue):
    ws = book["Lampiran 4"]
    own = {r["kode_indikator"]: r for r in records(rollup, catalogue, ["kabupaten"]) if r["kode_wilayah"] == KOTA}
    first = rekap_form.HEADER_ROW + 2
    assert [ws.cell(first + n, 1).value for n in range(len(catalogue.active))] == [i.kode for i in catalogue.active]
    compared = 0
    for n, ind in enumerate(catalogue.active):
        row = first + n
        shown = {key: ws.cell(row, rekap_form.COL[key] + 1).value for key, _, _ in rekap_form.COLUMNS}
        rec = own.get(ind.kode)
        if rec is None:
            assert shown["capaian_1"] is None and shown["persen_1"] is None
            continue
        assert shown["target"] == rec["target"]
        for s in (1, 2):
            value = rec[f"capaian_{s}"]
            assert shown[f"capaian_{s}"] == (None if value is None else capaian.excel_round(value, 2))
            assert shown[f"persen_{s}"] == rec[f"persen_{s}"]
            fill = ws.cell(row, rekap_form.COL[f"persen_{s}"] + 1).fill.fgColor.rgb
            if rec[f"kategori_{s}"]:
                assert fill.endswith(BAND_FILL[rec[f"kategori_{s}"]])
                compared += 1
        if ind.tingkat_pengamatan == "desa" and rec["laporan_1"]:
            assert f"{int(rec['laporan_1'])} dari 177 desa/kelurahan melapor" in shown["keterangan"]
    assert compared > 40
    conflicted = next(c.kode_indikator for c in rollup.conflicts)
    assert "konflik OPD ditahan" in ws.cell(first + [i.kode for i in catalogue.active].index(conflicted), 12).value
    text = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Disusun oleh," in text and "Mengetahui," in text and "Wali Kota Semarang" in text


def test_every_visible_sheet_is_set_up_for_printing(book):
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert {"Lampiran 4", "Ringkasan", "Matriks Sem I", "Matriks Sem II", "Belum Masuk", "Konflik"} <= {ws.title for ws in visible}
    for ws in visible:
        assert ws.page_setup.paperSize == 14, ws.title  # F4/Folio by default
        assert ws.page_setup.orientation == ("portrait" if ws.title == "Ringkasan" else "landscape"), ws.title
        fits = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.title == "Lampiran 4":
            assert not fits and ws.row_breaks.count >= 3  # own page breaks, labels repeated after each
        elif ws.title.startswith("Matriks"):
            assert ws.print_title_cols == "$A:$B" and ws.col_breaks.count >= 1
        else:
            assert fits and (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0, ws.title  # 1 is the OOXML default
        if ws.title != "Ringkasan":
            assert ws.print_title_rows, ws.title
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert widths and max(widths) > 10, ws.title


def test_a4_paper(rollup, tmp_path):
    path = tmp_path / "a4.xlsx"
    write_xlsx(rollup, path, paper="a4")
    assert {ws.page_setup.paperSize for ws in load_workbook(path).worksheets if ws.sheet_state == "visible"} == {9}


def test_page_starts_repeat_the_group_labels(book, catalogue):
    ws = book["Lampiran 4"]
    for brk in ws.row_breaks.brk:
        row = brk.id + 1  # the first row of the next page (1-based)
        if ws.cell(row, 1).value in {i.kode for i in catalogue.active}:
            assert all(ws.cell(row, rekap_form.COL[k] + 1).value for k in rekap_form.GROUP_KEYS)


def test_sign_off_never_stands_on_a_page_without_figures(rollup, catalogue, wilayah):
    rows = rekap_form.form_rows(rollup, catalogue, KOTA, wilayah)
    widths, header = rekap_form.column_widths("f4"), 50.0
    layout, breaks, closing_break = rekap_form._plan_pages(rows, widths, 1e6, header, header)
    assert (breaks, closing_break) == ([], False)
    table = header
    for _, height in layout:  # added up in the planner's order: a float sum in another order may differ in its last bit
        table += height
    closing = rekap_form.LINE_PT * 17 + 3
    # a page holding the whole table but not the closing block: the last row moves to the sign-off page
    layout, breaks, closing_break = rekap_form._plan_pages(rows, widths, table + closing / 2, header, header)
    assert (breaks, closing_break) == ([len(rows) - 1], False)
    assert all(layout[-1][0].values())  # its sasaran, program and kegiatan written out on the new page
    # a page holding the table and the closing block: no break at all
    assert rekap_form._plan_pages(rows, widths, table + closing, header, header)[1:] == ([], False)


def test_names_beside_codes_and_labels_users_know(rollup, book):
    missing = {r[0].value: [c.value for c in r] for r in book["Belum Masuk"].iter_rows(min_row=2)}
    assert rollup.not_reported
    for m in rollup.not_reported:
        assert missing[m.kode_wilayah][1] == m.nama and missing[m.kode_wilayah][5] == m.desa
        if m.tingkat == "desa":
            assert missing[m.kode_wilayah][2] == rollup.names[m.kode_wilayah.rsplit(".", 1)[0]]
    konflik = [[c.value for c in r] for r in book["Konflik"].iter_rows(min_row=2)]
    assert konflik and all(row[1] and "Puskesmas" in row[5] for row in konflik)
    assert "Sem I" in konflik[0][6] and "_1" not in konflik[0][6]  # column labels users know, not keys
    tier = book["Rekap Kabupaten-Kota"]
    persen = next(c for c in tier["L"][1:] if isinstance(c.value, float))
    assert persen.number_format == "0.00"
    count = next(c for c in tier["Q"][1:] if isinstance(c.value, (int, float)) and c.value >= 1000)
    assert count.number_format == "#,##0"


def test_csv_indonesian_excel_reads_back_and_years_stack(rollup, kiriman, tmp_path, catalogue):
    path = tmp_path / "rekap.csv"
    write_csv(rollup, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"kode_wilayah": str, "kode_cakupan": str})
    assert list(frame.columns) == list(ANALYST_COLUMNS)
    want = {(r["kode_wilayah"], r["kode_indikator"]): r for r in records(rollup, catalogue)}
    row = frame[(frame.kode_wilayah == KOTA) & (frame.semester == 1) & frame.persen_capaian.notna()].iloc[0]
    rec = want[(KOTA, row.kode_indikator)]
    assert row.capaian == pytest.approx(rec["capaian_1"], abs=1e-9) and row.persen_capaian == rec["persen_1"]
    assert set(frame.tahun) == {2024} and set(frame.semester) == {1, 2} and set(frame.kode_cakupan) == {KOTA}
    plain = tmp_path / "plain.csv"
    write_csv(rollup, plain, fmt="standar")
    codes = {"kode_wilayah": str, "kode_cakupan": str}
    pd.testing.assert_frame_equal(pd.read_csv(plain, dtype=codes),
                                  pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype=codes))  # fmt: skip
    later = tmp_path / "2025"
    write_synthetic(plan_units(["33.74.01"], "desa", 2025)[:3], 2025, later, seed=3, defect_rate=0)
    write_csv(run([later], "kabupaten", KOTA, tahun=2025), tmp_path / "rekap-2025.csv")
    stacked = pd.concat([pd.read_csv(p, sep=";", decimal=",", encoding="utf-8-sig", dtype={"kode_wilayah": str})
                         for p in (path, tmp_path / "rekap-2025.csv")])  # fmt: skip
    per_year = stacked[stacked.kode_wilayah == KOTA].groupby("tahun").size()
    assert set(per_year.index) == {2024, 2025}
    assert not stacked.duplicated(["tahun", "semester", "kode_wilayah", "kode_indikator"]).any()
    write_parquet(rollup, tmp_path / "r.parquet")
    assert set(pd.read_parquet(tmp_path / "r.parquet").tahun) == {2024}


def test_output_names_must_match_their_content(kiriman, tmp_path):
    runner = CliRunner()
    base = ["consolidate", str(kiriman), "--tingkat", "kabupaten", "--wilayah", KOTA, "--tahun", "2024"]
    bad = runner.invoke(main, [*base, "-o", str(tmp_path / "rekap.csv")])
    assert bad.exit_code == 2 and "harus berakhiran .xlsx" in bad.output and not (tmp_path / "rekap.csv").exists()
    bad = runner.invoke(main, [*base, "-o", str(tmp_path / "r.xlsx"), "--parquet", str(tmp_path / "r.csv")])
    assert bad.exit_code == 2 and "--parquet" in bad.output
    ok = runner.invoke(main, [*base, "-o", str(tmp_path / "rekap"), "--csv", str(tmp_path / "data")], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "rekap.xlsx").is_file() and (tmp_path / "data.csv").is_file()


def test_pdf_without_libreoffice_says_what_to_install(kiriman, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    result = CliRunner().invoke(main, ["consolidate", str(kiriman), "--tingkat", "kabupaten", "--wilayah", KOTA,
                                       "--tahun", "2024", "-o", str(tmp_path / "r.xlsx"), "--pdf", str(tmp_path / "r.pdf")])  # fmt: skip
    assert result.exit_code == 2 and "LibreOffice" in result.output and "libreoffice.org" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def _text_sizes(page) -> list[tuple[str, float]]:
    """(text, size on paper in pt) of every text run on a PDF page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1
            runs.append((text.strip(), size * scale))

    page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.libreoffice
def test_pdf_of_the_rekap_prints_readably(rollup, tmp_path, paper="f4", size=(936, 612)):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    pypdf = pytest.importorskip("pypdf")
    path = tmp_path / "rekap.pdf"
    write_pdf(rollup, path, paper=paper)
    pages = pypdf.PdfReader(path).pages
    form = [p for p in pages if "Lampiran 4" in p.extract_text()]
    assert 4 <= len(form) <= 16
    for page in form:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(w), round(h)) == pytest.approx(size, abs=2)
        text = page.extract_text()
        assert "Indikator" in text and "Keterangan" in text  # header repeated, every column on the page
        sizes = [s for t, s in _text_sizes(page)]
        assert min(sizes) >= 7.9
    assert "Mengetahui" in form[-1].extract_text() and "Disusun oleh" in form[-1].extract_text()
    assert any("Ringkasan" in p.extract_text() for p in pages)


def test_charts_carry_their_labels_and_values(rollup, tmp_path):
    """The Ringkasan and Kelengkapan charts keep XlsxWriter's cached points (names as text categories):
    those sheets are written cell by cell, unlike the big sheets written as XML rows."""
    import re
    import zipfile

    path = tmp_path / "rekap.xlsx"
    write_xlsx(rollup, path)
    with zipfile.ZipFile(path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert charts
    for chart in charts:
        names = re.findall(r"<c:strCache>.*?</c:strCache>", chart, re.S)
        assert names and all("<c:pt " in block for block in names)
        assert re.search(r"<c:numCache>.*?<c:pt idx=\"0\"><c:v>[0-9.]+</c:v>", chart, re.S)


def test_the_machine_sheet_and_manifest_written_by_a_second_process_are_the_same(rollup, monkeypatch):
    """With jobs > 1 a big machine sheet and the Manifest rows are made by a spawn-started process; should
    that process die, this one makes them. Both give exactly the sheets written in one process."""
    import io
    import zipfile
    import zlib
    from concurrent.futures.process import BrokenProcessPool

    from kkb_excel.output import rollup_workbook

    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # testzip: every member inflates to its CRC
            assert archive.testzip() is None
            return {n: archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")}

    def without_time(sheets: dict[str, bytes]) -> dict[str, bytes]:
        import re

        return {n: re.sub(rb"\d{4}-\d\d-\d\dT[\d:.]+", b"T", xml) for n, xml in sheets.items()}

    started = []
    pool = rollup_workbook.ProcessPoolExecutor

    def counted(*args, **kwargs):
        started.append(kwargs["mp_context"].get_start_method())
        return pool(*args, **kwargs)

    monkeypatch.setattr(rollup_workbook, "ProcessPoolExecutor", counted)
    here = without_time(parts(rollup_workbook.build_xlsx(rollup, jobs=2)))  # below OFFLOAD_FROM rows: one process
    monkeypatch.setattr(rollup_workbook, "OFFLOAD_FROM", 0)
    assert without_time(parts(rollup_workbook.build_xlsx(rollup))) == here and started == []  # --jobs 1: one process
    assert without_time(parts(rollup_workbook.build_xlsx(rollup, jobs=2))) == here and started == ["spawn"]

    class Died:
        def result(self):
            raise BrokenProcessPool("proses kedua mati")

    here_after_all = rollup_workbook._result_or_here(Died(), rollup)
    in_one_process = rollup_workbook.machine_rows(rollup_workbook._machine_data(rollup))
    inflated = [zlib.decompressobj(-15).decompress(b"".join(rows.pieces)) for rows in (here_after_all, in_one_process)]
    assert inflated[0] == inflated[1] and b"kode_wilayah" in inflated[0]
    listed = [rollup_workbook._listed_or_here(Died(), rollup),
              rollup_workbook.manifest_rows(rollup_workbook._manifest_values(rollup), rollup.accounting())]  # fmt: skip
    inflated = [zlib.decompressobj(-15).decompress(b"".join(rows.pieces)) for rows, *_ in listed]
    assert inflated[0] == inflated[1] and [rest for _, *rest in listed][0] == [rest for _, *rest in listed][1]
    assert b"SHA-256" in inflated[0] and listed[0][2] == 0 and listed[0][3] == len(rollup.manifest) + 3


def test_rekap_sheets_fit_what_they_hold(book, rollup):
    """Each column as wide as its longest value (clamped 6..50), the long texts wrapped in fixed columns
    and their rows made tall enough, % capaian formatted and coloured by kategori."""
    ws = book["Rekap Kecamatan"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))

    def chars(column):  # XlsxWriter stores a width in characters plus its padding
        return int(ws.column_dimensions[column].width)

    assert chars("C") == min(50, max(6, max(len(r[2]) for r in rows) + 2))
    assert chars("B") == max(6, max(len(r[1]) for r in rows) + 2)
    assert chars("F") == 45 and chars("AA") == 40
    long_row = next(i for i, r in enumerate(rows, start=2) if len(r[5]) > 90)
    assert ws.cell(long_row, 6).alignment.wrap_text and ws.row_dimensions[long_row].height > 20
    assert not ws.cell(long_row, 3).alignment.wrap_text and not ws.cell(long_row, 3).font.b
    assert book["Ringkasan"]["A1"].font.b and book["Manifest"].cell(book["Manifest"].max_row, 1).font.b  # titles, accounting line
    for col in (12, 15):  # % capaian Sem I and II
        shown = [ws.cell(i, col) for i in range(2, ws.max_row + 1) if ws.cell(i, col).value is not None]
        assert shown and all(c.number_format == "0.00" for c in shown)
        assert all(c.fill.fgColor.rgb[-6:] == BAND_FILL[capaian.kategori(c.value)] and not c.font.b for c in shown)
    counts = [ws.cell(i, 17) for i in range(2, ws.max_row + 1) if isinstance(ws.cell(i, 17).value, float | int)]
    assert counts and all(c.number_format in ("#,##0", "#,##0.00") and c.fill.fgColor.rgb[-6:] not in BAND_FILL.values() for c in counts)
    assert not any(c.font.b for c in counts)
