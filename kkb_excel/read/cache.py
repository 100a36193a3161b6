"""A cache of read-and-validated files beside a rollup, so that a rerun reads and checks only what changed.

One SQLite file per output holds, per input file, its path, size, mtime, SHA-256 and the pickled
submissions read from it with their validation results and the day they were checked. An entry is
used only when the file's bytes hash to the stored SHA-256 (a touched but unchanged file is served
from the cache; a changed byte means a re-read). Results checked on another day are checked again
from the cached read (date rules depend on today). The whole cache is dropped when its fingerprint
changes: kkb-excel's version and source code, the catalogue version and the template and rollup
versions. Reading and validating do not depend on any consolidate option, so options never
invalidate entries (they act after validation). The same file holds the memo of per-unit results
(`kkb_excel.memo`, table memo).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from kkb_excel import __version__, validators
from kkb_excel.catalogue import load_catalogue
from kkb_excel.findings import Report
from kkb_excel.parallel import chunked, iter_chunks
from kkb_excel.read.discover import Discovered
from kkb_excel.read.pool import MAX_CHUNK, PARALLEL_MIN_FILES, Checked, check_chunk, packed, validated
from kkb_excel.read.submission import Submission
from kkb_excel.template.layout import ROLLUP_VERSION, TEMPLATE_VERSION

SUFFIX = ".kkb-cache"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY, berkas TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS memo (key BLOB PRIMARY KEY, value BLOB NOT NULL);
"""


@dataclass(frozen=True)
class CacheStats:
    hits: int
    reads: int

    def line(self) -> str:
        return f"Cache: {self.hits} berkas dari cache, {self.reads} berkas dibaca ulang."


def cache_path(output: Path) -> Path:
    """The cache beside `output` (rekap.xlsx -> rekap.kkb-cache)."""
    return output.with_suffix(SUFFIX)


