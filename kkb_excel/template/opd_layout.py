"""Where everything sits in an OPD workbook (template `kkb-opd`): generator and reader share this spec."""

from __future__ import annotations

OPD_ID = "kkb-opd"
OPD_VERSION = "1"
SHEET_OPD = "Isian OPD"
TITLE = "DAFTAR TILIK KAMPUNG KELUARGA BERKUALITAS - ISIAN OPD PER DESA/KELURAHAN"
IDENTITY_ROWS = (  # (key, label, is_input), from row 4; value in column B, kode wilayah in column C
    ("nama_provinsi", "Provinsi", False),
    ("nama_kabupaten", "Kabupaten/Kota", False),
    ("tahun", "Tahun", False),
    ("opd", "OPD/Instansi pengisi", True),
    ("petugas", "Nama petugas", True),
    ("tanggal", "Tanggal pengisian", True),
)
FIRST_IDENTITY_ROW = 4
INDICATOR_ROW, SEMESTER_ROW, HEADER_ROW = 11, 12, 13
FIRST_DATA_ROW = 14
DESA_COLUMNS = (("kode_wilayah", "Kode wilayah", 20), ("kecamatan", "Kecamatan", 18), ("desa", "Desa/Kelurahan", 22))
# Value keys typed per semester, by cara isi (a ratio's and a status's capaian are computed from them).
SEMESTER_KEYS = {"rasio": ("pembilang", "penyebut"), "status": ("status",), "angka": ("capaian",)}
# The header of each value column (HEADER_ROW) and of each Keterangan column (SEMESTER_ROW); the reader checks them.
SHORT_LABEL = {"pembilang": "Pembilang", "penyebut": "Penyebut", "status": "Ya/Tidak", "capaian": "Capaian"}
KETERANGAN_LABEL = "Keterangan"
