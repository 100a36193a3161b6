"""The "Petunjuk" sheet: how to fill and return a daftar tilik workbook, in Bahasa Indonesia."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

from kkb_excel import __version__, capaian
from kkb_excel.catalogue import CARA_ISI_LABEL, Catalogue
from kkb_excel.template.layout import FONT_NAME, PAPERS, SHEET_MAIN, SHEET_PRINT, TEMPLATE_ID, TEMPLATE_VERSION, TemplateSpec
from kkb_excel.template.pages import line_count
from kkb_excel.tingkat import LABEL
from kkb_excel.wilayah import ATTRIBUTION

STEPS = (
    "Isi identitas pengisi di bagian atas lembar 'Daftar Tilik': OPD/instansi pengisi, nama petugas dan tanggal "
    "pengisian. Blok tanda tangan di bagian bawah mengambil nama dan tanggal itu; lengkapi jabatan dan NIP.",
    "Isi hanya sel berwarna ungu muda. Sel abu-abu tidak diisi pada tingkat ini; sel biru dihitung otomatis.",
    "Indikator persentase (pembilang/penyebut): isi hanya Pembilang dan Penyebut di kolom 'Data dukung' (kanan "
    "tabel, kolom N-Q). Capaian Semester I/II terhitung otomatis = pembilang / penyebut x 100, dibulatkan 2 desimal; "
    "jangan mengetik persentasenya. Rekap kecamatan/kabupaten dihitung dari jumlah pembilang dibagi jumlah penyebut.",
    "Indikator status: pilih 'ya' atau 'tidak' di kolom Status (R-S); capaian terisi otomatis.",
    "Indikator jumlah: ketik angka capaian Semester I dan II (tanpa satuan). Desimal memakai koma sesuai pengaturan "
    "Excel Anda, misalnya 50,5.",
    "Data yang belum terbit (misalnya data tahunan pada Semester I): pilih 'Belum tersedia' di kolom Keterangan dan "
    "biarkan capaiannya kosong. Jangan menulis 0: nilai 0 berarti capaiannya memang nol.",
    "% capaian dihitung otomatis dengan rumus resmi: polaritas naik = capaian / target x 100; "
    "polaritas turun = (2 x target - capaian) / target x 100 (paling rendah 0). "
    "Kosong bila target atau capaian belum ada.",
    "Target ditetapkan oleh sekretariat dan dikunci. Bila target keliru, hubungi sekretariat.",
    f"Isi semuanya di lembar '{SHEET_MAIN}' (disusun untuk layar: kolom Kode sampai Indikator dan baris judul tabel "
    f"tetap terlihat ketika menggulir). Untuk dicetak dan ditandatangani, buka lembar '{SHEET_PRINT}': Lampiran 4 "
    f"lengkap (F4/A4 mendatar) dengan nilai yang diambil otomatis dari lembar '{SHEET_MAIN}' dan blok tanda tangan; "
    f"kolom Data dukung tidak dicetak. Lembar '{SHEET_PRINT}' tidak diisi.",
    "Simpan berkas tetap dalam format .xlsx dengan nama yang sama, lalu kirim kembali ke sekretariat Kampung KB.",
    "Lembar dilindungi tanpa kata sandi agar struktur tidak berubah. Jangan menghapus, menambah atau memindah baris/kolom.",
)
GUIDE_WIDTH = 100  # column B, characters
FONT_GUIDE = Font(name=FONT_NAME, size=10)


def _band_range(bands, i: int) -> str:
    band = bands[i]
    if band.above is None:
        return f"{bands[i - 1].above:g} ke bawah"
    if i == 0:
        return f"lebih dari {band.above:g}"
    return f"lebih dari {band.above:g} sampai {bands[i - 1].above:g}"


def _line(ws, row: int, text: str, font: Font = FONT_GUIDE, fill: PatternFill | None = None) -> int:
    """Write one wrapped paragraph in column B with an explicit height (no overlap in LibreOffice)."""
    cell = ws.cell(row, 2, text)
    cell.font, cell.alignment = font, Alignment(wrap_text=True, vertical="top")
    if fill is not None:
        cell.fill = fill
    ws.row_dimensions[row].height = 13.5 * line_count(text, GUIDE_WIDTH * 0.8) + 3
    return row + 1


def write_guide(ws, spec: TemplateSpec, catalogue: Catalogue) -> None:
    """Fill the Petunjuk sheet (protected, read-only, one portrait page)."""
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = GUIDE_WIDTH
    ws["A1"].value = "PETUNJUK PENGISIAN DAFTAR TILIK KAMPUNG KELUARGA BERKUALITAS"
    ws["A1"].font = Font(name=FONT_NAME, size=12, bold=True)
    ws["A2"].value = f"Tingkat {LABEL[spec.tingkat]} - Tahun {spec.tahun}"
    ws["A2"].font = Font(name=FONT_NAME, size=10, bold=True)
    row = 4
    for number, text in enumerate(STEPS, start=1):
        ws.cell(row, 1, number).font = FONT_GUIDE
        ws.cell(row, 1).alignment = Alignment(vertical="top")
        row = _line(ws, row, text)
    bold = Font(name=FONT_NAME, size=10, bold=True)
    annual = [i for i in catalogue.active if i.tahunan and i.tingkat_pengamatan == spec.tingkat]
    if annual:
        row = _line(ws, row + 1, "Indikator data tahunan (sering 'Belum tersedia' pada Semester I):", bold)
        for ind in annual:
            row = _line(ws, row, f"- {ind.kode}: {ind.indikator}")
    row = _line(ws, row + 1, "Kategori % capaian (Permendagri 86/2017):", bold)
    bands = capaian.SCHEMES[capaian.DEFAULT_SCHEME]
    for i, band in enumerate(bands):
        row = _line(ws, row, f"{band.label}: {_band_range(bands, i)}", fill=PatternFill("solid", fgColor=band.fill))
    row = _line(ws, row + 1, "Cara pengisian per jenis indikator:", bold)
    for key, label in CARA_ISI_LABEL.items():
        row = _line(ws, row, f"- {key}: {label}")
    about = (
        f"Templat {TEMPLATE_ID} versi {TEMPLATE_VERSION}, katalog indikator {catalogue.version}, "
        f"dibuat dengan kkb-excel {__version__}. Target bawaan: Lampiran 4 (target 2022) bila tidak ditetapkan lain."
    )
    muted = Font(name=FONT_NAME, size=9, italic=True, color="595959")
    row = _line(ws, row + 1, about, muted)
    _line(ws, row, ATTRIBUTION, muted)
    paper = PAPERS[spec.kertas]
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = paper.code
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 2
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:B{row}"
    ws.protection.sheet = True
