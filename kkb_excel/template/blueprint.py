"""Fast cloning of daftar tilik workbooks: build once with placeholders, then patch the XML per unit.

A blueprint is the saved .xlsx of `build_workbook` with a token in every identity field. Rendering
a unit replaces the tokens (XML-escaped) and, where a unit's target differs from the blueprint's,
rewrites that one target cell. The result has the same content as building the unit directly
(tests compare the two). Parts no unit changes (the Cetak sheet, styles, theme) are compressed once
and copied into every workbook as they are; only the patched parts are compressed per unit.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.template.layout import COL, DEFAULT_PAPER, FIRST_DATA_ROW, IDENTITY_FIELDS, TemplateSpec
from kkb_excel.template.seal import SEAL_KEY, rows_payload, sealed

TOKEN = "@@KKB:{}@@"
_TOKEN_RE = re.compile(rb"@@KKB:([a-z_]+)@@")
MAIN_SHEET_PART = "xl/worksheets/sheet1.xml"


def placeholder_identity() -> dict[str, str]:
    return {key: TOKEN.format(key) for key in (*IDENTITY_FIELDS, SEAL_KEY)}


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Blueprint:
    """The parts of one blank workbook for a tingkat and tahun, ready to be cloned."""

    tingkat: str
    tahun: int
    kertas: str
    parts: list[tuple[zipfile.ZipInfo, bytes]]
    targets: dict[str, float | None]
    target_cells: dict[str, str]
    seal_rows: tuple[tuple[str, int, bool], ...] = ()
    katalog_versi: str = ""

    @classmethod
    def build(
        cls, tingkat: str, tahun: int, targets: dict[str, float | None], catalogue: Catalogue | None = None,
        kertas: str = DEFAULT_PAPER,
    ) -> Blueprint:  # fmt: skip
        from kkb_excel.template.workbook import build_workbook  # openpyxl: not needed in workers

        catalogue = catalogue or load_catalogue()
        spec = TemplateSpec(tingkat, tahun, placeholder_identity(), dict(targets), kertas)
        buffer = io.BytesIO()
        build_workbook(spec, catalogue).save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            parts = [(info, archive.read(info)) for info in archive.infolist()]
        cells = {ind.kode: f"{COL['target']}{row}" for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW)}
        rows = tuple((i.kode, r, i.tingkat_pengamatan == tingkat) for r, i in enumerate(catalogue.active, start=FIRST_DATA_ROW))
        return cls(tingkat, tahun, kertas, parts, dict(targets), cells, rows, catalogue.version)

    def render(self, identity: dict[str, str], targets: dict[str, float | None], cells: dict[str, object] | None = None) -> bytes:
        """The .xlsx bytes for one unit; `cells` optionally fills main-sheet cells (A1 ref -> value)."""
        values = {key: escape(text).encode("utf-8") for key, text in identity.items()}
        patch = {self.target_cells[k]: v for k, v in targets.items() if v != self.targets.get(k)}
        payload = rows_payload(self.seal_rows, {**self.targets, **targets}) if patch else self._cached("seal", self._default_payload)
        values[SEAL_KEY] = sealed(identity["kode_wilayah"], self.tingkat, self.tahun, self.katalog_versi, payload).encode()
        patch.update(cells or {})
        out = _ZipWriter()
        for info, data in self.parts:
            tokens = b"@@KKB:" in data
            if patch and info.filename == MAIN_SHEET_PART:
                out.add(info, patch_cells(_fill(data, values) if tokens else data, patch))
            elif tokens:
                out.add_compressed(info, *self._filled(info, data, values))
            else:
                out.add_compressed(info, *self._cached(info.filename, lambda data=data: (zlib.crc32(data), _deflate(data), len(data))))
        return out.finish()

    def _cached(self, key: str, make):
        """What every unit shares, made on first use (parts no unit changes, deflated once; the seal's rows)."""
        cache = self.__dict__.setdefault("_shared", {})
        if key not in cache:
            cache[key] = make()
        return cache[key]

    def _default_payload(self) -> bytes:
        return rows_payload(self.seal_rows, self.targets)

    def _filled(self, info: zipfile.ZipInfo, data: bytes, values: dict[str, bytes]) -> tuple[int, bytes, int]:
        """(crc, deflated bytes, size) of a part with tokens. Only the text up to the last token is
        compressed per unit; the rest was deflated once after a full flush point, which zip readers
        take as one stream (a full flush ends on a byte boundary with a fresh dictionary)."""

        def split():
            cut = list(_TOKEN_RE.finditer(data))[-1].end()
            return data[:cut], data[cut:], _deflate(data[cut:])

        head, tail, tail_deflated = self._cached(f"split:{info.filename}", split)
        head = _fill(head, values)
        compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
        deflated = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH) + tail_deflated
        return zlib.crc32(tail, zlib.crc32(head)), deflated, len(head) + len(tail)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)  # raw deflate, as in a zip member
    return compressor.compress(data) + compressor.flush()


class _ZipWriter:
    """A minimal .xlsx (zip) writer: deflated members, no zip64 (a workbook is far below 4 GB)."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.central: list[bytes] = []

    def add(self, info: zipfile.ZipInfo, data: bytes) -> None:
        self.add_compressed(info, zlib.crc32(data), _deflate(data), len(data))

    def add_compressed(self, info: zipfile.ZipInfo, crc: int, compressed: bytes, size: int) -> None:
        name = info.filename.encode("utf-8")
        year, month, day, hour, minute, second = info.date_time
        dos_time, dos_date = hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
        fields = (20, 0, zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, len(compressed), size, len(name))
        offset = self.buffer.tell()
        self.buffer.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + compressed)
        self.central.append(struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0, offset)
                            + name)  # fmt: skip

    def finish(self) -> bytes:
        start = self.buffer.tell()
        directory = b"".join(self.central)
        n = len(self.central)
        self.buffer.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory), start, 0))
        return self.buffer.getvalue()


def _fill(data: bytes, values: dict[str, bytes]) -> bytes:
    return _TOKEN_RE.sub(lambda m: values[m.group(1).decode()], data)


_CELL_RE = re.compile(rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")?[^>]*?(?:/>|>.*?</c>)', re.S)
_EXCEL_EPOCH = date(1899, 12, 30)


def _cell_xml(ref: bytes, style: bytes, value: object) -> bytes:
    head = b'<c r="' + ref + b'"' + style
    if value is None:
        return head + b"/>"
    if isinstance(value, date):
        value = (value - _EXCEL_EPOCH).days
    if isinstance(value, int | float) and not isinstance(value, bool):
        return head + b' t="n"><v>' + _number_text(value).encode() + b"</v></c>"
    text = escape(str(value)).encode("utf-8")
    return head + b' t="inlineStr"><is><t xml:space="preserve">' + text + b"</t></is></c>"


def patch_cells(sheet: bytes, values: dict[str, object]) -> bytes:
    """Rewrite the given cells of a sheet's XML in one pass (keeping each cell's style)."""
    wanted = {ref.encode(): value for ref, value in values.items()}
    seen: set[bytes] = set()

    def replace(match: re.Match) -> bytes:
        ref = match.group(1)
        if ref not in wanted:
            return match.group(0)
        seen.add(ref)
        return _cell_xml(ref, match.group(2) or b"", wanted[ref])

    patched = _CELL_RE.sub(replace, sheet)
    if len(seen) != len(wanted):
        raise RuntimeError(f"cells not found in blueprint: {sorted(set(wanted) - seen)}")
    return patched
