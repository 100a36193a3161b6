"""Build one daftar tilik workbook (openpyxl) for a reporting unit, from the catalogue and layout."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from kkb_excel import __version__, capaian

from kkb_excel.template import guide
from kkb_excel.template.seal import SEAL_KEY, seal
from kkb_excel.catalogue import Catalogue, Indicator, load_catalogue
from kkb_excel.template.layout import (
    COL,
    COLUMNS,
    FAMILIAR_LAST,
    FIRST_DATA_ROW,
    GROUP_HEADER_ROW,
    HEADER_ROW,
    IDENTITY,
    IDENTITY_KODE_COLUMN,
    IDENTITY_KODE_LABEL_COLUMN,
    IDENTITY_VALUE_COLUMN,
    SEMESTERS,
    SHEET_GUIDE,
    SHEET_MAIN,
    SHEET_META,
    SPACER_COLUMN,
    SUBTITLE_ROW,
    SUPPORT_FIRST,
    SUPPORT_LAST,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    TITLE,
    TITLE_ROW,
    identity_cell,
)
from kkb_excel.tingkat import LABEL, rank

# Identity fields every workbook carries; `kode_wilayah`/`nama_wilayah` name the unit itself.
IDENTITY_FIELDS = (
    "kode_wilayah", "nama_wilayah",
    "kode_provinsi", "nama_provinsi", "kode_kabupaten", "nama_kabupaten",
    "kode_kecamatan", "nama_kecamatan", "kode_desa", "nama_desa",
)  # fmt: skip

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FILL_INPUT = PatternFill("solid", fgColor="FFF2CC")
FILL_FORMULA = PatternFill("solid", fgColor="DDEBF7")
FILL_LOCKED = PatternFill("solid", fgColor="EDEDED")
FILL_HEADER = PatternFill("solid", fgColor="1F4E78")
FILL_SUPPORT_HEADER = PatternFill("solid", fgColor="7F6000")
FONT_HEADER = Font(bold=True, color="FFFFFF")
FONT_TITLE = Font(bold=True, size=14)
FONT_BOLD = Font(bold=True)
FONT_MUTED = Font(italic=True, color="595959")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
DATE_FORMAT = "DD/MM/YYYY"
META_INDICATOR_COLUMNS = ("kode_indikator", "baris", "diamati", "cara_isi", "polaritas", "agregasi")


@dataclass(frozen=True)
class TemplateSpec:
    """Everything that decides a workbook's content."""

    tingkat: str
    tahun: int
    identity: dict[str, str]
    targets: dict[str, float | None] = field(default_factory=dict)


def put_text(cell, value: str) -> None:
    """Write text that stays text, even if it starts with '=' (never a formula)."""
    cell.value = value
    cell.data_type = "s"


def observed(indicator: Indicator, tingkat: str) -> bool:
    return indicator.tingkat_pengamatan == tingkat


def locked_note(indicator: Indicator, tingkat: str) -> str:
    """Keterangan shown on a row that this tingkat does not fill."""
    where = LABEL[indicator.tingkat_pengamatan].lower()
    if indicator.agregasi != "tidak_diagregasi" and rank(indicator.tingkat_pengamatan) < rank(tingkat):
        return f"Direkap otomatis dari tingkat {where}."
    return f"Diisi pada tingkat {where}."


def build_workbook(spec: TemplateSpec, catalogue: Catalogue | None = None) -> Workbook:
    """The complete, protected daftar tilik workbook for one unit."""
    catalogue = catalogue or load_catalogue()
    indicators = catalogue.active
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_MAIN
    last_row = FIRST_DATA_ROW + len(indicators) - 1
    _write_heading(ws, spec)
    _write_identity(ws, spec)
    _write_table_header(ws)
    _write_rows(ws, spec, indicators)
    _add_validations(ws, spec, indicators, last_row)
    _add_category_formatting(ws, last_row)
    _finish_sheet(ws, last_row)
    guide.write_guide(wb.create_sheet(SHEET_GUIDE), spec, catalogue)
    _write_meta(wb, spec, catalogue, indicators, last_row)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = f"kkb-excel {__version__}"
    wb.properties.title = TITLE.title()
    wb.properties.created = datetime(2023, 1, 1)
    return wb


