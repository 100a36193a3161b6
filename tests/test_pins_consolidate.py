"""Consolidation behaviour pinned through real files and consolidate_paths (survivors of tools/mutate.py
on consolidate/merge.py, completeness.py and run.py): which file counts, the manifest's reason texts,
conflict texts, rejected reasons, scope without --wilayah and completeness at every tier.

Kecamatan Semarang Tengah (33.74.01, 15 desa), tahun 2024:
  A 1001  a.xlsx RATIO 2/16 (Sem II 1/4), SUM 3, SHARE ya, 5/10 in a grey (kabupaten) row; a_lama.xlsx older;
          a_salinan.xlsx a byte copy of a.xlsx
  B 1002  b.xlsx RATIO 3/16 (Sem II 1/4), SUM 4 (Sem II 7), SHARE tidak; b_lama.xlsx older, same OPD spelt
          '  pemerintah   DESA '; b-puskesmas.xlsx (filled today; its name sorts before b.xlsx, its OPD after) RATIO 3/16
          (Sem II 1/5), SUM 5.5 (Sem II 7), SHARE ya
  C 1003  c1.xlsx / arsip/c2.xlsx same OPD, same date: SUM 10 vs 12; RATIO 1/2 in c1, only a pembilang in c2 (says nothing)
  D 1004  d.xlsx RATIO 3/60, SUM 'Belum tersedia', only the pembilang of another ratio (HALF), tanggal 'kemarin sore' (unreadable)
  E 1005  e_ditolak.xlsx RATIO 5/2 (V03; the computed 250 % only repeats it) and SUM -1 (V01): ditolak
  ~$a.xlsx: Excel's lock file; rusak.xlsx: not a workbook at all. Out of this kecamatan: lain_kec.xlsx (33.74.02.1001, dated January 2025),
  kota.xlsx (an empty form of Kota Pekalongan, 33.75)
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from consolidate_helpers import COUNT, RATIO, SHARE, SUM, rec, row_of, run
from openpyxl import load_workbook

from kkb_excel.catalogue import Catalogue
from kkb_excel.consolidate.aggregate import FLAG_NOT_AGGREGATABLE
from kkb_excel.consolidate.completeness import NOT_SENT, NOTHING_BELOW
from kkb_excel.consolidate.model import RunConfig
from kkb_excel.consolidate.run import consolidate, nothing_accepted
from kkb_excel.errors import KkbError
from kkb_excel.output.rollup_workbook import records, write_xlsx
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, SHEET_MAIN, identity_cell
from kkb_excel.validators.run import validate_submissions

A, B, C, D, E, F = (f"33.74.01.100{i}" for i in range(1, 7))
GREY = "S2.Pa.K4.a"  # observed by the kabupaten: grey in a desa form
HALF = "S1.Pa.K2.a"  # a ratio observed by the desa
HELD = {1: "Semester I indikator ini untuk unit ini tidak dipakai (tidak ikut dijumlahkan ke atas)",
        2: "Semester II indikator ini untuk unit ini tidak dipakai (tidak ikut dijumlahkan ke atas)"}  # fmt: skip
TODAY = date.today()
TODAY_NOTE = "" if TODAY.year in (2024, 2025) else f"tanggal pengisian {TODAY.isoformat()} di luar tahun pelaporan 2024"
SAME_DATE = ("kiriman OPD yang sama dengan tanggal pengisian sama (kiriman/arsip/c2.xlsx, kiriman/c1.xlsx): "
             "nilai yang sama dipakai, yang berbeda dilaporkan di lembar Konflik")  # fmt: skip


def ratio(num, den, s=1):
    return {f"pembilang_{s}": num, f"penyebut_{s}": den}


@pytest.fixture(scope="module")
def make(catalogue):
    """make(folder, name, kode, {indicator: {column key: value}}, ...): a submission holding only those inputs."""
    blueprints: dict[tuple[str, int], Blueprint] = {}

    def submit(out: Path, name, kode, values, opd="Pemerintah Desa", tanggal=date(2024, 12, 1), tahun=2024):
        [unit] = plan_units([kode], None, tahun)
        targets = catalogue.targets(unit.tingkat)
        key = (unit.tingkat, tahun)
        if key not in blueprints:
            blueprints[key] = Blueprint.build(unit.tingkat, tahun, targets, catalogue)
        cells = {identity_cell("opd"): opd, identity_cell("petugas"): "Petugas", identity_cell("tanggal"): tanggal}
        for ind, inputs in values.items():
            cells.update({f"{COL[k]}{row_of(catalogue, ind)}": v for k, v in inputs.items()})
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(blueprints[key].render(unit.identity, targets, cells))

    return submit


@pytest.fixture(scope="module")
def folder(tmp_path_factory, make) -> Path:
    out = tmp_path_factory.mktemp("pins") / "kiriman"

    def submit(*args, **kw):
        make(out, *args, **kw)

    submit("a.xlsx", A, {RATIO: {**ratio(2, 16), **ratio(1, 4, 2)}, SUM: {"capaian_1": 3}, SHARE: {"status_1": "ya"}, GREY: ratio(5, 10)})
    submit("a_lama.xlsx", A, {RATIO: ratio(1, 10)}, tanggal=date(2024, 7, 1))
    shutil.copy(out / "a.xlsx", out / "a_salinan.xlsx")
    submit("b.xlsx", B, {RATIO: {**ratio(3, 16), **ratio(1, 4, 2)}, SUM: {"capaian_1": 4, "capaian_2": 7}, SHARE: {"status_1": "tidak"}})
    submit("b_lama.xlsx", B, {RATIO: ratio(9, 9)}, opd="  pemerintah   DESA ", tanggal=date(2024, 11, 30))
    submit("b-puskesmas.xlsx", B, {RATIO: {**ratio(3, 16), **ratio(1, 5, 2)}, SUM: {"capaian_1": 5.5, "capaian_2": 7},
                                   SHARE: {"status_1": "ya"}}, opd="Puskesmas", tanggal=TODAY)  # fmt: skip
    submit("c1.xlsx", C, {SUM: {"capaian_1": 10}, RATIO: ratio(1, 2)}, tanggal=date(2024, 9, 1))
    submit("arsip/c2.xlsx", C, {SUM: {"capaian_1": 12}, RATIO: {"pembilang_1": 1}}, tanggal=date(2024, 9, 1))
    submit("d.xlsx", D, {RATIO: ratio(3, 60), SUM: {"keterangan": "Belum tersedia"}, HALF: {"pembilang_1": 2}}, tanggal="kemarin sore")
    submit("e_ditolak.xlsx", E, {RATIO: ratio(5, 2), SUM: {"capaian_1": -1}})
    submit("lain_kec.xlsx", "33.74.02.1001", {RATIO: ratio(1, 2)}, tanggal=date(2025, 1, 15))  # filled early the next year: fine
    submit("kota.xlsx", "33.75", {})
    (out / "~$a.xlsx").write_bytes(b"\x00lock")  # Excel's lock file beside an open a.xlsx
    (out / "rusak.xlsx").write_bytes(b"bukan workbook")  # named .xlsx, unreadable: rejected, not skipped
    return out


@pytest.fixture(scope="module")
def kec(folder):
    return run([folder], "kecamatan", "33.74.01")


def manifest(rollup) -> dict[str, tuple[str, str]]:
    return {Path(m.berkas).name: (str(m.status), m.alasan) for m in rollup.manifest}


COMMON = {
    "a.xlsx": ("diterima", ""),
    "a_lama.xlsx": ("digantikan", "digantikan oleh kiriman/a.xlsx (tanggal pengisian lebih baru)"),
    "a_salinan.xlsx": ("digantikan", "isi sama dengan kiriman/a.xlsx"),
    "b.xlsx": ("diterima", ""),
    "b_lama.xlsx": ("digantikan", "digantikan oleh kiriman/b.xlsx (tanggal pengisian lebih baru)"),  # the same OPD, spelt otherwise
    "b-puskesmas.xlsx": ("diterima", TODAY_NOTE),  # filled today: not in the future
    "c1.xlsx": ("diterima", SAME_DATE),
    "c2.xlsx": ("diterima", SAME_DATE),
    "d.xlsx": ("diterima", "tanggal pengisian kosong/tidak terbaca: kalah dari kiriman bertanggal"),
    "e_ditolak.xlsx": ("ditolak", "Pembilang 5 melebihi penyebut 2."),
    "~$a.xlsx": ("dilewati", "Berkas kunci sementara Microsoft Office (~$...), bukan kiriman; dilewati."),
    "rusak.xlsx": ("ditolak", "Berkas tidak dapat dibaca: bukan berkas Excel (.xlsx/.xlsm/.xls)."),
}


def test_every_file_once_with_its_status_and_reason(kec):
    assert manifest(kec) == {
        **COMMON,
        "kota.xlsx": ("dilewati", "wilayah 33.75 di luar cakupan 33.74.01"),
        "lain_kec.xlsx": ("dilewati", "wilayah 33.74.02.1001 di luar cakupan 33.74.01"),
    }
    assert [m.berkas for m in kec.manifest] == sorted(m.berkas for m in kec.manifest)  # by path
    entry = {Path(m.berkas).name: m for m in kec.manifest}
    lama = entry["b_lama.xlsx"]
    assert (lama.opd, lama.tanggal, lama.tingkat) == ("  pemerintah   DESA ", "2024-11-30", "desa")
    assert (entry["d.xlsx"].tanggal, entry["kota.xlsx"].tingkat, entry["kota.xlsx"].jenis) == ("kemarin sore", "kabupaten", "xlsx")
    assert entry["a.xlsx"].tahun == 2024 and entry["a.xlsx"].kode_wilayah == A
    assert kec.accounting() == "14 berkas ditemukan = 6 diterima + 2 ditolak + 3 digantikan + 3 dilewati"
    assert (entry["rusak.xlsx"].jenis, entry["rusak.xlsx"].kode_wilayah) == ("-", "")
    assert nothing_accepted(kec) is None


def test_files_of_another_year_are_skipped_and_the_run_says_why(folder):
    later = run([folder], "kecamatan", "33.74.01", tahun=2025)
    assert set(manifest(later).values()) == {("dilewati", "tahun 2024, bukan 2025"), COMMON["~$a.xlsx"], COMMON["rusak.xlsx"]}
    assert nothing_accepted(later) == (
        "Tidak ada kiriman yang diterima untuk rekap kecamatan tahun 2025: 12 berkas untuk tahun 2024; jalankan dengan --tahun 2024; "
        "1 berkas ditolak (jalankan kkb-excel validate untuk daftar perbaikannya)."
    )


def test_a_run_with_only_rejected_files_or_no_file_says_so(folder, tmp_path):
    rejected = run([folder / "e_ditolak.xlsx", folder / "rusak.xlsx"], "kecamatan", "33.74.01")
    assert nothing_accepted(rejected) == (
        "Tidak ada kiriman yang diterima untuk rekap kecamatan tahun 2024: "
        "2 berkas ditolak (jalankan kkb-excel validate untuk daftar perbaikannya)."
    )
    assert nothing_accepted(run([tmp_path], "kabupaten", "33.74")) == (
        "Tidak ada kiriman yang diterima untuk rekap kabupaten/kota tahun 2024: tidak ada berkas pada PATH yang diberikan."
    )


def test_target_overrides_per_unit(folder):
    rollup = run([folder], "kecamatan", "33.74.01", targets={"33.74.01": {RATIO: 100.0}, A: {RATIO: None}})
    assert rec(rollup, "kecamatan", "33.74.01", RATIO)["target"] == 100.0
    assert rec(rollup, "desa", A, RATIO)["target"] is None and rec(rollup, "desa", B, RATIO)["target"] == 68.0


def test_conflicts_name_both_sources_their_values_and_what_is_held_back(kec):
    # sources by OPD, then file name (not path): the same order however the run was given its folders
    b = "Pemerintah Desa (kiriman/b.xlsx); Puskesmas (kiriman/b-puskesmas.xlsx)"
    c = "Pemerintah Desa (kiriman/c1.xlsx); Pemerintah Desa (kiriman/arsip/c2.xlsx)"
    assert [(x.kode_wilayah, x.kode_indikator, x.semester, x.sumber, x.nilai, x.ditahan) for x in kec.conflicts] == [
        (B, RATIO, 2, b, "Pemerintah Desa: Pembilang Sem II 1, Penyebut Sem II 4 | Puskesmas: Pembilang Sem II 1, Penyebut Sem II 5",
         HELD[2]),
        (B, SUM, 1, b, "Pemerintah Desa: Capaian Semester I 4 | Puskesmas: Capaian Semester I 5.5", HELD[1]),
        (B, SHARE, 1, b, "Pemerintah Desa: Status Sem I tidak | Puskesmas: Status Sem I ya", HELD[1]),
        (C, SUM, 1, c, "Pemerintah Desa: Capaian Semester I 10 | Pemerintah Desa: Capaian Semester I 12", HELD[1]),
    ]  # fmt: skip


def test_a_rejected_file_lists_every_error_with_its_cell(kec, catalogue):
    r, broken = kec.rejected
    assert (Path(r.berkas).name, r.kode_wilayah, r.galat, r.opd) == ("e_ditolak.xlsx", E, 2, "Pemerintah Desa")
    negative = f"[V01] H{row_of(catalogue, SUM)}: Capaian Semester I bernilai negatif (-1)."
    assert r.alasan == f"[V03] N6: Pembilang 5 melebihi penyebut 2. | {negative}"
    assert (Path(broken.berkas).name, broken.kode_wilayah, broken.galat) == ("rusak.xlsx", "", 1)
    assert broken.alasan == f"[S01] {COMMON['rusak.xlsx'][1]}"  # the reader's own finding: no validation result
    assert kec.desa_status == {A: "diterima", B: "diterima", C: "diterima", D: "diterima", E: "ditolak"}
    assert kec.names[E] == "Gabahan" and E not in kec.partials.get("desa", {})  # a rejected desa is named though it holds no value


def test_files_seen_are_carried_for_the_next_run_once_per_content(kec):
    seen = [(Path(f[5]).name, f[1], f[2], f[3], str(f[4])) for f in kec.known_files]
    assert seen == [  # a_salinan.xlsx has a.xlsx's bytes: one entry; skipped files are not 'seen'
        ("a.xlsx", A, "Pemerintah Desa", "2024-12-01", "diterima"), ("a_lama.xlsx", A, "Pemerintah Desa", "2024-07-01", "digantikan"),
        ("c2.xlsx", C, "Pemerintah Desa", "2024-09-01", "diterima"),  # kiriman/arsip/c2.xlsx
        ("b-puskesmas.xlsx", B, "Puskesmas", TODAY.isoformat(), "diterima"), ("b.xlsx", B, "Pemerintah Desa", "2024-12-01", "diterima"),
        ("b_lama.xlsx", B, "  pemerintah   DESA ", "2024-11-30", "digantikan"), ("c1.xlsx", C, "Pemerintah Desa", "2024-09-01", "diterima"),
        ("d.xlsx", D, "Pemerintah Desa", "kemarin sore", "diterima"),
        ("e_ditolak.xlsx", E, "Pemerintah Desa", "2024-12-01", "ditolak"), ("rusak.xlsx", "", "", "", "ditolak"),
    ]  # fmt: skip
    assert rec(kec, "kecamatan", "33.74.01", RATIO)["nama_wilayah"] == "Semarang Tengah"
    assert rec(kec, "desa", A, RATIO)["nama_wilayah"] == "Miroto"


def test_what_each_unit_contributes(kec):
    r = rec(kec, "kecamatan", "33.74.01", RATIO)  # A 2/16 + B 3/16 (its OPDs agree) + C 1/2 + D 3/60; Sem II only A (B conflicts)
    assert (r["pembilang_1"], r["penyebut_1"], r["laporan_1"], r["pembilang_2"], r["penyebut_2"], r["laporan_2"]) == (9, 94, 4, 1, 4, 1)
    assert (r["konflik_1"], r["konflik_2"], r["unit_diharapkan"]) == (None, 1, 15)
    r = rec(kec, "kecamatan", "33.74.01", SUM)  # Sem I: A 3; B and C conflict; D not yet available. Sem II: B's OPDs agree on 7
    assert (r["capaian_1"], r["laporan_1"], r["konflik_1"], r["belum_tersedia_1"]) == (3, 1, 2, 1)
    assert (r["capaian_2"], r["laporan_2"], r["konflik_2"], r["belum_tersedia_2"]) == (7, 1, None, 1)
    r = rec(kec, "kecamatan", "33.74.01", SHARE)
    assert (r["unit_ya_1"], r["unit_berstatus_1"], r["konflik_1"]) == (1, 1, 1)
    assert rec(kec, "desa", B, SUM)["capaian_2"] == 7 and rec(kec, "desa", B, SUM)["capaian_1"] is None
    assert (rec(kec, "desa", C, RATIO)["pembilang_1"], rec(kec, "desa", C, RATIO)["penyebut_1"]) == (1, 2)
    shown = {(r["kode_wilayah"], r["kode_indikator"]) for r in records(kec, levels=["desa"])}
    assert (A, RATIO) in shown and (A, GREY) not in shown  # a value typed in a grey row is never used
    assert (A, COUNT) not in shown and (D, SUM) in shown  # a row left empty is no record; 'Belum tersedia' is one
    half = rec(kec, "desa", D, HALF)  # a row touched but not complete: listed without a value, and nothing added above
    assert (half["pembilang_1"], half["penyebut_1"], half["laporan_1"]) == (None, None, None)
    assert rec(kec, "kecamatan", "33.74.01", HALF)["laporan_1"] is None


def test_completeness_of_the_kecamatan(kec, wilayah):
    assert kec.scope == ["33.74.01"] and kec.wilayah == "33.74.01"
    assert kec.completeness == {"kecamatan": {"33.74.01": {"diharapkan": 15, "masuk": 5, "diterima": 4, "ditolak": 1}}}
    missing = [(w.kode, w.nama) for w in wilayah.children("33.74.01", "desa") if w.kode not in (A, B, C, D, E)]
    assert [(m.tingkat, m.kode_wilayah, m.nama, m.desa, m.keterangan) for m in kec.not_reported] == [
        ("desa", kode, nama, 1, NOT_SENT) for kode, nama in missing
    ]


def test_without_wilayah_every_touched_kecamatan_is_expected(folder, wilayah):
    kec = run([folder], "kecamatan")
    assert kec.scope == ["33.74.01", "33.74.02"] and kec.wilayah is None  # kota.xlsx is above the run: not a scope
    assert manifest(kec)["kota.xlsx"] == ("dilewati", "kiriman tingkat kabupaten di atas --tingkat kecamatan")
    n = len(wilayah.children("33.74.02", "desa"))
    assert kec.completeness == {"kecamatan": {"33.74.01": {"diharapkan": 15, "masuk": 5, "diterima": 4, "ditolak": 1},
                                              "33.74.02": {"diharapkan": n, "masuk": 1, "diterima": 1, "ditolak": 0}}}  # fmt: skip
    assert kec.missing_desa() == len(kec.not_reported) == 15 - 5 + n - 1


def test_without_wilayah_every_touched_kabupaten_is_expected(folder, wilayah, catalogue):
    kab = run([folder], "kabupaten")
    assert kab.scope == ["33.74", "33.75"] and kab.wilayah is None  # 33.75: only a rejected kabupaten form touches it
    empty = "Belum ada capaian yang diisi; workbook dikirim kosong."
    assert manifest(kab) == {**COMMON, "lain_kec.xlsx": ("diterima", ""), "kota.xlsx": ("ditolak", empty)}
    assert [(Path(r.berkas).name, r.kode_wilayah, r.alasan) for r in kab.rejected] == [
        ("e_ditolak.xlsx", E, f"[V03] N6: Pembilang 5 melebihi penyebut 2. | [V01] H{row_of(catalogue, SUM)}: Capaian Semester I "
                              "bernilai negatif (-1)."),
        ("kota.xlsx", "33.75", f"[K02] {empty}"),
        ("rusak.xlsx", "", f"[S01] {COMMON['rusak.xlsx'][1]}"),
    ]
    assert set(kab.desa_status) == {A, B, C, D, E, "33.74.02.1001"}  # a rejected kabupaten form is no desa
    desa = {k: len(wilayah.children(k, "desa")) for k in ("33.74", "33.75")}
    assert kab.completeness["kabupaten"] == {"33.74": {"diharapkan": 177, "masuk": 6, "diterima": 5, "ditolak": 1},
                                             "33.75": {"diharapkan": desa["33.75"], "masuk": 0, "diterima": 0, "ditolak": 0}}  # fmt: skip
    kecamatan = {w.kode: len(wilayah.children(w.kode, "desa")) for k in desa for w in wilayah.children(k, "kecamatan")}
    assert kab.completeness["kecamatan"]["33.74.02"] == {"diharapkan": kecamatan["33.74.02"], "masuk": 1, "diterima": 1, "ditolak": 0}
    assert set(kab.completeness["kecamatan"]) == set(kecamatan) and set(kab.completeness) == {"kabupaten", "kecamatan"}
    expected = [("desa", w.kode, 1, NOT_SENT) for w in wilayah.children("33.74.01", "desa") if w.kode not in (A, B, C, D, E)]
    expected += [("desa", w.kode, 1, NOT_SENT) for w in wilayah.children("33.74.02", "desa") if w.kode != "33.74.02.1001"]
    expected += [("kecamatan", k, n, NOTHING_BELOW) for k, n in sorted(kecamatan.items()) if k not in ("33.74.01", "33.74.02")]
    assert sorted((m.tingkat, m.kode_wilayah, m.desa, m.keterangan) for m in kab.not_reported) == sorted(expected)
    assert kab.missing_desa() == 177 - 6 + desa["33.75"]
    [tugu] = [m for m in kab.not_reported if m.kode_wilayah == "33.74.16"]
    assert tugu.nama == f"Kecamatan {wilayah.get('33.74.16').nama}"
    assert rec(kab, "kabupaten", "33.74", RATIO)["unit_diharapkan"] == 177


def test_a_provinsi_run_without_wilayah_expects_the_whole_provinsi(folder, make, wilayah, tmp_path):
    make(tmp_path, "jateng.xlsx", "33", {})  # an (empty, rejected) provinsi form: a one-part code touched
    prov = run([folder, tmp_path], "provinsi")
    assert manifest(prov)["jateng.xlsx"] == ("ditolak", "Belum ada capaian yang diisi; workbook dikirim kosong.")
    assert prov.scope == ["33"]
    desa = len(wilayah.children("33", "desa"))
    assert prov.completeness["provinsi"] == {"33": {"diharapkan": desa, "masuk": 6, "diterima": 5, "ditolak": 1}}
    kabupaten = {w.kode: len(wilayah.children(w.kode, "desa")) for w in wilayah.children("33", "kabupaten")}
    listed = {m.kode_wilayah: (m.tingkat, m.desa, m.keterangan) for m in prov.not_reported if m.tingkat == "kabupaten"}
    assert listed == {k: ("kabupaten", n, NOTHING_BELOW) for k, n in kabupaten.items() if k != "33.74"}
    assert prov.missing_desa() == desa - 6
    assert rec(prov, "provinsi", "33", RATIO)["unit_diharapkan"] == desa
    assert rec(prov, "kabupaten", "33.74", RATIO)["unit_diharapkan"] == 177


def test_a_national_run_expects_every_desa_of_indonesia(folder, wilayah):
    nas = run([folder], "nasional")
    desa = len(wilayah.level("desa"))
    assert nas.scope == ["ID"] and nas.completeness["nasional"] == {"ID": {"diharapkan": desa, "masuk": 6, "diterima": 5, "ditolak": 1}}
    assert len(nas.completeness["provinsi"]) == len(wilayah.level("provinsi"))
    provinsi = [m for m in nas.not_reported if m.tingkat == "provinsi"]
    assert len(provinsi) == len(wilayah.level("provinsi")) - 1
    assert provinsi[0].nama == f"Provinsi {wilayah.get(provinsi[0].kode_wilayah).nama}"
    assert nas.missing_desa() == desa - 6
    assert rec(nas, "nasional", "ID", RATIO)["unit_diharapkan"] == desa and rec(nas, "nasional", "ID", RATIO)["nama_wilayah"] == "Indonesia"


def test_a_rollup_is_an_input_again_and_files_are_weighed_against_it(folder, kec, make, tmp_path):
    """Kecamatan rollup + new files -> kabupaten: seen, older, newer and unknown units, each with its reason."""
    write_xlsx(kec, tmp_path / "rekap" / "rekap-33.74.01.xlsx")
    new = tmp_path / "baru"
    new.mkdir()
    shutil.copy(folder / "a.xlsx", new / "a_lagi.xlsx")
    make(new, "a_koreksi.xlsx", A, {RATIO: ratio(4, 16)}, tanggal=date(2024, 12, 20))
    make(new, "b_kuno.xlsx", B, {RATIO: ratio(7, 16)}, opd="Puskesmas", tanggal=date(2024, 6, 1))
    make(new, "f.xlsx", F, {RATIO: ratio(1, 4)})
    kab = run([tmp_path / "rekap", new], "kabupaten", "33.74")
    rekap = "rekap/rekap-33.74.01.xlsx"
    assert manifest(kab) == {
        "rekap-33.74.01.xlsx": ("diterima", ""),
        "a_lagi.xlsx": ("digantikan", f"sudah tercakup dalam rekap {rekap}"),
        "a_koreksi.xlsx": ("diterima", f"dipakai: lebih baru dari kiriman yang dimuat rekap {rekap}; nilai desa ini di rekap itu diganti"),
        "b_kuno.xlsx": ("digantikan", f"rekap {rekap} memakai kiriman OPD ini yang lebih baru"),
        "f.xlsx": ("diterima", f"dipakai: rekap {rekap} tidak memuat kiriman untuk unit ini"),
    }
    r = rec(kab, "kecamatan", "33.74.01", RATIO)  # A's 4/16 replaces its 2/16 (and its Sem II 1/4), + B 3/16, C 1/2, D 3/60, F 1/4
    assert (r["pembilang_1"], r["penyebut_1"], r["laporan_1"], r["pembilang_2"], r["konflik_2"]) == (12, 98, 5, None, 1)
    assert rec(kab, "kabupaten", "33.74", RATIO)["pembilang_1"] == 12
    assert kab.completeness["kecamatan"]["33.74.01"] == {"diharapkan": 15, "masuk": 6, "diterima": 5, "ditolak": 1}
    assert [(x.kode_wilayah, x.kode_indikator, x.semester, x.nilai) for x in kab.conflicts] == [
        (x.kode_wilayah, x.kode_indikator, x.semester, x.nilai) for x in kec.conflicts
    ]
    assert [Path(x.berkas).name for x in kab.rejected] == ["e_ditolak.xlsx", "rusak.xlsx"]  # carried, with or without a unit
    seen = {Path(f[5]).name for f in kec.known_files}
    assert {Path(f[5]).name for f in kab.known_files} == seen | {"a_koreksi.xlsx", "b_kuno.xlsx", "f.xlsx"}  # a_lagi: a.xlsx's bytes
    # C's figure in the rollup came from c1 and c2 (one OPD, one date, a conflict): a file of that OPD filled the same day
    # is not older, so it replaces C in the rollup, and C's conflict leaves with C's old figure. This run's own conflict
    # (F, two OPDs) sorts among the rollup's; e_ditolak.xlsx, given again, is listed once; a rejected file for A leaves A
    # accepted (the rollup's figure stays); d.xlsx changed since the rollup: both versions are known, ordered by digest
    again = tmp_path / "c" / "kiriman"
    make(again, "c3.xlsx", C, {SUM: {"capaian_1": 11}}, tanggal=date(2024, 9, 1))
    make(again, "f1.xlsx", F, {SUM: {"capaian_1": 1}})
    make(again, "f2.xlsx", F, {SUM: {"capaian_1": 2}}, opd="Puskesmas")
    make(again, "a_ditolak.xlsx", A, {RATIO: ratio(5, 2)})
    shutil.copy(folder / "e_ditolak.xlsx", again / "e_ditolak.xlsx")
    [old_d] = [f[0] for f in kec.known_files if f[5] == "kiriman/d.xlsx"]

    def changed_d(n):  # d.xlsx with another figure; its digest depends on the second the forms were built in
        make(again, "d.xlsx", D, {RATIO: ratio(1, n)})
        return hashlib.sha256((again / "d.xlsx").read_bytes()).hexdigest()

    # one whose digest sorts before the old one's (the rollup's entry comes first): ~1 + ln(20000) tries on average,
    # a miss only when old_d is below 1/20000 of the range
    assert any(changed_d(n) < old_d for n in range(2, 20_002)), old_d
    kab_c = run([tmp_path / "rekap", again], "kabupaten", "33.74")
    assert manifest(kab_c)["c3.xlsx"] == manifest(kab)["a_koreksi.xlsx"]  # 'dipakai: ...; nilai desa ini di rekap itu diganti'
    assert [(x.kode_wilayah, x.kode_indikator) for x in kab_c.conflicts] == [(B, RATIO), (B, SUM), (B, SHARE), (F, SUM)]
    assert [Path(x.berkas).name for x in kab_c.rejected] == ["a_ditolak.xlsx", "e_ditolak.xlsx", "rusak.xlsx"]
    assert kab_c.desa_status[A] == "diterima" and kab_c.completeness["kecamatan"]["33.74.01"]["diterima"] == 5
    assert rec(kab_c, "desa", C, SUM)["capaian_1"] == 11 and rec(kab_c, "kecamatan", "33.74.01", SUM)["laporan_1"] == 2  # A 3, C 11
    known = [(f[5], f[0]) for f in kab_c.known_files]
    assert known == sorted(known) and [d for b, d in known if b == "kiriman/d.xlsx"][1] == old_d

    def reasons(*args, **kw):
        return manifest(run([tmp_path / "rekap"], *args, **kw))

    assert reasons("kecamatan", "33.74.02") == {"rekap-33.74.01.xlsx": ("dilewati", "rekap wilayah 33.74.01 di luar cakupan 33.74.02")}
    assert reasons("kecamatan", "33.74.01", tahun=2025) == {"rekap-33.74.01.xlsx": ("dilewati", "rekap tahun 2024, bukan 2025")}
    own = reasons("kecamatan", "33.74.01", outputs=(tmp_path / "rekap" / "rekap-33.74.01.xlsx",))
    assert own == {"rekap-33.74.01.xlsx": ("dilewati", "berkas keluaran rekap ini sendiri (tidak dibaca sebagai masukan)")}
    write_xlsx(kab, tmp_path / "rekap" / "rekap-33.74.xlsx")
    assert reasons("kecamatan", "33.74.01") == {
        "rekap-33.74.01.xlsx": ("diterima", ""),
        "rekap-33.74.xlsx": ("dilewati", "rekap tingkat kabupaten lebih tinggi dari --tingkat kecamatan"),
    }
    assert reasons("kabupaten", "33.74") == {
        "rekap-33.74.01.xlsx": ("digantikan", "cakupan tumpang tindih dengan rekap yang lebih baru rekap/rekap-33.74.xlsx"),
        "rekap-33.74.xlsx": ("diterima", ""),
    }
    later = os.path.getmtime(tmp_path / "rekap" / "rekap-33.74.xlsx") + 3600  # the older rollup copied again: a newer file time
    os.utime(tmp_path / "rekap" / "rekap-33.74.01.xlsx", (later, later))
    assert reasons("kabupaten", "33.74")["rekap-33.74.xlsx"] == ("diterima", "")  # the rollup made last wins, not the file touched last
    broken = tmp_path / "rusak" / "rekap-lama.xlsx"  # a rollup of another version: refused with the reader's reason
    broken.parent.mkdir()
    wb = load_workbook(tmp_path / "rekap" / "rekap-33.74.01.xlsx")
    for row in wb["_kkb"].iter_rows(min_col=1, max_col=2):
        if row[0].value == "template_versi":
            row[1].value = "0"
    wb.save(broken)
    assert manifest(run([broken.parent], "kecamatan", "33.74.01")) == {"rekap-lama.xlsx": ("ditolak", (
        "Rekap versi 0; kkb-excel ini membaca versi 2. Buat ulang rekap ini dengan kkb-excel ini (consolidate atas kiriman "
        "atau rekap di bawahnya)."))}  # fmt: skip
    # a kabupaten rollup does not carry its desa: a unit it holds nothing for is added to its sums at every tier
    make(tmp_path / "lagi", "g.xlsx", "33.74.01.1007", {RATIO: ratio(1, 4)})
    prov = run([tmp_path / "rekap" / "rekap-33.74.xlsx", tmp_path / "lagi"], "provinsi", "33")
    assert manifest(prov)["g.xlsx"] == ("diterima", f"dipakai: rekap {prov.manifest[0].berkas} tidak memuat kiriman untuk unit ini")
    for level, kode in (("kecamatan", "33.74.01"), ("kabupaten", "33.74"), ("provinsi", "33")):
        r = rec(prov, level, kode, RATIO)
        assert (r["pembilang_1"], r["penyebut_1"], r["laporan_1"]) == (13, 102, 6), level


def test_typed_percentages_of_version_1_forms_are_compared_between_sources(make, catalogue, tmp_path):
    """Template version 1 (still read) had a typed % capaian in ratio rows: two OPDs typing different ones conflict."""

    def version_1(name: str, opd: str, percent: float) -> None:
        make(tmp_path, name, "33.74.01.1009", {SUM: {"capaian_1": 1}}, opd=opd)
        wb = load_workbook(tmp_path / name)
        for row in wb["_kkb"].iter_rows(min_col=1, max_col=2):
            if row[0].value == "template_versi":
                row[1].value = "1"
        ws = wb[SHEET_MAIN]
        for ind in catalogue.active:
            if ind.cara_isi == "rasio":  # version 1: the ratio capaian was typed, not a formula
                for key in ("capaian_1", "capaian_2"):
                    ws[f"{COL[key]}{row_of(catalogue, ind.kode)}"] = None
        ws[f"{COL['capaian_1']}{row_of(catalogue, RATIO)}"] = percent
        wb.save(tmp_path / name)

    version_1("desa.xlsx", "Pemerintah Desa", 40)
    version_1("puskesmas.xlsx", "Puskesmas", 45)
    rollup = run([tmp_path], "kecamatan", "33.74.01")
    assert {Path(m.berkas).name: str(m.status) for m in rollup.manifest} == {"desa.xlsx": "diterima", "puskesmas.xlsx": "diterima"}
    assert [(c.kode_indikator, c.semester, c.nilai) for c in rollup.conflicts] == [
        (RATIO, 1, "Pemerintah Desa: Capaian Semester I 40 | Puskesmas: Capaian Semester I 45")
    ]


def test_a_wilayah_without_any_file_is_still_expected_in_full(folder, wilayah):
    empty = run([folder], "kecamatan", "33.74.03")
    desa = wilayah.children("33.74.03", "desa")
    assert empty.scope == ["33.74.03"] and empty.completeness == {"kecamatan": {"33.74.03": {"diharapkan": len(desa), "masuk": 0,
                                                                                                "diterima": 0, "ditolak": 0}}}  # fmt: skip
    assert [(m.kode_wilayah, m.keterangan) for m in empty.not_reported] == [(w.kode, NOT_SENT) for w in desa]


def test_a_rejected_file_with_a_code_outside_the_reference_counts_for_no_desa(make, tmp_path):
    make(tmp_path, "tak_dikenal.xlsx", A, {RATIO: ratio(1, 2)})
    wb = load_workbook(tmp_path / "tak_dikenal.xlsx")
    for row in wb["_kkb"].iter_rows(min_col=1, max_col=2):
        if row[0].value == "kode_wilayah":
            row[1].value = "33.74.01.9999"
    wb.save(tmp_path / "tak_dikenal.xlsx")
    rollup = run([tmp_path], "kecamatan", "33.74.01")
    assert [(Path(m.berkas).name, str(m.status)) for m in rollup.manifest] == [("tak_dikenal.xlsx", "ditolak")]
    assert rollup.desa_status == {} and rollup.completeness["kecamatan"]["33.74.01"]["masuk"] == 0
    assert [r.kode_wilayah for r in rollup.rejected] == ["33.74.01.9999"]


def test_rollups_overlapping_only_outside_the_wilayah_are_both_used(make, wilayah, tmp_path):
    """Two kecamatan rollups made without --wilayah share Kota Pekalongan's 33.75.01; a --wilayah 33.74 run uses both."""
    pekalongan = [w.kode for w in wilayah.children("33.75.01", "desa")][:2]
    make(tmp_path / "satu", "a.xlsx", A, {RATIO: ratio(1, 2)})
    make(tmp_path / "satu", "p1.xlsx", pekalongan[0], {RATIO: ratio(1, 3)})
    make(tmp_path / "dua", "lain.xlsx", "33.74.02.1001", {RATIO: ratio(1, 4)})
    make(tmp_path / "dua", "p2.xlsx", pekalongan[1], {RATIO: ratio(1, 5)})
    for name in ("satu", "dua"):
        made = run([tmp_path / name], "kecamatan")
        assert made.scope == sorted(["33.75.01", "33.74.01" if name == "satu" else "33.74.02"])
        write_xlsx(made, tmp_path / "rekap" / f"rekap-{name}.xlsx")
    kab = run([tmp_path / "rekap"], "kabupaten", "33.74")
    assert manifest(kab) == {"rekap-satu.xlsx": ("diterima", ""), "rekap-dua.xlsx": ("diterima", "")}
    r = rec(kab, "kabupaten", "33.74", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["laporan_1"]) == (2, 6, 2)  # Miroto 1/2 + 33.74.02.1001 1/4; Pekalongan left out
    every = run([tmp_path / "rekap"], "kabupaten")  # without --wilayah they overlap: the newer is used, and its scope is expected
    assert manifest(every)["rekap-satu.xlsx"] == ("digantikan", "cakupan tumpang tindih dengan rekap yang lebih baru rekap/rekap-dua.xlsx")
    assert every.scope == ["33.74", "33.75"]
    r = rec(every, "kabupaten", "33.74", RATIO)  # the older rollup's Miroto is not used
    assert (r["pembilang_1"], r["penyebut_1"], r["laporan_1"]) == (1, 4, 1)


