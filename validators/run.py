"""Validate submitted daftar tilik workbooks: read (in parallel), check all rows at once, report per file."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.validators.filechecks import check_file
from kkb_excel.template.layout import identity_cell
from kkb_excel.validators.filechecks import fmt as _fmt
from kkb_excel.findings import FileResult, Finding, Report
from kkb_excel.keys import CHECKED_KEYS, COLUMN_LABEL, NUMBER_KEYS, STATUS_KEYS
from kkb_excel.read.submission import Submission
from kkb_excel.tingkat import CODE_PARTS, tingkat_of
from kkb_excel.validators import schemas
from kkb_excel.wilayah import WilayahIndex, load_wilayah



def values_frame(submissions: list[Submission], catalogue: Catalogue) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """All observed indicator rows of all readable submissions, with (submission, record) positions."""
    kinds = {i.kode: (i.cara_isi, i.persentase, i.kumulatif) for i in catalogue.active}
    rows, positions = [], []
    for s_index, sub in enumerate(submissions):
        observed = [i for i, rec in enumerate(sub.records) if rec.diamati]
        rows.extend(kinds[sub.records[i].kode] + sub.records[i].checked_values() for i in observed)
        positions.extend((s_index, i) for i in observed)
    columns = ["cara_isi", "persentase", "kumulatif", *CHECKED_KEYS]
    transposed = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    dtypes = {"persentase": bool, "kumulatif": bool, **dict.fromkeys(NUMBER_KEYS, float)}
    frame = pd.DataFrame({
        name: pd.Series(np.array(values, dtype=dtypes.get(name, object)), dtype=dtypes.get(name, object))
        for name, values in zip(columns, transposed, strict=True)
    })  # fmt: skip
    return frame, positions


def _value_message(code: str, key: str, values: dict) -> str:
    sem = key.rsplit("_", 1)[-1]
    v = {k: _fmt(x) for k, x in values.items()}
    messages = {
        "V01": f"{COLUMN_LABEL.get(key, key)} bernilai negatif ({v.get(key)}).",
        "V02": f"Persentase {v.get(key)} di luar 0-100.",
        "V03": f"Pembilang {v.get(f'pembilang_{sem}')} melebihi penyebut {v.get(f'penyebut_{sem}')}.",
        "V04": f"Persentase {v.get(f'capaian_{sem}')} tidak sesuai pembilang/penyebut "
        f"{v.get(f'pembilang_{sem}')}/{v.get(f'penyebut_{sem}')}"
        f" = {_ratio(values, sem)} (toleransi {schemas.TOLERANCE_PP:g} poin).",
        "V05": f"Status '{v.get(key)}' tidak sah; isi 'ya' atau 'tidak'.",
        "V06": f"Capaian Semester II ({v.get('capaian_2')}) lebih kecil dari Semester I ({v.get('capaian_1')}) "
        "padahal indikator ini kumulatif.",
        "V07": f"Capaian {v.get(key)} lebih dari 3 x target {v.get('target')}; periksa kembali.",
        "V08": f"Target 0 tetapi capaian {v.get(key)}.",
        "V09": f"Persentase {v.get(key)} diisi tanpa pembilang/penyebut Semester {sem}; isi keduanya agar dapat direkap.",
    }
    return messages[code]


def _ratio(values: dict, sem: str) -> str:
    num, den = values.get(f"pembilang_{sem}"), values.get(f"penyebut_{sem}")
    return f"{num / den * 100:.2f}" if num is not None and den else "-"


def value_findings(submissions: list[Submission], catalogue: Catalogue) -> list[Finding]:
    """The pandera rules over every observed row of every file, mapped back to cells."""
    frame, positions = values_frame(submissions, catalogue)
    found = []
    for code, key, index in schemas.failures(schemas.VALUES, frame):
        sub = submissions[positions[index][0]]
        rec = sub.records[positions[index][1]]
        found.append(Finding(
            sub.berkas, code, _value_message(code, key, rec.as_dict()), lembar=sub.sheet, sel=sub.cell(key, rec.baris),
            kode_indikator=rec.kode, kolom=COLUMN_LABEL[key], nilai=_fmt(rec.value(key)),
        ))  # fmt: skip
    return found


def _valid_date(text) -> bool:
    try:
        date.fromisoformat(str(text))
        return True
    except ValueError:
        return False


def identity_frame(subs: list[Submission], index: WilayahIndex) -> pd.DataFrame:
    rows = []
    chains: dict[str, dict] = {}  # many files share a wilayah (OPDs, resubmissions): look each up once
    for sub in subs:
        kode, tingkat = str(sub.meta.get("kode_wilayah", "")), sub.meta.get("tingkat")
        known = kode in index
        if known and kode not in chains:
            chains[kode] = {w.tingkat: w for w in index.chain(kode)}
        chain = chains.get(kode, {})
        names_ok = all(
            sub.identity.get(f"nama_{level}") in (None, "-", chain[level].nama) for level in CODE_PARTS if level in chain
        )
        tahun = sub.meta.get("tahun")
        rows.append({
            "kode_dikenal": known,
            "tingkat_sesuai": known and tingkat_of(kode) == tingkat,
            "nama_sesuai": names_ok,
            "tahun": float(tahun) if isinstance(tahun, int | float) else float("nan"),
            "opd": str(sub.identity.get("opd") or "").strip(),
            "petugas_tanggal_ada": bool(str(sub.identity.get("petugas") or "").strip()) and _valid_date(sub.identity.get("tanggal")),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["kode_dikenal", "tingkat_sesuai", "nama_sesuai", "tahun", "opd", "petugas_tanggal_ada"])


def _identity_message(code: str, sub: Submission) -> tuple[str, str | None, str | None]:
    ident, meta = sub.identity, sub.meta
    kode = str(meta.get("kode_wilayah"))
    options = {
        "I01": (f"Kode wilayah {kode} tidak ada dalam referensi Kemendagri.", ident.get("sel_kode_desa"), kode),
        "I02": (f"Kode wilayah {kode} bukan wilayah tingkat {meta.get('tingkat')}.", None, kode),
        "I03": (f"Nama wilayah pada blok identitas tidak sesuai kode {kode} (referensi Kemendagri).", ident.get("sel_nama_desa"), None),
        "I04": (f"Tahun {meta.get('tahun')} tidak wajar.", identity_cell("tahun"), str(meta.get("tahun"))),
        "I05": ("OPD/instansi pengisi belum diisi.", ident.get("sel_opd"), None),
        "I06": ("Nama petugas atau tanggal pengisian belum diisi dengan benar.", ident.get("sel_petugas"), _fmt(ident.get("tanggal"))),
    }
    return options[code]


def identity_findings(subs: list[Submission], index: WilayahIndex) -> list[Finding]:
    found = []
    for code, _, i in schemas.failures(schemas.IDENTITY, identity_frame(subs, index)):
        message, cell, value = _identity_message(code, subs[i])
        found.append(Finding(subs[i].berkas, code, message, lembar=subs[i].sheet, sel=cell, nilai=value))
    return found


def validate_submissions(submissions: list[Submission], catalogue: Catalogue | None = None, index: WilayahIndex | None = None) -> Report:
    """Apply every rule to already-read submissions; one pandera call per schema for the whole batch."""
    catalogue = catalogue or load_catalogue()
    index = index or load_wilayah()
    submissions = [check_file(s, catalogue) for s in submissions]
    readable = [s for s in submissions if s.readable and not s.is_rollup]
    by_file: dict[str, list[Finding]] = {s.berkas: list(s.findings) for s in submissions}
    for finding in value_findings(readable, catalogue) + identity_findings(readable, index):
        by_file[finding.berkas].append(finding)
    results = []
    for sub in submissions:
        if sub.is_rollup and sub.readable:
            sub.skipped = True
            by_file[sub.berkas].append(Finding(sub.berkas, "S14", "Rekap hasil kkb-excel consolidate; "
                                               "periksa kiriman daftar tilik aslinya, bukan rekapnya."))  # fmt: skip
        result = FileResult(sub.berkas, skipped=sub.skipped)
        if sub.readable:
            result.isian_wajib, result.isian_terisi = sub.isian_wajib, sub.isian_terisi
            result.kode_wilayah, result.tingkat = sub.meta.get("kode_wilayah"), sub.meta.get("tingkat")
            result.tahun, result.opd = sub.meta.get("tahun"), (str(sub.identity.get("opd") or "") or None)
        result.findings = by_file[sub.berkas]
        results.append(result)
    return Report(results)
