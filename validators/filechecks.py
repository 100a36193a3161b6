"""Per-file rules that need no other file: completeness (K01/K02) and ignored inputs (V10).

They run where the file is read (in the worker processes), so the batch-wide pandera pass only
sees what must be checked across files.
"""

from __future__ import annotations

from kkb_excel.catalogue import Catalogue
from kkb_excel.findings import finding
from kkb_excel.keys import COLUMN_LABEL, INPUT_KEYS, INPUT_VALUE_KEYS
from kkb_excel.read.submission import Submission


def _required(rec, catalogue: Catalogue) -> tuple[str, ...]:
    return INPUT_KEYS[catalogue.get(rec.kode).cara_isi]


def completeness(sub: Submission, catalogue: Catalogue) -> tuple[int, int, list]:
    """(required, filled, findings): K02 when nothing is filled, K01 listing empty inputs.

    Semester II counts only once any semester II value is present (a semester I report is complete
    without it). A row marked "Belum tersedia" in Keterangan is answered, not missing.
    """
    observed = [r for r in sub.records if r.diamati]
    has_sem2 = any(r.value(k) is not None for r in observed for k in _required(r, catalogue) if k.endswith("_2"))
    keys = [(r, k) for r in observed for k in _required(r, catalogue) if has_sem2 or k.endswith("_1")]
    empty = [(r, k) for r, k in keys if r.value(k) is None and not r.belum_tersedia]
    findings = []
    if keys and len(empty) == len(keys):
        findings.append(finding("K02", sub.berkas, lembar=sub.sheet))
    elif empty:
        cells = ", ".join(sub.cell(k, r.baris) for r, k in empty[:10]) + (", ..." if len(empty) > 10 else "")
        findings.append(finding("K01", sub.berkas, kosong=str(len(empty)), wajib=str(len(keys)), sel_kosong=cells, lembar=sub.sheet))
    return len(keys), len(keys) - len(empty), findings


def ignored_inputs(sub: Submission, catalogue: Catalogue) -> list:
    """V10: values in grey cells: rows this tingkat does not fill, or columns this row's cara isi does not use."""
    found = []
    for rec in sub.records:
        if rec.diamati and rec.kode not in catalogue:
            continue
        used = INPUT_KEYS[catalogue.get(rec.kode).cara_isi] if rec.diamati else ()
        sebab = "kolom ini tidak dipakai indikator ini" if rec.diamati else "indikator ini tidak diisi di tingkat ini"
        for key in INPUT_VALUE_KEYS:
            if key in used or (rec.diamati and key.startswith("capaian_")):
                continue  # capaian of a status row is its formula, checked as such
            if rec.value(key) is not None:
                found.append(finding("V10", sub.berkas, sebab=sebab, lembar=sub.sheet, sel=sub.cell(key, rec.baris),
                                     kode_indikator=rec.kode, kolom=COLUMN_LABEL[key], nilai=rec.value(key)))  # fmt: skip
    return found


def check_file(sub: Submission, catalogue: Catalogue) -> Submission:
    """Apply the per-file rules, then keep only observed rows (all that batch rules need)."""
    if sub.readable and not sub.checked and not sub.is_rollup:
        sub.checked = True
        try:
            sub.isian_wajib, sub.isian_terisi, found = completeness(sub, catalogue)
            sub.findings.extend(found + ignored_inputs(sub, catalogue))
        except Exception as exc:  # the batch goes on; this file carries the internal error
            from kkb_excel.read.reader import internal_error

            sub.findings.append(internal_error(sub.berkas, exc))
        sub.records = [r for r in sub.records if r.diamati]
    return sub
