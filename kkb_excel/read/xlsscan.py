"""Excel error values in a legacy .xls (BIFF8) workbook, which the value reader shows as empty cells.

Reads the compound file's Workbook stream and walks its records: BOUNDSHEET (sheet names and
offsets), BOOLERR (an error constant) and FORMULA (an error result). Nothing else is interpreted.
"""

from __future__ import annotations

import struct

from kkb_excel.read.xlsxscan import column_letter

ERROR_CODES = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_BOUNDSHEET, _BOF, _EOF, _BOOLERR, _FORMULA = 0x0085, 0x0809, 0x000A, 0x0205, 0x0006


def _stream(data: bytes, name: str) -> bytes:
    """A stream of a compound file (CFB) by directory name; b'' when absent."""
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):  # the only sector sizes a compound file may have
        return b""
    sector = 1 << shift

    def offset(s: int) -> int:
        return 512 + s * sector
    difat = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (_FREE, _END)]
    next_difat, count = struct.unpack_from("<II", data, 0x44)
    for _ in range(count):
        if next_difat in (_FREE, _END):
            break
        entries = struct.unpack_from(f"<{sector // 4}I", data, offset(next_difat))
        difat += [s for s in entries[:-1] if s not in (_FREE, _END)]
        next_difat = entries[-1]
    fat = [e for s in difat for e in struct.unpack_from(f"<{sector // 4}I", data, offset(s))]

    def chain(start: int, table: list[int], read) -> bytes:
        parts, seen = [], set()
        while start not in (_FREE, _END) and start < len(table) and start not in seen:
            seen.add(start)
            parts.append(read(start))
            start = table[start]
        return b"".join(parts)

    def regular(s: int) -> bytes:
        return data[offset(s) : offset(s) + sector]

    directory = chain(struct.unpack_from("<I", data, 0x30)[0], fat, regular)
    entries = [directory[p : p + 128] for p in range(0, len(directory) - 127, 128)]
    for entry in entries:
        length = struct.unpack_from("<H", entry, 64)[0]
        if entry[: max(length - 2, 0)].decode("utf-16-le", "replace") != name:
            continue
        start, size = struct.unpack_from("<IQ", entry, 116)
        size &= 0xFFFFFFFF
        if size >= struct.unpack_from("<I", data, 0x38)[0]:  # at or above the mini stream cutoff (4096)
            return chain(start, fat, regular)[:size]
        mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        container = chain(struct.unpack_from("<I", entries[0], 116)[0], fat, regular)
        minifat_bytes = chain(struct.unpack_from("<I", data, 0x3C)[0], fat, regular)
        minifat = list(struct.unpack_from(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
        return chain(start, minifat, lambda s, c=container, m=mini_size: c[s * m : (s + 1) * m])[:size]
    return b""


def _records(stream: bytes, start: int = 0):
    pos = start
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield pos, kind, stream[pos + 4 : pos + 4 + length]
        pos += 4 + length


def error_cells(data: bytes, sheet: str) -> dict[str, str]:
    """Cell -> Excel error value for one sheet of an .xls workbook's bytes ({} when it cannot tell)."""
    try:
        stream = _stream(data, "Workbook") or _stream(data, "Book")
        offsets = {}
        for _, kind, body in _records(stream):
            if kind == _BOUNDSHEET:
                chars, flags = body[6], body[7]
                raw = body[8 : 8 + chars * (2 if flags & 1 else 1)]
                offsets[raw.decode("utf-16-le" if flags & 1 else "latin-1")] = struct.unpack_from("<I", body)[0]
            elif kind == _EOF:
                break
        if sheet not in offsets:
            return {}
        errors = {}
        for _, kind, body in _records(stream, offsets[sheet]):
            if kind == _EOF:
                break
            if kind == _BOOLERR and len(body) >= 8 and body[7] == 1:
                code = body[6]
            elif kind == _FORMULA and len(body) >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
                code = body[8]
            else:
                continue
            row, col = struct.unpack_from("<HH", body)
            errors[f"{column_letter(col)}{row + 1}"] = ERROR_CODES.get(code, "#?")
        return errors
    except (struct.error, IndexError, ValueError):
        return {}
