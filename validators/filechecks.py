"""Per-file rules that need no other file: completeness (K01/K02) and ignored inputs (V10).

They run where the file is read (in the worker processes), so the batch-wide pandera pass only
sees what must be checked across files.
"""

from __future__ import annotations

from kkb_excel.catalogue import Catalogue
from kkb_excel.findings import Finding
from kkb_excel.keys import COLUMN_LABEL, INPUT_KEYS, SUPPORT_KEYS
from kkb_excel.read.submission import Submission


def fmt(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _required(rec, catalogue: Catalogue) -> tuple[str, ...]:
    return INPUT_KEYS[catalogue.get(rec.kode).cara_isi]


def completeness(sub: Submission, catalogue: Catalogue) -> tuple[int, int, list[Finding]]:
    """(required, filled, findings): K02 when nothing is filled, K01 listing empty inputs.

    Semester II counts only once any semester II value is present (a semester I report is complete
    without it).
    """
    observed = [r for r in sub.records if r.diamati]
    has_sem2 = any(r.value(k) is not None for r in observed for k in _required(r, catalogue) if k.endswith("_2"))
    keys = [(r, k) for r in observed for k in _required(r, catalogue) if has_sem2 or k.endswith("_1")]
    empty = [(r, k) for r, k in keys if r.value(k) is None]
    findings = []
    if keys and len(empty) == len(keys):
        findings.append(Finding(sub.berkas, "K02", "Belum ada capaian yang diisi; workbook dikirim kosong.", lembar=sub.sheet))
    elif empty:
        cells = ", ".join(sub.cell(k, r.baris) for r, k in empty[:10]) + (", ..." if len(empty) > 10 else "")
        findings.append(Finding(sub.berkas, "K01", f"{len(empty)} dari {len(keys)} isian wajib kosong: {cells}.", lembar=sub.sheet))
    return len(keys), len(keys) - len(empty), findings


def ignored_inputs(sub: Submission) -> list[Finding]:
    """V10: values typed into rows this tingkat does not fill (possible only after unprotecting)."""
    found = []
    for rec in sub.records:
        if rec.diamati:
            continue
        for key in ("capaian_1", "capaian_2", *SUPPORT_KEYS):
            if rec.value(key) is not None:
                found.append(Finding(sub.berkas, "V10", f"Isian {COLUMN_LABEL[key]} pada indikator yang tidak diisi di tingkat ini diabaikan.",
                                     lembar=sub.sheet, sel=sub.cell(key, rec.baris), kode_indikator=rec.kode,
                                     kolom=COLUMN_LABEL[key], nilai=fmt(rec.value(key))))  # fmt: skip
    return found



def check_file(sub: Submission, catalogue: Catalogue) -> Submission:
    """Apply the per-file rules, then keep only observed rows (all that batch rules need)."""
    if sub.readable and not sub.checked and not sub.is_rollup:
        sub.checked = True
        sub.isian_wajib, sub.isian_terisi, found = completeness(sub, catalogue)
        sub.findings.extend(found + ignored_inputs(sub))
        sub.records = [r for r in sub.records if r.diamati]
    return sub
