"""The command line as a user meets it: Indonesian messages, exit codes, no tracebacks."""

import csv

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kkb_excel.cli import main
from kkb_excel.template.layout import FIRST_DATA_ROW


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_every_command_has_indonesian_help(run):
    for command in ("katalog", "wilayah", "generate", "validate", "consolidate", "addin", "templat", "demo"):
        result = run(command, "-h")
        assert result.exit_code == 0 and "Contoh:" in result.output


def test_katalog_table_and_exports(run, tmp_path):
    result = run("katalog")
    assert result.exit_code == 0 and "S3.Pa.K6.b" in result.output and "71 indikator" in result.output
    assert run("katalog", "-o", str(tmp_path / "k.csv")).exit_code == 0
    with (tmp_path / "k.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 71 and "keputusan" in rows[0]
    assert run("katalog", "--semua", "-o", str(tmp_path / "k.xlsx")).exit_code == 0
    assert load_workbook(tmp_path / "k.xlsx")["Katalog"].max_row == 74
    bad = run("katalog", "-o", str(tmp_path / "k.txt"))
    assert bad.exit_code == 2 and "tidak didukung" in bad.output


def test_wilayah_search(run):
    result = run("wilayah", "semarang")
    assert result.exit_code == 0 and "33.74" in result.output and "ODbL" in result.output
    assert "Semarang Tengah" in run("wilayah", "33.74").output


@pytest.mark.parametrize("args", [
    ("wilayah", "99.99"),
    ("generate", "--wilayah", "99.99", "--tahun", "2024", "-o", "OUT"),
    ("generate", "--wilayah", "33.74.01", "--turunan", "kabupaten", "--tahun", "2024", "-o", "OUT"),
])  # fmt: skip
def test_bad_codes_exit_2_with_indonesian_message(run, tmp_path, args):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = run(*args)
    assert result.exit_code == 2
    assert "Galat:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_generate_with_target_file(run, tmp_path):
    targets = tmp_path / "target.csv"
    targets.write_text("kode_wilayah,kode_indikator,target\n33.74.01.1001,S3.Pa.K2.a,1\n33.74.01.1001,S2.Pa.K3.b,\"60,5\"\n",
                       encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    result = run("generate", "--wilayah", "33.74.01", "--turunan", "desa", "--tahun", "2025", "--target", str(targets), "-o", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == 15 and files[0].name.startswith("daftar-tilik_2025_33.74.01.1001_")
    ws = load_workbook(files[0])["Daftar Tilik"]
    targets_by_code = {ws[f"A{r}"].value: ws[f"G{r}"].value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 71)}
    assert targets_by_code["S3.Pa.K2.a"] == 1 and targets_by_code["S2.Pa.K3.b"] == 60.5
    other = load_workbook(files[1])["Daftar Tilik"]
    assert {other[f"A{r}"].value: other[f"G{r}"].value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 71)}["S2.Pa.K3.b"] == 50.5


def test_bad_target_file_generates_nothing(run, tmp_path):
    targets = tmp_path / "target.csv"
    targets.write_text("kode_wilayah,kode_indikator,target\n33.74.01.1001,S3.Pa.K2.a,satu\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("generate", "--wilayah", "33.74.01.1001", "--tahun", "2024", "--target", str(targets), "-o", str(out))
    assert result.exit_code == 2
    assert "target.csv baris 2" in result.output and "bukan angka" in result.output
    assert not out.exists()


def test_missing_required_option_is_a_usage_error(run):
    result = run("generate", "--wilayah", "33.74")
    assert result.exit_code == 2
    assert "Galat: Opsi wajib belum diisi '--tahun'" in result.output and "Pemakaian:" in result.output


def test_click_help_is_indonesian(run):
    text = run("-h").output
    assert "Opsi:" in text and "Perintah:" in text and "Tampilkan bantuan ini lalu keluar." in text
    assert "Options" not in text and "Show this message" not in text


def test_a_cp1252_console_never_crashes_on_text_it_cannot_show(tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "kiriman_Ŋ.xlsx").write_bytes(b"bukan workbook")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    done = subprocess.run([sys.executable, "-m", "kkb_excel", "validate", str(tmp_path)], capture_output=True, env=env)
    assert b"Traceback" not in done.stderr, done.stderr[-500:]
    assert done.returncode == 1 and b"kiriman_?.xlsx" in done.stdout  # the letter shown as '?', the batch reported


def test_the_collector_restarts_after_a_batch_and_a_command_freezes_what_it_made():
    """paused_gc: no cyclic collection during the batch; after a command's batch (`until_exit`) its objects
    are frozen, so the first collection does not scan them all."""
    import gc

    from kkb_excel.runtime import paused_gc

    before = gc.get_freeze_count()
    with paused_gc():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == before
    with paused_gc(until_exit=True):
        made += [[] for _ in range(1000)]
    try:
        assert gc.isenabled() and gc.get_freeze_count() >= before + 1000
    finally:
        gc.unfreeze()  # the test process goes on as before


def _two_desa(tmp_path, catalogue):
    from consolidate_helpers import four_desa

    folder = four_desa(catalogue, tmp_path / "kiriman")
    for extra in sorted(folder.iterdir())[2:]:
        extra.unlink()
    return folder


def test_an_input_named_as_output_is_refused_before_anything_is_written(run, tmp_path, catalogue):
    folder = _two_desa(tmp_path, catalogue)
    before = sorted(p.name for p in folder.iterdir())
    result = run("consolidate", str(folder), "-o", str(folder / "desa-0.xlsx"), "--tingkat", "kecamatan", "--tahun", "2024")
    assert result.exit_code == 2 and "salah satu berkas masukan" in result.output
    assert sorted(p.name for p in folder.iterdir()) == before  # no cache beside it either


def test_an_output_that_cannot_be_written_is_named_before_any_reading(run, tmp_path, catalogue, monkeypatch):
    from kkb_excel import files
    from kkb_excel.read import reader

    folder = _two_desa(tmp_path, catalogue)
    monkeypatch.setattr(reader, "read_submission", lambda *a, **k: pytest.fail("read before the outputs were checked"))
    not_a_folder = tmp_path / "catatan.txt"
    not_a_folder.write_text("x")
    for args in (("consolidate", str(folder), "-o", str(not_a_folder / "rekap.xlsx"), "--tingkat", "kecamatan", "--tahun", "2024"),
                 ("validate", str(folder), "--json", str(not_a_folder / "temuan.json"))):  # fmt: skip
        result = run(*args)
        said = "".join(result.output.split())  # the console wraps long lines, even inside a path
        assert result.exit_code == 2 and f"Tidakdapatmembuatberkasdifolder{not_a_folder}(" in said
    held = tmp_path / "dibuka-di-excel.xlsx"
    held.write_bytes(b"rekap lama")
    real_open = open

    def open_held(path, *args, **kwargs):  # what Windows does to a workbook Excel holds open
        if str(path) == str(held):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", open_held, raising=False)
    result = run("consolidate", str(folder), "-o", str(held), "--tingkat", "kecamatan", "--tahun", "2024")
    said = "".join(result.output.split())  # the console wraps long lines, even inside a path
    assert result.exit_code == 2 and f"{held}tidakdapatditimpa" in said and "Excel" in said
    assert "Permissiondenied" not in said and held.read_bytes() == b"rekap lama"


def test_a_failed_atomic_write_names_the_file_the_user_chose(tmp_path, monkeypatch):
    from kkb_excel import files

    monkeypatch.setattr(files.os, "replace", lambda *a: (_ for _ in ()).throw(PermissionError(13, "Permission denied", a[0])))
    with pytest.raises(PermissionError) as raised:
        files.write_atomic(tmp_path / "rekap.xlsx", b"isi")
    assert raised.value.filename == str(tmp_path / "rekap.xlsx")
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone
    assert files.os_reason(raised.value).startswith("tidak ada izin")


def test_validate_report_names_say_what_they_hold(run, tmp_path, catalogue):
    folder = _two_desa(tmp_path, catalogue)
    for option, name in (("--laporan", "laporan.csv"), ("--json", "temuan.txt")):
        result = run("validate", str(folder), option, str(tmp_path / name))
        assert result.exit_code == 2 and "harusberakhiran" in "".join(result.output.split()) and not (tmp_path / name).exists()
    assert run("validate", str(folder), "--laporan", str(tmp_path / "laporan"), "--json", str(tmp_path / "temuan")).exit_code == 0
    assert (tmp_path / "laporan.xlsx").is_file() and (tmp_path / "temuan.json").is_file()


def test_annotated_copies_never_go_inside_a_folder_being_checked(run, tmp_path, catalogue):
    folder = _two_desa(tmp_path, catalogue)
    for inside in (folder, folder / "koreksi"):
        result = run("validate", str(folder), "--anotasi", str(inside))
        assert result.exit_code == 2 and "salinanbertandaakanterbaca" in "".join(result.output.split())
    assert sorted(p.name for p in folder.iterdir()) == ["desa-0.xlsx", "desa-1.xlsx"]
    assert run("validate", str(folder), "--anotasi", str(tmp_path / "koreksi")).exit_code == 0


def test_a_console_reader_that_stops_early_ends_the_command_quietly():
    """`kkb-excel ... | head`: no 'Galat: ... (Broken pipe)' and no traceback, exit status 1."""
    import subprocess
    import sys

    code = "from kkb_excel.cli import user_errors; user_errors(lambda: [print('x' * 99) for _ in range(200_000)])()"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1 and err == "", err
