"""Rows of a big worksheet as XML text, put into the finished XlsxWriter workbook afterwards.

XlsxWriter spends ~15 µs of Python per cell (a call, a cell object, then the XML assembly) and
holds every cell in memory; a provinsi or nasional rollup has millions of cells. `SheetRows`
renders a whole row at once in the same XML XlsxWriter would write (inline strings, its escapes,
its styles by xf index) and keeps it compressed, and `fill_sheets` streams every sheet's rows into
the package XlsxWriter wrote with that sheet left empty.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # a literal "_x0041_" is kept literal, as Excel and XlsxWriter do
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EMPTY_DATA = b"<sheetData/>"
_ZIP64_FROM = 2**31 - 2**20  # below zipfile's ZIP64_LIMIT, with room for the sheet's other parts
_QUICK_FROM = 64 * 2**20  # bytes of row XML above which a sheet is compressed at level 1, not 6
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


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

    _BATCH = 256  # rows rendered before they are compressed together

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._packer = zlib.compressobj(1)  # fast: the rows are compressed again into the package
        self._packed: list[bytes] = []
        self._size = 0  # bytes of packed row XML
        self.last_row = -1
        self.last_col = -1
        self._letters: list[str] = []
        self._texts: dict[tuple[str, int], str] = {}  # (text, xf) -> the cell after its reference

    def letter(self, col: int) -> str:
        while len(self._letters) <= col:
            self._letters.append(xl_col_to_name(len(self._letters)))
        return self._letters[col]

    def add(self, row: int, cells: list[tuple[int, object, Format | None]], height: float | None = None) -> None:
        """One row: (column, value, XlsxWriter format or None) per cell; value is str, bool, int or a finite float."""
        if not cells and height is None:
            return
        r = str(row + 1)
        if height is not None:  # whole pixels, as XlsxWriter's set_row stores a height
            height = int(height * 4 / 3 + 0.5) * 0.75
        out = [f'<row r="{r}" ht="{height:g}" customHeight="1">' if height is not None else f'<row r="{r}">']
        letters, texts = self._letters, self._texts
        if cells and len(letters) <= cells[-1][0]:  # cells come in column order
            self.letter(cells[-1][0])
        for col, value, fmt in cells:
            xf = fmt._get_xf_index() if fmt is not None else 0  # the index XlsxWriter gives the format in styles.xml
            style = f' s="{xf}"' if xf else ""
            if isinstance(value, str):  # a str or a str enum (a status); the same text recurs down a sheet
                body = texts.get((value, xf))
                if body is None:
                    body = texts[(value, xf)] = _text_cell(str(value), style)
                out.append(f'<c r="{letters[col]}{r}"{body}')
            elif type(value) is bool:
                out.append(f'<c r="{letters[col]}{r}"{style} t="b"><v>{int(value)}</v></c>')
            else:
                out.append(f'<c r="{letters[col]}{r}"{style}><v>{number_xml(value)}</v></c>')
        out.append("</row>")
        self._pending.append("".join(out))
        if len(self._pending) >= self._BATCH:
            self._pack()
        self.last_row = row
        if cells:
            self.last_col = max(self.last_col, cells[-1][0])

    def _pack(self) -> None:
        data = "".join(self._pending).encode("utf-8")
        self._size += len(data)
        self._packed.append(self._packer.compress(data))
        self._pending.clear()

    def xml_size(self) -> int:
        """Bytes of all the row XML added so far."""
        self._pack()
        return self._size

    def xml_chunks(self) -> Iterator[bytes]:
        """<sheetData> with every row, in pieces (the whole text is never held at once); once, after the last row."""
        self._pack()
        self._packed.append(self._packer.flush())
        unpacker = zlib.decompressobj()
        yield b"<sheetData>"
        for piece in self._packed:
            yield unpacker.decompress(piece)
        yield b"</sheetData>"
        self._packed = []  # written: freed

    def dimension(self) -> bytes:
        if self.last_col < 0:
            return b'<dimension ref="A1"/>'
        return f'<dimension ref="A1:{self.letter(self.last_col)}{self.last_row + 1}"/>'.encode()


def fill_sheets(package: bytes, sheets: dict[int, SheetRows]) -> bytes:
    """The .xlsx `package` with each listed worksheet (0-based index in the workbook) given its rows.

    Every other member is copied as it was; the filled sheets are compressed once, here.
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
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            if rows.xml_size() > _QUICK_FROM:  # a nasional-sized sheet: 2.5 x faster to compress, ~25 % larger
                member._compresslevel = 1  # ZipFile.open(ZipInfo, "w") takes its level from here (3.11 to 3.13)
            big = rows.xml_size() + len(data) > _ZIP64_FROM  # zip64 only where needed: some readers dislike it
            with target.open(member, "w", force_zip64=big) as stream:
                stream.write(_DIMENSION.sub(rows.dimension(), head, count=1))
                for chunk in rows.xml_chunks():
                    stream.write(chunk)
                stream.write(tail)
    return out.getvalue()