def _write_heading(ws, spec: TemplateSpec) -> None:
    put_text(ws[f"A{TITLE_ROW}"], TITLE)
    ws[f"A{TITLE_ROW}"].font = FONT_TITLE
    ws[f"A{TITLE_ROW}"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(f"A{TITLE_ROW}:{FAMILIAR_LAST}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 36
    put_text(
        ws[f"A{SUBTITLE_ROW}"],
        f"Lampiran 4 Pedoman Optimalisasi Penyelenggaraan Kampung Keluarga Berkualitas 2023 - "
        f"Tingkat {LABEL[spec.tingkat]} - Tahun {spec.tahun}",
    )
    ws[f"A{SUBTITLE_ROW}"].font = FONT_BOLD
    ws.merge_cells(f"A{SUBTITLE_ROW}:{FAMILIAR_LAST}{SUBTITLE_ROW}")


def _identity_values(spec: TemplateSpec) -> dict[str, str | int]:
    values: dict[str, str | int] = {k: spec.identity[k] for k in IDENTITY_FIELDS}
    values["tingkat_label"] = LABEL[spec.tingkat]
    values["tahun"] = spec.tahun
    return values


def _write_identity(ws, spec: TemplateSpec) -> None:
    values = _identity_values(spec)
    for line in IDENTITY:
        label = ws[f"A{line.row}"]
        put_text(label, line.label)
        label.font = FONT_BOLD
        ws.merge_cells(f"A{line.row}:B{line.row}")
        value = ws[f"{IDENTITY_VALUE_COLUMN}{line.row}"]
        value.border = BORDER
        if line.is_input:
            value.fill, value.protection = FILL_INPUT, UNLOCKED
            if line.key == "tanggal":
                value.number_format = DATE_FORMAT
            ws.merge_cells(f"C{line.row}:E{line.row}")
            continue
        shown = values[line.key]
        if isinstance(shown, str):
            put_text(value, shown)
        else:
            value.value = shown
        value.alignment = Alignment(horizontal="left")
        ws.merge_cells(f"C{line.row}:D{line.row}")
        if line.kode_key:
            put_text(ws[f"{IDENTITY_KODE_LABEL_COLUMN}{line.row}"], "Kode wilayah")
            ws[f"{IDENTITY_KODE_LABEL_COLUMN}{line.row}"].alignment = Alignment(horizontal="right")
            kode = ws[f"{IDENTITY_KODE_COLUMN}{line.row}"]
            put_text(kode, values[line.kode_key])
            kode.border = BORDER


def _write_table_header(ws) -> None:
    put_text(ws[f"A{GROUP_HEADER_ROW}"], "Daftar tilik (format Lampiran 4)")
    ws.merge_cells(f"A{GROUP_HEADER_ROW}:{FAMILIAR_LAST}{GROUP_HEADER_ROW}")
    put_text(ws[f"{SUPPORT_FIRST}{GROUP_HEADER_ROW}"], "Data dukung untuk rekapitulasi (wajib diisi pada sel kuning)")
    ws.merge_cells(f"{SUPPORT_FIRST}{GROUP_HEADER_ROW}:{SUPPORT_LAST}{GROUP_HEADER_ROW}")
    for letter, fill in (("A", FILL_HEADER), (SUPPORT_FIRST, FILL_SUPPORT_HEADER)):
        cell = ws[f"{letter}{GROUP_HEADER_ROW}"]
        cell.fill, cell.font, cell.alignment = fill, FONT_HEADER, CENTER
    for col in COLUMNS:
        cell = ws[f"{col.letter}{HEADER_ROW}"]
        put_text(cell, col.header)
        cell.fill = FILL_SUPPORT_HEADER if col.letter >= SUPPORT_FIRST else FILL_HEADER
        cell.font, cell.alignment, cell.border = FONT_HEADER, CENTER, BORDER
        ws.column_dimensions[col.letter].width = col.width
    ws.column_dimensions[SPACER_COLUMN].width = 2
    ws.row_dimensions[HEADER_ROW].height = 45


def _row_height(indicator: Indicator, kegiatan_rows: int) -> float:
    """Enough lines for the indicator text, and for the kegiatan text spread over its merged rows."""
    lines = max(
        math.ceil(len(indicator.indikator) / 44),
        math.ceil(len(indicator.kegiatan) / 26 / kegiatan_rows),
        1,
    )
    return 15.0 * lines + 2


def _label(indicator: Indicator) -> dict[str, str]:
    letter = indicator.kode.rsplit(".", 1)[1]
    return {
        "sasaran": f"{indicator.sasaran_no}. {indicator.sasaran}",
        "program": f"{indicator.program_kode[-1]}. {indicator.program}",
        "kegiatan": f"{indicator.kegiatan_no}) {indicator.kegiatan}",
        "indikator": f"{letter}) {indicator.indikator}",
    }


def _style(cell, fill, protection=LOCKED, alignment=None) -> None:
    cell.fill, cell.protection, cell.border = fill, protection, BORDER
    if alignment is not None:
        cell.alignment = alignment


def _write_rows(ws, spec: TemplateSpec, indicators: list[Indicator]) -> None:
    kegiatan_rows = Counter((i.program_kode, i.kegiatan_no) for i in indicators)
    for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
        is_observed = observed(ind, spec.tingkat)
        labels = _label(ind)
        put_text(ws[f"{COL['kode']}{row}"], ind.kode)
        for key in ("sasaran", "program", "kegiatan", "indikator"):
            put_text(ws[f"{COL[key]}{row}"], labels[key])
        put_text(ws[f"{COL['satuan']}{row}"], ind.satuan)
        for key in ("kode", "sasaran", "program", "kegiatan", "indikator", "satuan"):
            _style(ws[f"{COL[key]}{row}"], PatternFill(), alignment=WRAP_TOP)
        target = ws[f"{COL['target']}{row}"]
        target.value = spec.targets.get(ind.kode)
        _style(target, FILL_LOCKED if not is_observed else PatternFill())
        for sem in SEMESTERS:
            _write_semester(ws, row, sem, ind, is_observed)
        note = ws[f"{COL['keterangan']}{row}"]
        if is_observed:
            _style(note, FILL_INPUT, UNLOCKED, WRAP_TOP)
        else:
            put_text(note, locked_note(ind, spec.tingkat))
            note.font = FONT_MUTED
            _style(note, FILL_LOCKED, alignment=WRAP_TOP)
        ws.row_dimensions[row].height = _row_height(ind, kegiatan_rows[(ind.program_kode, ind.kegiatan_no)])
    _merge_groups(ws, indicators)


def _write_semester(ws, row: int, sem: int, ind: Indicator, is_observed: bool) -> None:
    value = ws[f"{COL[f'capaian_{sem}']}{row}"]
    status_ref = f"{COL[f'status_{sem}']}{row}"
    if is_observed and ind.cara_isi == "status":
        value.value = capaian.status_excel_formula(status_ref, ind.status_yes)
        _style(value, FILL_FORMULA)
    elif is_observed:
        _style(value, FILL_INPUT, UNLOCKED)
    else:
        _style(value, FILL_LOCKED)
    persen = ws[f"{COL[f'persen_{sem}']}{row}"]
    persen.value = capaian.excel_formula(value.coordinate, f"{COL['target']}{row}", ind.polaritas)
    persen.number_format = "0.00"
    _style(persen, FILL_FORMULA)
    support = {
        "rasio": (f"pembilang_{sem}", f"penyebut_{sem}"),
        "status": (f"status_{sem}",),
    }.get(ind.cara_isi, ())
    for key in (f"pembilang_{sem}", f"penyebut_{sem}", f"status_{sem}"):
        cell = ws[f"{COL[key]}{row}"]
        if is_observed and key in support:
            _style(cell, FILL_INPUT, UNLOCKED)
        else:
            _style(cell, FILL_LOCKED)


def _merge_groups(ws, indicators: list[Indicator]) -> None:
    """Merge sasaran, program and kegiatan cells over the rows they span."""
    keys = {
        "sasaran": lambda i: i.sasaran_no,
        "program": lambda i: i.program_kode,
        "kegiatan": lambda i: (i.program_kode, i.kegiatan_no),
    }
    for column, key in keys.items():
        row = FIRST_DATA_ROW
        for _, group in groupby(indicators, key=key):
            size = len(list(group))
            if size > 1:
                ws.merge_cells(f"{COL[column]}{row}:{COL[column]}{row + size - 1}")
            row += size


def _dv(kind: str, title: str, prompt: str, error: str, **kwargs) -> DataValidation:
    return DataValidation(
        type=kind, allow_blank=True, showInputMessage=True, showErrorMessage=True,
        errorStyle="stop", promptTitle=title, prompt=prompt, errorTitle="Isian tidak valid", error=error,
        **kwargs,
    )  # fmt: skip


def _add_validations(ws, spec: TemplateSpec, indicators: list[Indicator], last_row: int) -> None:
    percent = _dv("decimal", "Persentase", "Isi angka 0 sampai 100 (tanpa tanda %).",
                  "Persentase harus berupa angka 0 sampai 100.", operator="between", formula1="0", formula2="100")  # fmt: skip
    number = _dv("decimal", "Angka capaian", "Isi angka 0 atau lebih.",
                 "Capaian harus berupa angka 0 atau lebih.", operator="greaterThanOrEqual", formula1="0")  # fmt: skip
    for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
        if observed(ind, spec.tingkat) and ind.cara_isi != "status":
            target = percent if ind.persentase else number
            for sem in SEMESTERS:
                target.add(f"{COL[f'capaian_{sem}']}{row}")
    validations = [percent, number]
    for sem in SEMESTERS:
        num, den = COL[f"pembilang_{sem}"], COL[f"penyebut_{sem}"]
        first_num, first_den = f"{num}{FIRST_DATA_ROW}", f"{den}{FIRST_DATA_ROW}"
        cond = f"OR(NOT(ISNUMBER({first_den})),NOT(ISNUMBER({first_num})),{first_num}<={first_den})"
        pembilang = _dv("custom", "Pembilang", "Isi angka 0 atau lebih, tidak melebihi penyebut.",
                        "Pembilang harus angka 0 atau lebih dan tidak boleh melebihi penyebut.",
                        formula1=f"AND(ISNUMBER({first_num}),{first_num}>=0,{cond})")  # fmt: skip
        penyebut = _dv("custom", "Penyebut", "Isi angka 0 atau lebih, tidak kurang dari pembilang.",
                       "Penyebut harus angka 0 atau lebih dan tidak boleh kurang dari pembilang.",
                       formula1=f"AND(ISNUMBER({first_den}),{first_den}>=0,{cond})")  # fmt: skip
        pembilang.add(f"{num}{FIRST_DATA_ROW}:{num}{last_row}")
        penyebut.add(f"{den}{FIRST_DATA_ROW}:{den}{last_row}")
        validations += [pembilang, penyebut]
    status = _dv("list", "Status", "Pilih ya atau tidak.", "Isi hanya 'ya' atau 'tidak'.", formula1='"ya,tidak"')
    status.add(f"{COL['status_1']}{FIRST_DATA_ROW}:{COL['status_2']}{last_row}")
    tanggal = _dv("date", "Tanggal pengisian", "Isi tanggal pengisian (tanggal/bulan/tahun).",
                  "Tanggal pengisian harus tanggal yang valid antara 2020 dan 2100.",
                  operator="between", formula1="DATE(2020,1,1)", formula2="DATE(2100,12,31)")  # fmt: skip
    tanggal.add(identity_cell("tanggal"))
    opd = _dv("textLength", "OPD/Instansi", "Tulis nama OPD/instansi pengisi.",
              "Nama OPD/instansi paling banyak 200 karakter.", operator="lessThanOrEqual", formula1="200")  # fmt: skip
    opd.add(identity_cell("opd"))
    for dv in (*validations, status, tanggal, opd):
        if dv.sqref:
            ws.add_data_validation(dv)


def _add_category_formatting(ws, last_row: int) -> None:
    for sem in SEMESTERS:
        letter = COL[f"persen_{sem}"]
        for band, condition in capaian.band_conditions(f"{letter}{FIRST_DATA_ROW}"):
            ws.conditional_formatting.add(
                f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
                FormulaRule(formula=[condition], fill=PatternFill("solid", bgColor=band.fill), stopIfTrue=True),
            )


def _finish_sheet(ws, last_row: int) -> None:
    legend_row = last_row + 2
    put_text(
        ws[f"A{legend_row}"],
        "Warna: kuning = diisi OPD; abu-abu = tidak diisi pada tingkat ini; biru = dihitung otomatis. "
        "% capaian mengikuti rumus resmi (polaritas naik/turun) dan kosong bila target atau capaian kosong.",
    )
    ws[f"A{legend_row}"].font = FONT_MUTED
    ws.merge_cells(f"A{legend_row}:{FAMILIAR_LAST}{legend_row}")
    ws.freeze_panes = f"B{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{GROUP_HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{SUPPORT_LAST}{legend_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _write_meta(wb: Workbook, spec: TemplateSpec, catalogue: Catalogue, indicators: list[Indicator], last_row: int) -> None:
    """Hidden sheet the reader uses to find every value (never guessing from layout)."""
    meta = wb.create_sheet(SHEET_META)
    meta.sheet_state = "hidden"
    pairs: list[tuple[str, str | int]] = [
        ("template_id", TEMPLATE_ID),
        ("template_versi", TEMPLATE_VERSION),
        ("katalog_versi", catalogue.version),
        ("kode_wilayah", spec.identity["kode_wilayah"]),
        ("nama_wilayah", spec.identity["nama_wilayah"]),
        ("tingkat", spec.tingkat),
        ("tahun", spec.tahun),
        ("jenis_berkas", "daftar_tilik"),
        ("dibuat_oleh", f"kkb-excel {__version__}"),
        ("lembar", SHEET_MAIN),
        ("baris_pertama", FIRST_DATA_ROW),
        ("baris_terakhir", last_row),
        *((f"sel_{key}", identity_cell(key)) for key in ("opd", "petugas", "tanggal", "tahun", "tingkat_label")),
        *((f"sel_{line.key}", f"{IDENTITY_VALUE_COLUMN}{line.row}") for line in IDENTITY if line.key.startswith("nama_")),
        *((f"sel_{line.kode_key}", f"{IDENTITY_KODE_COLUMN}{line.row}") for line in IDENTITY if line.kode_key),
        *((f"kolom_{c.key}", c.letter) for c in COLUMNS),
        (SEAL_KEY, spec.identity.get(SEAL_KEY) or seal(spec.identity["kode_wilayah"], spec.tingkat, spec.tahun, catalogue.version,
                                                       ((i.kode, r, observed(i, spec.tingkat)) for r, i in enumerate(indicators, start=FIRST_DATA_ROW)), spec.targets)),
    ]
    put_text(meta["A1"], "kunci")
    put_text(meta["B1"], "nilai")
    for r, (key, value) in enumerate(pairs, start=2):
        put_text(meta.cell(r, 1), key)
        if isinstance(value, str):
            put_text(meta.cell(r, 2), value)
        else:
            meta.cell(r, 2).value = value
    for c, name in enumerate(META_INDICATOR_COLUMNS, start=4):
        put_text(meta.cell(1, c), name)
    for r, (row, ind) in enumerate(enumerate(indicators, start=FIRST_DATA_ROW), start=2):
        put_text(meta.cell(r, 4), ind.kode)
        meta.cell(r, 5).value = row
        put_text(meta.cell(r, 6), "ya" if observed(ind, spec.tingkat) else "tidak")
        put_text(meta.cell(r, 7), ind.cara_isi)
        put_text(meta.cell(r, 8), ind.polaritas)
        put_text(meta.cell(r, 9), ind.agregasi)
    names = {
        "KKB_META": f"'{SHEET_META}'!$A$1:$B${len(pairs) + 1}",
        "KKB_INDIKATOR": f"'{SHEET_META}'!$D$1:$I${len(indicators) + 1}",
        "KKB_TABEL": f"'{SHEET_MAIN}'!$A${HEADER_ROW}:${SUPPORT_LAST}${last_row}",
    }
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
