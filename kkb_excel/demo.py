"""`kkb-excel demo`: the whole cycle on built-in data for one kabupaten/kota.

generate templates -> OPDs fill them (synthetic, with a few defects, a resubmission, a second OPD
that disagrees, some desa missing) -> validate -> consolidate to kecamatan and kabupaten/kota.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kkb_excel.catalogue import load_catalogue
from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic
from kkb_excel.synthetic import plausible_values, write_synthetic
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import generate, plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell

KODE, TAHUN = "33.74", 2024
MISSING = 9  # desa that never send their workbook
MARKER = ".kkb-demo"  # lists every file a demo run wrote: the only files a later demo run deletes


@dataclass
class DemoResult:
    folders: dict[str, Path]
    files: dict[str, Path]
    lines: list[str]


def _first_rasio_row(tingkat: str) -> int:
    catalogue = load_catalogue()
    return next(row for row, ind in enumerate(catalogue.active, start=FIRST_DATA_ROW)
                if ind.tingkat_pengamatan == tingkat and ind.cara_isi == "rasio")  # fmt: skip


def fill_submissions(out: Path, seed: int = 2024) -> list[str]:
    """The OPDs' returned workbooks; returns what was staged, in words."""
    catalogue = load_catalogue()
    rng = random.Random(seed)
    desa = plan_units([KODE], "desa", TAHUN)
    missing = set(rng.sample([u.kode for u in desa], MISSING))
    sent = [u for u in desa if u.kode not in missing]
    planted = write_synthetic(sent, TAHUN, out, seed=seed, defect_rate=0.04, catalogue=catalogue)
    write_synthetic(plan_units([KODE], None, TAHUN), TAHUN, out, seed=seed + 1, defect_rate=0, catalogue=catalogue)
    blueprint = Blueprint.build("desa", TAHUN, catalogue.targets("desa"), catalogue)
    targets = catalogue.targets("desa")
    # A resubmission: the same desa and OPD, filled again later (the newer one must win).
    again = sent[0]
    cells = plausible_values(catalogue, "desa", rng, targets)
    cells[identity_cell("opd")] = "Pemerintah Desa"
    cells[identity_cell("tanggal")] = date(2024, 12, 20)
    first = plausible_values(catalogue, "desa", random.Random(seed), targets)
    first[identity_cell("opd")] = "Pemerintah Desa"
    first[identity_cell("tanggal")] = date(2024, 7, 10)
    write_atomic(out / again.filename, blueprint.render(again.identity, targets, first))
    write_atomic(out / again.filename.replace(".xlsx", "_revisi.xlsx"), blueprint.render(again.identity, targets, cells))
    # A second OPD for another desa that fills one indicator differently: a conflict to report.
    other = sent[1]
    row = _first_rasio_row("desa")
    second = {identity_cell("opd"): "Puskesmas Pembantu", identity_cell("petugas"): "Nur Aisyah",
              identity_cell("tanggal"): date(2024, 12, 1),
              f"{COL['pembilang_1']}{row}": 1, f"{COL['penyebut_1']}{row}": 10}  # fmt: skip
    write_atomic(out / other.filename.replace(".xlsx", "_puskesmas.xlsx"), blueprint.render(other.identity, targets, second))
    (out / f"~${sent[2].filename}").write_bytes(b"\x00lock")  # an Office lock file left on the shared drive
    defects = sum(1 for p in planted.values() if p)
    return [
        f"{len(sent)} dari {len(desa)} desa/kelurahan mengirim ({MISSING} belum), {defects} kiriman dengan cacat sengaja",
        f"1 kiriman ulang ({again.filename}), 1 OPD kedua yang berbeda nilai ({other.kode}), 1 berkas kunci ~$",
        "1 workbook tingkat kabupaten/kota (indikator yang diamati di kabupaten/kota)",
    ]


