"""Where everything sits in a daftar tilik workbook. Generator, metadata and reader all read this spec."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kkb_excel.catalogue import Indicator

TEMPLATE_ID = "kkb-daftar-tilik"
TEMPLATE_VERSION = "2"
# Versions the reader still accepts: version 1 (ratio % typed by hand) is located through the same
# `_kkb` metadata, so forms already handed out in the field keep working.
READABLE_TEMPLATE_VERSIONS = ("1", "2")

ROLLUP_ID = "kkb-rekap"
ROLLUP_VERSION = "2"  # 2: data sheet of kkb_excel.consolidate.rollup_sheet (all tiers, desa status, files seen)
SHEET_ROLLUP_DATA = "_kkb_rekap"

SHEET_MAIN = "Daftar Tilik"  # where OPD staff type (the reader reads this sheet only)
SHEET_PRINT = "Cetak"  # Lampiran 4 as printed and signed, values taken from SHEET_MAIN
SHEET_GUIDE = "Petunjuk"
SHEET_META = "_kkb"

TITLE = (
    "DAFTAR TILIK INTEGRASI DAN KONVERGENSI KEGIATAN OPTIMALISASI PENYELENGGARAAN "
    "KAMPUNG KELUARGA BERKUALITAS"
)
SOURCE_NOTE = "Lampiran 4 Pedoman Optimalisasi Penyelenggaraan Kampung Keluarga Berkualitas 2023"
# Cells OPD staff type into are lilac in every form: no kategori colour (green, yellow, orange, red) looks like it.
INPUT_COLOUR = "D5C6EE"
TITLE_ROW = 1
HEADER_ROW = 5
FIRST_DATA_ROW = 6

# Fonts are set on every cell (and on the Normal style) so Excel, LibreOffice and WPS agree:
# Arial is on every Windows/macOS machine; LibreOffice substitutes the metric-identical Liberation Sans.
FONT_NAME = "Arial"
FONT_SIZE = 9  # table text; printed at >= 90 % scale, i.e. >= 8.1 pt on paper
TITLE_SIZE = 11
LINE_PT = 11.5  # height of one wrapped line of FONT_SIZE text, in points
CHAR_PX = 6.3  # average width of one FONT_SIZE character, in pixels at 100 % zoom


@dataclass(frozen=True)
class Column:
    key: str
    letter: str
    header: str
    width: float


COLUMNS = (
    Column("kode", "A", "Kode", 9),
    Column("sasaran", "B", "Sasaran", 10),
    Column("program", "C", "Program", 12),
    Column("kegiatan", "D", "Kegiatan", 22),
    Column("indikator", "E", "Indikator", 36),
    Column("satuan", "F", "Satuan", 10),
    Column("target", "G", "Target", 8),
    Column("capaian_1", "H", "Capaian Semester I", 9),
    Column("persen_1", "I", "% Capaian Sem I", 8),
    Column("capaian_2", "J", "Capaian Semester II", 9),
    Column("persen_2", "K", "% Capaian Sem II", 8),
    Column("keterangan", "L", "Keterangan", 14),
    Column("pembilang_1", "N", "Pembilang Sem I", 10),
    Column("penyebut_1", "O", "Penyebut Sem I", 10),
    Column("pembilang_2", "P", "Pembilang Sem II", 10),
    Column("penyebut_2", "Q", "Penyebut Sem II", 10),
    Column("status_1", "R", "Status Sem I (ya/tidak)", 10),
    Column("status_2", "S", "Status Sem II (ya/tidak)", 10),
)
COL = {c.key: c.letter for c in COLUMNS}
WIDTH = {c.key: c.width for c in COLUMNS}  # on paper (the Cetak sheet): Lampiran 4 at >= 8 pt on A4/F4
# On screen (the input sheet): a 1,366 px wide laptop shows A-L; Indikator is wide enough for one or two
# lines, the group labels narrow (their start shows, the whole text is in the Cetak sheet).
SCREEN_WIDTH = {
    **WIDTH, "sasaran": 7, "program": 7, "kegiatan": 18, "indikator": 64, "satuan": 16, "keterangan": 14,
    "pembilang_1": 11, "penyebut_1": 11, "pembilang_2": 11, "penyebut_2": 11, "status_1": 12, "status_2": 12,
}  # fmt: skip
SPACER_COLUMN = "M"
FAMILIAR_LAST = "L"
SUPPORT_FIRST, SUPPORT_LAST = "N", "S"
# Frozen on screen: the short rows down to the table header and the columns up to Indikator, so the
# name of the indicator stays beside every cell being filled, also in the support columns N-S.
FREEZE = f"F{FIRST_DATA_ROW}"
SEMESTERS = (1, 2)


@dataclass(frozen=True)
class Field:
    """An identity field: label over `label_cols`, value over `value_cols` (first..last letter)."""

    key: str
    label: str
    row: int
    label_cols: tuple[str, str]
    value_cols: tuple[str, str]
    is_input: bool = False
    kode_key: str | None = None
    kode_col: str | None = None

    @property
    def cell(self) -> str:
        return f"{self.value_cols[0]}{self.row}"


IDENTITY = (
    Field("nama_provinsi", "Provinsi", 2, ("A", "B"), ("C", "D"), kode_key="kode_provinsi", kode_col="E"),
    Field("nama_kabupaten", "Kabupaten/Kota", 2, ("F", "G"), ("H", "K"), kode_key="kode_kabupaten", kode_col="L"),
    Field("nama_kecamatan", "Kecamatan", 3, ("A", "B"), ("C", "D"), kode_key="kode_kecamatan", kode_col="E"),
    Field("nama_desa", "Desa/Kelurahan", 3, ("F", "G"), ("H", "K"), kode_key="kode_desa", kode_col="L"),
    Field("opd", "OPD/Instansi pengisi", 4, ("A", "B"), ("C", "E"), is_input=True),
    Field("petugas", "Nama petugas", 4, ("F", "G"), ("H", "J"), is_input=True),
    Field("tanggal", "Tanggal", 4, ("K", "K"), ("L", "L"), is_input=True),
)
IDENTITY_BY_KEY = {f.key: f for f in IDENTITY}


# Values shown in the heading rather than in a field of their own (tingkat and tahun come from metadata).
SHOWN_IN_HEADING = {"tingkat_label": f"I{TITLE_ROW}", "tahun": f"I{TITLE_ROW}"}


def identity_cell(key: str) -> str:
    """Where an identity value is shown (the heading cell for tingkat and tahun)."""
    return SHOWN_IN_HEADING[key] if key in SHOWN_IN_HEADING else IDENTITY_BY_KEY[key].cell


@dataclass(frozen=True)
class Paper:
    """A landscape print set-up: Excel paperSize code, sheet size in mm, and a fixed print scale."""

    key: str
    label: str
    code: int
    short_mm: float
    long_mm: float
    scale: int  # percent; FONT_SIZE x scale is the text size on paper


# Excel has no "F4" code; its "Folio" (paperSize 14, 8.5 x 13 in = 216 x 330 mm) is the F4 of
# Indonesian offices. The Lampiran 4 columns A-L fit A4 at 90 % and F4 at 95 %.
PAPERS = {
    "f4": Paper("f4", "F4/Folio 215 x 330 mm", 14, 215.9, 330.2, 95),
    "a4": Paper("a4", "A4 210 x 297 mm", 9, 210.0, 297.0, 90),
}
DEFAULT_PAPER = "f4"
MARGIN_IN = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.55, "header": 0.25, "footer": 0.25}

# Who signs "Mengetahui" on a daftar tilik of each tingkat (Pedoman: desa -> kecamatan -> kab/kota ...).
MENGETAHUI = {
    "desa": "Kepala Desa/Lurah",
    "kecamatan": "Camat",
    "kabupaten": "Kepala OPD KB Kabupaten/Kota",
    "provinsi": "Kepala OPD KB Provinsi",
    "nasional": "Kepala BKKBN",
}


# Identity fields every workbook carries; `kode_wilayah`/`nama_wilayah` name the unit itself.
IDENTITY_FIELDS = (
    "kode_wilayah", "nama_wilayah",
    "kode_provinsi", "nama_provinsi", "kode_kabupaten", "nama_kabupaten",
    "kode_kecamatan", "nama_kecamatan", "kode_desa", "nama_desa",
)  # fmt: skip


@dataclass(frozen=True)
class TemplateSpec:
    """Everything that decides a workbook's content."""

    tingkat: str
    tahun: int
    identity: dict[str, str]
    targets: dict[str, float | None] = field(default_factory=dict)
    kertas: str = DEFAULT_PAPER


def indicator_labels(indicator: Indicator) -> dict[str, str]:
    """The Lampiran 4 texts of a row as the form prints them: '1. Sasaran', '1a. Program', '1) Kegiatan', 'a) Indikator'."""
    letter = indicator.kode.rsplit(".", 1)[1]
    return {
        "sasaran": f"{indicator.sasaran_no}. {indicator.sasaran}",
        "program": f"{indicator.program_kode}. {indicator.program}",
        "kegiatan": f"{indicator.kegiatan_no}) {indicator.kegiatan}",
        "indikator": f"{letter}) {indicator.indikator}",
    }
