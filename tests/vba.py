"""Read the VBA source of an .xlsm (MS-OVBA: the dir stream and compressed module streams), via olefile."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import olefile  # installed with msoffcrypto-tool (test extra)

MODULE_NAME, MODULE_OFFSET, PROJECT_VERSION = 0x001A, 0x0031, 0x0009


def decompress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 decompression of a CompressedContainer."""
    if data[:1] != b"\x01":
        raise ValueError("not a compressed VBA container")
    out, pos = bytearray(), 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        if not header & 0x8000:  # raw chunk
            out += data[pos : pos + 4096]
            pos += 4096
            continue
        start = len(out)
        while pos < end:
            flags, pos = data[pos], pos + 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token, pos = struct.unpack_from("<H", data, pos)[0], pos + 2
                bits = max((len(out) - start - 1).bit_length(), 4)
                offset, length = (token >> (16 - bits)) + 1, (token & (0xFFFF >> bits)) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def modules(xlsm: Path) -> dict[str, str]:
    """Module name -> VBA source text."""
    with zipfile.ZipFile(xlsm) as z:
        ole = olefile.OleFileIO(z.read("xl/vbaProject.bin"))
    directory = decompress(ole.openstream("VBA/dir").read())
    names, offsets, pos = [], [], 0
    while pos < len(directory):
        record, size = struct.unpack_from("<HI", directory, pos)
        pos += 6
        size = 6 if record == PROJECT_VERSION else size  # its size field is fixed, not the length
        body, pos = directory[pos : pos + size], pos + size
        if record == MODULE_NAME:
            names.append(body.decode("latin-1"))
        elif record == MODULE_OFFSET:
            offsets.append(struct.unpack("<I", body)[0])
    return {n: decompress(ole.openstream(f"VBA/{n}").read()[o:]).decode("latin-1") for n, o in zip(names, offsets, strict=True)}
