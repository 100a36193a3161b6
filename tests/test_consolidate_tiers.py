"""A whole chain computed by hand: desa files -> kecamatan rollups -> kabupaten -> provinsi.

Kota Semarang (33.74, 16 kecamatan, 177 desa/kelurahan). Inputs (semester I unless said):
  Kec 33.74.01  A 1001: RATIO 2/16 (Sem II 1/4), SUM 3, SHARE ya
                B 1002 Pemerintah Desa: RATIO 3/16, SUM 4 (Sem II 7), SHARE tidak
                B 1002 Puskesmas:       RATIO 3/16, SUM 5 (Sem II 7), SHARE Sem II ya
  Kec 33.74.02  C 1001: '2024-07-10' RATIO 1/100, then '15/08/2024' RATIO 20/100 (dates typed as text)
                D 1002: RATIO 3/60, SUM 'Belum tersedia', SHARE ya
  Kec 33.74.03  E 1001: RATIO 9/26, SHARE tidak
                F 1002: RATIO 5/2 (pembilang > penyebut: ditolak)
                G 1003: two files, same OPD, same date: SUM 10 vs 12, RATIO Sem II 1/2 in both
Targets: RATIO 100 for kecamatan 01 and 02 (override), otherwise the catalogue's 68; SHARE 80.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from consolidate_helpers import RATIO, SHARE, SUM, ratio, rec, run, sheets, submit

from kkb_excel.cli import main
from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate import run as consolidate_run
from kkb_excel.consolidate.completeness import NOTHING_BELOW
from kkb_excel.errors import KkbError
from kkb_excel.output.rollup_workbook import write_xlsx

A, B, C, D = "33.74.01.1001", "33.74.01.1002", "33.74.02.1001", "33.74.02.1002"
E, F, G = "33.74.03.1001", "33.74.03.1002", "33.74.03.1003"
TARGETS = {"33.74.01": {RATIO: 100.0}, "33.74.02": {RATIO: 100.0}}


@pytest.fixture(scope="module")
def desa(tmp_path_factory, catalogue) -> Path:
    f = tmp_path_factory.mktemp("desa")
    submit(catalogue, f, "a.xlsx", A, {RATIO: {**ratio(2, 16), **ratio(1, 4, 2)}, SUM: {"capaian_1": 3},
                                       SHARE: {"status_1": "ya"}})  # fmt: skip
    submit(catalogue, f, "b.xlsx", B, {RATIO: ratio(3, 16), SUM: {"capaian_1": 4, "capaian_2": 7}, SHARE: {"status_1": "tidak"}})
    submit(catalogue, f, "b_puskesmas.xlsx", B, {RATIO: ratio(3, 16), SUM: {"capaian_1": 5, "capaian_2": 7},
                                                 SHARE: {"status_2": "ya"}}, opd="Puskesmas")  # fmt: skip
    submit(catalogue, f, "c_lama.xlsx", C, {RATIO: ratio(1, 100)}, tanggal="2024-07-10")
    submit(catalogue, f, "c_baru.xlsx", C, {RATIO: ratio(20, 100)}, tanggal="15/08/2024")
    submit(catalogue, f, "d.xlsx", D, {RATIO: ratio(3, 60), SUM: {"keterangan": "Belum tersedia"}, SHARE: {"status_1": "ya"}})
    submit(catalogue, f, "e.xlsx", E, {RATIO: ratio(9, 26), SHARE: {"status_1": "tidak"}})
    submit(catalogue, f, "f_ditolak.xlsx", F, {RATIO: {"pembilang_1": 5, "penyebut_1": 2}})
    submit(catalogue, f, "g1.xlsx", G, {SUM: {"capaian_1": 10}, RATIO: ratio(1, 2, 2)}, tanggal=date(2024, 9, 1))
    submit(catalogue, f, "g2.xlsx", G, {SUM: {"capaian_1": 12}, RATIO: ratio(1, 2, 2)}, tanggal=date(2024, 9, 1))
    return f


@pytest.fixture(scope="module")
def kab(desa):
    return run([desa], "kabupaten", "33.74", targets=TARGETS)


@pytest.fixture(scope="module")
def kec_rollups(desa, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rekap")
    paths = {}
    for kec in ("33.74.01", "33.74.02", "33.74.03"):
        paths[kec] = out / f"rekap-{kec}.xlsx"
        write_xlsx(run([desa], "kecamatan", kec, targets=TARGETS), paths[kec])
    return paths


def test_rounding_once_half_away_from_zero(kab):
    r = rec(kab, "kecamatan", "33.74.01", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["capaian_1"]) == (5, 32, 15.625)  # 2/16 + 3/16 = 5/32
    assert r["persen_1"] == 15.63  # against 100: 15.625 -> 15.63 (Python's round() gives 15.62)
    r = rec(kab, "kecamatan", "33.74.02", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"]) == (23, 160)  # C's newer 20/100 + D 3/60
    assert r["persen_1"] == 14.38  # 23/160 x 100 = 14.374999... in binary, 14.375 to Excel -> 14.38
    r = rec(kab, "kecamatan", "33.74.03", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["persen_1"]) == (9, 26, 50.90)  # 34.6153846/68 = 50.9049 (not 50.91)
    assert (r["pembilang_2"], r["penyebut_2"], r["persen_2"]) == (1, 2, 73.53)  # G agrees on Sem II: 50/68 = 73.529
    r = rec(kab, "kabupaten", "33.74", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["persen_1"]) == (37, 218, 24.96)  # 16.97248/68 = 24.9595
    assert (r["pembilang_2"], r["penyebut_2"], r["persen_2"]) == (2, 6, 49.02)  # A 1/4 + G 1/2 = 33.333/68 = 49.0196


def test_conflicts_per_unit_indicator_semester(kab):
    shown = {(c.kode_wilayah, c.kode_indikator, c.semester): c for c in kab.conflicts}
    assert set(shown) == {(B, SUM, 1), (G, SUM, 1)}  # RATIO 3/16 agrees
    assert shown[(B, SUM, 1)].nilai == "Pemerintah Desa: Capaian Semester I 4 | Puskesmas: Capaian Semester I 5"
    r = rec(kab, "kecamatan", "33.74.01", SUM)
    assert (r["capaian_1"], r["laporan_1"], r["konflik_1"]) == (3, 1, 1)  # A 3; B held back in Sem I only
    assert (r["capaian_2"], r["laporan_2"], r["konflik_2"]) == (7, 1, None)  # B's OPDs agree on 7
    r = rec(kab, "kecamatan", "33.74.01", SHARE)  # Sem I from Pemerintah Desa, Sem II from Puskesmas: no conflict
    assert (r["unit_ya_1"], r["unit_berstatus_1"], r["persen_1"]) == (1, 2, 62.5)  # 1/2 = 50 % of target 80
    assert (r["unit_ya_2"], r["unit_berstatus_2"], r["persen_2"]) == (1, 1, 125.0)
    r = rec(kab, "kabupaten", "33.74", SUM)
    assert (r["capaian_1"], r["laporan_1"], r["konflik_1"], r["belum_tersedia_1"]) == (3, 1, 2, 1)


def test_dates_read_as_dates_and_same_date_ambiguity(kab):
    status = {Path(m.berkas).name: m for m in kab.manifest}
    assert status["c_lama.xlsx"].status == "digantikan" and "c_baru.xlsx" in status["c_lama.xlsx"].alasan
    assert (status["c_baru.xlsx"].tanggal, status["c_lama.xlsx"].tanggal) == ("2024-08-15", "2024-07-10")
    assert status["g1.xlsx"].status == status["g2.xlsx"].status == "diterima"
    assert "tanggal pengisian sama" in status["g1.xlsx"].alasan


def test_belum_tersedia_is_neither_zero_nor_missing(kab):
    r = rec(kab, "kecamatan", "33.74.02", SUM)
    assert (r["capaian_1"], r["laporan_1"], r["belum_tersedia_1"], r["belum_tersedia_2"]) == (None, 0 or None, 1, 1)
    assert kab.desa_status[D] == "diterima"


def test_completeness_and_coverage(kab, wilayah):
    assert kab.completeness["kabupaten"]["33.74"] == {"diharapkan": 177, "masuk": 7, "diterima": 6, "ditolak": 1}
    assert kab.completeness["kecamatan"]["33.74.03"] == {"diharapkan": 10, "masuk": 3, "diterima": 2, "ditolak": 1}
    assert kab.completeness["kecamatan"]["33.74.16"] == {"diharapkan": 7, "masuk": 0, "diterima": 0, "ditolak": 0}
    assert kab.missing_desa() == 170  # 177 - A..G
    whole = [m for m in kab.not_reported if m.tingkat == "kecamatan"]
    assert [m.kode_wilayah for m in whole] == [f"33.74.{k:02d}" for k in range(4, 17)]
    assert all(m.keterangan == NOTHING_BELOW and m.desa == len(wilayah.children(m.kode_wilayah, "desa")) for m in whole)
    r = rec(kab, "kabupaten", "33.74", SHARE)
    assert (r["unit_berstatus_1"], r["unit_diharapkan"], r["cakupan_1"]) == (4, 177, 2.26)  # 4/177 = 2.2599 %
    assert r["persen_1"] == 62.5  # A, D ya of A, B, D, E: the share of units that answered (2/4)


def test_kabupaten_from_every_kecamatan_rollup_equals_direct_in_every_sheet(kab, kec_rollups, tmp_path):
    chained = run(list(kec_rollups.values()), "kabupaten", "33.74", targets=TARGETS)
    write_xlsx(kab, tmp_path / "direct.xlsx")
    write_xlsx(chained, tmp_path / "chained.xlsx")
    a = sheets(tmp_path / "direct.xlsx", skip=("Manifest", "_kkb", "_kkb_rekap"))
    b = sheets(tmp_path / "chained.xlsx", skip=("Manifest", "_kkb", "_kkb_rekap"))
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    assert chained.partials["kabupaten"] == kab.partials["kabupaten"]


def test_kabupaten_from_two_of_sixteen_kecamatan_rollups(kec_rollups, wilayah):
    part = run([kec_rollups["33.74.01"], kec_rollups["33.74.02"]], "kabupaten", "33.74", targets=TARGETS)
    assert part.completeness["kabupaten"]["33.74"] == {"diharapkan": 177, "masuk": 4, "diterima": 4, "ditolak": 0}
    listed = {m.kode_wilayah: m for m in part.not_reported}
    assert listed["33.74.03"].desa == 10 and listed["33.74.03"].keterangan == NOTHING_BELOW
    assert part.missing_desa() == 173 and len([m for m in part.not_reported if m.tingkat == "kecamatan"]) == 14
    r = rec(part, "kabupaten", "33.74", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["laporan_1"], r["unit_diharapkan"]) == (28, 192, 4, 177)  # 5/32 + 23/160


def test_provinsi_from_one_kota_rollup(kab, tmp_path, wilayah):
    path = tmp_path / "rekap-33.74.xlsx"
    write_xlsx(kab, path)
    prov = run([path], "provinsi", "33")
    assert prov.completeness["provinsi"]["33"] == {"diharapkan": 8563, "masuk": 7, "diterima": 6, "ditolak": 1}
    kabs = [m for m in prov.not_reported if m.tingkat == "kabupaten"]
    assert len(kabs) == 34 and sum(m.desa for m in kabs) == 8563 - 177
    assert prov.missing_desa() == 8563 - 7
    r = rec(prov, "provinsi", "33", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["unit_diharapkan"], r["cakupan_1"]) == (37, 218, 8563, 0.06)  # 5/8563
    assert rec(prov, "kecamatan", "33.74.01", RATIO)["pembilang_1"] == 5  # lower tiers travel with the rollup
    assert {(c.kode_wilayah, c.semester) for c in prov.conflicts} == {(B, 1), (G, 1)}  # conflicts carried up
    assert [Path(r.berkas).name for r in prov.rejected] == ["f_ditolak.xlsx"]


def test_a_rollup_saved_again_in_another_program_says_its_visible_sheets_are_not_read(kec_rollups, tmp_path):
    """A figure edited on a visible sheet of a kecamatan rollup was ignored without a word; kkb-excel reads the
    hidden data sheet. A rollup saved again (Excel, LibreOffice, openpyxl set 'modified') now says so."""
    import re
    import zipfile

    from openpyxl import load_workbook

    edited = tmp_path / "rekap-33.74.01.xlsx"
    wb = load_workbook(kec_rollups["33.74.01"])
    wb["Lampiran 4"]["H6"] = 99  # an analyst 'corrects' the rollup
    wb.save(edited)
    with zipfile.ZipFile(edited) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    made = re.search(rb"<dcterms:created[^>]*>([^<]*)<", parts["docProps/core.xml"]).group(1)
    assert made.startswith(b"20") and made.endswith(b"Z")  # the time kkb-excel wrote, kept by the program saving it again
    later = made[:11] + (b"23:59:00Z" if made[11:] != b"23:59:00Z" else b"23:58:00Z")  # a save in the same second looks unsaved
    parts["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + later, parts["docProps/core.xml"])
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    kab = run([edited, kec_rollups["33.74.02"]], "kabupaten", "33.74", targets=TARGETS)
    reasons = {Path(m.berkas).name: (str(m.status), m.alasan) for m in kab.manifest}
    day = f"{made[8:10].decode()}/{made[5:7].decode()}/{made[:4].decode()}"
    assert reasons["rekap-33.74.01.xlsx"] == ("diterima", f"Rekap ini disimpan ulang di program lain ({day} {later[11:16].decode()} UTC; "
        f"dibuat kkb-excel {day} {made[11:16].decode()} UTC); yang dibaca hanya lembar data tersembunyi, jadi ubahan di lembar yang "
        "terlihat, bila ada, tidak dipakai.")  # fmt: skip
    assert reasons["rekap-33.74.02.xlsx"] == ("diterima", "")  # as kkb-excel wrote it
    same = run([kec_rollups["33.74.01"], kec_rollups["33.74.02"]], "kabupaten", "33.74", targets=TARGETS)
    assert rec(kab, "kabupaten", "33.74", RATIO) == rec(same, "kabupaten", "33.74", RATIO)  # the edit is not read


def test_saved_again_is_told_from_the_core_properties_alone():
    """No archive (.xls) or no docProps/core.xml: nothing to tell (and no crash); times that are no ISO text are shown as they are."""
    import io
    import zipfile

    from kkb_excel.read.reader import _saved_again

    def archive(core: str | None) -> zipfile.ZipFile:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
            if core is not None:
                z.writestr("docProps/core.xml", core)
        return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))

    def core(made: str, saved: str) -> str:
        return (f'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">{made}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{saved}</dcterms:modified></cp:coreProperties>')  # fmt: skip

    assert _saved_again(None) is None and _saved_again(archive(None)) is None
    assert _saved_again(archive(core("2024-12-01T10:00:00Z", "2024-12-01T10:00:00Z"))) is None
    assert _saved_again(archive(core("2024-12-01T10:00:00Z", "2024-12-02T08:05:00Z"))) == ("01/12/2024 10:00 UTC", "02/12/2024 08:05 UTC")
    assert _saved_again(archive(core("kemarin", "hari ini"))) == ("kemarin", "hari ini")


def test_a_newer_desa_file_replaces_that_desa_inside_a_kecamatan_rollup(catalogue, kec_rollups, tmp_path):
    corrected = tmp_path / "koreksi"
    submit(catalogue, corrected, "a_koreksi.xlsx", A, {RATIO: ratio(4, 16)}, tanggal=date(2024, 12, 20))
    mixed = run([kec_rollups["33.74.01"], corrected], "kabupaten", "33.74")
    r = rec(mixed, "kecamatan", "33.74.01", RATIO)
    # A's corrected 4/16 replaces its 2/16 (the whole submission, as a resubmission does) + B 3/16 = 7/32
    assert (r["pembilang_1"], r["penyebut_1"], r["persen_1"]) == (7, 32, 32.17)  # 21.875 / 68 = 32.169
    assert (r["pembilang_2"], r["penyebut_2"]) == (None, None)  # A's old Sem II 1/4 went with its old file
    assert rec(mixed, "kecamatan", "33.74.01", SUM)["capaian_1"] is None  # A's old SUM 3 too; B's is a conflict
    [entry] = [m for m in mixed.manifest if m.berkas.endswith("a_koreksi.xlsx")]
    assert entry.status == "diterima" and "nilai desa ini di rekap itu diganti" in entry.alasan
    assert mixed.completeness["kecamatan"]["33.74.01"]["diterima"] == 2


def test_a_rollup_that_cannot_give_up_an_old_figure_stops_the_run(catalogue, kab, kec_rollups, tmp_path):
    kota = tmp_path / "rekap-33.74.xlsx"
    write_xlsx(kab, kota)  # a kabupaten rollup does not carry its desa one by one
    corrected = tmp_path / "koreksi"
    submit(catalogue, corrected, "a_koreksi.xlsx", A, {RATIO: ratio(4, 16)}, tanggal=date(2024, 12, 20))
    with pytest.raises(KkbError, match="a_koreksi.xlsx.*usang"):
        run([kota, corrected], "provinsi", "33")
    other = tmp_path / "b"
    submit(catalogue, other, "b_koreksi.xlsx", B, {RATIO: ratio(4, 16)}, tanggal=date(2024, 12, 20))
    with pytest.raises(KkbError, match="b_koreksi.xlsx"):  # the rollup also holds Puskesmas' values for B
        run([kec_rollups["33.74.01"], other], "kabupaten", "33.74")
    result = CliRunner().invoke(main, ["consolidate", str(kota), str(corrected), "-o", str(tmp_path / "x.xlsx"),
                                       "--tingkat", "provinsi", "--wilayah", "33", "--tahun", "2024"])  # fmt: skip
    assert result.exit_code == 2 and "usang" in result.output and not (tmp_path / "x.xlsx").exists()


def test_a_unit_the_rollup_did_not_accept_is_taken_from_the_new_file(catalogue, kec_rollups, desa, tmp_path):
    new = tmp_path / "baru"
    submit(catalogue, new, "f_koreksi.xlsx", F, {RATIO: ratio(5, 10)}, tanggal=date(2024, 12, 20))
    submit(catalogue, new, "h.xlsx", "33.74.03.1004", {RATIO: ratio(1, 10)})
    (new / "e_lagi.xlsx").write_bytes((desa / "e.xlsx").read_bytes())  # the rollup has this very file
    mixed = run([kec_rollups["33.74.03"], new], "kabupaten", "33.74")
    r = rec(mixed, "kecamatan", "33.74.03", RATIO)
    assert (r["pembilang_1"], r["penyebut_1"], r["persen_1"]) == (15, 46, 47.95)  # 9+5+1 / 26+10+10 = 32.6087/68
    assert rec(mixed, "kabupaten", "33.74", RATIO)["pembilang_1"] == 15
    assert mixed.completeness["kecamatan"]["33.74.03"] == {"diharapkan": 10, "masuk": 4, "diterima": 4, "ditolak": 0}
    status = {Path(m.berkas).name: m for m in mixed.manifest}
    assert status["f_koreksi.xlsx"].status == "diterima" and status["f_koreksi.xlsx"].alasan.startswith("dipakai: rekap")
    assert status["e_lagi.xlsx"].status == "digantikan" and "sudah tercakup dalam rekap" in status["e_lagi.xlsx"].alasan


def test_the_runs_own_output_is_never_an_input(desa, tmp_path):
    import shutil

    folder = tmp_path / "kiriman"
    shutil.copytree(desa, folder)
    out = folder / "rekap.xlsx"
    runner = CliRunner()
    args = ["consolidate", str(folder), "-o", str(out), "--tingkat", "kabupaten", "--wilayah", "33.74", "--tahun", "2024"]
    first = runner.invoke(main, args)
    second = runner.invoke(main, args)
    assert first.exit_code == second.exit_code == 0, second.output
    # the rollup and its read cache (rekap.kkb-cache) are listed once each, skipped as this run's own output
    assert "12 berkas ditemukan = 8 diterima + 1 ditolak + 1 digantikan + 2 dilewati" in second.output


def test_a_run_that_accepts_nothing_fails_and_says_why(desa, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.xlsx"
    base = ["consolidate", str(desa), "-o", str(out), "--tingkat", "kabupaten"]
    year = runner.invoke(main, [*base, "--wilayah", "33.74", "--tahun", "2023"])
    assert year.exit_code == 1 and "10 berkas untuk tahun 2024; jalankan dengan --tahun 2024" in year.output
    place = runner.invoke(main, [*base, "--wilayah", "33.75", "--tahun", "2024"])
    assert place.exit_code == 1 and "10 berkas untuk wilayah 33.74, di luar --wilayah 33.75" in place.output
    assert not out.exists()


def test_files_that_are_not_workbooks_are_skipped_with_advice(catalogue, tmp_path):
    folder = tmp_path / "campur"
    submit(catalogue, folder, "a.xlsx", A, {RATIO: ratio(1, 2)})
    (folder / "surat.pdf").write_bytes(b"%PDF-1.4 cover letter")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    (folder / "isian.ods").write_bytes(b"PK\x03\x04 opendocument")
    (folder / "kiriman.zip").write_bytes(b"PK\x03\x04 archive")
    (folder / "surat.doc").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 1024)  # a Word file is a compound file too
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(tmp_path / "r.xlsx"), "--tingkat", "kecamatan",
                                       "--wilayah", "33.74.01", "--tahun", "2024"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "6 berkas ditemukan = 1 diterima + 0 ditolak + 0 digantikan + 5 dilewati" in result.output
    rollup = run([folder], "kecamatan", "33.74.01")
    reasons = {Path(m.berkas).name: m.alasan for m in rollup.manifest}
    assert "simpan sebagai .xlsx" in reasons["isian.ods"] and "ekstrak dulu" in reasons["kiriman.zip"]
    assert reasons["surat.pdf"] == "Bukan workbook Excel (.pdf); dilewati." and rollup.rejected == []
    assert reasons["surat.doc"] == "Bukan workbook Excel (.doc); dilewati."
    checked = CliRunner().invoke(main, ["validate", str(folder), "--json", str(tmp_path / "v.json")])  # validate says the same
    assert checked.exit_code == 0, checked.output
    payload = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert {Path(f["berkas"]).name: f["status"] for f in payload["berkas"]} == {**dict.fromkeys(reasons, "dilewati"), "a.xlsx": "diterima"}
    skipped = {Path(f["berkas"]).name: (f["aturan"], f["pesan"]) for f in payload["temuan"] if f["aturan"] != "K01"}
    assert skipped == {name: ("S19", reason) for name, reason in reasons.items() if name != "a.xlsx"}


def test_a_date_in_the_future_or_unreadable_never_outlives_a_dated_correction(catalogue, tmp_path):
    """A typo (2042 for 2024) made a form win over every later correction; a correction dated '2 Desember 2024
    pukul 10.00' lost to the form it corrects (its date was unreadable) and the Manifest said the old one was newer."""
    folder = tmp_path / "tanggal"
    x = "33.74.01.1003"
    submit(catalogue, folder, "a_salah_ketik.xlsx", A, {RATIO: ratio(1, 2)}, tanggal=date(2042, 7, 15))
    submit(catalogue, folder, "a_koreksi.xlsx", A, {RATIO: ratio(3, 4)}, tanggal=date(2024, 10, 1))
    submit(catalogue, folder, "b_koreksi.xlsx", B, {RATIO: ratio(1, 4)}, tanggal="2 Desember 2024 pukul 10.00")
    submit(catalogue, folder, "b.xlsx", B, {RATIO: ratio(2, 4)}, tanggal=date(2024, 7, 15))
    submit(catalogue, folder, "x_tanpa.xlsx", x, {RATIO: ratio(1, 3)}, tanggal="kemarin sore")
    submit(catalogue, folder, "x_kosong.xlsx", x, {RATIO: ratio(1, 5)}, tanggal=None)
    submit(catalogue, folder, "x.xlsx", x, {RATIO: ratio(2, 3)}, tanggal=date(2024, 7, 15))
    kec = run([folder], "kecamatan", "33.74.01")
    reasons = {Path(m.berkas).name: (str(m.status), m.alasan) for m in kec.manifest}
    lost = "tanggal pengisian berkas ini {} kalah dari kiriman bertanggal"
    assert reasons == {
        "a_salah_ketik.xlsx": ("digantikan", f"digantikan oleh tanggal/a_koreksi.xlsx ({lost.format('15/07/2042 di masa depan,')})"),
        "a_koreksi.xlsx": ("diterima", ""),
        "b_koreksi.xlsx": ("diterima", ""),
        "b.xlsx": ("digantikan", "digantikan oleh tanggal/b_koreksi.xlsx (tanggal pengisian lebih baru)"),
        "x.xlsx": ("diterima", ""),
        "x_tanpa.xlsx": ("digantikan", f"digantikan oleh tanggal/x.xlsx ({lost.format('tidak terbaca,')})"),
        "x_kosong.xlsx": ("digantikan", f"digantikan oleh tanggal/x.xlsx ({lost.format('kosong,')})"),
    }  # fmt: skip
    assert [rec(kec, "desa", k, RATIO)["pembilang_1"] for k in (A, B, x)] == [3, 1, 2]
    alone = tmp_path / "sendiri"
    submit(catalogue, alone, "a_salah_ketik.xlsx", A, {RATIO: ratio(1, 2)}, tanggal=date(2042, 7, 15))
    assert [m.alasan for m in run([alone], "kecamatan", "33.74.01").manifest] == [
        "tanggal pengisian 2042-07-15 di masa depan: kalah dari kiriman bertanggal"]


