"""The `kkb-excel` command line: a thin click layer over the library. Messages in Bahasa Indonesia."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from kkb_excel import __version__
from kkb_excel.cli_bahasa import use_bahasa_indonesia
from kkb_excel.errors import KkbError
from kkb_excel.files import check_writable, os_reason
from kkb_excel.runtime import paused_gc

use_bahasa_indonesia()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
COMMAND = {"context_settings": CONTEXT, "options_metavar": "[OPSI]"}
# Piped output (files, CI logs) gets a wide page instead of rich's 80-column default.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, highlight=False)


class CliError(click.ClickException):
    """A user-facing error: 'Galat: ...' on stderr and exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        err_console.print(f"[bold red]Galat:[/] {self.format_message()}", markup=True, highlight=False)


def user_errors(func):
    """Turn library errors into a clean Indonesian message with exit status 2 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KkbError as exc:
            raise CliError(str(exc)) from None
        except BrokenPipeError:  # the console's reader stopped early (| head): nothing more can be said there
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            raise CliError(f"Berkas/folder tidak dapat diakses: {exc.filename or ''} ({os_reason(exc)})") from None

    return wrapper


def progress_bar(total: int):
    """A rich progress bar (each task shows its description) that stays quiet for small jobs and in non-terminal output."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, disable=total < 50 or not err_console.is_terminal, transient=True,
    )  # fmt: skip


@click.group(context_settings=CONTEXT, options_metavar="[OPSI]", subcommand_metavar="PERINTAH [ARGUMEN]...")
@click.version_option(__version__, "--version", message="kkb-excel %(version)s")
def main() -> None:
    """kkb-excel: daftar tilik Kampung Keluarga Berkualitas (Lampiran 4) di Excel.

    Membuat templat daftar tilik, memvalidasi kiriman OPD, merekap berjenjang (desa sampai
    nasional), menyiapkan fungsi KKB_* untuk analis, serta menampilkan katalog indikator dan
    referensi kode wilayah Kemendagri. Mulai dengan: kkb-excel demo
    """
    survive_any_console()


