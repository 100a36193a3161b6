"""One manifest entry per OPD workbook: its desa-row submissions collapse into the file they came from."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from kkb_excel.consolidate.model import DIGANTIKAN
from kkb_excel.findings import DILEWATI, DITERIMA, DITOLAK
from kkb_excel.read.opd_reader import source_berkas
from kkb_excel.read.submission import Submission

STATUS_ORDER = (DITERIMA, DIGANTIKAN, DITOLAK, DILEWATI)  # a file is diterima if any of its rows is


def collapse_opd_rows(manifest: list, subs: list[Submission]) -> list:
    """The manifest with every OPD workbook listed once, saying how many desa rows it carried."""
    source = {s.berkas: (source_berkas(s), s) for s in subs}
    rows: dict[str, list] = {}
    out = []
    for entry in manifest:
        berkas, sub = source.get(entry.berkas, (entry.berkas, None))
        if berkas == entry.berkas:
            out.append(entry)
            continue
        if berkas not in rows:
            rows[berkas] = []
            out.append((berkas, sub))
        rows[berkas].append(entry)
    return [item if not isinstance(item, tuple) else _file_entry(*item, rows[item[0]]) for item in out]


def _file_entry(berkas: str, sub: Submission, entries: list):
    counts = Counter(e.status for e in entries)
    status = next(s for s in STATUS_ORDER if counts[s])
    told = ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER if counts[s])
    alasan = f"workbook OPD: {len(entries)} baris desa/kelurahan terisi ({told})"
    reason = next((e.alasan for e in entries if e.status != DITERIMA and e.alasan), "")
    return replace(
        entries[0], berkas=berkas, sha256=sub.sha256.split("!", 1)[0], status=status, jenis="opd",
        tingkat=str(sub.meta.get("tingkat_berkas", "")), kode_wilayah=str(sub.meta.get("kode_berkas", "")),
        alasan=f"{alasan}; mis. {reason}" if reason else alasan,
    )  # fmt: skip
