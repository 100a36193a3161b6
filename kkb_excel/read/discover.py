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


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(Path(root.name) / path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def discover(arguments: list[str]) -> list[Discovered]:
    """Every regular file under the arguments, each once, in a stable order (nothing left out)."""
    found: dict[str, Discovered] = {}
    missing = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            candidates = [(p, path) for p in sorted(path.rglob("*")) if p.is_file()]
        elif path.is_file():
            candidates = [(path, None)]
        elif glob.has_magic(argument):
            candidates = [(Path(p), None) for p in sorted(glob.glob(argument, recursive=True)) if os.path.isfile(p)]
            if not candidates:
                missing.append(argument)
        else:
            missing.append(argument)
            continue
        for file, root in candidates:
            key = os.path.normcase(os.path.abspath(file))
            found.setdefault(key, Discovered(file, _display(file, root)))
    if missing:
        raise KkbError("Tidak ditemukan: " + ", ".join(missing))
    return list(found.values())