def survive_any_console() -> None:
    """A Windows console or pipe in cp1252 must not crash on a desa name or OPD text it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


@main.command(**COMMAND)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Ekspor ke berkas .csv atau .xlsx.")
@click.option("--semua", is_flag=True, help="Sertakan baris tidak aktif (duplikat palsu, placeholder).")
@click.option("--opd", "show_opd", is_flag=True, help="Tampilkan pemetaan indikator -> kementerian/lembaga -> OPD.")
@click.option("--peta-opd", type=click.Path(dir_okay=False, path_type=Path), help="Dengan --opd: pemetaan OPD kabupaten.")
@user_errors
def katalog(output: Path | None, semua: bool, show_opd: bool, peta_opd: Path | None) -> None:
    """Tampilkan katalog indikator Lampiran 4, atau ekspor ke CSV/XLSX.

    Contoh: kkb-excel katalog --output katalog.xlsx   |   kkb-excel katalog --opd
    """
    if show_opd:
        _katalog_opd(peta_opd)
        return
    from kkb_excel.catalogue import load_catalogue
    from kkb_excel.output import catalogue_export

    cat = load_catalogue()
    if output:
        count = catalogue_export.export(output, include_inactive=semua)
        console.print(f"Katalog ({count} indikator, versi {cat.version}) ditulis ke {output}")
        return
    table = Table(title=f"Katalog indikator Lampiran 4 (versi {cat.version})", box=box.SIMPLE_HEAD)
    table.add_column("Kode", no_wrap=True)
    table.add_column("Indikator", ratio=1)
    table.add_column("Satuan", max_width=12, overflow="fold")
    for header in ("Target", "Pol.", "Isi", "Tingkat"):
        table.add_column(header, no_wrap=True)
    rows = cat.all if semua else cat.active
    for ind in rows:
        target = "" if ind.target_2022 is None else f"{ind.target_2022:g}"
        kode = ind.kode if ind.aktif else f"{ind.kode} (tidak aktif)"
        satuan = "%" if ind.persentase else ind.satuan
        table.add_row(kode, ind.indikator, satuan, target, ind.polaritas, ind.cara_isi, ind.tingkat_pengamatan)
    console.print(table)
    console.print(f"{len(rows)} indikator. Ekspor lengkap (termasuk catatan keputusan): kkb-excel katalog -o katalog.xlsx")


def _katalog_opd(peta_opd: Path | None) -> None:
    from kkb_excel.catalogue import load_catalogue
    from kkb_excel.opd import desa_indicators, load_opd_map

    cat = load_catalogue()
    opd_map = load_opd_map(peta_opd, cat)
    desa = {i.kode for i in desa_indicators(cat)}
    table = Table(title="Pemetaan indikator -> kementerian/lembaga -> OPD", box=box.SIMPLE_HEAD)
    for header in ("Kode", "Indikator", "Kementerian/Lembaga", "OPD", "Tingkat", "Keyakinan"):
        table.add_column(header, ratio=1 if header == "Indikator" else None, no_wrap=header == "Kode")
    for ind in cat.active:
        tingkat = ind.tingkat_pengamatan + ("" if ind.kode in desa else " (tanpa workbook OPD)")
        table.add_row(ind.kode, ind.indikator, opd_map.kl.get(ind.kode, "-"), opd_map.opd.get(ind.kode, "-"), tingkat,
                      opd_map.keyakinan.get(ind.kode, "-"))  # fmt: skip
    console.print(table)
    console.print(f"OPD dengan workbook isian per desa: {', '.join(opd_map.names(cat))}")


@main.command(**COMMAND)
@click.argument("cari")
@click.option("--batas", default=50, show_default=True, help="Jumlah hasil maksimum (0 = semua).")
@user_errors
def wilayah(cari: str, batas: int) -> None:
    """Cari kode wilayah Kemendagri berdasarkan nama atau awalan kode.

    Contoh: kkb-excel wilayah semarang   |   kkb-excel wilayah 33.74
    """
    from kkb_excel.tingkat import LABEL
    from kkb_excel.wilayah import ATTRIBUTION, load_wilayah, looks_like_kode

    index = load_wilayah()
    if looks_like_kode(cari):
        index.get(cari)  # an unknown code is an error, not an empty list
    found = index.search(cari, limit=None)
    if not found:
        raise CliError(f"Tidak ada wilayah yang cocok dengan '{cari}'.")
    shown = found if batas <= 0 else found[:batas]
    table = Table(title=f"Wilayah yang cocok dengan '{cari}'")
    for header in ("Kode", "Nama", "Tingkat", "Induk"):
        table.add_column(header)
    for w in shown:
        parents = ", ".join(p.nama for p in reversed(index.parents(w.kode)))
        table.add_row(w.kode, w.nama, w.jenis if w.tingkat == "desa" else LABEL[w.tingkat], parents)
    console.print(table)
    more = f" (ditampilkan {len(shown)}; pakai --batas 0 untuk semua)" if len(shown) < len(found) else ""
    console.print(f"{len(found)} wilayah{more}. {ATTRIBUTION}")


@main.command(**COMMAND)
@click.option("--wilayah", "wilayah_codes", multiple=True, required=True, metavar="KODE",
              help="Kode wilayah Kemendagri (boleh diulang), misalnya 33.74.")  # fmt: skip
@click.option("--turunan", type=click.Choice(["desa", "kecamatan", "kabupaten"]),
              help="Buat satu berkas per wilayah turunan pada tingkat ini (tanpa opsi: satu berkas untuk kode itu).")  # fmt: skip
@click.option("--tahun", type=click.IntRange(2020, 2100), required=True, help="Tahun pelaporan.")
@click.option("--target", "target_file", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV/XLSX dengan kolom kode_wilayah, kode_indikator, target.")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Jumlah proses paralel.")
@click.option("--kertas", type=click.Choice(["f4", "a4"]), default="f4", show_default=True,
              help="Ukuran kertas cetak (mendatar): F4/Folio 215x330 mm atau A4.")  # fmt: skip
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder tujuan.")  # fmt: skip
@click.option("--opd", "opd_names", multiple=True, metavar="NAMA",
              help="Workbook isian OPD (semua desa/kelurahan sebagai baris) untuk OPD ini (boleh diulang).")  # fmt: skip
@click.option("--per-opd", is_flag=True, help="Workbook isian OPD untuk setiap OPD yang mengisi indikator tingkat desa.")
@click.option("--peta-opd", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV/XLSX pemetaan OPD kabupaten: kolom opd dan kode_indikator atau kementerian_lembaga.")  # fmt: skip
@click.option("--isi-dari", "isi_dari", multiple=True, metavar="PATH",
              help="Isi awal workbook desa dengan nilai yang sudah dilaporkan OPD (folder/berkas kiriman; dikunci).")  # fmt: skip
@click.option("--timpa", is_flag=True, help="Timpa berkas yang sudah ada (tanpa opsi ini: berhenti bila ada).")
@user_errors
def generate(wilayah_codes, turunan, tahun, target_file, jobs, kertas, out_dir, opd_names, per_opd, peta_opd, isi_dari, timpa) -> None:
    """Buat workbook daftar tilik, satu per unit pelaporan (atau, dengan --opd/--per-opd, satu per OPD).

    Tingkat tanpa indikator yang diisi (kecamatan) tidak dibuatkan daftar tilik: angkanya adalah rekap.

    Contoh: kkb-excel generate --wilayah 33.74 --turunan desa --tahun 2024 -o templat/
    |  kkb-excel generate --wilayah 33.74 --opd "Dinas Kesehatan" --tahun 2024 -o isian-opd/
    """
    if opd_names or per_opd:
        written = _generate_opd(wilayah_codes, turunan, tahun, opd_names, peta_opd, jobs, out_dir, timpa)
        console.print(f"{len(written)} workbook isian OPD ditulis ke {out_dir.resolve()}")
        return
    if isi_dari:
        _generate_prefilled(wilayah_codes, turunan, tahun, target_file, jobs, out_dir, isi_dari, kertas, timpa)
        return
    written = _generate(wilayah_codes, turunan, tahun, target_file, jobs, out_dir, kertas, timpa)
    console.print(f"{len(written)} workbook daftar tilik ditulis ke {out_dir.resolve()}")


def _generate_prefilled(wilayah_codes, turunan, tahun, target_file, jobs, out_dir, isi_dari, kertas, timpa) -> None:
    from kkb_excel.catalogue import load_catalogue
    from kkb_excel.targets import load_targets
    from kkb_excel.template import prefill
    from kkb_excel.template.generate import nothing_to_fill_message, plan_units, split_fillable
    from kkb_excel.wilayah import load_wilayah

    catalogue, index = load_catalogue(), load_wilayah()
    overrides = load_targets(target_file) if target_file else {}
    units, empty = split_fillable(plan_units(wilayah_codes, turunan, tahun, index), catalogue)
    if empty and not units:
        raise CliError(nothing_to_fill_message(empty))
    with paused_gc():
        collected = prefill.collect(list(isi_dari), tahun, catalogue, index, jobs)
    written = prefill.generate_prefilled(units, tahun, out_dir, collected, catalogue, overrides, kertas, timpa)
    filled = sum(1 for u in units if u.kode in collected.given)
    console.print(f"{len(written)} workbook daftar tilik ditulis ke {out_dir.resolve()}; {filled} diisi awal dari kiriman OPD "
                  f"(nilai dikunci); {len(collected.conflicts)} isian dibiarkan kosong karena nilai antar-OPD berbeda.")  # fmt: skip


def _generate_opd(wilayah_codes, turunan, tahun, opd_names, peta_opd, jobs, out_dir, timpa) -> list[Path]:
    from kkb_excel.catalogue import load_catalogue
    from kkb_excel.opd import load_opd_map
    from kkb_excel.template.generate import plan_units
    from kkb_excel.template.opd_workbook import generate_opd

    catalogue = load_catalogue()
    opd_map = load_opd_map(peta_opd, catalogue)
    opds = [opd_map.find(name, catalogue) for name in opd_names] or opd_map.names(catalogue)
    units = plan_units(wilayah_codes, turunan, tahun)
    with progress_bar(len(units) * len(opds)) as bar:
        task = bar.add_task("Membuat workbook OPD", total=len(units) * len(opds))
        return generate_opd(units, opds, tahun, out_dir, opd_map, jobs, progress=lambda n: bar.advance(task, n), timpa=timpa)


def _generate(wilayah_codes, turunan, tahun, target_file, jobs, out_dir, kertas="f4", timpa=False) -> list[Path]:
    from kkb_excel.targets import load_targets
    from kkb_excel.template import generate as gen

    overrides = load_targets(target_file) if target_file else {}
    units, empty = gen.split_fillable(gen.plan_units(wilayah_codes, turunan, tahun))
    if empty and not units:
        raise CliError(gen.nothing_to_fill_message(empty))
    if empty:
        err_console.print(f"Peringatan: {gen.nothing_to_fill_message(empty)}")
    planned = {u.kode for u in units}
    unused = sorted(k for k in overrides if k not in planned)
    if unused:
        err_console.print(f"Peringatan: target untuk {len(unused)} wilayah di luar cakupan diabaikan (mis. {unused[0]}).")
    with progress_bar(len(units)) as bar:
        task = bar.add_task("Membuat workbook", total=len(units))
        return gen.generate(units, tahun, out_dir, overrides, jobs, progress=lambda n: bar.advance(task, n), kertas=kertas, timpa=timpa)


@main.command(**COMMAND)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--laporan", type=click.Path(dir_okay=False, path_type=Path), help="Tulis laporan .xlsx (Ringkasan, Berkas, Temuan).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Tulis temuan sebagai JSON.")
@click.option("--anotasi", type=click.Path(file_okay=False, path_type=Path),
              help="Folder salinan bertanda: sel bermasalah diwarnai dan diberi komentar (berkas asli tidak diubah).")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Jumlah proses paralel.")
@click.option("--rinci", is_flag=True, help="Tampilkan juga setiap temuan di konsol.")
@user_errors
def validate(paths, laporan, json_path, anotasi, jobs, rinci) -> None:
    """Periksa workbook daftar tilik yang dikirim OPD dan buat daftar perbaikan per sel.

    PATH boleh berkas, folder (termasuk subfolder) atau pola glob. Status keluar: 0 bila semua berkas
    diterima, 1 bila ada berkas ditolak, 2 untuk kesalahan pemakaian atau berkas/folder tidak dapat
    diakses, 3 bila terjadi galat internal kkb-excel (lihat temuan X01).

    Contoh: kkb-excel validate kiriman/ --laporan laporan.xlsx --anotasi koreksi/ -j 2
    """
    from kkb_excel.output.names import output_path
    from kkb_excel.read.discover import discover

    laporan = output_path(laporan, ".xlsx", "--laporan") if laporan else None
    json_path = output_path(json_path, ".json", "--json") if json_path else None
    files = discover(list(paths))
    if not files:
        raise CliError("Tidak ada berkas yang ditemukan pada PATH yang diberikan.")
    if anotasi:
        _outside_inputs(anotasi, paths)
    for path in (laporan, json_path, anotasi / "salinan bertanda" if anotasi else None):  # the folder's own check
        if path is not None:
            check_writable(path)
    try:
        report = _validate(files, laporan, json_path, anotasi, jobs, rinci)
    except (KkbError, OSError):
        raise
    except Exception as exc:  # a crash must never look like "some files were rejected"
        err_console.print(f"Galat internal kkb-excel: {type(exc).__name__}: {exc}", markup=False)
        sys.exit(3)
    sys.exit(report.exit_status())


def _outside_inputs(folder: Path, paths) -> None:
    """--anotasi inside a folder being checked is refused: its copies would be read as submissions next time."""
    target = folder.resolve()
    for given in paths:
        root = Path(given).resolve()
        if root.is_dir() and (target == root or root in target.parents):
            raise KkbError(f"--anotasi {folder} berada di dalam folder kiriman {given}: salinan bertanda akan terbaca sebagai "
                           f"kiriman pada run berikutnya. Pilih folder di luar {given}.")  # fmt: skip


def _validate(files, laporan, json_path, anotasi, jobs, rinci):
    from kkb_excel.output import laporan as out
    from kkb_excel.read.pool import read_all
    from kkb_excel.validators.run import validate_submissions

    with paused_gc(until_exit=True), progress_bar(len(files)) as bar:  # validated here: one pandas import, not one per worker
        task = bar.add_task("Membaca berkas", total=len(files))
        submissions = read_all(files, jobs, progress=lambda n: bar.advance(task, n))
        submissions = out.skip_own_reports(submissions, files, {"--laporan": laporan, "--json": json_path})
        report = validate_submissions(submissions)
    lines = []
    for result in report.files:
        lines.append(out.file_line(result))
        if rinci:
            lines.extend(f"    [{f.aturan} {f.keparahan}] {f.sel or ''} {f.pesan}" for f in result.findings)
    lines.append(out.summary_line(report))
    click.echo("\n".join(lines))
    if laporan:
        cut = out.write_xlsx(report, laporan)
        console.print(f"Laporan: {laporan}", markup=False)
        if cut:
            err_console.print(f"Peringatan: {cut} teks melebihi 32.767 karakter dan dipotong di laporan.", markup=False)
    if json_path:
        out.write_json(report, json_path)
        console.print(f"JSON: {json_path}", markup=False)
    if anotasi:
        from kkb_excel.output.per_file import per_file  # an OPD workbook's rows annotate one copy

        written = out.write_annotated(per_file(report), {f.berkas: f.path for f in files}, anotasi)
        console.print(f"{len(written)} salinan bertanda di {anotasi}", markup=False)
    return report


def internal_errors(func):
    """An unexpected error: a short message and exit status 3 (a bug to report, not a usage error)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence of a command
            err_console.print(f"[bold red]Galat internal:[/] {type(exc).__name__}: {exc}. Mohon laporkan ke pengelola kkb-excel.",
                              markup=True, highlight=False)  # fmt: skip
            sys.exit(3)

    return wrapper


