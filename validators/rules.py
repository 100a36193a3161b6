"""Every validation rule: a stable code, its severity and a short Indonesian title.

Errors (galat) block acceptance; warnings (peringatan) and notes (info) do not. Codes never change
meaning; a retired rule keeps its code unused.
"""

from __future__ import annotations

from dataclasses import dataclass

GALAT = "galat"
PERINGATAN = "peringatan"
INFO = "info"


@dataclass(frozen=True)
class Rule:
    code: str
    keparahan: str
    judul: str


_RULES = [
    # Structure (S): is this a daftar tilik workbook we can trust?
    Rule("S01", GALAT, "Berkas tidak dapat dibaca sebagai workbook Excel"),
    Rule("S02", GALAT, "Workbook dilindungi kata sandi"),
    Rule("S03", GALAT, "Bukan daftar tilik kkb-excel"),
    Rule("S04", GALAT, "Versi templat tidak didukung"),
    Rule("S05", PERINGATAN, "Workbook makro (.xlsm): makro diabaikan"),
    Rule("S06", PERINGATAN, "Format lama .xls: rumus tidak dapat diperiksa"),
    Rule("S07", INFO, "Berkas kunci Office (~$) atau berkas sistem dilewati"),
    Rule("S08", GALAT, "Berkas terlalu besar atau tidak wajar"),
    Rule("S09", GALAT, "Lembar daftar tilik hilang atau diganti nama"),
    Rule("S10", GALAT, "Baris indikator berubah (dihapus, disisipkan atau dipindah)"),
    Rule("S11", GALAT, "Rumus terkunci diubah atau ditimpa"),
    Rule("S12", GALAT, "Nilai galat Excel di sel"),
    Rule("S13", PERINGATAN, "Katalog indikator versi lain"),
    Rule("S14", INFO, "Berkas rekap kkb-excel, bukan kiriman daftar tilik (dilewati)"),
    # Identity (I): who reports, for which wilayah and year.
    Rule("I01", GALAT, "Kode wilayah tidak dikenal"),
    Rule("I02", GALAT, "Kode wilayah tidak sesuai tingkat"),
    Rule("I03", PERINGATAN, "Nama wilayah tidak sesuai kode"),
    Rule("I04", GALAT, "Tahun tidak wajar"),
    Rule("I05", GALAT, "OPD/instansi pengisi kosong"),
    Rule("I06", PERINGATAN, "Nama petugas atau tanggal pengisian kosong/tidak sah"),
    # Numbers typed by people (N).
    Rule("N01", GALAT, "Bukan angka"),
    Rule("N02", PERINGATAN, "Penulisan angka ambigu (dibaca cara Indonesia)"),
    # Values (V).
    Rule("V01", GALAT, "Nilai negatif"),
    Rule("V02", GALAT, "Persentase di luar 0-100"),
    Rule("V03", GALAT, "Pembilang melebihi penyebut"),
    Rule("V04", GALAT, "Persentase tidak sesuai pembilang/penyebut"),
    Rule("V05", GALAT, "Status harus 'ya' atau 'tidak'"),
    Rule("V06", PERINGATAN, "Capaian Semester II lebih kecil dari Semester I (indikator kumulatif)"),
    Rule("V07", PERINGATAN, "Capaian lebih dari 3 x target"),
    Rule("V08", PERINGATAN, "Target 0 tetapi capaian lebih dari 0"),
    Rule("V09", PERINGATAN, "Pembilang/penyebut kosong: rekap tidak dapat memakai persentase ini"),
    Rule("V10", PERINGATAN, "Isian di sel yang tidak diisi pada tingkat ini (diabaikan)"),
    # Completeness (K).
    Rule("K01", PERINGATAN, "Isian wajib belum lengkap"),
    Rule("K02", GALAT, "Tidak ada capaian yang diisi"),
]
RULES = {r.code: r for r in _RULES}
SEVERITY_ORDER = {GALAT: 0, PERINGATAN: 1, INFO: 2}
