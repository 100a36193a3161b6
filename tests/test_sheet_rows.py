"""The rows a rollup writes as worksheet XML (output.sheet_rows) read back exactly, in Excel's readers."""

from __future__ import annotations

import enum
import io

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from kkb_excel.output.safe import clean
from kkb_excel.output.sheet_rows import SheetRows, fill_sheets, number_xml, text_xml


class Status(enum.StrEnum):
    DITERIMA = "diterima"


TEXTS = ["biasa", "a & b < c > d", "  spasi di depan", "di belakang  ", "literal _x0041_ tetap", "tab\tdan\nbaris", "Rp 1.000,5"]
NUMBERS = [0.1 + 0.2, 1 / 3, 123.0, -0.0, 1e16, 2.5e-7, 7, 10**15 + 1, 0.30000000000000004 * 3]


def _package(rows: SheetRows, bold: bool = False) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    book.add_worksheet("Kosong")
    book.close()
    return fill_sheets(buffer.getvalue(), {sheet.index: rows.finish()})


def test_values_read_back_exactly_in_calamine_and_openpyxl():
    rows = SheetRows()
    rows.add(0, [(c, text, None) for c, text in enumerate(TEXTS)])
    rows.add(1, [(c, number, None) for c, number in enumerate(NUMBERS)])
    rows.add(3, [(0, True, None), (1, False, None), (27, Status.DITERIMA, None)], height=26.4)
    data = _package(rows)
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Data").to_python()
    assert grid[0][: len(TEXTS)] == TEXTS
    assert [float(v) for v in grid[1][: len(NUMBERS)]] == [float(n) for n in NUMBERS]  # every digit, not 16
    assert grid[2] == [""] * len(grid[2])  # a row never added stays empty
    assert grid[3][0] is True and grid[3][1] is False and grid[3][27] == "diterima"
    ws = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    literal = TEXTS.index("literal _x0041_ tetap")  # openpyxl, unlike Excel and calamine, leaves _x005F_ as it is
    assert [ws.cell(1, c + 1).value for c in range(len(TEXTS)) if c != literal] == [t for t in TEXTS if t != TEXTS[literal]]
    assert ws.cell(2, 1).value == 0.1 + 0.2
    assert ws.row_dimensions[4].height == 26.25  # whole pixels, as XlsxWriter's set_row stores it
    assert ws.dimensions == "A1:AB4"
    assert openpyxl.load_workbook(io.BytesIO(data))["Kosong"].max_row == 1


def test_text_escapes_match_excel():
    assert text_xml("a&b<c>") == "a&amp;b&lt;c&gt;"
    assert text_xml("_x000B_ literal") == "_x005F_x000B_ literal"
    assert text_xml("ada\x0bkontrol") == "ada_x000B_kontrol"
    assert number_xml(123.0) == "123" and number_xml(0.1) == "0.1" and number_xml(7) == "7"


def test_a_sheet_written_elsewhere_is_never_overwritten():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_string(0, 0, "sudah ada")
    book.close()
    rows = SheetRows()
    rows.add(0, [(0, "baru", None)])
    with pytest.raises(ValueError, match="sudah berisi sel"):
        fill_sheets(buffer.getvalue(), {sheet.index: rows.finish()})


def _many_rows() -> SheetRows:
    rows = SheetRows()
    for r in range(2000):  # several batches, each deflated in the background
        rows.add(r, [(0, f"33.74.{r % 16:02d}", None), (1, r * 1.25, None), (2, TEXTS[r % len(TEXTS)], None)])
    return rows


def test_rows_deflated_as_they_come_make_a_valid_member_that_reads_back():
    """Head, rows and tail deflated apart and joined: zipfile checks the CRC, calamine reads every row."""
    import zipfile

    data = _package(_many_rows())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every member inflates to its recorded CRC-32
        xml = archive.read("xl/worksheets/sheet1.xml")
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == len(xml)
    assert xml.count(b"<sheetData>") == 1 and xml.endswith(b"</worksheet>") and b'<dimension ref="A1:C2000"/>' in xml
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Data").to_python()
    assert len(grid) == 2000 and grid[1999] == ["33.74.15", 1999 * 1.25, TEXTS[1999 % len(TEXTS)]]


def test_a_zip_writer_without_the_known_internals_gets_the_xml_inflated(monkeypatch):
    """Should a Python's zipfile member writer change, the rows are inflated and written the ordinary way."""
    from kkb_excel.output import sheet_rows

    fast = _package(_many_rows())
    monkeypatch.setattr(sheet_rows, "_write_deflated", _without_internals(sheet_rows._write_deflated))
    slow = _package(_many_rows())
    grids = [CalamineWorkbook.from_filelike(io.BytesIO(d)).get_sheet_by_name("Data").to_python() for d in (fast, slow)]
    assert grids[0] == grids[1] and len(grids[0]) == 2000