@main.command(**COMMAND)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="ROLLUP.xlsx yang ditulis.")
@click.option("--tingkat", type=click.Choice(["kecamatan", "kabupaten", "provinsi", "nasional"]), required=True,
              help="Tingkat tertinggi rekap.")  # fmt: skip
@click.option("--wilayah", "wilayah_code", metavar="KODE", help="Batasi pada wilayah ini (misalnya 33.74).")
@click.option("--tahun", type=click.IntRange(2020, 2100), required=True)
@click.option("--semester", type=click.IntRange(1, 2), help="Hanya semester ini (tanpa opsi: semester I dan II).")
@click.option("--target", "target_file", type=click.Path(dir_okay=False, path_type=Path), help="CSV/XLSX target per wilayah.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--parquet", type=click.Path(dir_okay=False, path_type=Path), help="Rekaman panjang untuk analis (.parquet).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Rekaman panjang untuk analis (.csv; satu baris per wilayah x indikator x semester, dengan tahun, "
                   "semester, tingkat dan cakupan).")  # fmt: skip
@click.option("--csv-format", type=click.Choice(["indonesia", "standar"]), default="indonesia", show_default=True,
              help="indonesia: pemisah ';', desimal ',', UTF-8 dengan BOM (langsung dibuka Excel berbahasa Indonesia); "
                   "standar: pemisah ',', desimal '.', UTF-8 tanpa BOM (pandas, R, Power Query).")  # fmt: skip
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Lampiran 4 rekap (dengan blok tanda tangan) dan Ringkasan sebagai PDF; perlu LibreOffice.")
@click.option("--kertas", type=click.Choice(["f4", "a4"]), default="f4", show_default=True,
              help="Ukuran kertas cetak (lanskap): f4 = Folio 215 x 330 mm, a4 = 210 x 297 mm.")