def test_newer_files_a_rollup_cannot_take_back_stop_the_run_naming_five(make, tmp_path):
    """A kabupaten rollup does not carry its desa: six newer files for desa it holds stop the run; the message names five."""
    desa = [f"33.74.01.100{i}" for i in range(1, 7)]
    for i, kode in enumerate(desa):
        make(tmp_path / "lama", f"d{i}.xlsx", kode, {RATIO: ratio(1, 2)})
        make(tmp_path / "baru", f"d{i}.xlsx", kode, {RATIO: ratio(1, 3)}, tanggal=date(2024, 12, 20))
    write_xlsx(run([tmp_path / "lama"], "kabupaten", "33.74"), tmp_path / "rekap" / "rekap-33.74.xlsx")
    with pytest.raises(KkbError) as stopped:
        run([tmp_path / "rekap", tmp_path / "baru"], "kabupaten", "33.74")
    shown = "; ".join(f"baru/d{i}.xlsx ({kode}) vs rekap rekap/rekap-33.74.xlsx" for i, kode in enumerate(desa[:5]))
    assert str(stopped.value).startswith(f"6 kiriman lebih baru atau tidak dikenal oleh rekap yang sudah memuat unit yang sama: {shown}. ")


def test_a_run_outside_its_wilayah_names_the_three_places_with_most_files(make, wilayah, tmp_path):
    """Places are kabupaten/kota: a kabupaten form and a desa form of Cilacap (33.01) count as two files for 33.01."""
    files = (("k1.xlsx", "33.01"), ("k2.xlsx", "33.02"), ("k3.xlsx", "33.03"), ("k4.xlsx", "33.75"), ("k5.xlsx", "33.75"))
    for name, kode in files:
        make(tmp_path, name, kode, {})
    make(tmp_path, "k6.xlsx", wilayah.children("33.01", "desa")[0].kode, {RATIO: ratio(1, 2)})
    rollup = run([tmp_path], "kecamatan", "33.74.01")
    hint = "berkas untuk wilayah {}, di luar --wilayah 33.74.01; periksa --wilayah"
    assert nothing_accepted(rollup) == (
        f"Tidak ada kiriman yang diterima untuk rekap kecamatan tahun 2024: 2 {hint.format('33.01')}; 2 {hint.format('33.75')}; "
        f"1 {hint.format('33.02')}."
    )


