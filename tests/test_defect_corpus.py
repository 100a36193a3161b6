"""A corpus of defective submissions: every kind of bad file an OPD clerk or a secretariat folder makes.

~50 defective files beside good ones in one folder; the real CLI (a subprocess, as a clerk runs it)
validates and consolidates the folder. Whatever the defect: exit status as documented (never 3),
no traceback, every file exactly once in the report and the Manifest with a status, an Indonesian
message naming the file (and the cell where one is at fault), inputs untouched, outputs written.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from bad_files import with_part, zip_bomb, zip_of
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from kkb_excel.catalogue import load_catalogue
from kkb_excel.cli import main
from kkb_excel.synthetic import plausible_values
from kkb_excel.template.blueprint import MAIN_SHEET_PART, Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import FIRST_DATA_ROW, identity_cell

REPO = Path(__file__).resolve().parents[1]
DESA = ("33.74.01.1001", "33.74.01.1002", "33.74.01.1003", "33.74.01.1004")
CATALOGUE = load_catalogue()
ROW = {i.kode: FIRST_DATA_ROW + n for n, i in enumerate(CATALOGUE.active)}
J, R, PU = ROW["S3.Pa.K4.b"], ROW["S1.Pa.K1.a"], ROW["S4.Pa.K1.a"]  # jumlah, rasio, status rows of a desa form
OPD, PETUGAS, TANGGAL = identity_cell("opd"), identity_cell("petugas"), identity_cell("tanggal")
ENGLISH = re.compile(r"Traceback|Error\b|Exception|Errno|NoneType|object has no|not a zip|invalid literal|"
                     r"could not convert|unsupported|codec|expected|KeyError|IndexError", re.I)  # fmt: skip
INDONESIAN = re.compile(r"\b(tidak|bukan|berkas|lembar|sel|isi|kosong|dilewati|galat|simpan|kirim|baris|kolom|belum|"
                        r"nilai|angka|rumus|workbook|templat|kata sandi|ekstrak|dibaca|terlalu|negatif|lebih|paling)\b",
                        re.I)  # fmt: skip


@functools.cache
def blueprint(tingkat: str, tahun: int) -> Blueprint:
    return Blueprint.build(tingkat, tahun, CATALOGUE.targets(tingkat), CATALOGUE)


def form(kode: str = DESA[0], cells: dict | None = None, tahun: int = 2024, seed: int = 1, fill: bool = True) -> bytes:
    """A completely and plausibly filled form (or an empty one), then the given cells."""
    [unit] = plan_units([kode], None, tahun)
    targets = CATALOGUE.targets(unit.tingkat)
    values = plausible_values(CATALOGUE, unit.tingkat, random.Random(seed), targets) if fill else {}
    if fill:
        values[TANGGAL] = date(tahun, 11, 1)
    values.update(cells or {})
    return blueprint(unit.tingkat, tahun).render(unit.identity, targets, values)


def cell_xml(data: bytes, ref: str, xml: bytes) -> bytes:
    """The form with one main-sheet cell replaced by raw XML (a real formula, an error value...)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"( s="[0-9]+")?[^>]*?(?:/>|>.*?</c>)', re.S)

    def change(body: bytes) -> bytes:
        new, n = pattern.subn(lambda m: xml.replace(b"@S@", m.group(1) or b""), body, count=1)
        assert n == 1, ref
        return new

    return rezipped(data, MAIN_SHEET_PART, change)


def with_junk_sheet(data: bytes, rows: int = 100_000) -> bytes:
    """The form plus a sheet of `rows` junk rows, written as raw XML (openpyxl would take seconds)."""
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, rows + 1))
             + b"</sheetData></worksheet>")  # fmt: skip
    rel = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           b'Target="/xl/worksheets/sheet9.xml" Id="rId99"/></Relationships>')  # fmt: skip
    entry = (b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="Data mentah" '
             b'sheetId="9" state="visible" r:id="rId99"/></sheets>')  # fmt: skip
    override = (b'<Override PartName="/xl/worksheets/sheet9.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')  # fmt: skip
    data = rezipped(data, "xl/workbook.xml", lambda b: b.replace(b"</sheets>", entry))
    data = rezipped(data, "xl/_rels/workbook.xml.rels", lambda b: b.replace(b"</Relationships>", rel))
    data = rezipped(data, "[Content_Types].xml", lambda b: b.replace(b"</Types>", override))
    return with_part(data, "xl/worksheets/sheet9.xml", sheet)


