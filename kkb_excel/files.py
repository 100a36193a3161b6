"""File-system helpers that behave the same on Windows and Linux."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

from kkb_excel.errors import KkbError


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
        raise IsADirectoryError(errno.EISDIR, "folder", str(path))
    if not stat.S_ISREG(mode):
        raise NotAFileError(errno.EINVAL, "bukan berkas biasa", str(path))
    return path.read_bytes()


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()  # what open() would give; mkstemp alone gives 0o600


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then move it into place in one step.

    An OSError names `path`, never the temporary file the user did not choose."""
    try:
        fd, tmp = _temporary_beside(path)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise


def _temporary_beside(path: Path) -> tuple[int, str]:
    """An open temporary file in `path`'s folder (made if missing): what an atomic write writes first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=".~kkb-", suffix=".tmp", dir=path.parent)


def _naming(exc: OSError, path: Path) -> OSError:
    return type(exc)(exc.errno, exc.strerror, str(path))


def check_writable(path: Path) -> None:
    """Before any work: KkbError when `path` cannot be written (a folder without permission, a file
    another program holds open, as Excel does on Windows). Writes nothing."""
    try:
        fd, tmp = _temporary_beside(path)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        why = ("tidak ada izin menulis" if isinstance(exc, PermissionError) else "media hanya-baca" if exc.errno == errno.EROFS
               else "folder itu tidak dapat ditulisi")  # fmt: skip
        raise KkbError(f"Tidak dapat membuat berkas di folder {path.parent} ({why}). Pilih folder lain untuk {path.name}.") from exc
    if path.is_file():
        try:
            with open(path, "ab"):  # appends nothing: the content and its time stay as they are
                pass
        except OSError as exc:
            raise KkbError(f"{path} tidak dapat ditimpa ({os_reason(exc)}).") from exc


_OS_REASONS = ((PermissionError, "tidak ada izin, atau berkas sedang dibuka program lain seperti Excel; tutup dulu"),
               (FileNotFoundError, "tidak ada"), (IsADirectoryError, "ini folder, bukan berkas"),
               (NotADirectoryError, "bagian jalurnya bukan folder"), (FileExistsError, "sudah ada"))  # fmt: skip


def os_reason(exc: OSError) -> str:
    """Why a file could not be used, in Indonesian (the OS's own text only when no reason fits)."""
    reason = next((text for kind, text in _OS_REASONS if isinstance(exc, kind)), None)
    if reason is None and exc.errno == errno.EROFS:
        reason = "media hanya-baca"
    return reason or f"galat sistem berkas: {exc.strerror or exc}"
