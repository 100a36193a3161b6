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


def with_part(data: bytes, name: str, body: bytes) -> bytes:
    """The workbook `data` with one more archive member (e.g. a VBA project in an .xlsm)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr(name, body)
    return out.getvalue()


def cut_part(data: bytes, name: str) -> bytes:
    """The workbook `data` with one member's bytes cut in half: a sound zip whose part does not parse."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            zout.writestr(info, body[: len(body) // 2] if info.filename == name else body)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip holding these members (no workbook unless they make one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()
