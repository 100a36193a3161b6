"""Byte-level bad files shared by the validation tests."""

from __future__ import annotations

import io
import zipfile


def zip_bomb() -> bytes:
    """A tiny .xlsx-shaped archive that unpacks to 4 MB of zeros (compression ratio far past the limit)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (4 * 1024 * 1024))
    return out.getvalue()
