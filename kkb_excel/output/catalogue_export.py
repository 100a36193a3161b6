"""Export the catalogue (all columns, decisions included, with the responsible K/L and OPD) to CSV or XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kkb_excel.catalogue import read_rows
from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic
from kkb_excel.opd import default_map
from kkb_excel.output.safe import put_text
from kkb_excel.wilayah import ATTRIBUTION


def export(path: Path, include_inactive: bool = False) -> int:
    """Write the catalogue to `path` (.csv or .xlsx); returns the number of indicators written."""
    mapping = default_map()  # who is responsible: K/L per indicator and its usual OPD
    rows = [{**r, "kementerian_lembaga": mapping.kl.get(r["kode"], ""), "opd": mapping.opd.get(r["kode"], "")}
            for r in read_rows() if include_inactive or r["aktif"] == "ya"]  # fmt: skip
    header = list(rows[0])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        write_atomic(path, _xlsx(header, rows))
    else:
        raise KkbError(f"Format ekspor '{path.suffix}' tidak didukung; gunakan .csv atau .xlsx.")
    return len(rows)


def _xlsx(header: list[str], rows: list[dict[str, str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Katalog"
    for c, name in enumerate(header, start=1):
        put_text(ws.cell(1, c), name)
        ws.cell(1, c).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(header, start=1):
            cell = ws.cell(r, c)
            if name in ("urutan", "sasaran_no", "kegiatan_no") or (name == "target_2022" and row[name]):
                cell.value = float(row[name]) if name == "target_2022" else int(row[name])
            else:
                put_text(cell, row[name])
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = ws.dimensions
    ws.freeze_panes = "B2"
    put_text(wb.create_sheet("Sumber").cell(1, 1), "Rekonstruksi Lampiran 4 Pedoman Optimalisasi Kampung KB 2023. " + ATTRIBUTION)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
