"""The value columns of an indicator row, declared once: keys, semesters and the labels users see.

Reader, validation schemas, aggregation, layout and writers all take their keys from here, so a
new column is read, checked and written everywhere or nowhere.
"""

from __future__ import annotations

SEMESTERS = (1, 2)
NUMBER_KEYS = ("target", "capaian_1", "capaian_2", "pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2")
STATUS_KEYS = ("status_1", "status_2")
CHECKED_KEYS = NUMBER_KEYS + STATUS_KEYS  # what the value schema sees, in this order
VALUE_KEYS = CHECKED_KEYS + ("keterangan",)
INPUT_VALUE_KEYS = tuple(k for k in CHECKED_KEYS if k != "target")  # what an OPD types (target is given)
SUPPORT_KEYS = ("pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2", "status_1", "status_2")
INPUT_KEYS = {  # the inputs each cara isi requires
    "angka": ("capaian_1", "capaian_2"),
    "rasio": ("pembilang_1", "penyebut_1", "pembilang_2", "penyebut_2"),  # its capaian is computed from these
    "status": STATUS_KEYS,
}
# "Data belum tersedia" (annual indicators that lag a year): typed or chosen in Keterangan. Such a row
# is neither missing (completeness) nor zero (rollups count it separately).
BELUM_TERSEDIA = "Belum tersedia"


def is_belum_tersedia(keterangan: object) -> bool:
    """Does a Keterangan value say the data are not yet available?"""
    return isinstance(keterangan, str) and " ".join(keterangan.split()).casefold().startswith("belum tersedia")


COLUMN_LABEL = {
    "target": "Target",
    "capaian_1": "Capaian Semester I",
    "capaian_2": "Capaian Semester II",
    "pembilang_1": "Pembilang Sem I",
    "penyebut_1": "Penyebut Sem I",
    "pembilang_2": "Pembilang Sem II",
    "penyebut_2": "Penyebut Sem II",
    "status_1": "Status Sem I",
    "status_2": "Status Sem II",
    "keterangan": "Keterangan",
    "persen_1": "% Capaian Sem I",
    "persen_2": "% Capaian Sem II",
}
