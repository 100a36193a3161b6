"""The KKB_* worksheet functions as Excel sees them (xlwings @func; Excel names = Python names).

Classic xlwings: set "UDF Modules" to `kkb_excel.udfs` and click Import Functions; the functions
appear in Excel's function wizard under the category KKB with a description per argument.
xlwings Lite: `kkb-excel addin --lite` writes kkb_fungsi.py holding this same source.
Every argument is read with err_to_str, so an error cell arrives as "#DIV/0!" in both runtimes.
"""

import xlwings as xw

from kkb_excel.udfs import core

CATEGORY = "KKB"
ERR = {"err_to_str": True}
CAPAIAN = "Nilai capaian (angka; teks '50,5' atau '80%' juga diterima)."
TARGET = "Target indikator (angka >= 0); kosong atau 0 memberi sel kosong."
POLARITAS = "Opsional: 'naik' (bawaan, makin besar makin baik) atau 'turun'."
DESIMAL = "Opsional: jumlah desimal pembulatan seperti ROUND, 0 sampai 10 (bawaan 2)."
KODE = "Kode indikator katalog, huruf besar/kecil bebas, misalnya S3.Pa.K6.b."
SKEMA = "Opsional: skema kategori, 'permendagri86' (bawaan) atau 'tercapai'."


@xw.func(category=CATEGORY)
@xw.arg("capaian", doc=CAPAIAN, **ERR)
@xw.arg("target", doc=TARGET, **ERR)
@xw.arg("polaritas", doc=POLARITAS, **ERR)
@xw.arg("desimal", doc=DESIMAL, **ERR)
def KKB_CAPAIAN(capaian, target, polaritas=None, desimal=None):
    """% capaian: naik = capaian/target x 100; turun = (2 x target - capaian)/target x 100, paling rendah 0."""
    return core.cell(core.capaian, capaian, target, polaritas, desimal)


@xw.func(category=CATEGORY)
@xw.arg("kode_indikator", doc=KODE, **ERR)
@xw.arg("capaian", doc=CAPAIAN, **ERR)
@xw.arg("target", doc="Opsional: target (angka >= 0); kosong = target 2022 Lampiran 4 dari katalog.", **ERR)
def KKB_CAPAIAN_INDIKATOR(kode_indikator, capaian, target=None):
    """% capaian dengan polaritas indikator dan, bila target kosong, target 2022 Lampiran 4 dari katalog."""
    return core.cell(core.capaian_indikator, kode_indikator, capaian, target)


@xw.func(category=CATEGORY)
@xw.arg("persen", doc="% capaian (angka), misalnya hasil KKB_CAPAIAN.", **ERR)
@xw.arg("skema", doc=SKEMA, **ERR)
def KKB_KATEGORI(persen, skema=None):
    """Kategori % capaian Permendagri 86/2017: Sangat Tinggi > 90, Tinggi > 75, Sedang > 65, Rendah > 50, lainnya Sangat Rendah."""
    return core.cell(core.kategori, persen, skema)


@xw.func(category=CATEGORY)
@xw.arg("kode_indikator", doc=KODE, **ERR)
@xw.arg("kode_wilayah", doc="Opsional: kode wilayah Kemendagri (33, 33.74, 33.74.01, 33.74.01.1001); kosong = nasional.", **ERR)
@xw.arg("tahun", doc="Opsional: tahun target; katalog hanya memuat 2022, tahun lain memberi sel kosong (lihat KKB_PESAN).", **ERR)
def KKB_TARGET(kode_indikator, kode_wilayah=None, tahun=None):
    """Target 2022 Lampiran 4 dari katalog untuk tingkat wilayah itu; kosong bila tidak berlaku (alasannya: KKB_PESAN)."""
    return core.cell(core.target, kode_indikator, kode_wilayah, tahun)


@xw.func(category=CATEGORY)
@xw.arg("kode_indikator", doc=KODE, **ERR)
def KKB_INDIKATOR(kode_indikator):
    """Teks indikator dari katalog Lampiran 4."""
    return core.cell(core.lookup, kode_indikator, "indikator")


@xw.func(category=CATEGORY)
@xw.arg("kode_indikator", doc=KODE, **ERR)
def KKB_SATUAN(kode_indikator):
    """Satuan indikator dari katalog Lampiran 4."""
    return core.cell(core.lookup, kode_indikator, "satuan")


@xw.func(category=CATEGORY)
@xw.arg("kode_indikator", doc=KODE, **ERR)
def KKB_POLARITAS(kode_indikator):
    """Polaritas indikator dari katalog: naik (makin besar makin baik) atau turun."""
    return core.cell(core.lookup, kode_indikator, "polaritas")


@xw.func(category=CATEGORY)
@xw.arg("pembilang", doc="Rentang pembilang (angka >= 0), misalnya kolom pembilang semua desa.", ndim=2, **ERR)
@xw.arg("penyebut", doc="Rentang penyebut, berukuran sama dengan rentang pembilang.", ndim=2, **ERR)
@xw.arg("desimal", doc=DESIMAL, **ERR)
def KKB_RASIO(pembilang, penyebut, desimal=None):
    """Jumlah pembilang / jumlah penyebut x 100 (baris yang tidak lengkap dilewati): cara benar merekap persentase."""
    return core.cell(core.rasio, pembilang, penyebut, desimal)


@xw.func(category=CATEGORY)
@xw.arg("capaian", doc="Rentang nilai capaian.", ndim=2, **ERR)
@xw.arg("target", doc="Rentang target berukuran sama, atau satu sel untuk semua baris.", ndim=2, **ERR)
@xw.arg("polaritas", doc="Opsional: 'naik'/'turun', satu nilai atau rentang berukuran sama.", ndim=2, **ERR)
@xw.arg("desimal", doc=DESIMAL, **ERR)
def KKB_CAPAIAN_RENTANG(capaian, target, polaritas=None, desimal=None):
    """% capaian untuk satu rentang sekaligus (hasil tumpah/spill), sama dengan KKB_CAPAIAN per sel."""
    return core.range_cells(core.capaian_rentang, capaian, target, polaritas, desimal)


@xw.func(category=CATEGORY)
@xw.arg("persen", doc="Rentang % capaian.", ndim=2, **ERR)
@xw.arg("skema", doc=SKEMA, **ERR)
def KKB_KATEGORI_RENTANG(persen, skema=None):
    """Kategori untuk satu rentang % capaian sekaligus (hasil tumpah/spill)."""
    return core.range_cells(core.kategori_rentang, persen, skema)


@xw.func(category=CATEGORY)
@xw.arg("fungsi", doc="Nama fungsi yang diperiksa, misalnya \"KKB_CAPAIAN\" atau \"capaian\".", **ERR)
@xw.arg("argumen", doc="Argumen yang sama persis dengan panggilan fungsi itu.", **ERR)
def KKB_PESAN(fungsi, *argumen):
    """Penjelasan mengapa fungsi KKB_* memberi galat atau sel kosong; kosong bila hasilnya sah."""
    return core.pesan(fungsi, *argumen)