def test_an_indicator_not_added_up_is_not_added_when_a_file_joins_a_rollup(make, catalogue, tmp_path):
    """With a catalogue where SUM is not added up (tidak_diagregasi), a desa file joining a kabupaten rollup's units
    marks SUM there as not aggregated, as a run from the files themselves does, and never adds its value."""
    make(tmp_path / "lama", "a.xlsx", A, {RATIO: ratio(1, 2)})
    make(tmp_path / "baru", "g.xlsx", "33.74.01.1007", {RATIO: ratio(1, 4), SUM: {"capaian_1": 5}})
    custom = Catalogue([replace(i, agregasi="tidak_diagregasi") if i.kode == SUM else i for i in catalogue.all], catalogue.version)
    write_xlsx(run([tmp_path / "lama"], "kabupaten", "33.74"), tmp_path / "rekap" / "rekap-33.74.xlsx")

    def consolidated(*folders):
        files = discover([str(f) for f in folders])
        subs = read_all(files)
        report = validate_submissions([s for s in subs if not s.is_rollup])
        return consolidate(subs, report, RunConfig("provinsi", 2024, "33"), catalogue=custom)  # no paths: none are needed

    for rollup in (consolidated(tmp_path / "rekap", tmp_path / "baru"), consolidated(tmp_path / "lama", tmp_path / "baru")):
        for level, kode in (("kecamatan", "33.74.01"), ("kabupaten", "33.74"), ("provinsi", "33")):
            part = rollup.partials[level][kode]
            assert (part[SUM].sums, part[SUM].flags) == ({}, {FLAG_NOT_AGGREGATABLE}), (level, kode)
            assert (part[RATIO].sums["pembilang_1"], part[RATIO].sums["penyebut_1"]) == (2, 6)


