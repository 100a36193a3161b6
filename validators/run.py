"""Validate submitted daftar tilik workbooks: read (in parallel), check all rows at once, report per file."""

from __future__ import annotations

from datetime import date, time

import numpy as np
import pandas as pd

from kkb_excel.catalogue import Catalogue, load_catalogue
from kkb_excel.findings import FileResult, Report, finding
from kkb_excel.keys import CHECKED_KEYS, COLUMN_LABEL, NUMBER_KEYS
from kkb_excel.numbers import tampil
from kkb_excel.read.submission import Submission
from kkb_excel.template.layout import identity_cell
from kkb_excel.template.opd_layout import OPD_ID
from kkb_excel.tingkat import CODE_PARTS, tingkat_of
from kkb_excel.validators import dated, schemas
from kkb_excel.validators.filechecks import check_file
from kkb_excel.wilayah import WilayahIndex, load_wilayah


def values_frame(submissions: list[Submission], catalogue: Catalogue) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """All observed indicator rows of all readable submissions, with (submission, record) positions."""
    kinds = {i.kode: (i.cara_isi, i.persentase, i.kumulatif, schemas.bound(i.satuan, i.persentase)) for i in catalogue.active}
    rows, positions = [], []
    for s_index, sub in enumerate(submissions):
        observed = [i for i, rec in enumerate(sub.records) if rec.diamati]
        rows.extend(kinds[sub.records[i].kode] + (sub.records[i].belum_tersedia,) + sub.records[i].checked_values() for i in observed)
        positions.extend((s_index, i) for i in observed)
    columns = ["cara_isi", "persentase", "kumulatif", "batas", "belum_tersedia", *CHECKED_KEYS]
    transposed = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    dtypes = {"persentase": bool, "kumulatif": bool, "batas": float, "belum_tersedia": bool, **dict.fromkeys(NUMBER_KEYS, float)}
    frame = pd.DataFrame({
        name: pd.Series(np.array(values, dtype=dtypes.get(name, object)), dtype=dtypes.get(name, object))
        for name, values in zip(columns, transposed, strict=True)
    })  # fmt: skip
    return frame, positions


def _counted(key: str, ind) -> str:
    """What a count column counts: the indicator's satuan, or the definition of its pembilang/penyebut."""
    if key.startswith("capaian"):
        return ind.satuan
    return ind.definisi_pembilang if key.startswith("pembilang") else ind.definisi_penyebut  # every ratio has both (test_catalogue)


def _value_fields(code: str, key: str, rec, ind) -> dict:
    """The template fields of a value rule, from the row's values (numbers shown as typed)."""
    satuan = ind.satuan
    sem = key.rsplit("_", 1)[-1]
    num, den = rec.value(f"pembilang_{sem}") if sem in "12" else None, rec.value(f"penyebut_{sem}") if sem in "12" else None
    fields = {"pembilang": num, "penyebut": den, "semester": "I" if sem == "1" else "II",
              "target": rec.value("target"), "capaian_1": rec.value("capaian_1")}  # fmt: skip
    if code == "V04":
        fields.update(rasio=round(num / den * 100, 2) if num is not None and den else "-", toleransi=schemas.TOLERANCE_PP)
    if code == "V11":
        fields.update(satuan=satuan if key.startswith("capaian") else "orang",
                      batas=schemas.bound(satuan, False) if key.startswith("capaian") else schemas.MAX_ORANG)  # fmt: skip
    if code == "V12":
        fields.update(satuan=_counted(key, ind))
    return fields


# A capaian computed from pembilang/penyebut (never typed, so never the clerk's to fix) only repeats what its inputs
# carry: negative (V01 of the pembilang), above 100 (V03), or from a pembilang that was no number (N01) or empty.
COMPUTED_TWICE = ("V01", "V02", "V09")


