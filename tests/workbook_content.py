"""Compare workbooks by content (values, formulas, styles that matter, validations, protection)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook


def content(source: Path | bytes) -> dict:
    """Everything a user or the reader could notice, as plain data (no timestamps, no byte layout)."""
    wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    out: dict = {
        "sheets": wb.sheetnames,
        "lock_structure": bool(wb.security and wb.security.lockStructure),
        "names": {n: d.attr_text for n, d in wb.defined_names.items()},
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.has_style:
                    cells[c.coordinate] = (
                        c.value, c.protection.locked, c.fill.fgColor.rgb if c.fill.fill_type else None,
                        c.number_format,
                    )
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.error, dv.prompt)
                for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(rng.sqref), tuple(r.formula)) for rng in ws.conditional_formatting for r in rng.rules
            ),
            "protected": ws.protection.sheet,
            "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows,
        }
    return out
