"""Rows of a big worksheet as XML text, put into the finished XlsxWriter workbook afterwards.

XlsxWriter spends ~15 µs of Python per cell (a call, a cell object, then the XML assembly) and
holds every cell in memory; a provinsi or nasional rollup has millions of cells. `SheetRows`
renders a whole row at once in the same XML XlsxWriter would write (inline strings, its escapes,
its styles by xf index) and deflates it in a background thread while the next rows are rendered
(zlib works without the GIL), and `fill_sheets` puts each sheet's deflated rows, between the head
and tail of the sheet XlsxWriter wrote empty, into the package as they are: never compressed twice.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from kkb_excel.output.safe import clean

_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # a literal "_x0041_" is kept literal, as Excel and XlsxWriter do
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EMPTY_DATA = b"<sheetData/>"
_ZIP64_FROM = 2**31 - 2**20  # below zipfile's ZIP64_LIMIT, with room for the sheet's other parts
_RAW = -15  # zlib wbits: a raw deflate stream, as a zip member holds it
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
ROW = "\x00"  # a row's number in a rendered row: never in the XML itself (control characters are escaped)


def text_xml(text: str) -> str:
    """A string as the content of <t>: XML escapes plus Excel's _xHHHH_ escapes."""
    if "_x" in text:
        text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    if not text.isprintable():
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def number_xml(value: float | int) -> str:
    """The shortest text that reads back as exactly this number (XlsxWriter keeps only 16 digits)."""
    if type(value) is int:
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _text_cell(value: str, style: str) -> str:
    """An inline-string cell, from its style attribute on (the part after `<c r="A1"`)."""
    text = text_xml(value)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