def _capaian_computed(sub: Submission, cara_isi: str) -> bool:
    """Is this row's capaian computed from pembilang/penyebut or status (not typed, so never the clerk's to fix)?"""
    typed_ratio = str(sub.meta.get("template_versi")) == "1" and sub.meta.get("template_id") != OPD_ID
    return cara_isi == "status" or (cara_isi == "rasio" and not typed_ratio)


def value_findings(submissions: list[Submission], catalogue: Catalogue) -> list:
    """The pandera rules over every observed row of every file, mapped back to cells."""
    frame, positions = values_frame(submissions, catalogue)
    found = []
    for code, key, index in schemas.failures(schemas.VALUES, frame):
        sub = submissions[positions[index][0]]
        rec = sub.records[positions[index][1]]
        if code in COMPUTED_TWICE and key.startswith("capaian") and _capaian_computed(sub, catalogue.get(rec.kode).cara_isi):
            continue  # a locked formula's result: the pembilang/penyebut that made it carry V01/V03 already
        fields = _value_fields(code, key, rec, catalogue.get(rec.kode))
        found.append(finding(code, sub.berkas, lembar=sub.sheet, sel=sub.cell(key, rec.baris), kode_indikator=rec.kode,
                             kolom=COLUMN_LABEL[key], nilai=rec.value(key), **fields))  # fmt: skip
    return found


