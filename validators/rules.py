"""Every validation rule: a stable code, its severity, a short Indonesian title and a message template.

Errors (galat) block acceptance; warnings (peringatan) and notes (info) do not. Codes never change
meaning; a retired rule keeps its code unused. Every rule has a message template, which
fills the rule's template (as frictionless-py's `Error.template`): the wording lives here, once;
`kkb_excel.findings.finding()` is the one way to make a finding from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from string import Formatter


class Keparahan(StrEnum):
    GALAT = "galat"
    PERINGATAN = "peringatan"
    INFO = "info"


class Status(StrEnum):
    DITERIMA = "diterima"
    DITOLAK = "ditolak"
    DILEWATI = "dilewati"


GALAT, PERINGATAN, INFO = Keparahan.GALAT, Keparahan.PERINGATAN, Keparahan.INFO


@dataclass(frozen=True)
class Rule:
    code: str
    keparahan: Keparahan
    judul: str
    template: str

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in Formatter().parse(self.template) if name)

    def message(self, **fields: str) -> str:
        """The template filled with already-displayed values."""
        return self.template.format(**fields)


_RULES = [
    # Structure (S): is this a daftar tilik workbook we can trust?
    Rule("S01", GALAT, "Berkas tidak dapat dibaca sebagai workbook Excel", "Berkas tidak dapat dibaca: {sebab}."),
    Rule("S02", GALAT, "Workbook dilindungi kata sandi", "Workbook dilindungi kata sandi pembuka; kirim ulang tanpa kata sandi."),
    Rule("S03", GALAT, "Bukan daftar tilik kkb-excel", "Workbook ini bukan daftar tilik kkb-excel ({sebab})."),
    Rule("S04", GALAT, "Versi templat tidak didukung", "{jenis} versi {versi}; kkb-excel ini membaca versi {versi_dukung}. {saran}"),
    Rule("S05", PERINGATAN, "Workbook makro (.xlsm): makro diabaikan",
         "Workbook bermakro: nilai dibaca, makro diabaikan. Simpan sebagai .xlsx."),
    Rule("S06", PERINGATAN, "Format lama .xls: rumus tidak dapat diperiksa",
         "Format Excel 97-2003 (.xls): nilai dibaca, rumus tidak dapat diperiksa. Simpan sebagai .xlsx."),
    Rule("S07", INFO, "Berkas kunci Office (~$) atau berkas sistem dilewati", "{jenis}, bukan kiriman; dilewati."),
    Rule("S08", GALAT, "Berkas terlalu besar atau tidak wajar", "{sebab}; tidak dibaca."),
    Rule("S09", GALAT, "Lembar daftar tilik hilang atau diganti nama",
         "Lembar '{lembar_dicari}' tidak ditemukan (lembar yang ada: {lembar_ada})."),
    Rule("S10", GALAT, "Baris indikator berubah (dihapus, disisipkan atau dipindah)",
         "Baris {baris} seharusnya {isi}, berisi '{nilai}'; kembalikan urutan baris templat asli."),
    Rule("S11", GALAT, "Rumus terkunci diubah atau ditimpa", "Rumus {kolom} di {sel} {perubahan}; kembalikan dari templat asli."),
    Rule("S12", GALAT, "Nilai galat Excel di sel", "Sel berisi galat Excel {nilai}; ganti dengan angka atau kosongkan."),
    Rule("S13", PERINGATAN, "Katalog indikator versi lain", "Dibuat dengan katalog {versi}; katalog sekarang {versi_sekarang}."),
    Rule("S14", INFO, "Berkas rekap kkb-excel, bukan kiriman daftar tilik (dilewati)",
         "Rekap hasil kkb-excel consolidate; periksa kiriman daftar tilik aslinya, bukan rekapnya."),
    Rule("S15", GALAT, "Kolom atau baris disisipkan/dihapus pada tabel",
         "{sebab}; kembalikan templat asli (jangan menyisipkan atau menghapus kolom/baris)."),
    Rule("S16", GALAT, "Metadata tersembunyi atau sel terkunci diubah (segel tidak cocok)",
         "Segel templat tidak cocok: {sebab}. Isian tidak dipakai; isi ulang templat asli dari sekretariat."),
    Rule("S17", PERINGATAN, "Isian di lembar lain diabaikan",
         "Lembar '{lembar_salinan}' berisi {jumlah} isian yang tidak dibaca; hanya lembar '{lembar_dicari}' yang dibaca."),
    Rule("S18", PERINGATAN, "Isian di luar area yang dibaca diabaikan",
         "{jumlah} nilai di luar kolom dan baris isian tidak dibaca ({contoh}); pindahkan ke sel isiannya bila itu data."),
    # Identity (I): who reports, for which wilayah and year.
    Rule("S19", PERINGATAN, "Bukan workbook Excel (dilewati)", "{sebab}; dilewati."),
    Rule("S20", INFO, "Rekap disimpan ulang di program lain",
         "Rekap ini disimpan ulang di program lain ({disimpan}; dibuat kkb-excel {dibuat}); yang dibaca hanya lembar data "
         "tersembunyi, jadi ubahan di lembar yang terlihat, bila ada, tidak dipakai."),
    Rule("I01", GALAT, "Kode wilayah tidak dikenal", "Kode wilayah {kode} tidak ada dalam referensi Kemendagri."),
    Rule("I02", GALAT, "Kode wilayah tidak sesuai tingkat", "Kode wilayah {kode} bukan wilayah tingkat {tingkat}."),
    Rule("I03", PERINGATAN, "Nama wilayah tidak sesuai kode",
         "Nama wilayah '{nilai}' tidak sesuai kode {kode} (referensi Kemendagri: '{nama_referensi}')."),
    Rule("I04", GALAT, "Tahun tidak wajar", "Tahun {nilai} tidak wajar (yang diterima {dari}-{sampai})."),
    Rule("I05", GALAT, "OPD/instansi pengisi kosong", "OPD/instansi pengisi belum diisi."),
    Rule("I06", PERINGATAN, "Nama petugas kosong", "Nama petugas belum diisi."),
    Rule("I07", GALAT, "Blok identitas tidak sesuai metadata templat",
         "{kolom} pada blok identitas '{nilai}' tidak sesuai templat ('{seharusnya}'); kembalikan isian aslinya."),
    Rule("I08", PERINGATAN, "Nama berkas menyebut wilayah lain",
         "Nama berkas menyebut kode wilayah {kode_berkas}, tetapi isinya untuk {kode}; periksa apakah berkas tertukar."),
    Rule("I09", PERINGATAN, "Tanggal pengisian kosong atau bukan tanggal",
         "Tanggal pengisian {keadaan}; tulis seperti 15/07/2024. Tanpa tanggal, kiriman ini kalah dari kiriman bertanggal."),
    Rule("I10", PERINGATAN, "Tanggal pengisian di luar tahun pelaporan",
         "Tanggal pengisian {tanggal} di luar tahun pelaporan {tahun}."),
    Rule("I11", PERINGATAN, "Tanggal pengisian di masa depan",
         "Tanggal pengisian {tanggal} belum terjadi (hari ini {hari_ini}); perbaiki tanggalnya. Sampai diperbaiki, kiriman ini "
         "kalah dari kiriman bertanggal."),
    Rule("I12", GALAT, "Teks terlalu panjang", "{kolom} berisi {panjang} karakter; paling banyak {batas}."),
    # Numbers typed by people (N).
    Rule("N01", GALAT, "Bukan angka", "'{nilai}' bukan angka."),
    Rule("N02", PERINGATAN, "Penulisan angka ambigu (dibaca cara Indonesia)",
         "'{nilai}' dibaca sebagai {dibaca} ({cara})."),
    Rule("N03", INFO, "Rumus di sel isian: nilai tersimpannya dipakai",
         "Sel isian berisi rumus '={rumus}'{tautan}; nilai tersimpannya {nilai} dipakai. Sebaiknya ketik angkanya."),
    Rule("N04", GALAT, "Rumus di sel isian tanpa nilai tersimpan",
         "Sel isian berisi rumus '={rumus}'{tautan} tanpa nilai tersimpan; buka dan simpan berkas di Excel, atau ketik angkanya."),
    Rule("N05", INFO, "Persen diketik dengan tanda %", "'{nilai}%' (format persen Excel) dibaca sebagai {dibaca}."),
    Rule("N06", PERINGATAN, "Tanda '-' atau 'nihil' dibaca kosong, bukan 0",
         "'{nilai}' dibaca sebagai kosong (tidak dihitung), bukan 0."),
    # Values (V).
    Rule("V01", GALAT, "Nilai negatif", "{kolom} bernilai negatif ({nilai})."),
    Rule("V02", GALAT, "Persentase di luar 0-100", "Persentase {nilai} di luar 0-100."),
    Rule("V03", GALAT, "Pembilang melebihi penyebut", "Pembilang {pembilang} melebihi penyebut {penyebut}."),
    Rule("V04", GALAT, "Persentase tidak sesuai pembilang/penyebut",
         "Persentase {nilai} tidak sesuai pembilang/penyebut {pembilang}/{penyebut} = {rasio} (toleransi {toleransi} poin)."),
    Rule("V05", GALAT, "Status harus 'ya' atau 'tidak'", "Status '{nilai}' tidak sah; isi 'ya' atau 'tidak'."),
    Rule("V06", PERINGATAN, "Capaian Semester II lebih kecil dari Semester I (indikator kumulatif)",
         "Capaian Semester II ({nilai}) lebih kecil dari Semester I ({capaian_1}) padahal indikator ini kumulatif."),
    Rule("V07", PERINGATAN, "Capaian lebih dari 3 x target", "Capaian {nilai} lebih dari 3 x target {target}; periksa kembali."),
    Rule("V08", PERINGATAN, "Target 0 tetapi capaian lebih dari 0", "Target 0 tetapi capaian {nilai}."),
    Rule("V09", PERINGATAN, "Pembilang/penyebut kosong: rekap tidak dapat memakai persentase ini",
         "Persentase {nilai} diisi tanpa pembilang/penyebut Semester {semester}; isi keduanya agar dapat direkap."),
    Rule("V10", PERINGATAN, "Isian di sel yang tidak diisi pada tingkat ini (diabaikan)",
         "Isian {kolom} ({nilai}) di sel abu-abu diabaikan: {sebab}."),
    Rule("V11", GALAT, "Nilai tidak wajar untuk satuannya",
         "{kolom} {nilai} tidak wajar untuk satuan {satuan} (paling banyak {batas}); periksa salah ketik."),
    Rule("V12", PERINGATAN, "Jumlah bukan bilangan bulat",
         "{kolom} berisi {nilai}, padahal yang dihitung ({satuan}) selalu utuh; nilai ini tetap dipakai dalam rekap."),
    Rule("V13", PERINGATAN, "Keterangan 'Belum tersedia' padahal kedua semester sudah diisi",
         "Keterangan '{nilai}' padahal Semester I dan II sudah diisi; nilai yang diisi dipakai dalam rekap."),
    # Completeness (K).
    Rule("K01", PERINGATAN, "Isian wajib belum lengkap", "{kosong} dari {wajib} isian wajib kosong: {sel_kosong}."),
    Rule("K02", GALAT, "Tidak ada capaian yang diisi", "Belum ada capaian yang diisi; workbook dikirim kosong."),
    # Internal (X): the checker itself failed on this file; the batch goes on.
    Rule("X01", GALAT, "Galat internal kkb-excel",
         "Galat internal kkb-excel saat memeriksa berkas ini ({jenis}: {galat}); laporkan ke pengembang. Berkas lain tetap diperiksa."),
]  # fmt: skip
RULES = {r.code: r for r in _RULES}
SEVERITY_ORDER = {GALAT: 0, PERINGATAN: 1, INFO: 2}
INTERNAL = "X01"


_ADVICE = {  # what the clerk should do, where the message itself does not say it
    "S": "Isi ulang templat asli dari sekretariat (jangan mengubah lembar, baris, kolom atau rumus), lalu kirim ulang.",
    "I": "Perbaiki blok identitas di bagian atas lembar Daftar Tilik.",
    "N": "Ketik angka saja, cara Indonesia (mis. 50,5 atau 12.800), tanpa teks lain.",
    "V": "Periksa angka di sel ini terhadap data sumbernya, lalu perbaiki.",
    "K": "Isi semua sel ungu muda (isian) indikator yang diamati; bila data belum ada, pilih 'Belum tersedia' di Keterangan.",
    "X": "Laporkan ke sekretariat/pengembang kkb-excel; berkas ini belum dapat diperiksa.",
    "S05": "Simpan ulang sebagai .xlsx (File > Save As > Excel Workbook).",
    "S06": "Simpan ulang sebagai .xlsx (File > Save As > Excel Workbook).",
    "S07": "Tidak perlu tindakan.",
    "S13": "Tidak perlu tindakan bila isian benar; templat baru dapat diminta ke sekretariat.",
    "S17": "Pindahkan isian ke lembar Daftar Tilik, lalu hapus lembar salinannya.",
    "S20": "Bila angka rekap perlu diubah, perbaiki kiriman asalnya lalu buat ulang rekap dengan kkb-excel consolidate.",
    "S19": "Bila ini kiriman, minta OPD mengirim ulang sebagai .xlsx (File > Save As > Excel Workbook); "
           "bila bukan, pindahkan dari folder kiriman.",
    "S18": "Bila itu data, ketik di sel isian indikatornya; bila bukan, hapus.",
    "I08": "Pastikan berkas ini memang untuk wilayah yang tertulis di blok identitas.",
    "I09": "Ketik tanggal pengisian seperti 15/07/2024.",
    "I10": "Periksa tahun pada tanggal pengisian.",
    "I11": "Ketik tanggal pengisian yang benar (hari ini atau sebelumnya).",
    "N03": "Ganti rumus dengan angkanya.",
    "N04": "Buka dan simpan berkas di Excel, atau ganti rumus dengan angkanya.",
    "N06": "Ketik 0 bila nihil; bila datanya belum ada, kosongkan dan pilih 'Belum tersedia' di Keterangan.",
    "N05": "Tidak perlu tindakan; lain kali ketik angkanya tanpa tanda %.",
    "V02": "Isi persentase antara 0 dan 100.",
    "V03": "Pembilang tidak boleh lebih besar dari penyebut.",
    "V05": "Pilih 'ya' atau 'tidak' dari daftar.",
    "V09": "Isi pembilang dan penyebut indikator ini.",
    "V10": "Hapus isian di sel abu-abu ini.",
    "V11": "Periksa salah ketik (angka nol berlebih, tempel dari aplikasi lain).",
    "V12": "Periksa tanda desimal: titik memisahkan ribuan (1.234) dan koma menandai desimal (1,5); ketik jumlah tanpa desimal.",
    "V13": "Bila data sudah tersedia, hapus keterangan 'Belum tersedia'; bila belum, kosongkan isiannya.",
}


def advice(code: str) -> str:
    """What to do about a finding of this rule (for the Daftar Perbaikan sheet)."""
    return _ADVICE.get(code) or _ADVICE[code[0]]
