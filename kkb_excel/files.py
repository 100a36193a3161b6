"""File-system helpers that behave the same on Windows and Linux."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path


def slug(text: str, max_length: int = 40) -> str:
    """ASCII, lower-case, hyphenated: safe in file names on Windows ('Kota Semarang' -> 'kota-semarang')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:max_length].rstrip("-") or "wilayah"


class NotAFileError(OSError):
    """A path that is no regular file: a pipe (FIFO), a device or a socket."""


def file_bytes(path: Path) -> bytes:
    """The bytes of a regular file (links followed). A folder raises IsADirectoryError, a pipe or
    device NotAFileError (reading a pipe would wait forever), a broken link FileNotFoundError."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "folder", str(path))
    if not stat.S_ISREG(mode):
        raise NotAFileError(0, "bukan berkas biasa", str(path))
    return path.read_bytes()


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()  # what open() would give; mkstemp alone gives 0o600


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then move it into place in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~kkb-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