def test_a_file_used_while_its_newer_revision_was_rejected_says_so(catalogue, tmp_path):
    """Before: the older form was used with an empty Keterangan and nothing linked it to the rejected revision."""
    folder = tmp_path / "revisi"
    submit(catalogue, folder, "a.xlsx", A, {RATIO: ratio(1, 2)}, tanggal=date(2024, 7, 15))
    for day in (1, 2, 3, 4):  # four newer revisions, each rejected (V03): the first three are named
        submit(catalogue, folder, f"a_revisi{day}.xlsx", A, {RATIO: ratio(5, 2)}, tanggal=date(2024, 10, day))
    submit(catalogue, folder, "a_kembar.xlsx", A, {RATIO: ratio(5, 2)}, tanggal=date(2024, 7, 15))  # rejected, not newer
    submit(catalogue, folder, "a_lama.xlsx", A, {RATIO: ratio(1, 3)}, tanggal=date(2024, 6, 1))
    submit(catalogue, folder, "b.xlsx", B, {RATIO: ratio(1, 2)}, tanggal=date(2024, 7, 15))
    submit(catalogue, folder, "b_puskesmas.xlsx", B, {RATIO: ratio(5, 2)}, opd="Puskesmas", tanggal=date(2024, 10, 1))  # another OPD
    submit(catalogue, folder, "b_dulu.xlsx", B, {RATIO: ratio(5, 2)}, tanggal=date(2024, 3, 1))  # an older rejected one
    kec = run([folder], "kecamatan", "33.74.01")
    reasons = {Path(m.berkas).name: (str(m.status), m.alasan) for m in kec.manifest}
    named = ", ".join(f"revisi/a_revisi{day}.xlsx" for day in (1, 2, 3))
    assert reasons["a.xlsx"] == ("diterima", f"dipakai karena kiriman lebih baru OPD ini ditolak ({named}); angka berkas ini "
                                             "tetap di rekap sampai kiriman itu diperbaiki")  # fmt: skip
    assert reasons["a_lama.xlsx"][0] == "digantikan" and reasons["a_revisi4.xlsx"][0] == reasons["a_kembar.xlsx"][0] == "ditolak"
    assert reasons["b.xlsx"] == ("diterima", "") and rec(kec, "desa", A, RATIO)["pembilang_1"] == 1


