"""Results of the previous run's pure steps, reused where every input is the same.

A rerun after a few files changed adds up and writes the same kecamatan as the run before it: a
kecamatan's sums from its desa, a unit's rendered rollup rows. Each result is stored under a
digest of everything it is made from (the code's fingerprint and the catalogue version included),
so an entry can only be found by a step that would compute the same result again: a changed input
is a different key, never a stale hit. The entries live in the run's cache file (NAMA.kkb-cache);
a run keeps only the entries it used or made.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import zlib
from pathlib import Path

_DIGEST_SIZE = 20


class Memo:
    """Stored results by key; `Memo()` stores nothing (--tanpa-cache)."""

    def __init__(self, db: sqlite3.Connection | None = None, salt: str = "") -> None:
        self._db = db
        self._salt = salt
        self._used: set[bytes] = set()
        self.hits = 0
        self.misses = 0

    @property
    def active(self) -> bool:
        return self._db is not None

    def line(self) -> str:
        """What was reused, for the console."""
        return f"Hasil per wilayah dari run sebelumnya: {self.hits} dipakai ulang, {self.misses} dihitung ulang."

    def key(self, *parts) -> bytes:
        """A digest of `parts` (tuples, lists, text, numbers and dicts: pickled, so sets must come sorted)."""
        data = pickle.dumps((self._salt, parts), protocol=pickle.HIGHEST_PROTOCOL)
        return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).digest()

    def get(self, key: bytes | None):
        """The stored result, or None: a miss, which the caller computes and `put`s (a None key: not kept)."""
        if self._db is None or key is None:
            return None
        row = self._db.execute("SELECT value FROM memo WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self._used.add(key)
        self.hits += 1
        return pickle.loads(zlib.decompress(row[0]))

    def put(self, key: bytes | None, value) -> None:
        if self._db is None or key is None or key in self._used:
            return
        data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?)", (key, data))
        self._used.add(key)

    def save(self) -> None:
        """Commit what this run made and forget the entries it did not use."""
        if self._db is None:
            return
        db, self._db = self._db, None
        with db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
            db.execute("DELETE FROM memo WHERE key NOT IN (SELECT key FROM used)")
        db.close()

    def close(self) -> None:
        """Drop what this run made (the run did not finish)."""
        if self._db is not None:
            self._db.rollback()
            self._db.close()
            self._db = None


def open_memo(store: Path | None) -> Memo:
    """The memo in the cache file `store` (None: a memo that stores nothing)."""
    if store is None:
        return Memo()
    from kkb_excel.catalogue import load_catalogue
    from kkb_excel.read.cache import connect, fingerprint

    return Memo(connect(store), f"{fingerprint()}|{load_catalogue().version}")