@click.option("--tanpa-cache", is_flag=True,
              help="Baca ulang semua berkas (tanpa cache hasil baca di samping rekap, NAMA.kkb-cache).")  # fmt: skip
@internal_errors
@user_errors
def consolidate(paths, output, tingkat, wilayah_code, tahun, semester, target_file, jobs, parquet, csv_path, csv_format, pdf_path,
                kertas, tanpa_cache) -> None:
    """Rekap berjenjang daftar tilik (desa -> kecamatan -> kabupaten/kota -> provinsi -> nasional).

    Membaca, memvalidasi, menyaring kiriman ganda, lalu menjumlahkan sesuai aturan agregasi tiap
    indikator (persentase = jumlah pembilang / jumlah penyebut). Setiap berkas tercatat di Manifest.
    Status keluar: 0 bila rekap ditulis, 1 bila tidak ada kiriman yang diterima (rekap tidak
    ditulis; penyebabnya dicetak), 2 untuk kesalahan pemakaian, berkas tidak dapat diakses atau rekap
    masukan yang usang, 3 untuk galat internal.

    Hasil baca setiap berkas disimpan di samping rekap (NAMA.kkb-cache): menjalankan ulang hanya
    membaca berkas yang isinya berubah atau baru.

    Contoh: kkb-excel consolidate kiriman/ -o rekap-33.74.xlsx --tingkat kabupaten --wilayah 33.74 --tahun 2024
    """
    from kkb_excel.consolidate.model import RunConfig
    from kkb_excel.consolidate.run import consolidate as run
    from kkb_excel.consolidate.run import nothing_accepted, refuse_input_as_output
    from kkb_excel.memo import open_memo
    from kkb_excel.output import rollup_workbook as rollup_writer
    from kkb_excel.read.cache import cache_path, read_cached
    from kkb_excel.read.discover import discover
    from kkb_excel.targets import load_targets

    output, csv_path, parquet, pdf_path = _rollup_outputs(output, csv_path, parquet, pdf_path)
    _never_over(target_file, "--target", (output, csv_path, parquet, pdf_path))
    overrides = load_targets(target_file) if target_file else {}
    store = None if tanpa_cache else cache_path(output)
    outputs = tuple(p for p in (output, csv_path, parquet, pdf_path, cache_path(output)) if p)
    config = RunConfig(tingkat, tahun, wilayah_code, semester, overrides, outputs)
    files = discover(list(paths))
    refuse_input_as_output(output, files)
    for path in outputs:  # before an hour of reading, not after
        check_writable(path)
    with paused_gc(until_exit=True), progress_bar(len(files)) as bar:
        task = bar.add_task("Membaca berkas", total=len(files))
        submissions, report, cached = read_cached(files, store, jobs, progress=lambda n: bar.advance(task, n))
        bar.update(task, visible=False)  # a nasional run adds up and writes for a minute or more: say so
        step = bar.add_task("Menjumlahkan per wilayah", total=None)
        memo = open_memo(store)  # the previous run's sums and rows of units whose inputs are unchanged
        try:
            rollup = run(submissions, report, config, {f.berkas: f.path for f in files}, memo=memo)
            why = nothing_accepted(rollup)
            if why is None:
                bar.update(step, description=f"Menulis {output.name}")
                rollup_writer.write_xlsx(rollup, output, paper=kertas, jobs=jobs, memo=memo)
                memo.save()
        finally:
            memo.close()
    click.echo(rollup.accounting())
    if store is not None:
        click.echo(f"{cached.line()} {memo.line()}")
    if why is not None:
        click.echo(f"Tidak ada rekap ditulis. {why}", err=True)
        sys.exit(1)
    if csv_path:
        rollup_writer.write_csv(rollup, csv_path, fmt=csv_format)
    if parquet:
        rollup_writer.write_parquet(rollup, parquet)
    if pdf_path:
        rollup_writer.write_pdf(rollup, pdf_path, paper=kertas)
    lines = [
        rollup.units_summary(),
        f"Rekap: {output}" + (f"; CSV: {csv_path}" if csv_path else "") + (f"; Parquet: {parquet}" if parquet else "")
        + (f"; PDF: {pdf_path}" if pdf_path else ""),
    ]
    click.echo("\n".join(lines))