def test_scope_out_of_scope_files_and_code_normalisation(catalogue, tmp_path, wilayah):
    folder = tmp_path / "lingkup"
    other = wilayah.children("33.75", "desa")[0].kode  # a desa of Kota Pekalongan
    submit(catalogue, folder, "a.xlsx", A, {RATIO: ratio(1, 2)})
    submit(catalogue, folder, "lain.xlsx", other, {RATIO: ratio(1, 2)})
    submit(catalogue, folder, "kota.xlsx", "33.74", {})
    submit(catalogue, folder, "b_depan.xlsx", B, {RATIO: ratio(1, 2)}, tanggal=date(2099, 1, 2))
    submit(catalogue, folder, "c_lalu.xlsx", "33.74.01.1003", {RATIO: ratio(1, 2)}, tanggal="1 Mei 2022")
    kec = run([folder], "kecamatan", " 33.74.01 ")
    reasons = {Path(m.berkas).name: (m.status, m.alasan) for m in kec.manifest}
    assert reasons["b_depan.xlsx"] == ("diterima", "tanggal pengisian 2099-01-02 di masa depan: kalah dari kiriman bertanggal")
    assert reasons["c_lalu.xlsx"] == ("diterima", "tanggal pengisian 2022-05-01 di luar tahun pelaporan 2024")
    assert reasons["lain.xlsx"] == ("dilewati", f"wilayah {other} di luar cakupan 33.74.01")
    assert reasons["kota.xlsx"] == ("dilewati", "wilayah 33.74 di luar cakupan 33.74.01")
    assert run([folder], "kabupaten", "3374").wilayah == "33.74"
    kec_all = run([folder], "kecamatan", "33.74")
    assert {Path(m.berkas).name: m.alasan for m in kec_all.manifest}["kota.xlsx"] == "kiriman tingkat kabupaten di atas --tingkat kecamatan"
    free = run([folder], "kabupaten")  # no --wilayah: every kabupaten an input touches is expected in full
    assert free.scope == ["33.74", "33.75"]
    assert ({k: c["diharapkan"] for k, c in free.completeness["kabupaten"].items()}
            == {"33.74": 177, "33.75": len(wilayah.children("33.75", "desa"))})  # fmt: skip


