import pytest
from openpyxl import Workbook

from kkb_excel.errors import TargetFileError
from kkb_excel.targets import load_targets


def write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_indonesian_numbers(tmp_path):
    path = write_csv(tmp_path / "t.csv", "kode_wilayah;kode_indikator;target\n3374011001;S2.Pa.K3.b;62,5\n33.74.01.1001;S3.Pa.K2.a;1\n")
    assert load_targets(path) == {"33.74.01.1001": {"S2.Pa.K3.b": 62.5, "S3.Pa.K2.a": 1.0}}


def test_xlsx_with_numeric_codes(tmp_path):
    wb = Workbook()
    wb.active.append(["kode_wilayah", "kode_indikator", "target"])
    wb.active.append(["33.74", "S2.Pa.K8.a", 1])
    wb.active.append([3374011001, "S2.Pa.K3.b", "55"])
    wb.save(tmp_path / "t.xlsx")
    assert load_targets(tmp_path / "t.xlsx") == {"33.74": {"S2.Pa.K8.a": 1.0}, "33.74.01.1001": {"S2.Pa.K3.b": 55.0}}


def test_every_bad_row_is_reported_with_file_and_row(tmp_path):
    path = write_csv(tmp_path / "bad.csv", "\n".join([
        "kode_wilayah,kode_indikator,target",
        "33.74.01.1001,S2.Pa.K3.b,60",
        "99.99,S2.Pa.K3.b,60",
        "33.74.01.1001,S9.X,60",
        "33.74.01.1001,S2.Pa.K3.c,banyak",
        "33.74.01.1001,S2.Pa.K3.d,-5",
        "33.74.01.1001,S2.Pa.K1.b,90",
    ]) + "\n")
    with pytest.raises(TargetFileError) as info:
        load_targets(path)
    problems = info.value.problems
    assert len(problems) == 5
    assert problems[0].startswith("bad.csv baris 3: kode wilayah '99.99'")
    assert "baris 4" in problems[1] and "S9.X" in problems[1]
    assert "baris 5" in problems[2] and "bukan angka" in problems[2]
    assert "baris 6" in problems[3] and "negatif" in problems[3]
    assert "baris 7" in problems[4] and "tidak aktif" in problems[4]


def test_missing_columns_and_missing_file(tmp_path):
    with pytest.raises(TargetFileError, match="kolom target tidak ada"):
        load_targets(write_csv(tmp_path / "t.csv", "kode_wilayah,kode_indikator\n33,S2.Pa.K3.b\n"))
    with pytest.raises(TargetFileError, match="tidak ditemukan"):
        load_targets(tmp_path / "nope.csv")
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(TargetFileError, match="tidak dapat dibaca"):
        load_targets(tmp_path / "junk.xlsx")
