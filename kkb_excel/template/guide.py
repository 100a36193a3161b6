"""The "Petunjuk" sheet: how to fill and return a daftar tilik workbook, in Bahasa Indonesia."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font, PatternFill

from kkb_excel import __version__, capaian
from kkb_excel.catalogue import CARA_ISI_LABEL, Catalogue
from kkb_excel.template.layout import TEMPLATE_ID, TEMPLATE_VERSION
from kkb_excel.tingkat import LABEL
from kkb_excel.wilayah import ATTRIBUTION

if TYPE_CHECKING:
    from kkb_excel.template.workbook import TemplateSpec

STEPS = (
    "Isi identitas pengisi pada lembar 'Daftar Tilik': OPD/instansi pengisi, nama petugas dan tanggal pengisian.",
    "Isi hanya sel berwarna kuning. Sel abu-abu tidak diisi pada tingkat ini; sel biru dihitung otomatis.",
    "Capaian Semester I dan II diisi dengan angka (tanpa satuan, tanpa tanda %). Desimal memakai koma "
    "sesuai pengaturan Excel Anda, misalnya 50,5.",
    "Untuk indikator persentase, isi juga pembilang dan penyebut di kolom 'Data dukung' (kanan tabel): "
    "rekap kecamatan/kabupaten dihitung dari jumlah pembilang dibagi jumlah penyebut, bukan rata-rata persentase.",
    "Untuk indikator status, pilih 'ya' atau 'tidak' pada kolom Status; capaian terisi otomatis.",
    "% capaian dihitung otomatis dengan rumus resmi: polaritas naik = capaian / target x 100; "
    "polaritas turun = (2 x target - capaian) / target x 100 (paling rendah 0). "
    "Kosong bila target atau capaian belum ada.",
    "Target ditetapkan oleh sekretariat dan dikunci. Bila target keliru, hubungi sekretariat; jangan mengubah struktur lembar.",
    "Tulis penjelasan (kendala, sumber data) di kolom Keterangan.",
    "Simpan berkas tetap dalam format .xlsx dengan nama yang sama, lalu kirim kembali ke sekretariat Kampung KB.",
    "Lembar dilindungi tanpa kata sandi agar struktur tidak berubah. Jangan menghapus, menambah atau memindah baris/kolom.",
)


def _band_range(bands, i: int) -> str:
    band = bands[i]
    if band.above is None:
        return f"{bands[i - 1].above:g} ke bawah"
    if i == 0:
        return f"lebih dari {band.above:g}"
    return f"lebih dari {band.above:g} sampai {bands[i - 1].above:g}"


def write_guide(ws, spec: TemplateSpec, catalogue: Catalogue) -> None:
    """Fill the Petunjuk sheet (protected, read-only)."""
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 110
    ws["A1"].value = "PETUNJUK PENGISIAN DAFTAR TILIK KAMPUNG KELUARGA BERKUALITAS"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"].value = f"Tingkat {LABEL[spec.tingkat]} - Tahun {spec.tahun}"
    row = 4
    for number, text in enumerate(STEPS, start=1):
        ws.cell(row, 1, number)
        ws.cell(row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    ws.cell(row, 2, "Kategori % capaian (Permendagri 86/2017):").font = Font(bold=True)
    row += 1
    bands = capaian.SCHEMES[capaian.DEFAULT_SCHEME]
    for i, band in enumerate(bands):
        cell = ws.cell(row, 2, f"{band.label}: {_band_range(bands, i)}")
        cell.fill = PatternFill("solid", fgColor=band.fill)
        row += 1
    row += 1
    ws.cell(row, 2, "Cara pengisian per jenis indikator:").font = Font(bold=True)
    row += 1
    for key, label in CARA_ISI_LABEL.items():
        ws.cell(row, 2, f"- {key}: {label}")
        row += 1
    if spec.tingkat == "kecamatan":
        row += 1
        ws.cell(row, 2, "Tingkat kecamatan tidak mengamati indikator sendiri; lembar ini untuk rekap desa/kelurahan.")
        row += 1
    row += 1
    about = (
        f"Templat {TEMPLATE_ID} versi {TEMPLATE_VERSION}, katalog indikator {catalogue.version}, "
        f"dibuat dengan kkb-excel {__version__}. Target bawaan: Lampiran 4 (target 2022) bila tidak ditetapkan lain."
    )
    ws.cell(row, 2, about).font = Font(italic=True, color="595959")
    ws.cell(row + 1, 2, ATTRIBUTION).font = Font(italic=True, color="595959")
    ws.protection.sheet = True