def test_aggregation_branches(catalogue):
    share = catalogue.get(SHARE)
    parts = [(k, aggregate.leaf(share, {"status_1": s}.get)) for k, s in (("1", "ya"), ("2", "tidak"), ("3", "tidak"))]
    assert aggregate.value(share, aggregate.combine(share, parts), 1) == 1 / 3 * 100  # 33.333..., never rounded here
    rasio = catalogue.get(RATIO)
    only_percent = aggregate.leaf(rasio, {"capaian_1": 40.0}.get)
    assert only_percent.sums == {} and only_percent.flags == {aggregate.FLAG_ONLY_PERCENT}
    half = aggregate.leaf(rasio, {"pembilang_1": 3.0}.get)
    assert half.sums == {} and aggregate.value(rasio, half, 1) is None
    full = aggregate.leaf(rasio, {"pembilang_1": 3.0, "penyebut_1": 4.0}.get)
    assert full.sums == {"pembilang_1": 3.0, "penyebut_1": 4.0, "laporan_1": 1.0}
    parent = aggregate.combine(rasio, [("a", full), ("b", only_percent), ("c", half)])
    assert parent.sums["laporan_1"] == 1 and aggregate.FLAG_ONLY_PERCENT in parent.flags and aggregate.value(rasio, parent, 1) == 75.0


