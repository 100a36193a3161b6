"""Find the submitted files behind command-line paths: files, folders (recursive) and globs."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from kkb_excel.errors import KkbError


@dataclass(frozen=True)
class Discovered:
    path: Path
    berkas: str  # how the file is named in reports: relative to the folder or pattern given


def _files_under(folder: Path) -> list[tuple[tuple[str, ...], str]]:
    """(names below `folder`, path) of everything in it and its subfolders that is no folder, sorted like
    Path objects, without a stat or a Path object per file. Symlinked folders are not entered, and are
    listed like broken links, pipes and devices: the reader names each in a finding, none is dropped.
    Unreadable folders are passed over."""
    found = []
    pending = [((), str(folder))]
    while pending:
        below, directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            names = (*below, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((names, entry.path))
                else:
                    found.append((names, entry.path))
            except OSError:
                continue
    found.sort(key=lambda item: tuple(map(os.path.normcase, item[0])))  # Path order: part by part, case-folded on Windows
    return found


def _real_folder(path) -> str:
    """The path with its folders resolved (links, junctions), as a folder's listing names its files; the file
    itself is not followed (a link in a folder is listed as itself)."""
    absolute = os.path.abspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))


def discover(arguments: list[str]) -> list[Discovered]:
    """Every regular file under the arguments, each once, in a stable order (nothing left out)."""
    found: dict[str, Discovered] = {}
    missing = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():  # shown relative to the folder given, with its name: kiriman/kec-01/desa.xlsx
            real = os.path.realpath(path)  # a folder given twice, once through a link (or junction), is read once
            candidates = [(os.path.join(real, *names), file, os.path.join(path.name, *names)) for names, file in _files_under(path)]
        elif path.exists() or path.is_symlink():  # a file, or a broken link, pipe or device the reader names
            candidates = [(_real_folder(path), str(path), str(path))]
        elif glob.has_magic(argument):
            matches = [p for p in sorted(glob.glob(argument, recursive=True)) if not os.path.isdir(p)]
            candidates = [(_real_folder(p), p, str(Path(p))) for p in matches]
            if not candidates:
                missing.append(argument)
        else:
            missing.append(argument)
            continue
        for absolute, file, berkas in candidates:
            key = os.path.normcase(absolute)
            if key not in found:
                found[key] = Discovered(Path(file), berkas)
    if missing:
        raise KkbError("Tidak ditemukan: " + ", ".join(missing))
    return list(found.values())
