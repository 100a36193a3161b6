"""Which OPD fills which indicator: the responsible Kementerian/Lembaga per indicator
(data/penanggung_jawab.csv), the usual OPD of each K/L (data/opd.csv), and a kabupaten's override CSV.

An override file has the column `opd` and one of `kode_indikator` (assign that indicator to the OPD)
or `kementerian_lembaga` (rename that K/L's OPD); every bad row is reported with file and row, and
nothing partial is returned.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kkb_excel.catalogue import Catalogue, Indicator, load_catalogue
from kkb_excel.errors import KkbError
from kkb_excel.resources import read_data
from kkb_excel.targets import read_table

RESPONSIBLE_FILE = "penanggung_jawab.csv"
OPD_FILE = "opd.csv"
OVERRIDE_KEYS = ("kode_indikator", "kementerian_lembaga")


class OpdFileError(KkbError):
    """An OPD override file with rows that cannot be used; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Berkas pemetaan OPD tidak dapat dipakai (tidak ada workbook yang dibuat):\n"
                         + "\n".join(f"  - {p}" for p in problems))  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_data(name).decode("utf-8"), newline="")))


@dataclass(frozen=True)
class OpdMap:
    """Indicator -> responsible K/L and the OPD that fills it in a kabupaten/kota."""

    kl: dict[str, str]
    opd: dict[str, str]
    keyakinan: dict[str, str]

    def names(self, catalogue: Catalogue) -> list[str]:
        """OPDs with at least one active desa-level indicator, in the order of their first one."""
        seen: dict[str, None] = {}
        for ind in desa_indicators(catalogue):
            if ind.kode in self.opd:
                seen.setdefault(self.opd[ind.kode], None)
        return list(seen)

    def find(self, name: str, catalogue: Catalogue) -> str:
        """The OPD name as the mapping spells it (case and spacing ignored); KkbError if unknown."""
        wanted = " ".join(name.split()).casefold()
        for known in self.names(catalogue):
            if known.casefold() == wanted:
                return known
        raise KkbError(f"OPD '{name}' tidak mengisi indikator tingkat desa mana pun. "
                       f"OPD yang ada: {', '.join(self.names(catalogue))}.")  # fmt: skip

    def indicators(self, opd: str, catalogue: Catalogue) -> list[Indicator]:
        """The active desa-level indicators this OPD fills, in daftar tilik order."""
        return [i for i in desa_indicators(catalogue) if self.opd.get(i.kode) == opd]


def desa_indicators(catalogue: Catalogue) -> list[Indicator]:
    """Active indicators observed at desa/kelurahan level (the ones an OPD reports per desa)."""
    return [i for i in catalogue.active if i.tingkat_pengamatan == "desa"]


def default_map() -> OpdMap:
    """The packaged mapping: indicator -> K/L -> the usual OPD of that K/L."""
    opd_of_kl = {r["kementerian_lembaga"]: r["opd"] for r in _rows(OPD_FILE)}
    responsible = _rows(RESPONSIBLE_FILE)
    kl = {r["kode"]: r["kementerian_lembaga"] for r in responsible}
    return OpdMap(kl, {k: opd_of_kl[v] for k, v in kl.items()}, {r["kode"]: r["keyakinan"] for r in responsible})


def load_opd_map(path: Path | None = None, catalogue: Catalogue | None = None) -> OpdMap:
    """The default mapping, changed by a kabupaten's override file when one is given."""
    base = default_map()
    if path is None:
        return base
    catalogue = catalogue or load_catalogue()
    try:
        rows = read_table(path)
    except FileNotFoundError:
        raise OpdFileError([f"{path}: berkas tidak ditemukan."]) from None
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes one clear message
        raise OpdFileError([f"{path}: berkas tidak dapat dibaca sebagai CSV/XLSX ({type(exc).__name__})."]) from None
    header = [str(h or "").strip().lower() for h in rows[0]] if rows else []
    if "opd" not in header or not any(k in header for k in OVERRIDE_KEYS):
        raise OpdFileError([f"{path.name} baris 1: kolom yang dibutuhkan: opd, dan kode_indikator atau kementerian_lembaga."])
    position = {c: header.index(c) for c in ("opd", *OVERRIDE_KEYS) if c in header}
    renamed: dict[str, str] = {}
    assigned: dict[str, str] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: str(row[i] if i < len(row) and row[i] is not None else "").strip() for c, i in position.items()}
        if not any(cells.values()):
            continue
        where = f"{path.name} baris {number}"
        kode, kl, opd = cells.get("kode_indikator", ""), cells.get("kementerian_lembaga", ""), " ".join(cells["opd"].split())
        if not opd:
            problems.append(f"{where}: nama OPD kosong.")
        if bool(kode) == bool(kl):
            problems.append(f"{where}: isi tepat satu dari kode_indikator atau kementerian_lembaga.")
        elif kode and kode not in catalogue:
            problems.append(f"{where}: kode indikator '{kode}' tidak ada dalam katalog.")
        elif kode and not catalogue.get(kode).aktif:
            problems.append(f"{where}: indikator '{kode}' tidak aktif (tidak ada di templat).")
        elif kl and kl not in set(base.kl.values()):
            problems.append(f"{where}: kementerian/lembaga '{kl}' tidak dikenal (yang ada: {', '.join(sorted(set(base.kl.values())))}).")
        elif kode and assigned.get(kode, opd) != opd:
            problems.append(f"{where}: indikator {kode} sudah ditugaskan ke '{assigned[kode]}'.")
        elif opd:
            (assigned if kode else renamed)[kode or kl] = opd
    if problems:
        raise OpdFileError(problems)
    opd = {k: assigned.get(k, renamed.get(v, base.opd[k])) for k, v in base.kl.items()}
    return OpdMap(base.kl, opd, base.keyakinan)
