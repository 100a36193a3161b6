"""The KKB_* worksheet functions as Excel sees them (xlwings @func; Excel names = Python names).

Classic xlwings: set "UDF Modules" to `kkb_excel.udfs`. xlwings Lite: `kkb-excel addin --lite`
writes a self-contained main.py holding this same source.
"""

import xlwings as xw

from kkb_excel.udfs import core


@xw.func
def KKB_CAPAIAN(capaian, target, polaritas=None, desimal=None):
    """% capaian: naik = capaian/target x 100; turun = (2 x target - capaian)/target x 100 (min 0)."""
    return core.capaian(capaian, target, polaritas, desimal)


@xw.func
def KKB_CAPAIAN_INDIKATOR(kode_indikator, capaian, target=None):
    """% capaian dengan polaritas dan target bawaan indikator dari katalog."""
    return core.capaian_indikator(kode_indikator, capaian, target)


@xw.func
def KKB_KATEGORI(persen, skema=None):
    """Kategori % capaian (Permendagri 86/2017; skema lain: 'tercapai')."""
    return core.kategori(persen, skema)


@xw.func
def KKB_TARGET(kode_indikator, kode_wilayah=None, tahun=None):
    """Target bawaan katalog untuk indikator (dan tingkat kode wilayah)."""
    return core.target(kode_indikator, kode_wilayah, tahun)


@xw.func
def KKB_INDIKATOR(kode_indikator):
    """Teks indikator dari katalog."""
    return core.lookup(kode_indikator, "indikator")


@xw.func
def KKB_SATUAN(kode_indikator):
    """Satuan indikator dari katalog."""
    return core.lookup(kode_indikator, "satuan")


@xw.func
def KKB_POLARITAS(kode_indikator):
    """Polaritas indikator (naik/turun) dari katalog."""
    return core.lookup(kode_indikator, "polaritas")


@xw.func
@xw.arg("pembilang", ndim=2)
@xw.arg("penyebut", ndim=2)
def KKB_RASIO(pembilang, penyebut, desimal=None):
    """Jumlah pembilang / jumlah penyebut x 100: cara benar merekap persentase."""
    return core.rasio(pembilang, penyebut, desimal)


@xw.func
@xw.arg("capaian", ndim=2)
@xw.arg("target", ndim=2)
@xw.arg("polaritas", ndim=2)
def KKB_CAPAIAN_RENTANG(capaian, target, polaritas=None, desimal=None):
    """% capaian untuk satu rentang sekaligus (hasil tumpah/spill)."""
    return core.capaian_rentang(capaian, target, polaritas, desimal)


@xw.func
@xw.arg("persen", ndim=2)
def KKB_KATEGORI_RENTANG(persen, skema=None):
    """Kategori untuk satu rentang % capaian sekaligus (hasil tumpah/spill)."""
    return core.kategori_rentang(persen, skema)