def ods() -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves by default)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def edited(data: bytes, change) -> bytes:
    """The workbook after a change made with openpyxl (as another program would save it)."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezipped(data: bytes, member: str, change) -> bytes:
    """The archive with one part's bytes changed (nothing else touched)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            zout.writestr(info, change(body) if info.filename == member else body)
    return out.getvalue()


def encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("rahasia", out)
    return out.getvalue()


def plain_workbook(change=None) -> bytes:
    wb = Workbook()
    if change:
        change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _merge_inputs(wb) -> None:
    wb["Daftar Tilik"].merge_cells(f"N{R}:Q{R}")


def _typed(cells: dict) -> bytes:
    return form(cells=cells)


def corpus() -> dict[str, tuple[bytes | None, str]]:
    """File name -> (bytes, what the run must make of it: 'diterima', 'ditolak', 'dilewati', or 'ada')."""
    good = form()
    files: dict[str, tuple[bytes | None, str]] = {
        # good files, also under awkward names
        "baik 1.xlsx": (good, "diterima"),
        "baik 2 — Ñandú ñ ü 日本.xlsx": (form(DESA[1], seed=2), "diterima"),
        ("sangat-panjang-" + "x" * 180 + ".xlsx"): (form(DESA[2], seed=3), "diterima"),
        "salinan sama persis.xlsx": (good, "diterima"),  # identical bytes: counted once in the rollup
        "kabupaten.xlsx": (form("33.74", seed=4), "diterima"),
        "x.xlsx/di dalam folder.xlsx": (form(DESA[3], seed=5), "diterima"),  # a folder named x.xlsx
        # not a workbook at all
        "kosong.xlsx": (b"", "ditolak"),
        "spasi saja.xlsx": (b"   \r\n", "ditolak"),
        "terpotong.xlsx": (good[: len(good) // 2], "ditolak"),
        "lembar terpotong.xlsx": (rezipped(good, MAIN_SHEET_PART, lambda b: b[: len(b) // 2]), "ditolak"),  # a sound zip
        "sebenarnya csv.xlsx": (b"kode;capaian\n33.74.01.1001;50,5\n", "ditolak"),
        "sebenarnya html.xlsx": (b"<html><body><table><tr><td>50</td></tr></table></body></html>", "ditolak"),
        "sebenarnya pdf.xlsx": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "ditolak"),
        "kata sandi.xlsx": (encrypted(good), "ditolak"),
        "cfb rusak.xlsx": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504, "ditolak"),
        "lama.xls": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 1024, "ditolak"),
        "xlsx berakhiran xls.xls": (form(DESA[1], seed=7), "diterima"),  # read by content, as Excel opens it
        "makro.xlsm": (with_part(good, "xl/vbaProject.bin", b"\x00" * 64), "diterima"),
        "lembar.ods": (ods(), "dilewati"),
        "ods berakhiran xlsx.xlsx": (ods(), "ditolak"),
        "biner.xlsb": (zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00" * 32}), "dilewati"),
        "~$baik 1.xlsx": (b"\x0bPetugas" + b"\x00" * 150, "dilewati"),
        "bom.xlsx": (zip_bomb(), "ditolak"),
        "arsip.zip": (zip_of({"a.xlsx": good}), "dilewati"),
        "catatan.txt": (b"kiriman menyusul", "dilewati"),
        "foto.jpg": (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "dilewati"),
        # a workbook, but not a daftar tilik, or one whose structure was broken
        "workbook lain.xlsx": (plain_workbook(), "ditolak"),
        "palsu berlembar daftar tilik.xlsx": (plain_workbook(lambda wb: setattr(wb.active, "title", "Daftar Tilik")), "ditolak"),
        "_kkb dihapus.xlsx": (edited(good, lambda wb: wb.remove(wb["_kkb"])), "ditolak"),
        "_kkb diganti nama.xlsx": (edited(good, lambda wb: setattr(wb["_kkb"], "title", "meta")), "ditolak"),
        "lembar utama diganti nama.xlsx": (edited(good, lambda wb: setattr(wb["Daftar Tilik"], "title", "Sheet1")), "ditolak"),
        "baris disisipkan di atas.xlsx": (edited(good, lambda wb: wb["Daftar Tilik"].insert_rows(3, 2)), "ditolak"),
        "baris dihapus.xlsx": (edited(good, lambda wb: wb["Daftar Tilik"].delete_rows(R + 2)), "ditolak"),
        "kolom disisipkan.xlsx": (edited(good, lambda wb: wb["Daftar Tilik"].insert_cols(7)), "ditolak"),
        "rumus ditimpa angka.xlsx": (form(cells={f"H{R}": 55}), "ditolak"),
        "rumus bagi nol.xlsx": (form(cells={f"I{R}": "=1/0"}), "ditolak"),
        "sel gabungan.xlsx": (edited(good, _merge_inputs), "ada"),  # merged-away inputs are empty: K01
        "kode wilayah diubah.xlsx": (form(cells={"L3": "33.74.01.1002"}), "ditolak"),
        "lembar sampah 100rb baris.xlsx": (with_junk_sheet(good), "ada"),
        # typed values
        "persen di sel jumlah.xlsx": (_typed({f"H{J}": "80%"}), "ditolak"),
        "angka indonesia.xlsx": (_typed({f"N{R}": "1.234,5", f"O{R}": "2.000,0"}), "diterima"),
        "angka inggris.xlsx": (_typed({f"O{R}": "1,234.5"}), "diterima"),  # unambiguous English form: 1234.5
        "negatif teks.xlsx": (_typed({f"H{J}": "-5"}), "ditolak"),
        "1e309.xlsx": (_typed({f"H{J}": "1e309"}), "ditolak"),
        "NaN.xlsx": (_typed({f"H{J}": "NaN"}), "ditolak"),
        "tak hingga.xlsx": (_typed({f"H{J}": "∞"}), "ditolak"),
        "tanggal di sel angka.xlsx": (_typed({f"H{J}": "15/07/2024"}), "ditolak"),
        "sel tanggal di sel angka.xlsx": (_typed({f"H{J}": date(2024, 7, 15)}), "ada"),
        "kata di sel angka.xlsx": (_typed({f"H{J}": "lima"}), "ditolak"),
        "angka raksasa.xlsx": (_typed({f"H{J}": 1e20}), "ditolak"),
        "status huruf besar.xlsx": (_typed({f"R{PU}": "YA "}), "ada"),
        "status salah.xlsx": (_typed({f"R{PU}": "mungkin"}), "ditolak"),
        "galat excel diketik.xlsx": (_typed({f"H{J}": "#N/A"}), "diterima"),  # text #N/A = blank (K01)
        "v 1e309 mentah.xlsx": (
            rezipped(_typed({f"H{J}": 987654}), MAIN_SHEET_PART, lambda b: b.replace(b"<v>987654</v>", b"<v>1e309</v>")),
            "ditolak",
        ),  # fmt: skip
        "v NaN mentah.xlsx": (
            rezipped(_typed({f"H{J}": 987654}), MAIN_SHEET_PART, lambda b: b.replace(b"<v>987654</v>", b"<v>NaN</v>")),
            "ditolak",
        ),  # fmt: skip
        # identity and text
        "tahun lain.xlsx": (form(DESA[1], tahun=2023, seed=6), "ada"),
        "tanggal mustahil.xlsx": (_typed({TANGGAL: "31/02/2024"}), "diterima"),
        "opd 40rb karakter.xlsx": (_typed({OPD: "Dinas " + "x" * 40_000}), "ditolak"),
        "keterangan 40rb karakter.xlsx": (_typed({f"L{J}": "catatan " * 5_000}), "ada"),
        "injeksi rumus.xlsx": (
            _typed({OPD: '=HYPERLINK("http://contoh.invalid","klik")', f"L{R}": "=1+1", PETUGAS: "@SUM(A1)"}),
            "ada",
        ),  # fmt: skip
        "karakter kendali.xlsx": (_typed({PETUGAS: "Budi_x000B_Santoso_x0007_", f"L{R}": "a_x0001_b"}), "ada"),
        "kendali mentah.xlsx": (_typed({PETUGAS: "Budi\x0bSantoso"}), "ada"),  # raw control char in the XML
        "workbook kosong dari templat.xlsx": (form(DESA[1], fill=False), "ditolak"),
        # real cells another program writes: an error value, formulas in input cells, a formula replaced
        "sel galat excel.xlsx": (cell_xml(good, f"H{J}", b'<c r="H%d"@S@ t="e"><v>#N/A</v></c>' % J), "ditolak"),
        "rumus di sel isian.xlsx": (cell_xml(good, f"H{J}", b'<c r="H%d"@S@><f>10+5</f><v>15</v></c>' % J), "ada"),
        "rumus tanpa nilai.xlsx": (cell_xml(good, f"H{J}", b'<c r="H%d"@S@><f>10+5</f></c>' % J), "ditolak"),
        "rumus diganti 1 per 0.xlsx": (
            cell_xml(good, f"I{R}", b'<c r="I%d"@S@ t="e"><f>1/0</f><v>#DIV/0!</v></c>' % R),
            "ditolak",
        ),  # fmt: skip
        "rumus capaian diganti.xlsx": (
            cell_xml(good, f"H{R}", b'<c r="H%d"@S@><f>N%d/O%d</f><v>50</v></c>' % (R, R, R)),
            "ditolak",
        ),  # fmt: skip
        "boolean di sel angka.xlsx": (cell_xml(good, f"H{J}", b'<c r="H%d"@S@ t="b"><v>1</v></c>' % J), "ditolak"),
    }
    return files


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "kkb_excel", *args], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=300)  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> tuple[Path, dict[str, tuple[bytes | None, str]]]:
    root = tmp_path_factory.mktemp("cacat") / "kiriman"
    files = corpus()
    for name, (data, _) in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "folder kosong.xlsx").mkdir()  # a directory named like a workbook, with nothing in it
    if os.name != "nt":  # a broken link and a pipe: named, never dropped, and a pipe is never waited on
        (root / "tautan rusak.xlsx").symlink_to(root / "sudah dihapus.xlsx")
        os.mkfifo(root / "pipa.xlsx")
        files = {**files, "tautan rusak.xlsx": (None, "ditolak"), "pipa.xlsx": (None, "ditolak")}
    return root, files