def test_files_skipped_by_the_run_do_not_widen_its_scope(make, tmp_path):
    make(tmp_path, "a.xlsx", A, {RATIO: ratio(1, 2)})
    make(tmp_path, "lama.xlsx", "33.74.03.1001", {RATIO: ratio(1, 2)}, tahun=2023)
    rollup = run([tmp_path], "kecamatan")
    assert manifest(rollup)["lama.xlsx"] == ("dilewati", "tahun 2023, bukan 2024")
    assert rollup.scope == ["33.74.01"] and set(rollup.completeness["kecamatan"]) == {"33.74.01"}


def test_a_rollup_of_the_run_s_own_tier_keeps_what_its_top_unit_observed_itself(make, tmp_path):
    """A kabupaten rollup holding a kabupaten form's figure (GREY, observed by the kabupaten) is an input of a kabupaten run."""
    make(tmp_path / "lama", "kab.xlsx", "33.74", {GREY: ratio(5, 10)})
    make(tmp_path / "lama", "a.xlsx", A, {RATIO: ratio(1, 2)})
    write_xlsx(run([tmp_path / "lama"], "kabupaten", "33.74"), tmp_path / "rekap" / "rekap-33.74.xlsx")
    make(tmp_path / "baru", "b.xlsx", B, {RATIO: ratio(1, 4)})
    again = run([tmp_path / "rekap", tmp_path / "baru"], "kabupaten", "33.74")
    assert manifest(again) == {
        "rekap-33.74.xlsx": ("diterima", ""),
        "b.xlsx": ("diterima", f"dipakai: rekap {again.manifest[1].berkas} tidak memuat kiriman untuk unit ini"),
    }
    grey, r = rec(again, "kabupaten", "33.74", GREY), rec(again, "kabupaten", "33.74", RATIO)
    assert (grey["pembilang_1"], grey["penyebut_1"], r["pembilang_1"], r["penyebut_1"]) == (5, 10, 2, 6)
