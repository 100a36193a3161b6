"""A Report with an OPD workbook's desa-row results gathered back into one result per file (annotated copies)."""

from __future__ import annotations

from kkb_excel.findings import FileResult, Report
from kkb_excel.read.opd_reader import ROW_SEPARATOR


def per_file(report: Report) -> Report:
    """One FileResult per submitted file: the findings of an OPD workbook's rows go to its file."""
    results: dict[str, FileResult] = {}
    for result in report.files:
        berkas = result.berkas.split(ROW_SEPARATOR, 1)[0]
        if berkas not in results:
            results[berkas] = FileResult(berkas, skipped=result.skipped)
        results[berkas].findings.extend(result.findings)
    return Report(list(results.values()))
