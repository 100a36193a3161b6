"""Fast cloning of daftar tilik workbooks: build once with placeholders, then patch the XML per unit.

A blueprint is the saved .xlsx of `build_workbook` with a token in every identity field. Rendering
a unit replaces the tokens (XML-escaped) and, where a unit's target differs from the blueprint's,
rewrites that one target cell. The result has the same content as building the unit directly
(tests compare the two).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.layout import COL, FIRST_DATA_ROW

TOKEN = "@@KKB:{}@@"
_TOKEN_RE = re.compile(rb"@@KKB:([a-z_]+)@@")
MAIN_SHEET_PART = "xl/worksheets/sheet1.xml"


def placeholder_identity() -> dict[str, str]:
    from kkb_excel.template import IDENTITY_FIELDS

    return {key: TOKEN.format(key) for key in IDENTITY_FIELDS}


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Blueprint:
    """The parts of one blank workbook for a tingkat and tahun, ready to be cloned."""

    tingkat: str
    tahun: int
    parts: list[tuple[zipfile.ZipInfo, bytes]]
    targets: dict[str, float | None]
    target_cells: dict[str, str]

    @classmethod
    def build(cls, tingkat: str, tahun: int, targets: dict[str, float | None], catalogue: Catalogue | None = None) -> Blueprint:
        from kkb_excel.template import TemplateSpec, build_workbook  # openpyxl: not needed in workers

        catalogue = catalogue or load_catalogue()
        spec = TemplateSpec(tingkat, tahun, placeholder_identity(), dict(targets))
        buffer = io.BytesIO()
        build_workbook(spec, catalogue).save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            parts = [(info, archive.read(info)) for info in archive.infolist()]
        cells = {ind.kode: f"{COL['target']}{row}" for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW)}
        return cls(tingkat, tahun, parts, dict(targets), cells)

    def render(self, identity: dict[str, str], targets: dict[str, float | None]) -> bytes:
        """The .xlsx bytes for one unit."""
        values = {key: escape(text).encode("utf-8") for key, text in identity.items()}
        changed = {k: v for k, v in targets.items() if v != self.targets.get(k)}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for info, data in self.parts:
                if b"@@KKB:" in data:
                    data = _fill(data, values)
                if changed and info.filename == MAIN_SHEET_PART:
                    data = self._patch_targets(data, changed)
                archive.writestr(info, data)
        return out.getvalue()

    def _patch_targets(self, sheet: bytes, changed: dict[str, float | None]) -> bytes:
        for kode, value in changed.items():
            ref = self.target_cells[kode]
            pattern = re.compile(rb'<c r="' + ref.encode() + rb'"( s="\d+")?[^>]*?(/>|>.*?</c>)')
            content = b"" if value is None else b"<v>" + _number_text(value).encode() + b"</v>"

            def cell(match, content=content, ref=ref):
                style = match.group(1) or b""
                return b'<c r="' + ref.encode() + b'"' + style + b' t="n">' + content + b"</c>"

            sheet, count = pattern.subn(cell, sheet, count=1)
            if count != 1:
                raise RuntimeError(f"target cell {ref} not found in blueprint")
        return sheet


def _fill(data: bytes, values: dict[str, bytes]) -> bytes:
    return _TOKEN_RE.sub(lambda m: values[m.group(1).decode()], data)
