"""A cache of read-and-validated files beside a rollup, so that a rerun reads and checks only what changed.

One SQLite file per output holds, per input file, its path, size, mtime, SHA-256 and the pickled
submissions read from it with their validation results and the day they were checked. An entry is
used only when the file's bytes hash to the stored SHA-256 (a touched but unchanged file is served
from the cache; a changed byte means a re-read). A result checked on another day is served when the
date rules give today what they gave that day (`validators.dated.same_on`: a tanggal already past, a
tahun inside its window); otherwise it is checked again from the cached read. The whole cache is dropped when its fingerprint
changes: kkb-excel's version and source code, the catalogue version and the template and rollup
versions. Reading and validating do not depend on any consolidate option, so options never
invalidate entries (they act after validation). The same file holds the memo of per-unit results
(`kkb_excel.memo`, table memo).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import sqlite3
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from pathlib import Path

from kkb_excel import __version__, validators
from kkb_excel.catalogue import load_catalogue
from kkb_excel.files import file_bytes
from kkb_excel.findings import Report
from kkb_excel.parallel import chunked
from kkb_excel.read.discover import Discovered
from kkb_excel.read.pool import MAX_CHUNK, PARALLEL_MIN_FILES, Checked, check_chunk, payloads
from kkb_excel.read.submission import Submission
from kkb_excel.template.layout import ROLLUP_VERSION, TEMPLATE_VERSION
from kkb_excel.validators.dated import same_on

SUFFIX = ".kkb-cache"
HASH_CHUNK = 2000  # files per hashing task
HASH_IN_WORKERS_FROM = 20_000  # candidates: fewer hash faster here than worker processes start
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
        return hashlib.sha256(file_bytes(path)).hexdigest()
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
    packed (`Submission.pack`): the consolidation unpacks the ones it adds up.

    A file whose entry has its name and size is a candidate: workers hash it while this process unpickles
    its entry, and read the other files meanwhile; a candidate whose bytes differ is read after. New
    results are stored chunk by chunk as they arrive: a national run never holds every pickled result.
    """
    db = connect(store) if store is not None else None
    present = resolved_paths(files)
    candidates = _candidates(db, files, present) if db is not None else {}
    misses = [i for i in range(len(files)) if i not in candidates]
    results: list[list[Checked] | None] = [None] * len(files)
    hashes: dict[int, str] = {}
    with _workers(jobs, len(misses), len(candidates)) as workers, db if db is not None else nullcontext():
        reading = _start_reading(workers, files, misses, jobs, hashed=db is not None)
        hashing = {workers.submit(hash_chunk, [str(files[i].path) for i in part]): part
                   for part in chunked(list(candidates), jobs, HASH_CHUNK)}  # fmt: skip
        served = dict(_unpickled(db, present, candidates)) if candidates else {}  # while the workers hash
        today, stale = date.today(), []

        def take(part: list[int], payloads: list[tuple[str, bytes]]) -> None:  # results of the workers, stored as they come
            for i, (sha, payload) in zip(part, payloads, strict=True):
                _, results[i] = pickle.loads(payload)
                if db is not None:
                    _put(db, files[i], present[i], sha, payload)
            if progress:
                progress(len(part))

        for future in workers.finished(hashing):
            part = hashing[future]
            hashes.update(zip(part, future.result(), strict=True))
            served_today = 0
            for i in part:
                if hashes[i] and hashes[i] == candidates[i]:
                    day, results[i] = served.pop(i)
                    if _still_holds(day, today, results[i]):
                        served_today += 1
                    else:  # checked on another day, and its date rules may say otherwise today: counted when checked again
                        stale.append(i)
            if progress:
                progress(served_today)
        changed = [i for i in candidates if results[i] is None]
        reading.update(_start_reading(workers, files, changed, jobs, hashed=True))
        for part, payloads in _rechecked(workers, results, hashes, stale, jobs):  # read on another day: date rules again
            take(part, payloads)
        for future in workers.finished(reading):  # workers validate: the parent only merges
            take(reading[future], future.result())
        if db is not None:
            _forget_gone(db, present)
    if db is not None:
        db.close()
    pairs = [pair for checked in results for pair in checked or []]
    report = Report([result for _, result in pairs if result is not None])
    read = len(misses) + len(changed)
    return [sub for sub, _ in pairs], report, CacheStats(len(files) - read, read)


def _still_holds(day: str, today: date, checked: list[Checked]) -> bool:
    """A result checked on `day` is today's too: for each of its submissions the date rules say the same."""
    if day == today.isoformat():
        return True
    checked_on = date.fromisoformat(day)
    return all(sub.is_rollup or same_on(sub, checked_on, today) for sub, _ in checked)