@cache
def fingerprint() -> str:
    """What read results depend on besides the file bytes: code, catalogue and layout versions."""
    digest = hashlib.sha256(f"{__version__}|{load_catalogue().version}|{TEMPLATE_VERSION}|{ROLLUP_VERSION}".encode())
    package = Path(__file__).resolve().parents[1]
    sources = sorted(package.rglob("*.py")) + sorted(package.rglob("*.csv"))
    for path in sources + sorted(Path(validators.__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def resolved_paths(files: list[Discovered]) -> list[str]:
    """Each file's resolved path, the key of its entry: what `Path.resolve` gives, with each folder
    resolved once and a file's own name only when it is a link (83,000 resolves took ~3 s)."""
    folders: dict[str, str] = {}
    paths = []
    for file in files:
        text = str(file.path)
        if os.path.islink(text):
            paths.append(os.path.realpath(text))
            continue
        folder, name = os.path.split(text)
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder or os.curdir)
        paths.append(os.path.join(real, name))
    return paths


def _sha256(path: Path) -> str:
    """The file's SHA-256, or "" when it cannot be read: never served from the cache, it goes to the
    reader, which names it in a finding (the batch goes on)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def connect(store: Path) -> sqlite3.Connection:
    """The cache file, emptied first when it was made by other code or a catalogue (its fingerprint)."""
    db = sqlite3.connect(store)
    try:
        db.executescript(_SCHEMA)
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.DatabaseError:  # not a cache (or a damaged one): start afresh
        db.close()
        store.unlink()
        return connect(store)
    if row is None or row[0] != fingerprint():
        with db:
            db.execute("DELETE FROM entries")  # the memo's keys hold the fingerprint: its old entries are never used
            db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))
    return db


def read_cached(
    files: list[Discovered], store: Path | None, jobs: int = 1, progress: Callable[[int], None] | None = None
) -> tuple[list[Submission], Report, CacheStats]:
    """Every file's submissions in file order and the validation of the non-rollup ones, from the cache where
    the bytes are unchanged; `store` None reads and checks all (--tanpa-cache). The submissions are
    packed (`Submission.pack`): the consolidation unpacks the ones it adds up. New results are stored
    chunk by chunk as they arrive, so that a national run never holds every file's pickled result."""
    hashing = ThreadPoolExecutor(max(2, jobs)) if store is not None else None
    try:  # files hashed while the entries are unpickled (file reads and hashlib release the GIL)
        pending = [hashing.submit(_sha256, f.path) for f in files] if hashing is not None else []
        db = connect(store) if store is not None else None
        present = resolved_paths(files)
        results: list[list[Checked] | None] = [None] * len(files)
        today = date.today().isoformat()
        stale = []
        for i, (day, checked) in _hits(db, files, present, pending) if db is not None else ():
            results[i] = checked
            if day != today:
                stale.append(i)
            if progress:
                progress(1)
        hashes = [future.result() for future in pending] if pending else [""] * len(files)
    finally:
        if hashing is not None:
            hashing.shutdown(cancel_futures=True)
    missing = [i for i, checked in enumerate(results) if checked is None]
    with db if db is not None else nullcontext():  # one transaction: new entries, then files gone forgotten
        if stale:  # read on another day: the date rules are applied again to the cached read
            for i, checked in zip(stale, validated([[s.unpacked() for s, _ in results[i]] for i in stale]), strict=True):
                results[i] = packed(checked)
                _put(db, files[i], present[i], hashes[i], pickle.dumps((today, checked), protocol=pickle.HIGHEST_PROTOCOL))
        chunks = chunked([(str(files[i].path), files[i].berkas) for i in missing], jobs, MAX_CHUNK)
        starts = [sum(len(c) for c in chunks[:k]) for k in range(len(chunks))]
        parallel = jobs > 1 and len(missing) >= max(1, PARALLEL_MIN_FILES)
        for number, payloads in iter_chunks(check_chunk, chunks, parallel, jobs, progress):  # workers validate: the parent only merges
            for i, payload in zip(missing[starts[number] :], payloads, strict=False):
                _, results[i] = pickle.loads(payload)
                if db is not None:
                    _put(db, files[i], present[i], hashes[i], payload)
        if db is not None:
            _forget_gone(db, present)
    if db is not None:
        db.close()
    pairs = [pair for checked in results for pair in checked or []]
    report = Report([result for _, result in pairs if result is not None])
    return [sub for sub, _ in pairs], report, CacheStats(len(files) - len(missing), len(missing))


def _hits(db: sqlite3.Connection, files: list[Discovered], present: list[str], hashes: list[Future]):
    """(file index, (day, checked)) for every file whose path, name and bytes match an entry; one pass over the
    entries, unpickling each hit as it is read (never every payload at once)."""
    wanted: dict[str, list[int]] = {}
    for i, path in enumerate(present):
        wanted.setdefault(path, []).append(i)
    for path, sha, berkas, payload in db.execute("SELECT path, sha256, berkas, payload FROM entries"):
        for i in wanted.get(path, ()):
            if sha and sha == hashes[i].result() and berkas == files[i].berkas:
                yield i, pickle.loads(payload)


def _put(db: sqlite3.Connection, file: Discovered, path: str, sha: str, payload: bytes) -> None:
    """One file's entry (`path` is its resolved path, the key), replacing an older one; none for a file
    that could not be hashed or is gone."""
    try:
        stat = file.path.stat()
    except OSError:
        return
    if not sha:
        return
    row = (path, file.berkas, stat.st_size, stat.st_mtime_ns, sha, payload)
    db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", row)


def _forget_gone(db: sqlite3.Connection, present: list[str]) -> None:
    """Entries of files not among this run's inputs are deleted."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS present (path TEXT PRIMARY KEY)")
    db.execute("DELETE FROM present")
    db.executemany("INSERT OR IGNORE INTO present VALUES (?)", ((p,) for p in present))
    db.execute("DELETE FROM entries WHERE path NOT IN (SELECT path FROM present)")