class SheetRows:
    """The <row> elements of one worksheet, appended in order (0-based row and column numbers)."""

    _BATCH = 2048  # rows rendered before they are deflated together (~3 MB: the thread waits for the GIL per batch)
    _AHEAD = 4  # batches waiting to be deflated at most: rendering waits beyond, so memory stays flat
    _FAST_FROM = 64 * 2**20  # bytes of row XML deflated at the usual level; beyond, level 2 (3.7 x faster, ~20 % larger)

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, _RAW)
        self._deflating: ThreadPoolExecutor | None = None  # one thread: batches are deflated in order
        self._deflated: list[Future] = []
        self._crc = 0  # CRC-32 of the row XML deflated so far (updated in the deflating thread)
        self._size = 0  # bytes of row XML
        self._deflated_size = 0  # bytes of row XML given to the deflater (in the deflating thread)
        self.last_row = -1
        self.last_col = -1
        self._letters: list[str] = []
        self._texts: dict[tuple[str, str], str] = {}  # (text, style attribute) -> the cell after its reference
        self._styles: dict[Format | None, str] = {}  # format -> its style attribute (' s="3"', or '' for none)

    def letter(self, col: int) -> str:
        while len(self._letters) <= col:
            self._letters.append(xl_col_to_name(len(self._letters)))
        return self._letters[col]

    def add(self, row: int, cells: list[tuple[int, object, Format | None]], height: float | None = None) -> str | None:
        """One row: (column, value, XlsxWriter format or None) per cell; value is str, bool, int or a finite float.
        Returns the row as `add_rendered` takes it again (None for an empty row, which is left out)."""
        if not cells and height is None:
            return None
        rendered = self.render(cells, height)
        self.add_rendered(row, rendered, cells[-1][0] if cells else -1)
        return rendered

    def render(self, cells: list[tuple[int, object, Format | None]], height: float | None = None) -> str:
        """A row's XML with `ROW` for its number, so that the same row may be put at another row number."""
        if height is not None:  # whole pixels, as XlsxWriter's set_row stores a height
            height = int(height * 4 / 3 + 0.5) * 0.75
        out = [f'<row r="{ROW}" ht="{height:g}" customHeight="1">' if height is not None else f'<row r="{ROW}">']
        letters, texts, styles = self._letters, self._texts, self._styles
        if cells and len(letters) <= cells[-1][0]:  # cells come in column order
            self.letter(cells[-1][0])
        for col, value, fmt in cells:
            style = styles.get(fmt)
            if style is None:
                style = self.style(fmt)
            if type(value) is float:  # most cells: `number_xml`, inlined
                text = repr(value)
                out.append(f'<c r="{letters[col]}{ROW}"{style}><v>{text[:-2] if text.endswith(".0") else text}</v></c>')
            elif isinstance(value, str):  # a str or a str enum (a status); the same text recurs down a sheet
                body = texts.get((value, style))
                if body is None:
                    body = texts[(value, style)] = _text_cell(str(value), style)
                out.append(f'<c r="{letters[col]}{ROW}"{body}')
            elif type(value) is bool:
                out.append(f'<c r="{letters[col]}{ROW}"{style} t="b"><v>{int(value)}</v></c>')
            else:
                out.append(f'<c r="{letters[col]}{ROW}"{style}><v>{number_xml(value)}</v></c>')
        out.append("</row>")
        return "".join(out)

    def add_values(self, row: int, values) -> None:
        """A row of plain values, no formats (the hidden machine sheets, read back by `consolidate`): text stays
        text (cleaned as `clean` does), numbers exact, a boolean as 1/0; None, "" and NaN/inf are left out,
        and so is a row with nothing else. The same cells as `add` with (column, value, None), ~3 x faster."""
        if len(self._letters) < len(values):
            self.letter(len(values) - 1)
        letters, texts = self._letters, self._texts
        out, last = [f'<row r="{ROW}">'], -1
        for col, value in enumerate(values):
            if type(value) is float:  # most cells: partial sums
                if value - value != 0.0:  # NaN or infinity: no cell value
                    continue
                text = repr(value)
                out.append(f'<c r="{letters[col]}{ROW}"><v>{text[:-2] if text.endswith(".0") else text}</v></c>')
            elif value is None or value == "":
                continue
            elif isinstance(value, str):
                body = texts.get((value, ""))
                if body is None:
                    body = texts[(value, "")] = _text_cell(str(clean(value)), "")
                out.append(f'<c r="{letters[col]}{ROW}"{body}')
            else:
                out.append(f'<c r="{letters[col]}{ROW}"><v>{number_xml(int(value) if type(value) is bool else value)}</v></c>')
            last = col
        if last >= 0:
            out.append("</row>")
            self.add_rendered(row, "".join(out), last)

    def style(self, fmt: Format | None) -> str:
        """The style attribute of a format: the index XlsxWriter gives it in styles.xml (given on first use)."""
        found = self._styles.get(fmt)
        if found is None:
            xf = fmt._get_xf_index() if fmt is not None else 0
            found = self._styles[fmt] = f' s="{xf}"' if xf else ""
        return found

    def add_rendered(self, row: int, rendered: str, last_col: int) -> None:
        """A row from `add` or `render` (0-based row number; `last_col` its last cell's column, -1 for none)."""
        self._pending.append(rendered.replace(ROW, str(row + 1)))
        if len(self._pending) >= self._BATCH:
            self._pack()
        self.last_row = row
        if last_col > self.last_col:
            self.last_col = last_col

    def _pack(self) -> None:
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self._size += len(data)
        if self._deflating is None:
            self._deflating = ThreadPoolExecutor(1, thread_name_prefix="deflate")
        self._deflated.append(self._deflating.submit(self._deflate, data))
        if len(self._deflated) > self._AHEAD:  # one thread, in order: the earlier ones are done too
            self._deflated[-self._AHEAD - 1].result()

    def _deflate(self, data: bytes) -> bytes:
        """One batch (in the deflating thread, in order). Past `_FAST_FROM` bytes (a provinsi- or nasional-size
        sheet, whose writing waits for this thread) the stream ends on a byte boundary and a faster one goes on."""
        self._crc = zlib.crc32(data, self._crc)
        done = self._deflated_size
        self._deflated_size += len(data)
        if done < self._FAST_FROM <= self._deflated_size:
            ended = self._deflater.compress(data) + self._deflater.flush(zlib.Z_SYNC_FLUSH)
            self._deflater = zlib.compressobj(2, zlib.DEFLATED, _RAW)
            return ended
        return self._deflater.compress(data)

    def finish(self) -> DeflatedRows:
        """The rows deflated, once, after the last row (the thread ends; the result pickles)."""
        self._pack()
        pieces = [future.result() for future in self._deflated]
        if self._deflating is not None:
            self._deflating.shutdown()
        self._deflated = []
        pieces.append(self._deflater.flush(zlib.Z_SYNC_FLUSH))
        return DeflatedRows(pieces, self._crc, self._size, self.last_row, self.last_col)


