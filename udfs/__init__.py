"""Excel worksheet functions (xlwings UDFs), installed as kkb_excel.udfs.

Point xlwings' "UDF Modules" setting at `kkb_excel.udfs`; the functions live in `functions`.
"""

from kkb_excel.udfs.functions import (  # noqa: F401
    KKB_CAPAIAN,
    KKB_CAPAIAN_INDIKATOR,
    KKB_CAPAIAN_RENTANG,
    KKB_INDIKATOR,
    KKB_KATEGORI,
    KKB_KATEGORI_RENTANG,
    KKB_PESAN,
    KKB_POLARITAS,
    KKB_RASIO,
    KKB_SATUAN,
    KKB_TARGET,
)