def _without_internals(write):
    class Plain:
        def __init__(self, stream):
            self.write = stream.write

    return lambda stream, pieces, crc, size: write(Plain(stream), pieces, crc, size)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 255, 4096, 123_457])
def test_crc32_combine_equals_the_crc_of_the_joined_bytes(length):
    import random
    import zlib

    from kkb_excel.output.sheet_rows import crc32_combine

    rng = random.Random(length)
    first, second = rng.randbytes(rng.randint(0, 300)), rng.randbytes(length)
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def test_rows_in_many_batches_come_out_once_and_in_order(monkeypatch):
    """Batches deflated one after another in the background: every row once, in the order added."""
    import zipfile

    monkeypatch.setattr(SheetRows, "_BATCH", 3)
    rows = SheetRows()
    for r in range(50):
        rows.add(r, [(0, f"baris {r}", None), (1, float(r), None)])
    data = _package(rows)
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Data").to_python()
    assert grid == [[f"baris {r}", float(r)] for r in range(50)]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert xml.count(b"<row ") == 50  # readers keep the last of two rows with one number; Excel repairs the file


def test_rendering_waits_for_the_deflating_thread_so_memory_stays_flat(monkeypatch):
    """However slow the deflating, at most _AHEAD batches wait for it; and its thread ends with the sheet."""
    import threading
    import time

    monkeypatch.setattr(SheetRows, "_BATCH", 1)
    monkeypatch.setattr(SheetRows, "_AHEAD", 2)
    deflate = SheetRows._deflate

    def slowly(self, data):
        time.sleep(0.02)
        return deflate(self, data)

    monkeypatch.setattr(SheetRows, "_deflate", slowly)
    threads = {t for t in threading.enumerate() if t.name.startswith("deflate")}
    rows, waiting = SheetRows(), []
    for r in range(12):
        rows.add(r, [(0, r, None)])
        waiting.append(sum(not f.done() for f in rows._deflated))
    assert max(waiting) <= 2
    grid = CalamineWorkbook.from_filelike(io.BytesIO(_package(rows))).get_sheet_by_name("Data").to_python()
    assert [row[0] for row in grid] == list(range(12))
    assert {t for t in threading.enumerate() if t.name.startswith("deflate")} == threads


def test_plain_values_render_as_add_does_without_the_empty_cells():
    """`add_values` (the machine sheets): the cells `add` writes for (column, value, no format), except that
    None, "" and NaN/inf are left out, a boolean is 1/0, text is cleaned, and a row of nothing is no row."""
    values = [*TEXTS, "", None, float("nan"), float("inf"), *NUMBERS, True, Status.DITERIMA, "ada\x0bkontrol"]
    fast, general = SheetRows(), SheetRows()
    fast.add_values(0, values)
    general.add(0, [(c, int(v) if isinstance(v, bool) else clean(v), None) for c, v in enumerate(values)
                    if v not in (None, "") and clean(v) is not None])  # fmt: skip
    fast.add_values(1, ["", None, float("nan")])
    fast.add_values(2, ["kunci"])
    general.add(2, [(0, "kunci", None)])
    assert fast._pending == general._pending and fast.last_row == 2 and fast.last_col == len(values) - 1


def test_a_big_sheet_goes_on_in_a_faster_stream_that_joins_the_first(monkeypatch):
    """Past _FAST_FROM bytes the rows go to a second, faster deflate stream: one member, every row read back."""
    import zipfile
    import zlib

    from kkb_excel.output import sheet_rows

    monkeypatch.setattr(SheetRows, "_BATCH", 5)
    monkeypatch.setattr(SheetRows, "_FAST_FROM", 2000)
    made, compress = [], zlib.compressobj
    rows = SheetRows()

    def compressobj(level, *args):  # the streams started after the first: at what level, after how many bytes
        made.append((level, rows._deflated_size))
        return compress(level, *args)

    monkeypatch.setattr(sheet_rows.zlib, "compressobj", compressobj)
    for r in range(300):
        rows.add(r, [(0, f"baris {r} " * 3, None), (1, r / 7, None)])
    rows._pack()
    [f.result() for f in rows._deflated]
    monkeypatch.setattr(sheet_rows.zlib, "compressobj", compress)
    assert rows._size > 10 * SheetRows._FAST_FROM
    assert len(made) == 1 and made[0][0] == 2  # one faster stream, in the batch that crossed the mark
    assert SheetRows._FAST_FROM <= made[0][1] < SheetRows._FAST_FROM + rows._size / 300 * SheetRows._BATCH
    data = _package(rows)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None  # the CRC of the joined streams is right
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Data").to_python()
    assert grid == [[f"baris {r} " * 3, r / 7] for r in range(300)]
    assert openpyxl.load_workbook(io.BytesIO(data))["Data"].cell(300, 2).value == 299 / 7