def identity_frame(subs: list[Submission], index: WilayahIndex, today: date) -> pd.DataFrame:
    rows = []
    chains: dict[str, dict] = {}  # many files share a wilayah (OPDs, resubmissions): look each up once
    for sub in subs:
        kode, tingkat = str(sub.meta.get("kode_wilayah", "")), sub.meta.get("tingkat")
        known = kode in index
        if known and kode not in chains:
            chains[kode] = {w.tingkat: w for w in index.chain(kode)}
        tahun, tanggal = sub.meta.get("tahun"), dated.tanggal_of(sub)
        rows.append({
            "kode_dikenal": known,
            "tingkat_sesuai": not known or tingkat_of(kode) == tingkat,  # an unknown code is I01's alone
            "nama_sesuai": not _wrong_names(sub, chains.get(kode, {})),
            "tahun_wajar": dated.tahun_wajar(tahun, today),
            "opd": str(sub.identity.get("opd") or "").strip(),
            "petugas_ada": bool(str(sub.identity.get("petugas") or "").strip()),
            "tanggal_sah": tanggal is not None,
            "tanggal_dalam_tahun": dated.tanggal_dalam_tahun(tanggal, tahun, today),
            "tanggal_sudah_lewat": dated.tanggal_sudah_lewat(tanggal, today),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(schemas.IDENTITY.columns))


def _wrong_names(sub: Submission, chain: dict) -> list[tuple[str, str]]:
    """(identity key, reference name) for every visible name that is not the reference's."""
    return [
        (f"nama_{level}", chain[level].nama) for level in CODE_PARTS
        if level in chain and sub.identity.get(f"nama_{level}") not in (None, "-", chain[level].nama)
    ]  # fmt: skip


def _identity_finding(code: str, sub: Submission, index: WilayahIndex, today: date):
    ident, meta = sub.identity, sub.meta
    kode = str(meta.get("kode_wilayah"))
    at = {"lembar": sub.sheet}
    meta_at = {"lembar": "_kkb"}
    if code == "I01":
        return finding(code, sub.berkas, kode=kode, sel=ident.get(f"sel_kode_{meta.get('tingkat')}"), nilai=kode, **at)
    if code == "I02":
        return finding(code, sub.berkas, kode=kode, tingkat=meta.get("tingkat"), nilai=kode, **meta_at)
    if code == "I03":
        chain = {w.tingkat: w for w in index.chain(kode)}
        key, reference = _wrong_names(sub, chain)[0]
        return finding(code, sub.berkas, kode=kode, nama_referensi=reference, sel=ident.get(f"sel_{key}"), nilai=ident.get(key), **at)
    if code == "I04":
        return finding(code, sub.berkas, dari=str(dated.FIRST_YEAR), sampai=str(today.year + 1),
                       sel=ident.get("sel_tahun") or identity_cell("tahun"), nilai=str(meta.get("tahun")), **at)  # fmt: skip
    if code in ("I05", "I06"):
        return finding(code, sub.berkas, sel=ident.get("sel_opd" if code == "I05" else "sel_petugas"), **at)
    shown = {"sel": ident.get("sel_tanggal"), **at}
    if code == "I09":
        return finding(code, sub.berkas, nilai=ident.get("tanggal"), keadaan=_not_a_date(ident.get("tanggal")), **shown)
    tanggal = dated.tanggal_of(sub)
    text = f"{tanggal:%d/%m/%Y}" if tanggal else ""
    if code == "I10":
        return finding(code, sub.berkas, tanggal=text, tahun=str(meta.get("tahun")), nilai=text, **shown)
    return finding(code, sub.berkas, tanggal=text, hari_ini=f"{today:%d/%m/%Y}", nilai=text, **shown)


def _not_a_date(value) -> str:
    """What I09 says of a tanggal pengisian that is no date."""
    if value is None or not str(value).strip():
        return "belum diisi"
    if isinstance(value, time):  # a time-formatted cell, or a date cell holding 0 or a negative number
        return f"berisi jam {value:%H:%M} tanpa tanggal"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"berisi angka {int(value) if float(value).is_integer() else tampil(value)}, bukan tanggal"
    return f"'{tampil(value)}' bukan tanggal"


def identity_findings(subs: list[Submission], index: WilayahIndex, today: date | None = None) -> list:
    today = today or date.today()
    return [_identity_finding(code, subs[i], index, today)
            for code, _, i in schemas.failures(schemas.IDENTITY, identity_frame(subs, index, today))]  # fmt: skip


def _batch_findings(readable: list[Submission], catalogue: Catalogue, index: WilayahIndex) -> list:
    """The batch-wide rules; if they fail on the batch, file by file so one file's X01 spares the rest."""
    try:
        return value_findings(readable, catalogue) + identity_findings(readable, index)
    except Exception:
        if len(readable) <= 1:
            raise
    found = []
    for sub in readable:
        try:
            found += value_findings([sub], catalogue) + identity_findings([sub], index)
        except Exception as exc:
            from kkb_excel.read.reader import internal_error

            found.append(internal_error(sub.berkas, exc))
    return found


def validate_submissions(submissions: list[Submission], catalogue: Catalogue | None = None, index: WilayahIndex | None = None) -> Report:
    """Apply every rule to already-read submissions; one pandera call per schema for the whole batch."""
    catalogue = catalogue or load_catalogue()
    index = index or load_wilayah()
    submissions = [check_file(s, catalogue) for s in submissions]
    readable = [s for s in submissions if s.readable and not s.is_rollup]
    by_file: dict[str, list] = {s.berkas: list(s.findings) for s in submissions}
    try:
        batch = _batch_findings(readable, catalogue, index)
    except Exception as exc:  # a single file whose batch rules failed
        from kkb_excel.read.reader import internal_error

        batch = [internal_error(readable[0].berkas, exc)]
    for found in batch:
        by_file[found.berkas].append(found)
    results = []
    for sub in submissions:
        if sub.is_rollup and sub.readable:
            sub.skipped = True
            by_file[sub.berkas].append(finding("S14", sub.berkas))
        result = FileResult(sub.berkas, skipped=sub.skipped)
        if sub.readable:
            result.isian_wajib, result.isian_terisi = sub.isian_wajib, sub.isian_terisi
            result.kode_wilayah, result.tingkat = sub.meta.get("kode_wilayah"), sub.meta.get("tingkat")
            result.tahun, result.opd = sub.meta.get("tahun"), (str(sub.identity.get("opd") or "") or None)
        result.findings = by_file[sub.berkas]
        results.append(result)
    return Report(results)
