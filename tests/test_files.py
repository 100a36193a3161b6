"""File-system helpers: what is read, what is checked before any work, what a failure says (in Indonesian)."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest

from kkb_excel import files
from kkb_excel.errors import KkbError


def test_file_bytes_reads_files_and_refuses_folders_and_pipes(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"isi")
    assert files.file_bytes(tmp_path / "a.xlsx") == b"isi"
    with pytest.raises(IsADirectoryError) as folder:
        files.file_bytes(tmp_path)
    assert (folder.value.errno, folder.value.filename) == (errno.EISDIR, str(tmp_path))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipa.xlsx")
        with pytest.raises(files.NotAFileError) as pipe:
            files.file_bytes(tmp_path / "pipa.xlsx")  # returns at once: a pipe is never opened
        assert (pipe.value.errno, pipe.value.filename) == (errno.EINVAL, str(tmp_path / "pipa.xlsx"))


def test_check_writable_creates_the_folder_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "baru" / "dalam" / "rekap.xlsx"
    files.check_writable(target)
    assert target.parent.is_dir() and list(target.parent.iterdir()) == []
    target.write_bytes(b"rekap lama")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    files.check_writable(target)
    assert target.read_bytes() == b"rekap lama" and target.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in target.parent.iterdir()) == ["rekap.xlsx"]


def test_check_writable_closes_what_it_opens(tmp_path, monkeypatch):
    opened = []
    real = tempfile.mkstemp
    monkeypatch.setattr(files.tempfile, "mkstemp", lambda **kw: opened.append(real(**kw)) or opened[-1])
    files.check_writable(tmp_path / "rekap.xlsx")
    [(fd, _)] = opened
    with pytest.raises(OSError):
        os.fstat(fd)  # closed


@pytest.mark.parametrize(("error", "said"), [
    (PermissionError(errno.EACCES, "Permission denied"), "tidak ada izin menulis"),
    (OSError(errno.EROFS, "Read-only file system"), "media hanya-baca"),
    (OSError(errno.ENOSPC, "No space left on device"), "folder itu tidak dapat ditulisi"),
])  # fmt: skip
def test_check_writable_says_why_a_folder_cannot_be_written(tmp_path, monkeypatch, error, said):
    monkeypatch.setattr(files.tempfile, "mkstemp", lambda **kw: (_ for _ in ()).throw(error))
    with pytest.raises(KkbError) as raised:
        files.check_writable(tmp_path / "rekap.xlsx")
    assert str(raised.value) == f"Tidak dapat membuat berkas di folder {tmp_path} ({said}). Pilih folder lain untuk rekap.xlsx."


@pytest.mark.parametrize(("error", "said"), [
    (PermissionError(errno.EACCES, "Permission denied"), "tidak ada izin, atau berkas sedang dibuka program lain seperti Excel"),
    (FileNotFoundError(errno.ENOENT, "No such file"), "tidak ada"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "ini folder, bukan berkas"),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory"), "bagian jalurnya bukan folder"),
    (FileExistsError(errno.EEXIST, "File exists"), "sudah ada"),
    (OSError(errno.EROFS, "Read-only file system"), "media hanya-baca"),
    (OSError(errno.EIO, "Input/output error"), "galat sistem berkas: Input/output error"),
    (OSError("tanpa errno"), "galat sistem berkas: tanpa errno"),
])  # fmt: skip
def test_os_reason_in_indonesian(error, said):
    assert files.os_reason(error).startswith(said)


def test_write_atomic_names_the_file_the_user_chose(tmp_path, monkeypatch):
    target = tmp_path / "baru" / "dalam" / "rekap.xlsx"
    files.write_atomic(target, b"isi")  # missing folders are made
    assert target.read_bytes() == b"isi"
    denied = PermissionError(errno.EACCES, "Permission denied", "/x/.~kkb-1.tmp")
    monkeypatch.setattr(files.tempfile, "mkstemp", lambda **kw: (_ for _ in ()).throw(denied))
    with pytest.raises(PermissionError) as raised:
        files.write_atomic(target, b"lain")
    assert raised.value.filename == str(target) and target.read_bytes() == b"isi"