@pytest.mark.parametrize("scenario", ["files", "kecamatan rollup and files", "kabupaten rollup and a new file"])
def test_desa_added_up_and_not_held_above_a_kabupaten_rollup_change_no_sheet(scenario, catalogue, desa, kec_rollups, tmp_path, monkeypatch):
    """Above a kabupaten rollup desa are added up kecamatan by kecamatan from their packed files and not kept:
    every sheet equals a run that keeps them, including desa replacing or joining a rollup's figures and
    a kota's own form (a unit above desa with one source, also deferred)."""
    kota = submit(catalogue, tmp_path / "kota", "kota.xlsx", "33.74", {"S2.Pa.K4.a": ratio(5, 10)}, opd="Dinas Kesehatan")
    inputs = {"files": [desa, kota], "kecamatan rollup and files": [kec_rollups["33.74.01"], desa]}.get(scenario)
    if inputs is None:
        kab_part = tmp_path / "rekap-33.74.xlsx"
        write_xlsx(run([desa / "a.xlsx", desa / "b.xlsx"], "kabupaten", "33.74"), kab_part)
        inputs = [kab_part, desa / "e.xlsx"]  # E: a unit the rollup holds nothing for, added to its kabupaten
    prov = run(inputs, "provinsi", "33", targets=TARGETS)
    assert "desa" not in prov.partials and prov.partials["kecamatan"]
    monkeypatch.setattr(consolidate_run, "DESA_KEPT_UP_TO", "nasional")
    kept = run(inputs, "provinsi", "33", targets=TARGETS)
    assert kept.partials["desa"]
    write_xlsx(prov, tmp_path / "prov.xlsx")
    write_xlsx(kept, tmp_path / "kept.xlsx")
    assert sheets(tmp_path / "prov.xlsx", skip=("_kkb",)) == sheets(tmp_path / "kept.xlsx", skip=("_kkb",))