def run(out_dir: Path, jobs: int = 2, say: Callable[[str], None] = print) -> DemoResult:
    from kkb_excel.consolidate.model import RunConfig
    from kkb_excel.consolidate.run import consolidate
    from kkb_excel.output import laporan as report_writers
    from kkb_excel.output import rollup_workbook as rollup_writer
    from kkb_excel.output.pdf import find_soffice
    from kkb_excel.read.discover import discover
    from kkb_excel.read.pool import read_all
    from kkb_excel.validators.run import validate_submissions

    folders = {name: out_dir / name for name in ("templat", "kiriman", "validasi", "rekap")}
    clear_previous(out_dir)
    files: dict[str, Path] = {}
    written = 0
    for turunan in ("desa", None):  # nothing is filled at kecamatan: its figures are the rollup
        units = plan_units([KODE], turunan, TAHUN)
        written += len(generate(units, TAHUN, folders["templat"] / (turunan or "kabupaten"), jobs=jobs))
    say(f"1. Templat: {written} workbook daftar tilik -> {folders['templat'].resolve()}")
    staged = fill_submissions(folders["kiriman"])
    say(f"2. Kiriman OPD (sintetis) -> {folders['kiriman'].resolve()}")
    for line in staged:
        say(f"     {line}")
    found = discover([str(folders["kiriman"])])
    subs = read_all(found, jobs)
    report = validate_submissions(subs)
    files["laporan validasi"] = folders["validasi"] / "laporan-validasi.xlsx"
    report_writers.write_xlsx(report, files["laporan validasi"])
    report_writers.write_annotated(report, {f.berkas: f.path for f in found}, folders["validasi"] / "koreksi")
    s = report.summary()
    say(f"3. Validasi: {s['berkas']} berkas, {s['diterima']} diterima, {s['ditolak']} ditolak, {s['dilewati']} dilewati "
        f"-> {files['laporan validasi'].resolve()} (+ salinan bertanda di koreksi/)")  # fmt: skip
    for tingkat in ("kecamatan", "kabupaten"):
        rollup = consolidate(subs, report, RunConfig(tingkat, TAHUN, KODE), {f.berkas: f.path for f in found})
        path = folders["rekap"] / f"rekap-{tingkat}-{KODE}-{TAHUN}.xlsx"
        rollup_writer.write_xlsx(rollup, path)
        rollup_writer.write_csv(rollup, path.with_suffix(".csv"))
        files[f"rekap {tingkat}"] = path
        if tingkat == "kabupaten" and find_soffice():
            rollup_writer.write_pdf(rollup, path.with_suffix(".pdf"))
            files["rekap pdf"] = path.with_suffix(".pdf")
        say(f"4. Rekap {tingkat}: {rollup.accounting()}; {len(rollup.conflicts)} konflik; "
            f"{rollup.missing_desa()} desa/kelurahan belum masuk -> {path.resolve()}")  # fmt: skip
    say("   Lembar Lampiran 4 (rekap yang ditandatangani), Matriks Sem I/II, CSV (format Excel Indonesia)"
        + (f"; PDF Lampiran 4 + Ringkasan -> {files['rekap pdf'].resolve()}" if "rekap pdf" in files else
           "; PDF dilewati: LibreOffice (soffice) tidak terpasang"))  # fmt: skip
    written_files = sorted(str(f.relative_to(out_dir)) for f in out_dir.rglob("*") if f.is_file() and f.name != MARKER)
    write_atomic(out_dir / MARKER, "\n".join(written_files).encode("utf-8"))
    return DemoResult(folders, files, [])


def clear_previous(out_dir: Path) -> None:
    """Delete what an earlier demo run wrote (listed in its marker), nothing else; refuse a folder
    holding anything the demo did not write (it may be someone's real kiriman)."""
    marker = out_dir / MARKER
    if marker.is_file():
        for name in marker.read_text(encoding="utf-8").splitlines():
            target = out_dir / name
            if name and target.is_file() and out_dir.resolve() in target.resolve().parents:
                target.unlink()
        marker.unlink()
        for folder in sorted((d for d in out_dir.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    others = [f for f in out_dir.rglob("*") if f.is_file()] if out_dir.is_dir() else []
    if others:
        raise KkbError(f"Folder {out_dir} berisi {len(others)} berkas yang bukan buatan demo (mis. {others[0]}); "
                       "demo tidak menimpa atau menghapusnya. Pilih folder lain dengan -o.")  # fmt: skip
