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
    """(names below `folder`, path) of every file in it and its subfolders, sorted like Path objects:
    what `folder.rglob("*")` with `is_file()` finds (symlinked files yes, symlinked folders not entered,
    unreadable folders passed over), without a stat or a Path object per file."""
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
                elif entry.is_file():
                    found.append((names, entry.path))
            except OSError:
                continue
    found.sort(key=lambda item: tuple(map(os.path.normcase, item[0])))  # Path order: part by part, case-folded on Windows
    return found


def discover(arguments: list[str]) -> list[Discovered]:
    """Every regular file under the arguments, each once, in a stable order (nothing left out)."""
    found: dict[str, Discovered] = {}
    missing = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():  # shown relative to the folder given, with its name: kiriman/kec-01/desa.xlsx
            absolute = os.path.abspath(path)
            candidates = [(os.path.join(absolute, *names), file, os.path.join(path.name, *names)) for names, file in _files_under(path)]
        elif path.is_file():
            candidates = [(os.path.abspath(path), str(path), str(path))]
        elif glob.has_magic(argument):
            matches = [p for p in sorted(glob.glob(argument, recursive=True)) if os.path.isfile(p)]
            candidates = [(os.path.abspath(p), p, str(Path(p))) for p in matches]
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
