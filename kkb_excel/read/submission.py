"""A submission as read from one file: its records (one per indicator row) with provenance."""

from __future__ import annotations

import pickle
import sys
import zlib
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import NamedTuple

from kkb_excel.findings import Finding
from kkb_excel.keys import CHECKED_KEYS, INPUT_VALUE_KEYS, VALUE_KEYS, is_belum_tersedia

UNREADABLE_RULES = {"S01", "S02", "S03", "S04", "S07", "S08", "S09", "S15", "X01"}

SHARED_VALUE_LENGTH = 8  # meta/identity strings this short (cell addresses, column letters) are interned
LAYOUT_PREFIXES = ("sel_", "kolom_")  # meta/identity keys of the form's cell addresses: packed away with the records

VALUE_INDEX = {key: i for i, key in enumerate(VALUE_KEYS)}
_INPUTS = itemgetter(*(VALUE_INDEX[k] for k in INPUT_VALUE_KEYS))


class Record(NamedTuple):
    """One indicator row of one submission; `values` in VALUE_KEYS order (a tuple pickles fast)."""

    kode: str
    baris: int
    diamati: bool
    values: tuple

    def value(self, key: str):
        return self.values[VALUE_INDEX[key]]

    def inputs(self) -> tuple:
        """What an OPD entered, in INPUT_VALUE_KEYS order (target and keterangan are not inputs)."""
        return _INPUTS(self.values)

    def checked_values(self) -> tuple:
        """The numbers and statuses the value schema checks, in CHECKED_KEYS order."""
        return self.values[: len(CHECKED_KEYS)]

    @property
    def belum_tersedia(self) -> bool:
        """The OPD said the data are not yet available (Keterangan 'Belum tersedia')."""
        return is_belum_tersedia(self.values[VALUE_INDEX["keterangan"]])

    def as_dict(self) -> dict[str, object]:
        return dict(zip(VALUE_KEYS, self.values, strict=True))


def _pack(value) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(data: bytes):
    return pickle.loads(zlib.decompress(data))


def _without_layout(values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if not k.startswith(LAYOUT_PREFIXES)}


@dataclass
class Submission:
    berkas: str
    sha256: str = ""
    kind: str = ""
    meta: dict[str, object] = field(default_factory=dict)
    identity: dict[str, object] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False
    stopped: bool = False  # reading stopped at a finding: what came after it was never read
    isian_wajib: int = 0
    isian_terisi: int = 0
    checked: bool = False  # per-file rules applied (kkb_excel.validators.filechecks)
    rekap: list[tuple] = field(default_factory=list)  # rows of a rollup's data sheet (kind "rekap")
    rows: list[Submission] = field(default_factory=list)  # kind "opd": one submission per reported desa row
    leaves: dict | None = None  # its partials as the only source of its unit, computed where it was read (merge.single_source)
    packed: tuple[bytes, bytes, bytes] | None = None  # records, leaves, full meta and identity, compressed (`pack`)

    def __setstate__(self, state: dict) -> None:
        """Unpickled (from a worker or the cache): the keys of meta and identity, and their short values
        (cell addresses, column letters), shared with every other submission instead of copied."""
        for name in ("meta", "identity"):
            state[name] = {sys.intern(k): sys.intern(v) if type(v) is str and len(v) <= SHARED_VALUE_LENGTH else v
                           for k, v in state[name].items()}  # fmt: skip
        self.__dict__.update(state)

    def pack(self) -> None:
        """Keep records and leaves as compressed bytes, and meta and identity without the form's cell
        addresses (kept whole in the bytes): a nasional run holds ~84,000 submissions, and the parent needs
        their values only for the units it adds up, and cell addresses never (see `unpacked`, `packed_leaves`)."""
        if self.packed is None:
            self.packed = (_pack(self.records), _pack(self.leaves), _pack((self.meta, self.identity)))
            self.records, self.leaves = [], None
            self.meta, self.identity = _without_layout(self.meta), _without_layout(self.identity)

    def unpacked(self) -> Submission:
        """This submission as read: records, leaves, whole meta and identity (a copy when packed; the packed
        one stays small)."""
        if self.packed is None:
            return self
        meta, identity = _unpack(self.packed[2])
        return replace(self, records=_unpack(self.packed[0]), leaves=_unpack(self.packed[1]), meta=meta, identity=identity, packed=None)

    def packed_leaves(self) -> dict | None:
        """Its leaves alone, unpacked if need be: all a unit with this one source needs."""
        return self.leaves if self.packed is None else _unpack(self.packed[1])

    @property
    def sheet(self) -> str | None:
        return self.meta.get("lembar")  # type: ignore[return-value]

    def cell(self, key: str, row: int) -> str:
        """A1 address of a value column in an indicator row."""
        return f"{self.meta[f'kolom_{key}']}{row}"

    @property
    def is_rollup(self) -> bool:
        return self.kind == "rekap"

    @property
    def readable(self) -> bool:
        return bool(self.meta) and not self.stopped and not any(f.aturan in UNREADABLE_RULES for f in self.findings)
