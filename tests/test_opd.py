"""One workbook per OPD: mapping data, override file, generation, reading back, consolidation parity."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.consolidate.model import RunConfig
from kkb_excel.consolidate.run import consolidate_paths
from kkb_excel.opd import OpdFileError, desa_indicators, load_opd_map
from kkb_excel.output.rollup_workbook import write_xlsx
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.read.xlsxscan import column_index, column_letter
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell
from kkb_excel.template.opd_layout import FIRST_DATA_ROW as OPD_FIRST_ROW
from kkb_excel.template.opd_layout import INDICATOR_ROW, SHEET_OPD
from kkb_excel.template.opd_workbook import generate_opd
from kkb_excel.validators.run import validate_submissions

KOTA = "33.74"
TEST_OPD = "Tim Uji"
STATUS, ANGKA, RASIO = "S3.Pa.K4.a", "S3.Pa.K4.b", "S3.Pb.K1.a"  # one indicator per cara isi


@pytest.fixture(scope="module")
def peta(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("peta") / "peta-opd.csv"
    path.write_text(f"kode_indikator;opd\n{STATUS};{TEST_OPD}\n{ANGKA};{TEST_OPD}\n{RASIO};{TEST_OPD}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def opd_map(peta, catalogue):
    return load_opd_map(peta, catalogue)


@pytest.fixture(scope="module")
def blank(tmp_path_factory, opd_map, catalogue) -> Path:
    out = tmp_path_factory.mktemp("opd")
    [path] = generate_opd(plan_units([KOTA], None, 2024), [TEST_OPD], 2024, out, opd_map)
    return path


def consolidate_kota(path: Path):
    return consolidate_paths([str(path)], RunConfig("kabupaten", 2024, KOTA))


def column_map(path: Path) -> tuple[dict[tuple[str, str], str], dict[str, int]]:
    """(indicator, key) -> column letter and kode wilayah -> row, from the hidden metadata sheet."""
    meta = load_workbook(path, read_only=True)["_kkb"]
    rows = list(meta.iter_rows(min_row=2, values_only=True))
    columns = {(r[4], r[5]): r[3] for r in rows if r[3]}
    desa = {r[8]: int(r[7]) for r in rows if len(r) > 8 and r[7]}
    return columns, desa


def typed_values(rng: random.Random, desa: list[str]) -> dict[str, dict[tuple[str, str], object]]:
    """Plausible values per desa for the three test indicators (some typed as Indonesian text)."""
    values = {}
    for kode in desa:
        row: dict[tuple[str, str], object] = {}
        for sem in (1, 2):
            den = rng.randint(5, 400)
            num = rng.randint(0, den)
            row[(RASIO, f"pembilang_{sem}")] = num
            row[(RASIO, f"penyebut_{sem}")] = f"{den}" if rng.random() < 0.3 else den
            row[(STATUS, f"status_{sem}")] = rng.choice(["ya", "tidak"])
            row[(ANGKA, f"capaian_{sem}")] = rng.choice([rng.randint(0, 30), "12,5"])
        values[kode] = row
    return values


def fill_openpyxl(blank: Path, target: Path, values, opd=TEST_OPD, tanggal="15/07/2024") -> Path:
    columns, rows = column_map(blank)
    wb = load_workbook(blank)
    ws = wb[SHEET_OPD]
    ws["B7"], ws["B8"], ws["B9"] = opd, "Petugas Uji", tanggal
    for kode, row in values.items():
        for (ind, key), value in row.items():
            ws[f"{columns[(ind, key)]}{rows[kode]}"] = value
    wb.save(target)
    return target


def expected(value):
    return value if isinstance(value, str) and value in ("ya", "tidak") else 12.5 if value == "12,5" else float(value)


def read_values(path: Path) -> dict[str, dict[tuple[str, str], object]]:
    subs = read_all(discover([str(path)]))
    out = {}
    for sub in subs:
        out[sub.meta["kode_wilayah"]] = {(r.kode, k): v for r in sub.records for k, v in r.as_dict().items()
                                         if v is not None and not k.startswith("capaian")
                                         or (r.kode == ANGKA and v is not None)}  # fmt: skip
    return out


def test_mapping_follows_the_reference_and_covers_every_desa_indicator(catalogue, shared):
    opd_map = load_opd_map()
    reference = {r["kode"]: r["penanggung_jawab_kl"]
                 for r in csv.DictReader(io.StringIO((shared / "reference" / "inpres_targets.csv").read_text(encoding="utf-8")))}
    assert set(opd_map.kl) == {i.kode for i in catalogue.all}
    for kode, kl in opd_map.kl.items():
        assert kl.split(" (")[0] in reference[kode], kode  # each K/L is named in the evidence for that row
    assert all(i.kode in opd_map.opd for i in desa_indicators(catalogue))
    assert opd_map.opd["S1.Pa.K2.a"] == "Disdukcapil" and opd_map.opd["S1.Pa.K2.b"] == "Kantor Kemenag"
    assert "Dinas Kesehatan" in opd_map.names(catalogue)


def test_katalog_shows_the_mapping(peta):
    result = CliRunner().invoke(main, ["katalog", "--opd", "--peta-opd", str(peta)])
    assert result.exit_code == 0 and "Disdukcapil" in result.output and TEST_OPD in result.output


def test_katalog_export_carries_kl_and_opd(tmp_path):
    path = tmp_path / "katalog.csv"
    assert CliRunner().invoke(main, ["katalog", "-o", str(path)]).exit_code == 0
    rows = {r["kode"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))}
    assert rows["S1.Pa.K2.a"]["kementerian_lembaga"] == "Kemendagri (Dukcapil)" and rows["S1.Pa.K2.a"]["opd"] == "Disdukcapil"


def test_override_renames_and_reassigns(catalogue, tmp_path):
    path = tmp_path / "peta.csv"
    path.write_text("kementerian_lembaga,kode_indikator,opd\nKemenkes,,DINKES Kota\n,S3.Pc.K2.a,Disdikbud\n", encoding="utf-8")
    opd_map = load_opd_map(path, catalogue)
    assert opd_map.opd["S3.Pb.K5.a"] == "DINKES Kota" and opd_map.opd["S3.Pc.K2.a"] == "Disdikbud"
    assert opd_map.opd["S3.Pc.K2.b"] == "Dinas Pendidikan"
    assert opd_map.find("dinkes  kota", catalogue) == "DINKES Kota"


def test_override_with_bad_rows_is_reported_and_generates_nothing(catalogue, tmp_path):
    path = tmp_path / "peta-salah.csv"
    path.write_text("kode_indikator,kementerian_lembaga,opd\nX.1,,Dinkes\nS2.Pa.K1.b,,Dinkes\n,Kemenkeu,Dinkes\n"
                    "S3.Pb.K1.a,Kemenkes,Dinkes\nS3.Pb.K5.a,,\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(OpdFileError) as info:
        load_opd_map(path, catalogue)
    assert [p.split(":")[0] for p in info.value.problems] == [f"peta-salah.csv baris {n}" for n in (2, 3, 4, 5, 6)]
    out = tmp_path / "hasil"
    result = CliRunner().invoke(main, ["generate", "--wilayah", KOTA, "--per-opd", "--peta-opd", str(path), "--tahun", "2024",
                                       "-o", str(out)])  # fmt: skip
    assert result.exit_code == 2 and "peta-salah.csv baris 4" in result.output and "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_workbook_layout(blank, catalogue):
    wb = load_workbook(blank)
    ws = wb[SHEET_OPD]
    assert wb.sheetnames == [SHEET_OPD, "Petunjuk", "_kkb"] and wb["_kkb"].sheet_state == "veryHidden"
    assert ws.protection.sheet and ws.freeze_panes == f"D{OPD_FIRST_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == f"${INDICATOR_ROW}:${OPD_FIRST_ROW - 1}"
    columns, rows = column_map(blank)
    assert len(rows) == 177 and ws[f"A{rows['33.74.01.1001']}"].value == "33.74.01.1001"
    assert ws[f"C{rows['33.74.01.1001']}"].value == "Miroto"
    headers = {ws.cell(INDICATOR_ROW, c).value.split("\n")[0] for c in range(4, ws.max_column + 1) if ws.cell(INDICATOR_ROW, c).value}
    assert headers == {STATUS, ANGKA, RASIO}
    assert {k for k, _ in columns} == {STATUS, ANGKA, RASIO} and len(columns) == 2 + 2 + 4 + 3  # + a Keterangan each
    validations = {str(dv.sqref).split(":")[0][:-2]: dv.type for dv in ws.data_validations.dataValidation if dv.sqref}
    assert validations[columns[(STATUS, "status_1")]] == "list" and validations[columns[(RASIO, "pembilang_1")]] == "custom"
    assert validations[columns[(RASIO, "keterangan")]] == "list"  # offers "Belum tersedia", takes free text


def test_openpyxl_filled_workbook_reads_back_exactly(blank, tmp_path):
    _, rows = column_map(blank)
    chosen = random.Random(1).sample(sorted(rows), 25)
    values = typed_values(random.Random(2), chosen)
    filled = fill_openpyxl(blank, tmp_path / "dinas-uji.xlsx", values)
    subs = read_all(discover([str(filled)]))
    assert sorted(s.meta["kode_wilayah"] for s in subs) == sorted(chosen)  # empty rows are not reported
    for sub in subs:
        assert sub.berkas.endswith(f"dinas-uji.xlsx!baris {rows[sub.meta['kode_wilayah']]}")
        assert sub.meta["tingkat"] == "desa" and sub.meta["tahun"] == 2024
        assert sub.identity["opd"] == TEST_OPD and sub.identity["tanggal"] == "2024-07-15"
        got = {(r.kode, k): v for r in sub.records for k, v in r.as_dict().items() if v is not None}
        want = {key: expected(v) for key, v in values[sub.meta["kode_wilayah"]].items()}
        assert {k: v for k, v in got.items() if k in want} == want
        for sem in (1, 2):  # a ratio's capaian comes from its pembilang and penyebut, a status's from ya/tidak
            ratio = want[(RASIO, f"pembilang_{sem}")] / want[(RASIO, f"penyebut_{sem}")] * 100
            assert got[(RASIO, f"capaian_{sem}")] == pytest.approx(ratio, abs=0.005)
            assert got[(STATUS, f"capaian_{sem}")] == (1 if want[(STATUS, f"status_{sem}")] == "ya" else 0)
    report = validate_submissions(subs)
    assert all(r.status == "diterima" for r in report.files)


def test_number_text_findings_name_file_sheet_and_cell(blank, tmp_path):
    columns, rows = column_map(blank)
    filled = fill_openpyxl(blank, tmp_path / "teks.xlsx",
                           {"33.74.01.1002": {(RASIO, "pembilang_1"): "1.234", (RASIO, "penyebut_1"): "abc"}})  # fmt: skip
    report = validate_submissions(read_all(discover([str(filled)])))
    [result] = report.files
    row = rows["33.74.01.1002"]
    assert result.berkas.endswith(f"teks.xlsx!baris {row}") and result.status == "ditolak"
    found = {(f.aturan, f.lembar, f.sel) for f in result.findings}
    assert ("N02", SHEET_OPD, f"{columns[(RASIO, 'pembilang_1')]}{row}") in found
    assert ("N01", SHEET_OPD, f"{columns[(RASIO, 'penyebut_1')]}{row}") in found


def per_desa_file(catalogue, folder: Path, kode: str, row: dict, opd=TEST_OPD, tanggal=date(2024, 7, 15)) -> Path:
    """The same values in a per-desa Lampiran 4 workbook (its ratio capaian is a formula)."""
    [unit] = plan_units([kode], None, 2024)
    targets = catalogue.targets("desa")
    order = [i.kode for i in catalogue.active]
    cells = {identity_cell("opd"): opd, identity_cell("petugas"): "Petugas Uji", identity_cell("tanggal"): tanggal}
    for (ind, key), value in row.items():
        cells[f"{COL[key]}{FIRST_DATA_ROW + order.index(ind)}"] = expected(value)
    path = folder / f"desa-{kode}.xlsx"
    if not _BLUEPRINT:
        _BLUEPRINT.append(Blueprint.build("desa", 2024, targets, catalogue))
    path.write_bytes(_BLUEPRINT[0].render(unit.identity, targets, cells))
    return path


_BLUEPRINT: list[Blueprint] = []  # built once per test run


def sheets(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_kota_from_opd_workbook_equals_kota_from_per_desa_files(blank, catalogue, tmp_path):
    _, rows = column_map(blank)
    chosen = random.Random(3).sample(sorted(rows), 30)
    values = typed_values(random.Random(4), chosen)
    opd_dir, desa_dir = tmp_path / "opd", tmp_path / "desa"
    opd_dir.mkdir(), desa_dir.mkdir()
    fill_openpyxl(blank, opd_dir / "tim-uji.xlsx", values)
    for kode, row in values.items():
        per_desa_file(catalogue, desa_dir, kode, row)
    a, b = consolidate_kota(opd_dir), consolidate_kota(desa_dir)
    assert len(a.manifest) == 1 and a.manifest[0].status == "diterima" and "30 baris" in a.manifest[0].alasan
    assert len(b.manifest) == 30 and not a.conflicts and not b.conflicts
    write_xlsx(a, tmp_path / "a.xlsx")
    write_xlsx(b, tmp_path / "b.xlsx")
    sa, sb = sheets(tmp_path / "a.xlsx"), sheets(tmp_path / "b.xlsx")
    assert sa.keys() == sb.keys()
    def computed(rows):  # file names, file counts and the creation time differ by construction
        return [r for r in rows if not str(r[0]).startswith("Berkas:") and r[0] not in ("dibuat", "berkas")]

    for name in sa:
        if name != "Manifest":
            assert computed(sa[name]) == computed(sb[name]), name
    seen = {name: sorted(r[2] for r in s["_kkb_rekap"] if r[0] == "berkas") for name, s in (("a", sa), ("b", sb))}
    assert seen["a"] == seen["b"] == sorted(chosen)  # files seen for the next run: one per desa row, like per-desa files
    assert sum(1 for r in sa["Ringkasan"] if str(r[0]).startswith("Berkas:")) == 1


def test_mixed_inputs_newer_correction_and_opd_conflict(blank, catalogue, tmp_path):
    _, rows = column_map(blank)
    chosen = ["33.74.01.1001", "33.74.01.1002", "33.74.01.1003"]
    values = typed_values(random.Random(5), chosen)
    fill_openpyxl(blank, tmp_path / "tim-uji.xlsx", values, tanggal="01/07/2024")
    corrected = {**values["33.74.01.1001"], (ANGKA, "capaian_1"): 99}
    per_desa_file(catalogue, tmp_path, "33.74.01.1001", corrected, tanggal=date(2024, 8, 1))  # same OPD, newer
    other = {(STATUS, "status_1"): "tidak" if values["33.74.01.1002"][(STATUS, "status_1")] == "ya" else "ya"}
    per_desa_file(catalogue, tmp_path, "33.74.01.1002", other, opd="Pemerintah Desa")  # another OPD, different value
    rollup = consolidate_kota(tmp_path)
    by_name = {Path(m.berkas).name: m for m in rollup.manifest}
    assert set(by_name) == {"tim-uji.xlsx", "desa-33.74.01.1001.xlsx", "desa-33.74.01.1002.xlsx"}
    opd_entry = by_name["tim-uji.xlsx"]
    assert opd_entry.status == "diterima" and opd_entry.jenis == "opd" and opd_entry.kode_wilayah == KOTA
    assert "3 baris" in opd_entry.alasan and "1 digantikan" in opd_entry.alasan
    assert by_name["desa-33.74.01.1001.xlsx"].status == "diterima"
    [conflict] = rollup.conflicts  # semester I only: the other OPD said nothing for semester II
    assert (conflict.kode_wilayah, conflict.kode_indikator, conflict.semester) == ("33.74.01.1002", STATUS, 1)
    assert f"tim-uji.xlsx!baris {rows['33.74.01.1002']}" in conflict.sumber
    desa = rollup.partials["desa"]
    assert desa["33.74.01.1001"][ANGKA].sums["jumlah_1"] == 99  # the newer per-desa correction wins
    assert rollup.completeness["kabupaten"][KOTA]["masuk"] == 3


def test_a_newer_opd_row_supersedes_an_older_desa_file_only_for_the_indicators_it_holds(blank, catalogue, tmp_path):
    """The same OPD sent a per-desa form, then its per-OPD workbook: the workbook's indicators come from
    its newer row, and what the form reported beyond them still counts (nothing reported is lost)."""
    kode, other = "33.74.01.1001", "S3.Pc.K3.a"  # another angka indicator of the desa form, not in the OPD's workbook
    values = typed_values(random.Random(8), [kode])
    fill_openpyxl(blank, tmp_path / "tim-uji.xlsx", values, tanggal="01/09/2024")
    per_desa_file(catalogue, tmp_path, kode, {(ANGKA, "capaian_1"): 55, (other, "capaian_1"): 7}, tanggal=date(2024, 8, 15))
    rollup = consolidate_kota(tmp_path)
    desa = rollup.partials["desa"][kode]
    assert desa[ANGKA].sums["jumlah_1"] == expected(values[kode][(ANGKA, "capaian_1")])  # the newer row's
    assert desa[other].sums["jumlah_1"] == 7 and not rollup.conflicts  # the older form's, beyond the row
    entry = {Path(m.berkas).name: m for m in rollup.manifest}[f"desa-{kode}.xlsx"]
    assert entry.status == "diterima" and entry.alasan.startswith("sebagian digantikan oleh ") and "tim-uji.xlsx!baris" in entry.alasan
    assert "dipakai untuk 1 indikator" in entry.alasan
    assert rollup.partials["kabupaten"][KOTA][other].sums["jumlah_1"] == 7
    # a form that reported nothing beyond the row is superseded whole, as before
    per_desa_file(catalogue, tmp_path, kode, {(ANGKA, "capaian_1"): 55}, tanggal=date(2024, 8, 15))
    rollup = consolidate_kota(tmp_path)
    entry = {Path(m.berkas).name: m for m in rollup.manifest}[f"desa-{kode}.xlsx"]
    assert entry.status == "digantikan" and other not in rollup.partials["desa"][kode]
    assert entry.alasan.startswith("digantikan oleh ") and "tim-uji.xlsx!baris" in entry.alasan


def test_supersession_goes_from_the_newest_down(blank, catalogue, tmp_path):
    """Three dates of one desa x OPD: the row (newest) holds the OPD's indicators; the middle form gives the rest;
    the oldest form is superseded whole by the middle one (the same form), not counted beside it."""
    kode, other = "33.74.01.1001", "S3.Pc.K3.a"
    fill_openpyxl(blank, tmp_path / "tim-uji.xlsx", typed_values(random.Random(8), [kode]), tanggal="01/09/2024")
    middle = per_desa_file(catalogue, tmp_path, kode, {(other, "capaian_1"): 7}, tanggal=date(2024, 8, 15))
    middle.rename(tmp_path / "tengah.xlsx")
    per_desa_file(catalogue, tmp_path, kode, {(other, "capaian_1"): 3}, tanggal=date(2024, 8, 1)).rename(tmp_path / "lama.xlsx")
    rollup = consolidate_kota(tmp_path)
    assert rollup.partials["desa"][kode][other].sums["jumlah_1"] == 7 and not rollup.conflicts
    entries = {Path(m.berkas).name: m for m in rollup.manifest}
    assert entries["tengah.xlsx"].status == "diterima" and entries["tengah.xlsx"].alasan.startswith("sebagian digantikan")
    assert entries["lama.xlsx"].status == "digantikan"


def test_a_formula_typed_into_an_opd_input_cell_is_reported_as_on_the_desa_form(blank, tmp_path):
    """N04 (galat) for a formula without a stored value, N03 (its stored value used) for one with: before,
    the first read as an empty cell (K01 only) and still superseded the desa's other submissions."""
    columns, rows = column_map(blank)
    first, second, third = "33.74.01.1001", "33.74.01.1002", "33.74.01.1003"
    values = typed_values(random.Random(9), [first, second])
    values[first][(ANGKA, "capaian_1")] = "=5+5"
    values[second][(ANGKA, "capaian_1")] = "=2*6"
    values[third] = {(ANGKA, "capaian_2"): "=1+1"}  # a row with nothing but a formula is not left out
    path = fill_openpyxl(blank, tmp_path / "rumus.xlsx", values)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = next(name for name, data in parts.items() if b"<f>2*6</f>" in data)
    parts[sheet] = re.sub(rb"<f>2\*6</f><v\s*/>|<f>2\*6</f><v></v>|<f>2\*6</f>(?!<v)", b"<f>2*6</f><v>12</v>", parts[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    subs = read_all(discover([str(path)]))
    results = {s.meta["kode_wilayah"]: r for s, r in zip(subs, validate_submissions(subs).files, strict=True)}
    by_desa = {s.meta["kode_wilayah"]: s for s in subs}
    assert set(results) == {first, second, third}
    for kode, key, code, status in ((first, "capaian_1", "N04", "ditolak"), (second, "capaian_1", "N03", "diterima"),
                                    (third, "capaian_2", "N04", "ditolak")):  # fmt: skip
        cell = f"{columns[(ANGKA, key)]}{rows[kode]}"
        assert (code, SHEET_OPD, cell) in {(f.aturan, f.lembar, f.sel) for f in results[kode].findings}, results[kode].findings
        assert results[kode].status == status
    [record] = [r for r in by_desa[second].records if r.kode == ANGKA]
    assert record.value("capaian_1") == 12  # the stored value, as Excel shows it


def test_what_holds_for_the_whole_opd_workbook_is_told_on_every_row(blank, tmp_path):
    """The tahun edited in the identity block is I07 (rejected, as on the desa form; before: not seen), and a workbook
    of another catalogue version gets S13 (before: lost, since a workbook's rows stand in for the file)."""
    desa = ["33.74.01.1001", "33.74.01.1002"]
    values = typed_values(random.Random(4), desa)
    for name, edit in (("tahun.xlsx", lambda wb: wb[SHEET_OPD].__setitem__("B6", 2023)),
                       ("tahun_teks.xlsx", lambda wb: wb[SHEET_OPD].__setitem__("B6", "2024 (revisi)")),
                       ("katalog.xlsx", lambda wb: wb["_kkb"].__setitem__("B4", "lama"))):  # fmt: skip
        wb = load_workbook(fill_openpyxl(blank, tmp_path / name, values))
        assert wb["_kkb"]["A4"].value == "katalog_versi"
        edit(wb)
        wb.save(tmp_path / name)
    subs = read_all(discover([str(tmp_path)]))
    report = validate_submissions(subs)
    seen = {(Path(r.berkas).name, f.aturan, f.lembar, f.sel, f.pesan) for r in report.files for f in r.findings
            if f.aturan in ("I07", "S13")}  # fmt: skip
    i07 = "Tahun pada blok identitas '2023' tidak sesuai templat ('2024'); kembalikan isian aslinya."
    s13 = next(f.pesan for r in report.files for f in r.findings if f.aturan == "S13")
    assert "lama" in s13
    i07_teks = "Tahun pada blok identitas '2024 (revisi)' tidak sesuai templat ('2024'); kembalikan isian aslinya."
    assert seen == {*((f"tahun.xlsx!baris {row}", "I07", SHEET_OPD, "B6", i07) for row in (14, 15)),
                    *((f"tahun_teks.xlsx!baris {row}", "I07", SHEET_OPD, "B6", i07_teks) for row in (14, 15)),
                    *((f"katalog.xlsx!baris {row}", "S13", "_kkb", "B4", s13) for row in (14, 15))}  # fmt: skip
    assert {Path(r.berkas).name: str(r.status) for r in report.files} == {
        "tahun.xlsx!baris 14": "ditolak", "tahun.xlsx!baris 15": "ditolak",
        "tahun_teks.xlsx!baris 14": "ditolak", "tahun_teks.xlsx!baris 15": "ditolak",
        "katalog.xlsx!baris 14": "diterima", "katalog.xlsx!baris 15": "diterima",
    }  # fmt: skip


def test_values_outside_the_opd_table_are_named_s18(blank, tmp_path):
    """Right of the table, a desa row appended by hand, a note below: read by no one, so told (before: silence)."""
    columns, rows = column_map(blank)
    last = max(rows.values())
    values = typed_values(random.Random(2), ["33.74.01.1001"])
    values["33.74.01.1001"][max(columns, key=lambda k: column_index(columns[k]))] = "catatan"  # the table's last column: read
    wb = load_workbook(fill_openpyxl(blank, tmp_path / "luar.xlsx", values))
    ws = wb[SHEET_OPD]
    width = ws.max_column
    ws.cell(OPD_FIRST_ROW, width + 1, 77)  # the first column right of the table
    ws[f"A{last + 1}"], ws[f"C{last + 1}"] = "33.74.01.9999", "Desa Baru"
    wb.save(tmp_path / "luar.xlsx")
    [result] = validate_submissions(read_all(discover([str(tmp_path / "luar.xlsx")]))).files
    [s18] = [f for f in result.findings if f.aturan == "S18"]
    right = f"{column_letter(width)}{OPD_FIRST_ROW}"
    assert (s18.lembar, s18.sel) == (SHEET_OPD, right)
    shown = f"({right} = 77, A{last + 1} = 33.74.01.9999, C{last + 1} = Desa Baru)"
    assert s18.pesan.startswith(f"3 nilai di luar kolom dan baris isian tidak dibaca {shown}")
    assert str(result.status) == "diterima"


def test_an_error_value_in_an_opd_input_cell_is_s12_as_on_the_desa_form(blank, tmp_path):
    """A formula whose stored value is an error (LibreOffice keeps '=1/0' as #DIV/0!) and an error typed in: both S12,
    never 'a formula without a stored value' (N04), never an empty cell."""
    columns, rows = column_map(blank)
    first, second = "33.74.01.1001", "33.74.01.1002"
    values = typed_values(random.Random(9), [first, second])
    values[first][(ANGKA, "capaian_1")] = "=1/0"
    values[second][(ANGKA, "capaian_2")] = "#N/A"  # openpyxl writes it as an error cell
    path = fill_openpyxl(blank, tmp_path / "galat.xlsx", values)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = next(name for name, data in parts.items() if b"<f>1/0</f>" in data)
    cell = f"{columns[(ANGKA, 'capaian_1')]}{rows[first]}".encode()
    error = b'<c r="' + cell + b'" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    parts[sheet], count = re.subn(rb'<c r="' + cell + rb'"[^>]*>.*?</c>', error, parts[sheet])
    assert count == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    subs = read_all(discover([str(path)]))
    results = {s.meta["kode_wilayah"]: r for s, r in zip(subs, validate_submissions(subs).files, strict=True)}
    for kode, key, error in ((first, "capaian_1", "#DIV/0!"), (second, "capaian_2", "#N/A")):
        at = f"{columns[(ANGKA, key)]}{rows[kode]}"
        found = [(f.aturan, f.sel, f.nilai) for f in results[kode].findings if f.sel == at]
        assert found == [("S12", at, error)], results[kode].findings
        assert results[kode].status == "ditolak"


@pytest.mark.libreoffice
def test_opd_workbook_filled_in_libreoffice_reads_back_exactly(blank, tmp_path):
    from libreoffice import soffice, uno_python

    python = uno_python() if soffice() else None
    if python is None:
        pytest.skip("LibreOffice with the Python UNO bridge (python3-uno) is not installed")
    columns, rows = column_map(blank)
    chosen = random.Random(6).sample(sorted(rows), 12)
    values = typed_values(random.Random(7), chosen)
    cells = {f"{SHEET_OPD}!{columns[key]}{rows[kode]}": v for kode, row in values.items() for key, v in row.items()}
    cells.update({f"{SHEET_OPD}!B8": "Petugas Uji", f"{SHEET_OPD}!B9": (date(2024, 7, 15) - date(1899, 12, 30)).days})
    spec = tmp_path / "cells.json"
    spec.write_text(json.dumps(cells), encoding="utf-8")
    filled = tmp_path / "libreoffice.xlsx"
    helper = Path(__file__).with_name("lo_fill.py")
    subprocess.run([str(python), str(helper), str(blank), str(filled), str(spec), str(tmp_path / "profile")],
                   check=True, timeout=180, capture_output=True)  # fmt: skip
    with zipfile.ZipFile(filled) as saved:
        assert b"LibreOffice" in saved.read("docProps/app.xml")
    reference = fill_openpyxl(blank, tmp_path / "openpyxl.xlsx", values, opd="Tim Uji")
    a = {s.meta["kode_wilayah"]: s for s in read_all(discover([str(reference)]))}
    b = {s.meta["kode_wilayah"]: s for s in read_all(discover([str(filled)]))}
    assert sorted(a) == sorted(b) == sorted(chosen)
    for kode in chosen:
        assert a[kode].records == b[kode].records
        assert a[kode].identity["tanggal"] == b[kode].identity["tanggal"] == "2024-07-15"
        assert [f.aturan for f in a[kode].findings] == [f.aturan for f in b[kode].findings]


def test_isi_dari_prefills_desa_workbooks_locked_with_the_opd_named(blank, catalogue, tmp_path):
    chosen = ["33.74.01.1001", "33.74.01.1002"]
    values = typed_values(random.Random(8), chosen)
    sources = tmp_path / "kiriman"
    sources.mkdir()
    fill_openpyxl(blank, sources / "tim-uji.xlsx", values)
    other = {(STATUS, "status_1"): "tidak" if values["33.74.01.1002"][(STATUS, "status_1")] == "ya" else "ya"}
    per_desa_file(catalogue, sources, "33.74.01.1002", other, opd="Pemerintah Desa")  # disagrees on one indicator
    out = tmp_path / "desa"
    args = ["generate", "--wilayah", "33.74.01.1001", "--wilayah", "33.74.01.1002", "--wilayah", "33.74.01.1003",
            "--isi-dari", str(sources), "--tahun", "2024", "-o", str(out)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "2 diisi awal" in result.output and "1 isian dibiarkan kosong" in result.output
    order = [i.kode for i in catalogue.active]
    for kode in chosen:
        [path] = out.glob(f"*_{kode}_*.xlsx")
        ws = load_workbook(path)["Daftar Tilik"]
        for (ind, key), value in values[kode].items():
            cell = ws[f"{COL[key]}{FIRST_DATA_ROW + order.index(ind)}"]
            if kode == "33.74.01.1002" and ind == STATUS:  # the OPDs disagree: left for the desa forum
                assert cell.value is None and not cell.protection.locked
                continue
            assert cell.value == expected(value) and cell.protection.locked, (kode, ind, key)
            note = ws[f"{COL['keterangan']}{FIRST_DATA_ROW + order.index(ind)}"]
            assert TEST_OPD in note.value and "tim-uji.xlsx" in note.value and note.protection.locked
    [untouched] = out.glob("*_33.74.01.1003_*.xlsx")
    ws = load_workbook(untouched)["Daftar Tilik"]
    assert ws[f"{COL['pembilang_1']}{FIRST_DATA_ROW + order.index(RASIO)}"].value is None
    # The desa forum confirms: identity typed, nothing retyped. Its values agree with the OPD workbook.
    [confirmed] = out.glob("*_33.74.01.1001_*.xlsx")
    wb = load_workbook(confirmed)
    wb["Daftar Tilik"][identity_cell("opd")] = "Forum Desa"
    wb["Daftar Tilik"][identity_cell("petugas")] = "Kepala Desa"
    wb["Daftar Tilik"][identity_cell("tanggal")] = date(2024, 8, 1)
    wb.save(sources / "forum-1001.xlsx")
    rollup = consolidate_kota(sources)
    assert [(c.kode_wilayah, c.kode_indikator) for c in rollup.conflicts] == [("33.74.01.1002", STATUS)], rollup.conflicts


def test_isi_dari_refuses_a_rollup(tmp_path, blank):
    rollup = consolidate_kota(blank)
    write_xlsx(rollup, tmp_path / "rekap.xlsx")
    result = CliRunner().invoke(main, ["generate", "--wilayah", "33.74.01.1001", "--isi-dari", str(tmp_path / "rekap.xlsx"),
                                       "--tahun", "2024", "-o", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 2 and "rekap" in result.output and "Traceback" not in result.output


def test_empty_opd_workbook_is_rejected_once_and_moved_rows_are_caught(blank, tmp_path):
    empty = tmp_path / "kosong" / "kosong.xlsx"
    empty.parent.mkdir()
    fill_openpyxl(blank, empty, {})
    rollup = consolidate_kota(empty.parent)
    [entry] = rollup.manifest
    assert entry.status == "ditolak" and "Belum ada capaian yang diisi; workbook dikirim kosong." in entry.alasan
    _, rows = column_map(blank)
    values = typed_values(random.Random(9), ["33.74.01.1001"])
    moved = fill_openpyxl(blank, tmp_path / "diurutkan.xlsx", values)
    wb = load_workbook(moved)
    ws = wb[SHEET_OPD]
    first, second = rows["33.74.01.1001"], rows["33.74.01.1002"]
    ws[f"A{first}"], ws[f"A{second}"] = "33.74.01.1002", "33.74.01.1001"  # rows re-sorted by hand
    wb.save(moved)
    [result] = validate_submissions(read_all(discover([str(moved)]))).files
    assert result.status == "ditolak" and [(f.aturan, f.sel) for f in result.findings if f.aturan == "S10"] == [("S10", f"A{first}")]


def test_validate_cli_annotates_one_copy_per_opd_workbook(blank, tmp_path):
    columns, rows = column_map(blank)
    bad = {"33.74.01.1001": {(RASIO, "pembilang_1"): 30, (RASIO, "penyebut_1"): 10}, "33.74.01.1002": {(RASIO, "penyebut_1"): "abc"}}
    filled = fill_openpyxl(blank, tmp_path / "tim-uji.xlsx", bad)
    out = tmp_path / "koreksi"
    result = CliRunner().invoke(main, ["validate", str(filled), "--anotasi", str(out)])
    assert result.exit_code == 1 and result.output.count("tim-uji.xlsx!baris") == 2
    [copy] = out.iterdir()
    ws = load_workbook(copy)[SHEET_OPD]
    assert "V03" in ws[f"{columns[(RASIO, 'pembilang_1')]}{rows['33.74.01.1001']}"].comment.text
    assert "N01" in ws[f"{columns[(RASIO, 'penyebut_1')]}{rows['33.74.01.1002']}"].comment.text


def test_belum_tersedia_row_is_reported_not_zero(blank, tmp_path):
    values = {"33.74.01.1001": {(RASIO, "keterangan"): "Belum tersedia", (ANGKA, "capaian_1"): 4},
              "33.74.01.1002": {(ANGKA, "capaian_1"): 0}}  # fmt: skip
    (tmp_path / "kiriman").mkdir()
    filled = fill_openpyxl(blank, tmp_path / "kiriman" / "tahunan.xlsx", values)
    subs = {s.meta["kode_wilayah"]: s for s in read_all(discover([str(filled)]))}
    assert sorted(subs) == ["33.74.01.1001", "33.74.01.1002"]
    [rasio] = [r for r in subs["33.74.01.1001"].records if r.kode == RASIO]
    assert rasio.belum_tersedia and rasio.inputs() == (None,) * len(rasio.inputs())
    [angka] = [r for r in subs["33.74.01.1002"].records if r.kode == ANGKA]
    assert angka.value("capaian_1") == 0.0 and not angka.belum_tersedia
    # Pre-filled for the desa forum, the answer stays "Belum tersedia" (and reads back as such).
    out = tmp_path / "desa"
    result = CliRunner().invoke(main, ["generate", "--wilayah", "33.74.01.1001", "--isi-dari", str(tmp_path / "kiriman"),
                                       "--tahun", "2024", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    [prefilled] = read_all(discover([str(out)]))
    [rasio] = [r for r in prefilled.records if r.kode == RASIO]
    assert rasio.belum_tersedia and TEST_OPD in rasio.value("keterangan")


def test_an_opd_workbook_without_sheet_xml_has_no_typed_formulas():
    """An .xls has no sheet XML: no formula or error is looked for (and nothing breaks)."""
    from kkb_excel.read.opd_reader import SheetScan, _typed_cells

    assert _typed_cells(None) == SheetScan({}, {}) == _typed_cells(b"<worksheet><sheetData/></worksheet>")
    def sheet(cell: bytes) -> bytes:
        return b'<worksheet><sheetData><row r="9">' + cell + b"</row></sheetData></worksheet>"

    assert _typed_cells(sheet(b'<c r="G9"><f>1+1</f></c>')) == SheetScan({"G9": "1+1"}, {})
    assert _typed_cells(sheet(b'<c r="G9" t="e"><v>#N/A</v></c>')) == SheetScan({}, {"G9": "#N/A"})