@pytest.fixture(scope="module")
def runs(folder, tmp_path_factory):
    root, _ = folder
    before = {p: sha(p) for p in root.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("hasil")
    validate = cli("validate", str(root), "--json", str(out / "temuan.json"), "--laporan", str(out / "laporan.xlsx"),
                   "--jobs", "2")  # fmt: skip
    consolidate = cli("consolidate", str(root), "-o", str(out / "rekap.xlsx"), "--tingkat", "kabupaten",
                      "--wilayah", "33.74", "--tahun", "2024", "--csv", str(out / "rekap.csv"))  # fmt: skip
    after = {p: sha(p) for p in root.rglob("*") if p.is_file()}
    return validate, consolidate, out, before, after


def test_exit_codes_and_no_traceback(runs):
    validate, consolidate, *_ = runs
    for result in (validate, consolidate):
        assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
        assert "Galat internal" not in result.stdout + result.stderr, (result.stdout + result.stderr)[-3000:]
    assert validate.returncode == 1, validate.stdout[-2000:] + validate.stderr[-2000:]  # some files rejected
    assert consolidate.returncode == 0, consolidate.stdout[-2000:] + consolidate.stderr[-2000:]  # rollup written


def test_inputs_unchanged_and_outputs_written(runs):
    _, _, out, before, after = runs
    assert before == after
    for name in ("temuan.json", "laporan.xlsx", "rekap.xlsx", "rekap.csv"):
        assert (out / name).stat().st_size > 0, name
    assert not list(out.rglob("*.tmp")) and not [p for p in out.rglob("*") if p.name.startswith(".")]


def test_every_file_once_in_the_validation_report_with_its_status(folder, runs):
    root, files = folder
    _, _, out, *_ = runs
    payload = json.loads((out / "temuan.json").read_text(encoding="utf-8"))
    statuses = {}
    for entry in payload["berkas"]:
        name = Path(entry["berkas"]).relative_to(root.name).as_posix()
        assert name not in statuses, f"{name} twice in the report"
        statuses[name] = entry["status"]
    assert set(statuses) == set(files)
    wrong = {n: (statuses[n], want) for n, (_, want) in files.items() if want != "ada" and statuses[n] != want}  # as the Manifest
    assert not wrong


def test_every_file_once_in_the_manifest(folder, runs):
    root, files = folder
    _, consolidate, out, *_ = runs
    rows = list(load_workbook(out / "rekap.xlsx", read_only=True)["Manifest"].iter_rows(values_only=True))
    head = rows[0]
    seen = {}
    for values in rows[1:]:
        row = dict(zip(head, values, strict=False))
        if row.get("Status"):
            name = Path(row["Berkas"]).relative_to(root.name).as_posix()
            assert name not in seen, f"{name} twice in the Manifest"
            seen[name] = row["Status"]
    assert set(seen) == set(files)
    assert set(seen.values()) <= {"diterima", "ditolak", "digantikan", "dilewati"}
    for name, (_, want) in files.items():
        if want == "ditolak":
            assert seen[name] in ("ditolak", "dilewati"), name
        if want == "diterima" and name != "salinan sama persis.xlsx":
            assert seen[name] in ("diterima", "digantikan"), name
    assert f"{len(files)} berkas ditemukan" in consolidate.stdout
    listed = [r[0] for r in load_workbook(out / "rekap.xlsx", read_only=True)["Ditolak"].iter_rows(min_row=2, values_only=True) if r[0]]
    ditolak = sorted(name for name, status in seen.items() if status == "ditolak")
    assert sorted(Path(b).relative_to(root.name).as_posix() for b in listed) == ditolak  # a file never read too (a pipe)


def test_every_bad_file_gets_an_indonesian_message_naming_it_and_its_cell(folder, runs):
    root, files = folder
    _, _, out, *_ = runs
    payload = json.loads((out / "temuan.json").read_text(encoding="utf-8"))
    findings: dict[str, list[dict]] = {}
    for f in payload["temuan"]:
        findings.setdefault(Path(f["berkas"]).relative_to(root.name).as_posix(), []).append(f)
    problems = []
    for name, (_, want) in files.items():
        if want not in ("ditolak", "dilewati"):
            continue
        mine = findings.get(name, [])
        if not mine:
            problems.append(f"{name}: no finding")
            continue
        for f in mine:
            text = f["pesan"]
            if ENGLISH.search(text) or not INDONESIAN.search(text):
                problems.append(f"{name}: not a plain Indonesian message: {text!r}")
    cell_level = {"persen di sel jumlah.xlsx": f"H{J}", "negatif teks.xlsx": f"H{J}", "1e309.xlsx": f"H{J}",
                  "NaN.xlsx": f"H{J}", "tak hingga.xlsx": f"H{J}", "tanggal di sel angka.xlsx": f"H{J}",
                  "kata di sel angka.xlsx": f"H{J}", "angka raksasa.xlsx": f"H{J}", "status salah.xlsx": f"R{PU}",
                  "sel galat excel.xlsx": f"H{J}", "rumus tanpa nilai.xlsx": f"H{J}", "rumus ditimpa angka.xlsx": f"H{R}",
                  "rumus diganti 1 per 0.xlsx": f"I{R}", "rumus capaian diganti.xlsx": f"H{R}",
                  "boolean di sel angka.xlsx": f"H{J}",
                  "rumus bagi nol.xlsx": f"I{R}", "v 1e309 mentah.xlsx": f"H{J}", "v NaN mentah.xlsx": f"H{J}",
                  "opd 40rb karakter.xlsx": OPD}  # fmt: skip
    for name, cell in cell_level.items():
        errors = [f for f in findings.get(name, []) if f["keparahan"] == "galat"]
        if not any(f["sel"] == cell and f["lembar"] == "Daftar Tilik" for f in errors):
            problems.append(f"{name}: no galat at Daftar Tilik!{cell}: {[(f['sel'], f['aturan'], f['pesan']) for f in errors]}")
    assert not problems, "\n".join(problems)


def test_the_console_names_every_rejected_file(folder, runs):
    root, files = folder
    validate, *_ = runs
    for name, (_, want) in files.items():
        if want == "ditolak":
            assert Path(name).name in validate.stdout, name


def test_nothing_from_a_submission_becomes_a_formula_or_control_character(runs):
    _, _, out, *_ = runs
    for name in ("rekap.xlsx", "laporan.xlsx"):
        with zipfile.ZipFile(out / name) as z:
            for part in z.namelist():
                body = z.read(part)
                assert not re.search(rb"<f>[^<]*(HYPERLINK|SUM\(A1\)|1\+1)", body), (name, part)
                assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", body), (name, part)
    text = (out / "rekap.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r"(^|;)[=+@-]HYPERLINK", text, re.M)


def test_annotated_copies_of_defective_files_leave_the_originals_alone(folder, tmp_path):
    """--anotasi over a few kinds of defect (cell, structure, unreadable, huge text): copies written, inputs unchanged.

    (Run apart from the whole corpus: annotating the 100,000-row file alone takes ~10 s through openpyxl.)
    """
    root, _ = folder
    names = ["negatif teks.xlsx", "kolom disisipkan.xlsx", "terpotong.xlsx", "opd 40rb karakter.xlsx", "status salah.xlsx"]
    before = {n: sha(root / n) for n in names}
    out = tmp_path / "koreksi"
    result = CliRunner().invoke(main, ["validate", *(str(root / n) for n in names), "--anotasi", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert {n: sha(root / n) for n in names} == before
    copies = sorted(p.name for p in out.iterdir())
    assert len(copies) == 4, copies  # the unreadable file has no copy; its findings are in the report
    marked = load_workbook(next(out.glob("negatif*")))
    assert marked.sheetnames[0] == "Daftar Perbaikan" and marked["Daftar Tilik"][f"H{J}"].comment is not None


def test_output_folder_that_does_not_exist_yet_is_created(tmp_path):
    """`-o hasil/baru/rekap.xlsx`: the folder is made (as for every other output), not an internal error."""
    folder = tmp_path / "kiriman"
    folder.mkdir()
    (folder / "desa.xlsx").write_bytes(form())
    out = tmp_path / "hasil" / "baru" / "rekap.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out), "--tingkat", "kecamatan", "--tahun", "2024"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "tidak-ada-folder"], "Tidak ditemukan"),
        (["consolidate", "tidak-ada-folder", "-o", "r.xlsx", "--tingkat", "kecamatan", "--tahun", "2024"], "Tidak ditemukan"),
        (["consolidate", ".", "-o", "rekap.csv", "--tingkat", "kecamatan", "--tahun", "2024"], "harus berakhiran .xlsx"),
        (["consolidate", ".", "-o", "r.xlsx", "--tingkat", "desa", "--tahun", "2024"], "kecamatan"),
        (["consolidate", ".", "-o", "r.xlsx", "--tingkat", "kecamatan", "--tahun", "2024", "--wilayah", "99.99"], "99.99"),
    ],
)
def test_usage_errors_exit_2_in_indonesian(tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output


def test_a_workbook_in_another_format_is_told_to_be_saved_as_xlsx(folder, runs):
    root, _ = folder
    _, _, out, *_ = runs
    payload = json.loads((out / "temuan.json").read_text(encoding="utf-8"))
    for name in ("biner.xlsb", "lembar.ods", "ods berakhiran xlsx.xlsx"):
        messages = [f["pesan"] for f in payload["temuan"] if f["berkas"].endswith(name)]
        assert any(".xlsx" in m and "simpan" in m.lower() for m in messages), (name, messages)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_a_file_without_read_permission_is_named_not_a_traceback(tmp_path):
    folder = tmp_path / "kiriman"
    folder.mkdir()
    (folder / "baik.xlsx").write_bytes(form())
    locked = folder / "terkunci.xlsx"
    locked.write_bytes(form(DESA[1], seed=2))
    locked.chmod(0)
    try:
        result = cli("validate", str(folder))
    finally:
        locked.chmod(0o644)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    assert "terkunci.xlsx" in result.stdout + result.stderr


def test_a_negative_pembilang_is_reported_at_the_pembilang_only(tmp_path):
    """Not also as 'Capaian Semester I bernilai negatif (-50)' at the locked formula: a number nobody typed, which
    the Manifest and Ditolak sheets showed as the reason. (A pembilang above its penyebut is V03 and V02 by design.)"""
    path = tmp_path / "pembilang negatif.xlsx"
    path.write_bytes(form(cells={f"N{R}": -5, f"O{R}": 10}))
    result = CliRunner().invoke(main, ["validate", str(path), "--rinci"])
    assert result.exit_code == 1
    assert f"[V01 galat] N{R} " in result.output and f"galat] H{R} " not in result.output, result.output