def hash_chunk(paths: list[str]) -> list[str]:
    """Worker entry point: each file's SHA-256 ("" when it cannot be read)."""
    return [_sha256(Path(path)) for path in paths]


def read_chunk_hashed(items: list[tuple[str, str]], hashed: bool = True) -> list[tuple[str, bytes]]:
    """Worker entry point: per file, its SHA-256 taken before it is read (or "") and its `check_chunk` payload."""
    shas = hash_chunk([path for path, _ in items]) if hashed else [""] * len(items)
    return list(zip(shas, check_chunk(items), strict=True))


def recheck_chunk(items: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Worker entry point: (SHA-256, pickled `Checked` pairs) of files checked on another day whose date rules
    may say otherwise today, checked again from their cached reads; per file its SHA-256 and `check_chunk` payload."""
    per_file = [[s.unpacked() for s, _ in pickle.loads(data)] for _, data in items]
    return list(zip((sha for sha, _ in items), payloads(per_file), strict=True))


def _rechecked(workers, results: list, hashes: dict[int, str], stale: list[int], jobs: int):
    """(file indexes, `recheck_chunk` result) for the files read on another day, chunk by chunk, with a
    few chunks in flight: a nasional rerun on a new day held every file unpacked at once (7.9 GB)."""
    parts, pending = iter(chunked(stale, jobs, MAX_CHUNK)), {}
    while True:
        while len(pending) < 2 * jobs and (part := next(parts, None)) is not None:
            items = [(hashes[i], pickle.dumps(results[i], protocol=pickle.HIGHEST_PROTOCOL)) for i in part]
            pending[workers.submit(recheck_chunk, items)] = part
        if not pending:
            return
        future = next(iter(workers.finished(pending)))
        yield pending.pop(future), future.result()


def _candidates(db: sqlite3.Connection, files: list[Discovered], present: list[str]) -> dict[int, str]:
    """File index -> the stored SHA-256, for every file with an entry of its path, name and size (other
    files are surely new or changed: they are read without waiting for any hash)."""
    entries = {path: (berkas, size, sha) for path, berkas, size, sha in db.execute("SELECT path, berkas, size, sha256 FROM entries")}
    found = {}
    for i, (file, path) in enumerate(zip(files, present, strict=True)):
        entry = entries.get(path)
        if entry is None or entry[0] != file.berkas:
            continue
        try:
            size = os.stat(path).st_size
        except OSError:
            continue
        if size == entry[1]:
            found[i] = entry[2]
    return found


def _unpickled(db: sqlite3.Connection, present: list[str], candidates: dict[int, str]):
    """(file index, (day, checked)) for every candidate, in one pass over the entries, each unpickled as
    it is read (a candidate whose bytes turn out to differ is dropped by the caller)."""
    wanted: dict[str, list[int]] = {}
    for i in candidates:
        wanted.setdefault(present[i], []).append(i)
    for path, payload in db.execute("SELECT path, payload FROM entries"):
        for i in wanted.get(path, ()):
            yield i, pickle.loads(payload)


def _start_reading(workers, files: list[Discovered], indexes: list[int], jobs: int, hashed: bool) -> dict:
    """Future -> its file indexes: the files to read and check, in chunks."""
    task = partial(read_chunk_hashed, hashed=hashed)
    return {workers.submit(task, [(str(files[i].path), files[i].berkas) for i in part]): part
            for part in chunked(indexes, jobs, MAX_CHUNK)}  # fmt: skip


def _workers(jobs: int, reads: int, hashes: int):
    """Spawn-started worker processes when there is enough to read or hash, else this process."""
    if jobs > 1 and (reads >= max(1, PARALLEL_MIN_FILES) or hashes >= HASH_IN_WORKERS_FROM):
        return _Pool(jobs, mp_context=multiprocessing.get_context("spawn"))
    return _Here()


class _Pool(ProcessPoolExecutor):
    @staticmethod
    def finished(futures):
        return as_completed(futures)

    def __exit__(self, exc_type, *exc) -> None:
        """Every result is in: the workers exit while the run goes on. A run that stops (an error, Ctrl+C)
        waits for the chunks being read, not for those not yet started."""
        self.shutdown(wait=exc_type is not None, cancel_futures=exc_type is not None)


class _Here:
    """The same interface in this process: a task runs when its result is asked for (memory as in a loop)."""

    def submit(self, task: Callable, *args) -> _Later:
        return _Later(partial(task, *args))

    @staticmethod
    def finished(futures):
        return iter(list(futures))

    def __enter__(self) -> _Here:
        return self

    def __exit__(self, *exc) -> None:
        return None


class _Later:
    def __init__(self, call: Callable) -> None:
        self._call = call

    def result(self):
        return self._call()


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