def _never_over(source: Path | None, option: str, outputs) -> None:
    """An input file named again as an output is refused before anything is written (inputs are never modified)."""
    if source is None:
        return
    same = os.path.normcase(os.path.abspath(source))
    if any(path is not None and os.path.normcase(os.path.abspath(path)) == same for path in outputs):
        raise KkbError(f"{source} adalah berkas {option} (masukan); keluaran tidak boleh menimpanya. Pilih nama lain.")


def _rollup_outputs(output, csv_path, parquet, pdf_path):
    """Output names checked before any work: the right extension added or a mismatch refused; --pdf needs LibreOffice."""
    from kkb_excel.output.names import output_path
    from kkb_excel.output.pdf import INSTALL_HINT, find_soffice

    if pdf_path and find_soffice() is None:
        raise KkbError(INSTALL_HINT)
    named = [(output, ".xlsx", "--output"), (csv_path, ".csv", "--csv"), (parquet, ".parquet", "--parquet"), (pdf_path, ".pdf", "--pdf")]
    return [output_path(path, ext, option) if path else None for path, ext, option in named]


@main.command(**COMMAND)
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("workbooks/templates"), show_default=True, help="Folder templat kanonik.")  # fmt: skip
@click.option("--tahun", type=click.IntRange(2020, 2100), default=2024, show_default=True)
@user_errors
def templat(out_dir: Path, tahun: int) -> None:
    """Tulis ulang templat kosong kanonik (desa/kelurahan, kabupaten/kota, provinsi; kertas F4).

    Contoh: kkb-excel templat -o workbooks/templates
    """
    from kkb_excel.template.canonical import write_canonical

    for path in write_canonical(out_dir, tahun):
        console.print(f"ditulis: {path}")


