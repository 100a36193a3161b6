"""One defect per file, each rule alone: its code, cell, severity and the file's resulting status.

Every file is built from a generated template (cloned blueprint, or edited with openpyxl), all are
validated in one batch, and every rule in the rule table must be emitted by at least one of them.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from bad_files import cut_part, with_part, zip_bomb, zip_of
from conftest import DESA
from openpyxl import Workbook, load_workbook

from kkb_excel.findings import finding, sort_key
from kkb_excel.read.cells import parse_value
from kkb_excel.read.discover import discover
from kkb_excel.read.pool import read_all
from kkb_excel.read.submission import Submission
from kkb_excel.synthetic import plausible_values
from kkb_excel.template.blueprint import MAIN_SHEET_PART, Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import (
    COL,
    FIRST_DATA_ROW,
    IDENTITY_BY_KEY,
    ROLLUP_ID,
    ROLLUP_VERSION,
    SHEET_MAIN,
    SHEET_ROLLUP_DATA,
    identity_cell,
)
from kkb_excel.validators.rules import RULES, Keparahan, Status
from kkb_excel.validators.run import validate_submissions

TODAY = date.today()
PATHS: dict[str, Path] = {}


def row_of(catalogue, kode: str) -> int:
    return next(r for r, i in enumerate(catalogue.active, start=FIRST_DATA_ROW) if i.kode == kode)


def ref(key: str, row: int) -> str:
    return f"{COL[key]}{row}"


class Corpus:
    """Builds single-defect desa submissions from one blueprint."""

    def __init__(self, catalogue, folder: Path):
        self.catalogue, self.folder = catalogue, folder
        [self.unit] = plan_units([DESA], None, 2024)
        self.targets = catalogue.targets("desa")
        self.blueprint = Blueprint.build("desa", 2024, self.targets, catalogue)
        self.base = plausible_values(catalogue, "desa", random.Random(1), self.targets)
        self.rows = {k: row_of(catalogue, k) for k in ("S1.Pa.K1.a", "S3.Pc.K3.a", "S3.Pa.K4.b", "S3.Pa.K2.a")}
        self.grey_row = next(r for r, i in enumerate(catalogue.active, start=FIRST_DATA_ROW) if i.tingkat_pengamatan != "desa")

    def bytes(self, cells: dict | None = None, targets: dict | None = None) -> bytes:
        values = {**self.base, **(cells or {})}
        return self.blueprint.render(self.unit.identity, {**self.targets, **(targets or {})}, values)

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        return path

    def edited(self, name: str, edit, cells: dict | None = None) -> Path:
        wb = load_workbook(io.BytesIO(self.bytes(cells)))
        edit(wb)
        path = self.folder / name
        wb.save(path)
        return path


RASIO, COUNT, CUMULATIVE, STATUS = "S1.Pa.K1.a", "S3.Pc.K3.a", "S3.Pa.K4.b", "S3.Pa.K2.a"


def _ratio_cells(c: Corpus, kode: str, num, den, sem: int = 1) -> dict:
    """Pembilang and penyebut of a ratio row (its capaian is the template's locked formula)."""
    row = c.rows[kode]
    return {ref(f"pembilang_{sem}", row): num, ref(f"penyebut_{sem}", row): den}


def _meta(key: str, value):
    def edit(wb):
        meta = wb["_kkb"]
        for row in meta.iter_rows(min_col=1, max_col=2):
            if row[0].value == key:
                row[1].value = value
    return edit


def _rollup_file() -> bytes:
    wb = Workbook()
    meta = wb.active
    meta.title = "_kkb"
    for row in (("kunci", "nilai"), ("template_id", ROLLUP_ID), ("template_versi", ROLLUP_VERSION)):
        meta.append(row)
    wb.create_sheet(SHEET_ROLLUP_DATA).append(["kode_wilayah"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_cases(c: Corpus) -> dict[str, tuple[Path, str, str | None, Status]]:
    """name -> (file, rule code expected, cell expected, file status expected)."""
    r = c.rows
    cases: dict[str, tuple] = {}

    def case(name, path, code, cell, status):
        cases[name] = (path, code, cell, status)

    case("bersih", c.write("bersih.xlsx", c.bytes()), None, None, Status.DITERIMA)
    # Values
    case("V01", c.write("v01.xlsx", c.bytes({ref("capaian_1", r[COUNT]): -1})), "V01", ref("capaian_1", r[COUNT]), Status.DITOLAK)
    case("V02_batas", c.write("v02b.xlsx", c.bytes(_ratio_cells(c, RASIO, 100, 100))), None, None, Status.DITERIMA)
    case("V03", c.write("v03.xlsx", c.bytes(_ratio_cells(c, RASIO, 51, 50))), "V03", ref("pembilang_1", r[RASIO]), Status.DITOLAK)
    case("V05", c.write("v05.xlsx", c.bytes({ref("status_1", r[STATUS]): "mungkin"})), "V05", ref("status_1", r[STATUS]), Status.DITOLAK)
    case("V06", c.write("v06.xlsx", c.bytes({ref("capaian_1", r[CUMULATIVE]): 10, ref("capaian_2", r[CUMULATIVE]): 9})),
         "V06", ref("capaian_2", r[CUMULATIVE]), Status.DITERIMA)  # fmt: skip
    case("V06_batas", c.write("v06b.xlsx", c.bytes({ref("capaian_1", r[CUMULATIVE]): 10, ref("capaian_2", r[CUMULATIVE]): 10})),
         None, None, Status.DITERIMA)  # fmt: skip
    # a count row with a target (given through the target file): 30 is 3 x target 10 (passes), 30.5 is more
    count = {ref("capaian_1", r[COUNT]): 30.5, ref("capaian_2", r[COUNT]): 30.5}
    case("V07", c.write("v07.xlsx", c.bytes(count, targets={COUNT: 10})), "V07", ref("capaian_1", r[COUNT]), Status.DITERIMA)
    count = {ref("capaian_1", r[COUNT]): 30, ref("capaian_2", r[COUNT]): 30}
    case("V07_batas", c.write("v07b.xlsx", c.bytes(count, targets={COUNT: 10})), None, None, Status.DITERIMA)
    count = {ref("capaian_1", r[COUNT]): 1, ref("capaian_2", r[COUNT]): 1}
    case("V08", c.write("v08.xlsx", c.bytes(count, targets={COUNT: 0})), "V08", ref("capaian_1", r[COUNT]), Status.DITERIMA)
    count = {ref("capaian_1", r[COUNT]): 0, ref("capaian_2", r[COUNT]): 0}
    case("V08_batas", c.write("v08b.xlsx", c.bytes(count, targets={COUNT: 0})), None, None, Status.DITERIMA)
    case("V10", c.write("v10.xlsx", c.bytes({ref("pembilang_1", r[COUNT]): 5})), "V10", ref("pembilang_1", r[COUNT]), Status.DITERIMA)
    case("V10_baris", c.write("v10r.xlsx", c.bytes({ref("capaian_1", c.grey_row): 5})), "V10", ref("capaian_1", c.grey_row),
         Status.DITERIMA)  # fmt: skip
    case("V11", c.write("v11.xlsx", c.bytes({ref("capaian_1", r[COUNT]): 1e20})), "V11", ref("capaian_1", r[COUNT]), Status.DITOLAK)
    case("V11_orang", c.write("v11o.xlsx", c.bytes(_ratio_cells(c, RASIO, 5e8, 1e308))), "V11", ref("penyebut_1", r[RASIO]), Status.DITOLAK)
    case("V12", c.write("v12.xlsx", c.bytes({ref("capaian_1", r[COUNT]): "12,5", ref("capaian_2", r[COUNT]): 20})), "V12",
         ref("capaian_1", r[COUNT]), Status.DITERIMA)  # fmt: skip
    case("V12_rasio", c.write("v12r.xlsx", c.bytes(_ratio_cells(c, RASIO, 10.5, 20.5))), "V12", ref("penyebut_1", r[RASIO]),
         Status.DITERIMA)  # fmt: skip
    case("V12_batas", c.write("v12b.xlsx", c.bytes({ref("capaian_1", r[COUNT]): "12,0", ref("capaian_2", r[COUNT]): 20})), None, None,
         Status.DITERIMA)  # fmt: skip
    belum = {ref("keterangan", r[COUNT]): "Belum tersedia"}
    case("V13", c.write("v13.xlsx", c.bytes(belum)), "V13", ref("keterangan", r[COUNT]), Status.DITERIMA)  # both semesters filled
    case("V13_batas", c.write("v13b.xlsx", c.bytes({**belum, ref("capaian_2", r[COUNT]): None})), None, None, Status.DITERIMA)
    # Numbers
    case("N01", c.write("n01.xlsx", c.bytes({ref("capaian_1", r[COUNT]): "dua belas"})), "N01", ref("capaian_1", r[COUNT]), Status.DITOLAK)
    case("N02", c.write("n02.xlsx", c.bytes({ref("capaian_1", r[COUNT]): "1.234", ref("capaian_2", r[COUNT]): 2000})),
         "N02", ref("capaian_1", r[COUNT]), Status.DITERIMA)  # fmt: skip
    case("N04", c.edited("n04.xlsx", lambda wb: wb[SHEET_MAIN].__setitem__(ref("capaian_1", r[COUNT]), "=10+5")), "N04",
         ref("capaian_1", r[COUNT]), Status.DITOLAK)  # fmt: skip
    n03 = c.bytes({ref("capaian_1", r[COUNT]): 15})
    case("N03", c.write("n03.xlsx", _with_formula(n03, ref("capaian_1", r[COUNT]), "10+5")), "N03", ref("capaian_1", r[COUNT]),
         Status.DITERIMA)  # fmt: skip
    case("N03_tautan", c.write("n03t.xlsx", _with_formula(n03, ref("capaian_1", r[COUNT]), "[1]Lembar1!A1")), "N03",
         ref("capaian_1", r[COUNT]), Status.DITERIMA)  # fmt: skip

    case("N06", c.write("n06.xlsx", c.bytes({ref("capaian_1", r[COUNT]): "-"})), "N06", ref("capaian_1", r[COUNT]), Status.DITERIMA)

    def percent(wb):
        cell = wb[SHEET_MAIN][ref("capaian_1", r[COUNT])]
        cell.value, cell.number_format = 0.5, "0%"
    case("N01_persen", c.edited("n01p.xlsx", percent), "N01", ref("capaian_1", r[COUNT]), Status.DITOLAK)
    # Identity
    case("I05", c.write("i05.xlsx", c.bytes({identity_cell("opd"): None})), "I05", identity_cell("opd"), Status.DITOLAK)
    case("I06", c.write("i06.xlsx", c.bytes({identity_cell("petugas"): None})), "I06", identity_cell("petugas"), Status.DITERIMA)
    case("I09", c.write("i09.xlsx", c.bytes({identity_cell("tanggal"): "kemarin sore"})), "I09", identity_cell("tanggal"), Status.DITERIMA)
    case("I09_tahun", c.write("i09t.xlsx", c.bytes({identity_cell("tanggal"): 2024})), "I09", identity_cell("tanggal"), Status.DITERIMA)
    case("I09_kosong", c.write("i09k.xlsx", c.bytes({identity_cell("tanggal"): None})), "I09", identity_cell("tanggal"), Status.DITERIMA)

    def clock(wb):  # a time typed in the date cell, and a date cell holding a negative number (Excel shows ####)
        cell = wb[SHEET_MAIN][identity_cell("tanggal")]
        cell.value, cell.number_format = -1, "dd/mm/yyyy"
    case("I09_jam", c.edited("i09j.xlsx", clock), "I09", identity_cell("tanggal"), Status.DITERIMA)
    case("I10", c.write("i10.xlsx", c.bytes({identity_cell("tanggal"): "15/07/2023"})), "I10", identity_cell("tanggal"), Status.DITERIMA)
    case("I11", c.write("i11.xlsx", c.bytes({identity_cell("tanggal"): TODAY + timedelta(days=3)})), "I11", identity_cell("tanggal"),
         Status.DITERIMA)  # fmt: skip
    case("I12", c.write("i12.xlsx", c.bytes({identity_cell("opd"): "Dinas " * 40})), "I12", identity_cell("opd"), Status.DITOLAK)
    case("I03", c.write("i03.xlsx", c.bytes({identity_cell("nama_kabupaten"): "Kota Lain"})), "I03", identity_cell("nama_kabupaten"),
         Status.DITERIMA)  # fmt: skip
    kode_desa = f"{IDENTITY_BY_KEY['nama_desa'].kode_col}{IDENTITY_BY_KEY['nama_desa'].row}"
    case("I07", c.write("i07.xlsx", c.bytes({kode_desa: "33.74.01.1002"})), "I07", kode_desa, Status.DITOLAK)
    case("I07_tahun", c.write("i07t.xlsx", c.bytes({identity_cell("tahun"): "Tingkat Desa - Tahun 2025"})), "I07", identity_cell("tahun"),
         Status.DITOLAK)  # fmt: skip
    case("I08", c.write("daftar-tilik_2024_33.74.01.1002_lain.xlsx", c.bytes()), "I08", None, Status.DITERIMA)
    case("I01", c.edited("i01.xlsx", _meta("kode_wilayah", "33.74.01.9999")), "I01", None, Status.DITOLAK)
    case("I02", c.edited("i02.xlsx", _meta("kode_wilayah", "33.74.01")), "I02", None, Status.DITOLAK)
    case("I04", c.edited("i04.xlsx", _meta("tahun", 2021)), "I04", identity_cell("tahun"), Status.DITOLAK)
    # Structure
    case("S16_meta", c.edited("s16m.xlsx", _meta("tahun", 2025)), "S16", None, Status.DITOLAK)
    case("S16_kolom", c.edited("s16k.xlsx", _meta("kolom_capaian_1", "")), "S16", None, Status.DITOLAK)
    case("S16_sel", c.edited("s16s.xlsx", _meta("sel_tanggal", "ZZZ9999999")), "S16", None, Status.DITOLAK)
    def stray(wb):  # right of the table, in the blank spacer column of an indicator row, below the form
        for cell, value in (("T6", 12), (f"M{r[COUNT]}", 5), ("A200", "catatan"), ("B201", 1.5)):
            wb[SHEET_MAIN][cell] = value
    case("S18", c.edited("s18.xlsx", stray), "S18", "T6", Status.DITERIMA)
    case("S16_target", c.write("s16t.xlsx", c.bytes({ref("target", r[RASIO]): 10})), "S16", None, Status.DITOLAK)
    case("S15_kolom", c.edited("s15k.xlsx", lambda wb: wb[SHEET_MAIN].insert_cols(7)), "S15", f"{COL['target']}{FIRST_DATA_ROW - 1}",
         Status.DITOLAK)  # fmt: skip
    case("S15_hapus", c.edited("s15h.xlsx", lambda wb: wb[SHEET_MAIN].delete_cols(8)), "S15", f"{COL['capaian_1']}{FIRST_DATA_ROW - 1}",
         Status.DITOLAK)  # fmt: skip
    case("S15_baris_hapus", c.edited("s15bh.xlsx", lambda wb: wb[SHEET_MAIN].delete_rows(30)), "S15", ref("kode", 30), Status.DITOLAK)
    case("S15_baris", c.edited("s15b.xlsx", lambda wb: wb[SHEET_MAIN].insert_rows(20)), "S15", ref("kode", 20), Status.DITOLAK)

    def copy_sheet(wb):
        copy = wb.copy_worksheet(wb[SHEET_MAIN])
        copy[ref("capaian_1", r[COUNT])] = 7
    case("S17", c.edited("s17.xlsx", copy_sheet), "S17", None, Status.DITERIMA)

    def swap(wb):
        ws = wb[SHEET_MAIN]
        a, b = ref("kode", 20), ref("kode", 21)
        ws[a], ws[b] = ws[b].value, ws[a].value
    case("S10", c.edited("s10.xlsx", swap), "S10", ref("kode", 20), Status.DITOLAK)
    case("S11_rumus", c.edited("s11r.xlsx", lambda wb: wb[SHEET_MAIN].__setitem__(ref("persen_1", r[RASIO]), "=1+1")), "S11",
         ref("persen_1", r[RASIO]), Status.DITOLAK)  # fmt: skip
    case("S11_kosong", c.edited("s11k.xlsx", lambda wb: wb[SHEET_MAIN].__setitem__(ref("persen_1", r[RASIO]), None)), "S11",
         ref("persen_1", r[RASIO]), Status.DITOLAK)  # fmt: skip
    case("S11", c.edited("s11.xlsx", lambda wb: wb[SHEET_MAIN].__setitem__(ref("persen_1", r[RASIO]), 5)), "S11",
         ref("persen_1", r[RASIO]), Status.DITOLAK)  # fmt: skip

    def error_value(wb):
        cell = wb[SHEET_MAIN][ref("capaian_1", r[COUNT])]
        cell.value, cell.data_type = "#DIV/0!", "e"
    case("S12", c.edited("s12.xlsx", error_value), "S12", ref("capaian_1", r[COUNT]), Status.DITOLAK)
    cell = ref("capaian_1", r[COUNT])  # LibreOffice keeps a formula's error as its value: one S12, not also N04
    case("S12_rumus", c.write("s12r.xlsx", _with_cell(c.bytes(), cell, f'<c r="{cell}" t="e"><f>1/0</f><v>#DIV/0!</v></c>')), "S12", cell,
         Status.DITOLAK)  # fmt: skip
    case("S13", c.edited("s13.xlsx", _meta("katalog_versi", "lama")), "S13", "B4", Status.DITOLAK)
    case("S01", c.write("s01.xlsx", b"bukan workbook"), "S01", None, Status.DITOLAK)
    case("S01_lembar", c.write("s01l.xlsx", cut_part(c.bytes(), MAIN_SHEET_PART)), "S01", None, Status.DITOLAK)
    case("S03", c.edited("s03.xlsx", _meta("template_id", "lain")), "S03", "B2", Status.DITOLAK)
    case("S04", c.edited("s04.xlsx", _meta("template_versi", "0")), "S04", "B3", Status.DITOLAK)
    case("S02", c.write("s02.xlsx", _encrypted(c.bytes())), "S02", None, Status.DITOLAK)
    case("S05", c.write("s05.xlsm", with_part(c.bytes(), "xl/vbaProject.bin", b"\x00" * 64)), "S05", None, Status.DITERIMA)
    case("S07", c.write("~$kunci.xlsx", b"\x00lock"), "S07", None, Status.DILEWATI)
    case("S08", c.write("s08.xlsx", zip_bomb()), "S08", None, Status.DITOLAK)
    case("S09", c.edited("s09.xlsx", lambda wb: setattr(wb[SHEET_MAIN], "title", "Isian")), "S09", None, Status.DITOLAK)
    case("S14", c.write("s14.xlsx", _rollup_file()), "S14", None, Status.DILEWATI)
    case("S19", c.write("surat.pdf", b"%PDF-1.4 surat pengantar"), "S19", None, Status.DILEWATI)
    case("S19_xlsb", c.write("biner.xlsb", zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00" * 32})), "S19", None,
         Status.DILEWATI)  # fmt: skip
    opendocument = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document-content/>"}
    case("S01_ods", c.write("s01o.xlsx", zip_of(opendocument)), "S01", None, Status.DITOLAK)
    case("S01_zip", c.write("s01z.xlsx", zip_of({"a.txt": b"bukan workbook"})), "S01", None, Status.DITOLAK)
    case("K01", c.write("k01.xlsx", c.bytes({ref("capaian_1", r[COUNT]): None})), "K01", None, Status.DITERIMA)
    identity = {identity_cell(k) for k in ("opd", "petugas", "tanggal")}
    empty = {k: (v if k in identity else None) for k, v in c.base.items()}
    case("K02", c.write("k02.xlsx", c.blueprint.render(c.unit.identity, c.targets, empty)), "K02", None, Status.DITOLAK)
    return cases


def _with_formula(data: bytes, cell: str, formula: str) -> bytes:
    """A formula with a cached value in an input cell, as Excel saves it."""
    import re

    def patch(xml: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + cell.encode() + rb'"([^>]*?) t="n"><v>([^<]*)</v></c>')
        assert pattern.search(xml)
        return pattern.sub(lambda m: b'<c r="' + cell.encode() + b'"' + m.group(1) + b"><f>" + formula.encode() + b"</f><v>"
                           + m.group(2) + b"</v></c>", xml)  # fmt: skip

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            zout.writestr(info, patch(content) if info.filename == "xl/worksheets/sheet1.xml" else content)
    return out.getvalue()


def _with_cell(data: bytes, cell: str, xml: str) -> bytes:
    """The main sheet with one cell element replaced by `xml`."""
    import re

    pattern = re.compile(rb'<c r="' + cell.encode() + rb'"[^>]*?(?:/>|>.*?</c>)')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            if info.filename == MAIN_SHEET_PART:
                assert pattern.search(content)
                content = pattern.sub(xml.encode(), content, count=1)
            zout.writestr(info, content)
    return out.getvalue()


def _encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("rahasia", out)
    return out.getvalue()


@pytest.fixture(scope="module")
def corpus(catalogue, tmp_path_factory):
    """(name -> (result, code, cell, status), report); the files' paths are kept in PATHS."""
    c = Corpus(catalogue, tmp_path_factory.mktemp("cacat"))
    cases = build_cases(c)
    report = validate_submissions(read_all(discover([str(c.folder)])))
    results = {Path(r.berkas).name: r for r in report.files}
    PATHS.update({name: path for name, (path, *_) in cases.items()})
    return {name: (results[path.name], code, cell, status) for name, (path, code, cell, status) in cases.items()}, report


def _galat(result) -> set[str]:
    return {f.aturan for f in result.findings if f.keparahan == Keparahan.GALAT}


CASE_NAMES = [
    "bersih", "V01", "V02_batas", "V03", "V05", "V06", "V06_batas", "V07", "V07_batas", "V08",
    "V08_batas", "V10", "V10_baris", "V11", "V11_orang", "V12", "V12_rasio", "V12_batas", "V13", "V13_batas",
    "N01", "N01_persen", "N02", "N03", "N03_tautan", "N04", "N06", "I01", "I02", "I03", "I04",
    "I05", "I06", "I07", "I07_tahun", "I08", "I09", "I09_kosong", "I09_jam", "I09_tahun",
    "I10", "I11", "I12", "S01", "S01_lembar", "S02", "S03", "S04", "S05", "S07", "S08",
    "S09",
    "S10", "S11", "S11_rumus", "S11_kosong", "S12", "S12_rumus",
    "S13", "S14", "S15_kolom", "S15_baris", "S15_hapus", "S15_baris_hapus", "S16_meta", "S16_target", "S16_kolom",
    "S16_sel", "S17", "S18", "S19", "S19_xlsb", "S01_ods", "S01_zip",
    "K01", "K02",
]  # fmt: skip


@pytest.mark.parametrize("name", CASE_NAMES)
def test_single_defect(corpus, name):
    cases, _ = corpus
    result, code, cell, status = cases[name]
    described = [(f.aturan, f.sel, f.pesan) for f in result.findings]
    assert result.status == status, described
    if code is None:  # the far side of a threshold: nothing but what a clean file has
        assert {f.aturan for f in result.findings} <= {f.aturan for f in cases["bersih"][0].findings}, described
        return
    hits = [f for f in result.findings if f.aturan == code]
    assert hits, described
    assert cell is None or cell in {f.sel for f in hits}, described
    assert all(f.keparahan == RULES[code].keparahan for f in hits)
    if code == "V03":  # the computed % above 100 only repeats it: one finding, at the pembilang the clerk typed
        assert [(f.aturan, f.sel) for f in result.findings if f.keparahan == Keparahan.GALAT] == [(code, cell)], described
    assert all("{" not in f.pesan for f in result.findings)
    if status == Status.DITOLAK and RULES[code].keparahan == Keparahan.GALAT and not code.startswith(("I0", "S13", "S16")):
        assert _galat(result) == {code}, described  # the defect alone rejects the file


@pytest.mark.parametrize("name", ["S16_kolom", "S16_sel"])
def test_an_edited_address_in_the_metadata_stops_reading_and_nothing_else_is_reported(corpus, name):
    """No value can be located: S16 alone, not the spurious 'OPD belum diisi' of identity never read."""
    result = corpus[0][name][0]
    assert [f.aturan for f in result.findings] == ["S16"] and result.status == Status.DITOLAK


def test_stray_values_are_counted_and_shown(corpus):
    [s18] = [f for f in corpus[0]["S18"][0].findings if f.aturan == "S18"]
    assert s18.pesan.startswith("4 nilai di luar kolom dan baris isian tidak dibaca (T6 = 12, M")
    assert "A200 = catatan, ...)" in s18.pesan and "1,5" not in s18.pesan  # the first three shown
    assert (s18.lembar, s18.sel, s18.nilai) == (SHEET_MAIN, "T6", "12")


def test_stray_values_need_a_layout_and_read_short_rows():
    from kkb_excel.read.structure import stray_values

    sub = Submission("x.xlsx", meta={"lembar": SHEET_MAIN, "kolom_kode": "A", "kolom_target": "D", "sel_opd": "B2"})
    assert stray_values(sub, [["Kode", "", "", "Target"], ["a"], ["S1", "", "9"]], [("S1", 3, True)])[0].sel == "C3"
    assert stray_values(sub, [["Kode"], ["a"], ["S1"], ["", "x"]], [("S1", 3, True)])[0].sel == "B4"  # short rows: no spacer read
    assert stray_values(Submission("y.xlsx", meta={"lembar": SHEET_MAIN}), [["x"], ["y"]], []) == []
    [three] = stray_values(sub, [["Kode", "", "", "Target", 1, 2, 3]], [])
    assert three.pesan.startswith("3 nilai") and "(E1 = 1, F1 = 2, G1 = 3);" in three.pesan  # all shown: no '...'


@pytest.mark.skipif(os.name == "nt", reason="pipes and symbolic links are POSIX here")
def test_a_pipe_a_broken_link_and_a_linked_folder_are_named_never_read(tmp_path):
    from kkb_excel.read.reader import read_submission

    os.mkfifo(tmp_path / "pipa.xlsx")
    (tmp_path / "rusak.xlsx").symlink_to(tmp_path / "sudah dihapus.xlsx")
    (tmp_path / "map").mkdir()
    (tmp_path / "map-tautan").symlink_to(tmp_path / "map", target_is_directory=True)
    for name, said in (("pipa.xlsx", "bukan berkas biasa (pipe, perangkat atau soket)"), ("map-tautan", "ini folder, bukan berkas"),
                       ("rusak.xlsx", f"tautan (symlink) ke berkas yang tidak ada ({tmp_path / 'sudah dihapus.xlsx'})")):  # fmt: skip
        sub = read_submission(tmp_path / name)
        assert [f.aturan for f in sub.findings] == ["S01"] and said in sub.findings[0].pesan and not sub.readable


def test_a_damaged_sheet_is_named_in_indonesian(corpus, catalogue, tmp_path):
    from kkb_excel.read.reader import read_submission
    from kkb_excel.read.xlsxscan import sheet_parts

    [s01] = corpus[0]["S01_lembar"][0].findings
    assert "isi workbook rusak (lembar tidak dapat diurai)" in s01.pesan and "Error" not in s01.pesan
    c = Corpus(catalogue, tmp_path)
    path = c.edited("salinan.xlsx", lambda wb: wb.create_sheet("Salinan").append([1, 2, 3]))  # read after the values
    with zipfile.ZipFile(path) as z:
        copy = sheet_parts(z)["Salinan"]
    path.write_bytes(cut_part(path.read_bytes(), copy))
    sub = read_submission(path)
    assert [f.aturan for f in sub.findings] == ["S01"] and sub.records == [] and not sub.readable


def test_an_unforeseen_os_error_is_named_with_what_the_os_said(tmp_path, monkeypatch):
    from kkb_excel.read import reader

    monkeypatch.setattr(reader, "file_bytes", lambda path: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    [s01] = reader.read_submission(tmp_path / "x.xlsx").findings
    assert s01.aturan == "S01" and "galat sistem berkas (Input/output error)" in s01.pesan


@pytest.mark.parametrize(("key", "value", "stops"), [
    ("kolom_target", "XFD", False), ("kolom_target", "XFE", True), ("kolom_target", "g", True),
    ("sel_opd", "XFD1048576", False), ("sel_opd", "XFE1", True), ("sel_opd", "A1048577", True), ("sel_opd", "A0", True),
    ("baris_pertama", "bukan alamat", False),
])  # fmt: skip
def test_metadata_addresses_must_lie_on_an_excel_sheet(key, value, stops):
    from kkb_excel.read import reader

    sub = Submission("x.xlsx", meta={key: value})
    try:
        reader._layout_addresses(sub)
    except reader._Stop:
        assert stops and sub.findings[0].aturan == "S16"
    else:
        assert not stops


def test_every_rule_is_emitted_by_a_real_file(corpus):
    cases, _ = corpus
    emitted = {f.aturan for r, *_ in cases.values() for f in r.findings}
    internal = {"X01", "S06"}  # test_laporan (a broken reader), test_validate (.xls saved by LibreOffice)
    # Typed ratio capaian exists only in template version 1 files (a formula since version 2); the
    # only % typed as a number is a nasional indicator: test_version_1_ratio_rules covers these.
    internal |= {"V02", "V04", "V09", "N05"}
    internal |= {"S20"}  # a rollup saved again: test_consolidate_tiers
    assert set(RULES) - internal <= emitted, sorted(set(RULES) - internal - emitted)


def test_every_template_fills():
    for rule in RULES.values():
        f = finding(rule.code, "x.xlsx", **dict.fromkeys(rule.fields, 1.5))
        assert "{" not in f.pesan and f.pesan, rule.code
        assert f.keparahan == rule.keparahan


def test_messages_show_what_the_clerk_typed(corpus, catalogue):
    cases, _ = corpus
    [v01] = [f for f in cases["V01"][0].findings if f.aturan == "V01"]
    assert v01.nilai == "-1" and "(-1)" in v01.pesan
    [v03] = [f for f in cases["V03"][0].findings if f.aturan == "V03"]
    assert v03.pesan == "Pembilang 51 melebihi penyebut 50."
    [n02] = [f for f in cases["N02"][0].findings if f.aturan == "N02"]
    assert n02.pesan == "'1.234' dibaca sebagai 1234 (titik = pemisah ribuan)."
    comma = Submission("koma.xlsx")
    assert parse_value(comma, "capaian_1", "12,345", {}) == 12.345
    assert comma.findings[0].pesan == "'12,345' dibaca sebagai 12,345 (koma = pemisah desimal)."
    loses = "Tanpa tanggal, kiriman ini kalah dari kiriman bertanggal."  # as consolidate weighs it
    i09 = {name: [f.pesan for f in cases[name][0].findings if f.aturan == "I09"] for name in ("I09", "I09_kosong", "I09_jam", "I09_tahun")}
    assert i09 == {"I09": ["Tanggal pengisian 'kemarin sore' bukan tanggal; tulis seperti 15/07/2024. " + loses],
                   "I09_kosong": ["Tanggal pengisian belum diisi; tulis seperti 15/07/2024. " + loses],
                   "I09_jam": ["Tanggal pengisian berisi jam 00:00 tanpa tanggal; tulis seperti 15/07/2024. " + loses],
                   "I09_tahun": ["Tanggal pengisian berisi angka 2024, bukan tanggal; tulis seperti 15/07/2024. " + loses]}  # fmt: skip
    v12 = {name: [f.pesan for f in cases[name][0].findings if f.aturan == "V12"] for name in ("V12", "V12_rasio")}
    assert v12 == {
        "V12": ["Capaian Semester I berisi 12,5, padahal yang dihitung (Pasangan) selalu utuh; nilai ini tetap dipakai dalam rekap."],
        "V12_rasio": [f"{kolom} berisi {nilai}, padahal yang dihitung ({dihitung}) selalu utuh; nilai ini tetap dipakai dalam rekap."
                      for kolom, nilai, dihitung in (("Pembilang Sem I", "10,5", catalogue.get(RASIO).definisi_pembilang),
                                                     ("Penyebut Sem I", "20,5", "jumlah Kampung KB"))],
    }  # the satuan of a count; the definition of a ratio's penyebut
    s11 = {name: [f.pesan for f in cases[name][0].findings if f.aturan == "S11"] for name in ("S11", "S11_rumus", "S11_kosong")}
    persen = ref("persen_1", row_of(catalogue, RASIO))
    assert s11 == {"S11": [f"Rumus % Capaian Sem I di {persen} ditimpa dengan nilai 5; kembalikan dari templat asli."],
                   "S11_rumus": [f"Rumus % Capaian Sem I di {persen} diubah (='1+1'); kembalikan dari templat asli."],
                   "S11_kosong": [f"Rumus % Capaian Sem I di {persen} dihapus (sel kosong); kembalikan dari templat asli."]}
    unread = {name: [f.pesan for f in cases[name][0].findings] for name in ("S01", "S01_ods", "S01_zip", "S19", "S19_xlsb")}
    assert unread == {
        "S01": ["Berkas tidak dapat dibaca: bukan berkas Excel (.xlsx/.xlsm/.xls)."],
        "S01_ods": ["Berkas tidak dapat dibaca: berkas OpenDocument (LibreOffice, .ods); buka lalu simpan sebagai .xlsx (Excel 2007-365)."],
        "S01_zip": ["Berkas tidak dapat dibaca: arsip zip ini bukan workbook Excel (tidak ada xl/workbook.xml)."],
        "S19": ["Bukan workbook Excel (.pdf); dilewati."],
        "S19_xlsb": ["Workbook biner Excel (.xlsb) tidak dapat diperiksa; simpan sebagai .xlsx (Excel Workbook); dilewati."],
    }
    [n03] = [f.pesan for f in cases["N03"][0].findings if f.aturan == "N03"]
    [linked] = [f.pesan for f in cases["N03_tautan"][0].findings if f.aturan == "N03"]
    assert n03 == "Sel isian berisi rumus '=10+5'; nilai tersimpannya 15 dipakai. Sebaiknya ketik angkanya."
    assert linked == "Sel isian berisi rumus '=[1]Lembar1!A1' yang merujuk ke workbook lain; nilai tersimpannya 15 dipakai. " + (
        "Sebaiknya ketik angkanya.")  # fmt: skip
    statuses = [parse_value(comma, "status_1", raw, {}) for raw in ("Ya ", " TIDAK", "Y", "Tdk", "  ", True, 2)]
    assert statuses == ["ya", "tidak", "Y", "Tdk", None, "TRUE", "2"]  # V05 shows 'Y' as typed
    [s15] = [f for f in cases["S15_kolom"][0].findings]
    assert "1 kolom disisipkan di antara F dan G" in s15.pesan
    [s15] = [f for f in cases["S15_baris"][0].findings]
    assert "1 baris disisipkan di antara baris 19 dan 20" in s15.pesan
    [s15] = [f for f in cases["S15_hapus"][0].findings]
    assert "kolom H templat asli dihapus" in s15.pesan
    [s15] = [f for f in cases["S15_baris_hapus"][0].findings]
    assert "1 baris dihapus di sekitar baris 30" in s15.pesan
    assert not any(f.aturan == "I02" for f in cases["I01"][0].findings)  # an unknown code is not also "wrong tingkat"


def test_percent_typed_into_a_count_is_rejected_with_the_sign(corpus):
    cases, _ = corpus
    [n01] = [f for f in cases["N01_persen"][0].findings if f.aturan == "N01"]
    assert n01.nilai == "50%" and n01.pesan == "'50%' bukan angka."


def test_findings_are_ordered_by_severity_then_cell(corpus):
    _, report = corpus
    findings = report.findings
    assert findings == sorted(findings, key=sort_key)
    for berkas in {f.berkas for f in findings}:
        severities = [f.keparahan for f in findings if f.berkas == berkas]
        order = [Keparahan.GALAT, Keparahan.PERINGATAN, Keparahan.INFO]
        assert severities == sorted(severities, key=order.index)


def test_statuses_and_severities_keep_their_values():
    assert [str(s) for s in Status] == ["diterima", "ditolak", "dilewati"]
    assert [str(k) for k in Keparahan] == ["galat", "peringatan", "info"]


@pytest.mark.parametrize(("tahun", "accepted"), [(TODAY.year + 1, True), (TODAY.year + 2, False), (2021, False), (2022, True)])
def test_tahun_window(catalogue, tmp_path, tahun, accepted):
    [unit] = plan_units([DESA], None, tahun)
    targets = catalogue.targets("desa")
    cells = plausible_values(catalogue, "desa", random.Random(1), targets)
    cells[identity_cell("tanggal")] = date(min(tahun, TODAY.year), 1, 2)
    path = tmp_path / "tahun.xlsx"
    path.write_bytes(Blueprint.build("desa", tahun, targets, catalogue).render(unit.identity, targets, cells))
    [result] = validate_submissions(read_all(discover([str(path)]))).files
    assert ("I04" not in {f.aturan for f in result.findings}) == accepted


SAVED_BY_LIBREOFFICE = {  # case -> rule expected after LibreOffice opened and saved the file
    "V01": "V01", "N01": "N01", "I07": "I07", "S16_target": "S16", "S11": "S11", "S15_kolom": "S15", "V10": "V10",
    "N04": "N03",  # LibreOffice computes and stores the formula's value: used, with a note
}  # fmt: skip


@pytest.mark.libreoffice
def test_defects_survive_a_libreoffice_save(corpus, tmp_path):
    from libreoffice import recalculate, soffice

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    cases, _ = corpus
    saved = recalculate([PATHS[name] for name in SAVED_BY_LIBREOFFICE], tmp_path)
    report = validate_submissions(read_all(discover([str(p) for p in saved])))
    by_name = {Path(r.berkas).name: r for r in report.files}
    for name, code in SAVED_BY_LIBREOFFICE.items():
        result = by_name[PATHS[name].name]
        _, _, cell, status = cases[name]
        hits = [f for f in result.findings if f.aturan == code]
        assert hits and (cell is None or cell in {f.sel for f in hits}), (name, [(f.aturan, f.sel) for f in result.findings])
        assert result.status == (Status.DITERIMA if code == "N03" else status), name


def test_a_computed_capaian_only_repeats_its_inputs(catalogue, tmp_path):
    """A ratio's % capaian is a locked formula: a negative pembilang is V01 at the pembilang only, and a pembilang typed
    as 55% (no count: N01) leaves no V09 on the formula cell the clerk never typed."""
    c = Corpus(catalogue, tmp_path)
    row = c.rows[RASIO]
    capaian, pembilang = ref("capaian_1", row), ref("pembilang_1", row)
    negative = c.write("negatif.xlsx", c.bytes(_ratio_cells(c, RASIO, -5, 50)))

    def percent(wb):
        cell = wb[SHEET_MAIN][pembilang]
        cell.value, cell.number_format = 0.55, "0%"
    typed = c.edited("persen.xlsx", percent, _ratio_cells(c, RASIO, 1, 50))
    report = validate_submissions(read_all(discover([str(negative), str(typed)])))
    found = {Path(r.berkas).name: sorted((f.aturan, f.sel) for f in r.findings if f.sel in (capaian, pembilang)) for r in report.files}
    assert found == {"negatif.xlsx": [("V01", pembilang)], "persen.xlsx": [("N01", pembilang)]}


def test_version_1_ratio_rules(corpus, catalogue, tmp_path):
    """Template version 1 (still read) had a typed Capaian for ratio rows: V04, V09 and N05 apply there."""
    c = Corpus(catalogue, tmp_path)
    row = c.rows[RASIO]
    capaian = ref("capaian_1", row)

    def version_1(typed, percent=False):
        def edit(wb):
            _meta("template_versi", "1")(wb)
            ws = wb[SHEET_MAIN]
            for kode, rasio_row in ((i.kode, n) for n, i in enumerate(catalogue.active, start=FIRST_DATA_ROW)):
                if catalogue.get(kode).cara_isi == "rasio":  # version 1: the ratio capaian was typed, not a formula
                    for key in ("capaian_1", "capaian_2"):
                        if str(ws[ref(key, rasio_row)].value or "").startswith("="):
                            ws[ref(key, rasio_row)] = None
            cell = wb[SHEET_MAIN][capaian]
            cell.value = typed
            if percent:
                cell.number_format = "0%"
        return edit

    files = {
        "V02": c.edited("v02.xlsx", version_1(100.5), _ratio_cells(c, RASIO, 50, 50)),
        "V04": c.edited("v04.xlsx", version_1(50.6), _ratio_cells(c, RASIO, 25, 50)),
        "V04_batas": c.edited("v04b.xlsx", version_1(50.5), _ratio_cells(c, RASIO, 25, 50)),
        "V09": c.edited("v09.xlsx", version_1(50), _ratio_cells(c, RASIO, None, None)),
        "N05": c.edited("n05.xlsx", version_1(0.5, percent=True), _ratio_cells(c, RASIO, 25, 50)),
    }
    report = validate_submissions(read_all(discover([str(p) for p in files.values()])))
    by_name = {Path(r.berkas).name: r for r in report.files}
    found = {name: {(f.aturan, f.sel) for f in by_name[p.name].findings} for name, p in files.items()}
    assert ("V02", capaian) in found["V02"] and by_name["v02.xlsx"].status == Status.DITOLAK
    assert ("V04", capaian) in found["V04"] and by_name["v04.xlsx"].status == Status.DITOLAK
    assert not any(code == "V04" for code, _ in found["V04_batas"]) and by_name["v04b.xlsx"].status == Status.DITERIMA
    assert ("V09", capaian) in found["V09"] and by_name["v09.xlsx"].status == Status.DITERIMA
    assert ("N05", capaian) in found["N05"] and not any(code in ("V04", "V02") for code, _ in found["N05"])
    assert by_name["n05.xlsx"].status == Status.DITERIMA
