"""Where everything sits in a daftar tilik workbook. Generator and metadata both read this spec."""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATE_ID = "kkb-daftar-tilik"
TEMPLATE_VERSION = "1"

ROLLUP_ID = "kkb-rekap"
ROLLUP_VERSION = "2"  # 2: data sheet of kkb_excel.consolidate.rollup_sheet (all tiers, desa status, files seen)
SHEET_ROLLUP_DATA = "_kkb_rekap"

SHEET_MAIN = "Daftar Tilik"
SHEET_GUIDE = "Petunjuk"
SHEET_META = "_kkb"

TITLE = (
    "DAFTAR TILIK INTEGRASI DAN KONVERGENSI KEGIATAN OPTIMALISASI PENYELENGGARAAN "
    "KAMPUNG KELUARGA BERKUALITAS"
)
TITLE_ROW = 1
SUBTITLE_ROW = 2
GROUP_HEADER_ROW = 14
HEADER_ROW = 15
FIRST_DATA_ROW = 16


@dataclass(frozen=True)
class Column:
    key: str
    letter: str
    header: str
    width: float


COLUMNS = (
    Column("kode", "A", "Kode", 12),
    Column("sasaran", "B", "Sasaran", 20),
    Column("program", "C", "Program", 24),
    Column("kegiatan", "D", "Kegiatan", 28),
    Column("indikator", "E", "Indikator", 46),
    Column("satuan", "F", "Satuan", 14),
    Column("target", "G", "Target", 11),
    Column("capaian_1", "H", "Capaian Semester I", 12),
    Column("persen_1", "I", "% Capaian Sem I", 11),
    Column("capaian_2", "J", "Capaian Semester II", 12),
    Column("persen_2", "K", "% Capaian Sem II", 11),
    Column("keterangan", "L", "Keterangan", 30),
    Column("pembilang_1", "N", "Pembilang Sem I", 12),
    Column("penyebut_1", "O", "Penyebut Sem I", 12),
    Column("pembilang_2", "P", "Pembilang Sem II", 12),
    Column("penyebut_2", "Q", "Penyebut Sem II", 12),
    Column("status_1", "R", "Status Sem I (ya/tidak)", 12),
    Column("status_2", "S", "Status Sem II (ya/tidak)", 12),
)
COL = {c.key: c.letter for c in COLUMNS}
SPACER_COLUMN = "M"
FAMILIAR_LAST = "L"
SUPPORT_FIRST, SUPPORT_LAST = "N", "S"
SEMESTERS = (1, 2)


@dataclass(frozen=True)
class IdentityRow:
    """A line of the identity block: label in A:B, name in C:D, kode wilayah in F (if any)."""

    key: str
    label: str
    row: int
    is_input: bool = False
    kode_key: str | None = None


IDENTITY = (
    IdentityRow("nama_provinsi", "Provinsi", 4, kode_key="kode_provinsi"),
    IdentityRow("nama_kabupaten", "Kabupaten/Kota", 5, kode_key="kode_kabupaten"),
    IdentityRow("nama_kecamatan", "Kecamatan", 6, kode_key="kode_kecamatan"),
    IdentityRow("nama_desa", "Desa/Kelurahan", 7, kode_key="kode_desa"),
    IdentityRow("tingkat_label", "Tingkat", 8),
    IdentityRow("tahun", "Tahun", 9),
    IdentityRow("opd", "OPD/Instansi pengisi", 10, is_input=True),
    IdentityRow("petugas", "Nama petugas", 11, is_input=True),
    IdentityRow("tanggal", "Tanggal pengisian", 12, is_input=True),
)
IDENTITY_BY_KEY = {r.key: r for r in IDENTITY}
IDENTITY_VALUE_COLUMN = "C"
IDENTITY_KODE_LABEL_COLUMN = "E"
IDENTITY_KODE_COLUMN = "F"


def identity_cell(key: str) -> str:
    return f"{IDENTITY_VALUE_COLUMN}{IDENTITY_BY_KEY[key].row}"