@main.command(**COMMAND)
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("kkb-demo"), show_default=True, help="Folder hasil demo.")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=2, show_default=True)
@internal_errors
@user_errors
def demo(out_dir: Path, jobs: int) -> None:
    """Jalankan seluruh siklus dengan data bawaan untuk Kota Semarang (33.74).

    Membuat templat, mengisi kiriman OPD sintetis (dengan beberapa cacat, kiriman ulang, OPD yang
    berbeda nilai, desa yang belum mengirim), memvalidasi, lalu merekap ke kecamatan dan kabupaten/kota.

    Contoh: kkb-excel demo -o kkb-demo
    """
    from kkb_excel import demo as demo_lib

    click.echo(f"Demo kkb-excel: siklus daftar tilik Kota Semarang (33.74), tahun {demo_lib.TAHUN}")
    demo_lib.run(out_dir, jobs, say=click.echo)
    click.echo(f"Selesai. Semua hasil ada di {out_dir.resolve()}")


@main.command(**COMMAND)
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("kkb-addin"), show_default=True, help="Folder tujuan.")  # fmt: skip
@click.option("--lite", is_flag=True, help="Tulis modul personal/kkb_fungsi.py untuk xlwings Lite (Excel web/Mac/365).")
@click.option("--nama", default="kkb_analis", show_default=True, help="Nama workbook makro (.xlsm).")
@user_errors
def addin(out_dir: Path, lite: bool, nama: str) -> None:
    """Siapkan fungsi lembar kerja KKB_* (KKB_CAPAIAN, KKB_KATEGORI, ...) untuk analis.

    Tanpa --lite: workbook makro xlwings (.xlsm) dengan "UDF Modules" = kkb_excel.udfs dan
    interpreter Python tempat kkb-excel terpasang. Jalankan di komputer tempat Excel dipakai.
    Dengan --lite: modul personal/kkb_fungsi.py untuk xlwings Lite, di samping main.py Anda.

    Contoh: kkb-excel addin -o analis/   |   kkb-excel addin --lite -o analis/
    """
    if lite:
        from kkb_excel.addin.lite import IMPORT_LINE, write_lite

        path = write_lite(out_dir)
        console.print(f"ditulis: {path.resolve()}")
        console.print("Langkah berikut: xlwings Lite > Menu > Files > Import/Export, seret folder "
                      f"{path.parent.resolve()}, lalu Menu > Restart. main.py Anda tidak diubah.")  # fmt: skip
        console.print(f"Untuk memakai fungsinya di kode main.py: {IMPORT_LINE}")
        return
    from kkb_excel.addin.classic import write_classic

    for path in write_classic(out_dir, nama):
        console.print(f"ditulis: {path.resolve()}")
    console.print(f"Interpreter: {sys.executable}")
    console.print("Langkah berikut (Windows): xlwings addin install; Trust Center > centang \"Trust access to the "
                  f"VBA project object model\"; buka {nama}.xlsm; tab xlwings > Import Functions.")  # fmt: skip


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