@dataclass
class DeflatedRows:
    """A sheet's <row> elements as raw deflate pieces ending on a byte boundary (`SheetRows.finish`)."""

    pieces: list[bytes]
    crc: int  # CRC-32 of the row XML
    size: int  # bytes of row XML
    last_row: int
    last_col: int

    def member(self, head: bytes, tail: bytes) -> tuple[list[bytes], int, int]:
        """The sheet part `head` + <sheetData>rows</sheetData> + `tail` as one raw deflate stream:
        (its pieces, CRC-32 and size of the whole XML).

        Head and tail are deflated apart and joined to the rows (every stream but the last ends on a
        byte boundary, and none refers back into another).
        """
        head, tail = head + b"<sheetData>", b"</sheetData>" + tail
        start, end = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, _RAW), zlib.compressobj(wbits=_RAW)
        pieces = [start.compress(head) + start.flush(zlib.Z_SYNC_FLUSH), *self.pieces, end.compress(tail) + end.flush()]
        crc = zlib.crc32(tail, crc32_combine(zlib.crc32(head), self.crc, self.size))
        return pieces, crc, len(head) + self.size + len(tail)

    def dimension(self) -> bytes:
        if self.last_col < 0:
            return b'<dimension ref="A1"/>'
        return f'<dimension ref="A1:{xl_col_to_name(self.last_col)}{self.last_row + 1}"/>'.encode()


def fill_sheets(package: bytes, sheets: dict[int, DeflatedRows]) -> bytes:
    """The .xlsx `package` with each listed worksheet (0-based index in the workbook) given its rows.

    Every other member is copied as it was; the filled sheets go in with their rows deflated as they are.
    """
    wanted = {f"xl/worksheets/sheet{index + 1}.xml": rows for index, rows in sheets.items() if rows.last_row >= 0}
    if not wanted:
        return package
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            rows = wanted.get(info.filename)
            if rows is None:
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=zlib.Z_DEFAULT_COMPRESSION)
                continue
            if data.count(_EMPTY_DATA) != 1:
                raise ValueError(f"{info.filename}: lembar ini sudah berisi sel")
            head, tail = data.split(_EMPTY_DATA)
            pieces, crc, size = rows.member(_DIMENSION.sub(rows.dimension(), head, count=1), tail)
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with target.open(member, "w", force_zip64=size > _ZIP64_FROM) as stream:  # zip64 only where needed
                _write_deflated(stream, pieces, crc, size)
    return out.getvalue()


class _AsIs:
    """A zip member's compressor for data deflated already."""

    @staticmethod
    def compress(data: bytes) -> bytes:
        return data

    @staticmethod
    def flush() -> bytes:
        return b""


def _write_deflated(stream, pieces: list[bytes], crc: int, size: int) -> None:
    """Raw deflate `pieces` into a zip member opened for writing, with the CRC and size of what they hold.

    zipfile has no public way to take deflated data: its member writer (the same from Python 3.8 to 3.13)
    gets a compressor that passes data on, and the CRC and size of the XML before it is closed. Where
    that writer differs, the pieces are inflated and written the ordinary way.
    """
    if not all(hasattr(stream, name) for name in ("_compressor", "_crc", "_file_size", "_compress_size")):
        inflater = zlib.decompressobj(_RAW)
        for piece in pieces:
            stream.write(inflater.decompress(piece))
        return
    stream._compressor = _AsIs()
    for piece in pieces:
        stream.write(piece)
    stream._crc, stream._file_size = crc, size


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A + B from CRC-32 of A, CRC-32 of B and the length of B (zlib's crc32_combine,
    which Python's zlib does not expose): GF(2) matrix powers of the one-zero-byte operator."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)  # first pass: one zero byte
        if length2 & 1:
            crc1 = _times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _square(even)
        if length2 & 1:
            crc1 = _times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, row) for row in matrix]
