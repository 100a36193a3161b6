"""The unit's own Lampiran 4 daftar tilik, filled with its rollup: what the secretariat signs and sends up.

`form_rows` gives the figures (one FormRow per catalogue indicator, % capaian from unrounded values);
`write_form` lays them out as the familiar form (sasaran -> program -> kegiatan -> indikator, satuan,
target, capaian and % capaian per semester, Keterangan), print-ready on F4/A4 landscape at 100 %:
page breaks are computed here so that every page repeats the header row and starts with its
sasaran/program/kegiatan labels (no merged cells split across pages), and the sign-off block is
never cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from kkb_excel import capaian
from kkb_excel.catalogue import Catalogue, Indicator
from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.run import Rollup, tier_target
from kkb_excel.keys import COLUMN_LABEL
from kkb_excel.output.xlsx_style import FONT_SIZE, PAPERS, Styles, column_mm, kategori_legend, print_setup, text_lines
from kkb_excel.template.layout import TITLE, indicator_labels
from kkb_excel.tingkat import LABEL, NASIONAL, rank, tingkat_of
from kkb_excel.wilayah import WilayahIndex

SEMESTER_NAME = {1: "I", 2: "II"}
LINE_PT = FONT_SIZE * 1.3
# (key, header, width in characters before fitting); text columns widen or narrow to fit the paper.
COLUMNS = (
    ("kode", "Kode", 8.5), ("sasaran", "Sasaran", 13), ("program", "Program", 17), ("kegiatan", "Kegiatan", 20),
    ("indikator", "Indikator", 30), ("satuan", "Satuan", 9), ("target", "Target", 8),
    ("capaian_1", COLUMN_LABEL["capaian_1"], 9.5), ("persen_1", COLUMN_LABEL["persen_1"], 8),
    ("capaian_2", COLUMN_LABEL["capaian_2"], 9.5), ("persen_2", COLUMN_LABEL["persen_2"], 8),
    ("keterangan", "Keterangan", 24),
)  # fmt: skip
TEXT_KEYS = ("sasaran", "program", "kegiatan", "indikator", "keterangan")
GROUP_KEYS = ("sasaran", "program", "kegiatan")
COL = {key: i for i, (key, _, _) in enumerate(COLUMNS)}
HEADER_ROW = 4
FILL_RATIO = 0.92  # of the printable width: LibreOffice draws columns about 4 % wider than Excel

# Who compiles and who acknowledges a rekap, by tingkat (the Pedoman's reporting chain).
SIGN_OFF = {
    "kecamatan": ("Koordinator PKB/PLKB Kecamatan {nama}", "Camat {nama}"),
    "kabupaten": ("Sekretariat Tim Koordinasi Kampung KB {nama}\n(Kepala Perangkat Daerah bidang Pengendalian Penduduk dan KB)",
                  "{kepala}"),
    "provinsi": ("Sekretariat Tim Koordinasi Kampung KB Provinsi {nama}\n(Kepala Perwakilan BKKBN Provinsi)", "Gubernur {nama}"),
    "nasional": ("Sekretariat Kampung KB Nasional (BKKBN)", "Kepala BKKBN"),
}  # fmt: skip


@dataclass(frozen=True)
class FormRow:
    """One indicator of a unit's rekap: unrounded figures and what they rest on."""

    indicator: Indicator
    target: float | None
    capaian: dict[int, float | None]
    persen: dict[int, float | None]
    kategori: dict[int, str | None]
    keterangan: str


def semesters(rollup: Rollup) -> tuple[int, ...]:
    return (rollup.semester,) if rollup.semester else aggregate.SEMESTERS


def expected_units(rollup: Rollup, index: WilayahIndex, kode: str, observed_at: str) -> int:
    """Units that observe an indicator at `observed_at` under `kode`, from the wilayah reference."""
    level = tingkat_of(kode)
    if level == observed_at:
        return 1
    if observed_at == "desa" and kode in rollup.completeness.get(level, {}):
        return rollup.completeness[level][kode]["diharapkan"]
    return len(index.level(observed_at)) if kode == NASIONAL else len(index.children(kode, observed_at))


def _conflicts(rollup: Rollup, kode: str, ind_kode: str) -> int:
    prefix = kode + "."
    return sum(1 for c in rollup.conflicts if c.kode_indikator == ind_kode
               and (kode == NASIONAL or c.kode_wilayah == kode or c.kode_wilayah.startswith(prefix)))  # fmt: skip


def _keterangan(rollup: Rollup, index: WilayahIndex, kode: str, ind: Indicator, part, target, values) -> str:
    level = tingkat_of(kode)
    observed_at = ind.tingkat_pengamatan
    if rank(observed_at) > rank(level):
        return f"Diisi pada tingkat {LABEL[observed_at].lower()}."
    notes = []
    sums = part.sums if part else {}
    if ind.agregasi == "tidak_diagregasi" and observed_at != level:
        notes.append("tidak diagregasi dari tingkat bawah")
    elif observed_at == level:
        notes.append("dari kiriman OPD" if any(sums.get(f"laporan_{s}") for s in semesters(rollup)) else "belum dilaporkan OPD")
    else:
        expected = expected_units(rollup, index, kode, observed_at)
        unit = LABEL[observed_at].lower()
        counts = {s: int(sums.get(f"laporan_{s}", 0)) for s in semesters(rollup)}
        if len(set(counts.values())) == 1:
            notes.append(f"{next(iter(counts.values()))} dari {expected:,} {unit} melapor".replace(",", "."))
        else:
            notes.append("; ".join(f"Sem {SEMESTER_NAME[s]}: {n} dari {expected:,} {unit} melapor".replace(",", ".")
                                   for s, n in counts.items()))  # fmt: skip
    waiting = max((int(sums.get(f"belum_tersedia_{s}", 0)) for s in semesters(rollup)), default=0)
    if waiting:
        notes.append("belum tersedia" if observed_at == level else f"{waiting} belum tersedia")
    held = _conflicts(rollup, kode, ind.kode) or (aggregate.FLAG_CONFLICT in (part.flags if part else ()))
    if held:
        notes.append("konflik OPD ditahan" + (f" ({held} unit)" if observed_at != level and held is not True else ""))
    if part and aggregate.FLAG_ONLY_PERCENT in part.flags:
        notes.append("sebagian unit hanya mengisi % tanpa rincian (tidak dihitung)")
    if any(capaian.is_floored(v, target, ind.polaritas) for v in values.values()):
        notes.append("% capaian dibatasi 0 (capaian > 2 x target)")
    if target is None and any(v is not None for v in values.values()):
        notes.append("target belum ditetapkan")
    return "; ".join(notes)


def form_rows(rollup: Rollup, catalogue: Catalogue, kode: str, index: WilayahIndex) -> list[FormRow]:
    """Every active indicator of unit `kode`, in daftar tilik order."""
    level = tingkat_of(kode)
    unit = rollup.partials.get(level, {}).get(kode, {})
    rows = []
    for ind in catalogue.active:
        part = unit.get(ind.kode)
        target = tier_target(rollup, catalogue, level, kode, ind.kode)
        values = {s: (aggregate.value(ind, part, s) if part and s in semesters(rollup) else None) for s in aggregate.SEMESTERS}
        persen = {s: capaian.capaian(v, target, ind.polaritas) for s, v in values.items()}
        kategori = {s: capaian.kategori(p) for s, p in persen.items()}
        rows.append(FormRow(ind, target, values, persen, kategori, _keterangan(rollup, index, kode, ind, part, target, values)))
    return rows


def column_widths(paper: str) -> list[float]:
    """Widths that fill the printable width of `paper` at 100 %: numeric columns fixed, text columns scaled."""
    printable = PAPERS[paper].printable_mm()[0] * FILL_RATIO
    fixed = sum(column_mm(w) for key, _, w in COLUMNS if key not in TEXT_KEYS)
    text = sum(column_mm(w) for key, _, w in COLUMNS if key in TEXT_KEYS)
    factor = (printable - fixed) / text
    return [round(w * factor, 1) if key in TEXT_KEYS else w for key, _, w in COLUMNS]


def sheet_name(kode: str, several: bool) -> str:
    return f"Lampiran 4 {kode}" if several else "Lampiran 4"


def _heading(rollup: Rollup, index: WilayahIndex, kode: str) -> list[str]:
    level = tingkat_of(kode)
    name = rollup.names.get(kode, kode)
    chain = " - ".join(f"{w.nama} ({w.kode})" for w in index.chain(kode)) if kode != NASIONAL else "Indonesia"
    sem = f"Semester {SEMESTER_NAME[rollup.semester]}" if rollup.semester else "Semester I dan II"
    c = rollup.completeness.get(level, {}).get(kode)
    basis = ""
    if c and c.get("diharapkan"):
        share = capaian.excel_round(c["diterima"] / c["diharapkan"] * 100, 2)
        basis = (f"Dasar rekap: {c['diterima']:,} dari {c['diharapkan']:,} desa/kelurahan diterima ({share:.2f} %)".replace(",", "X")
                 .replace(".", ",").replace("X", ".") + "; ")  # fmt: skip
    basis += "angka dihitung dari jumlah pembilang/penyebut, dibulatkan sekali (2 desimal) seperti ROUND di Excel."
    return [
        f"REKAPITULASI {TITLE}",
        f"Lampiran 4 - Tingkat {LABEL[level]} {name} - Tahun {rollup.tahun} - {sem}",
        chain,
        basis,
    ]


def _sign_off(level: str, name: str) -> tuple[str, str]:
    compiler, head = SIGN_OFF[level]
    kepala = f"Wali Kota {name.removeprefix('Kota ')}" if name.startswith("Kota ") else f"Bupati {name.removeprefix('Kabupaten ')}"
    return compiler.format(nama=name, kepala=kepala), head.format(nama=name, kepala=kepala)


def write_form(book, styles: Styles, rollup: Rollup, catalogue: Catalogue, kode: str, index: WilayahIndex, paper: str, name: str) -> None:
    """The Lampiran 4 rekap sheet of unit `kode`."""
    ws = book.add_worksheet(name)
    widths = column_widths(paper)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    last = len(COLUMNS) - 1
    page_pt = PAPERS[paper].printable_mm()[1] / 25.4 * 72 * 0.94
    header_pt = LINE_PT * 3 + 6
    heading = _heading(rollup, index, kode)
    used = header_pt
    for row, text in enumerate(heading):
        size = 11 if row == 0 else FONT_SIZE
        fmt = (styles.get(bold=True, font_size=size, text_wrap=True, valign="top") if row == 0
               else styles.text(text_wrap=True, bold=row == 1))  # fmt: skip
        height = text_lines(text, sum(widths) * 0.95, size) * size * 1.3 + 3
        used += height
        ws.set_row(row, height)
        ws.merge_range(row, 0, row, last, text, fmt)
    ws.set_row(HEADER_ROW, header_pt)
    for i, (_, header, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, i, header, styles.header())
    rows = form_rows(rollup, catalogue, kode, index)
    layout, breaks_at, closing_break = _plan_pages(rows, widths, page_pt, header_pt, used)
    first = HEADER_ROW + 1
    for n, (fr, (shown, height)) in enumerate(zip(rows, layout, strict=True)):
        nxt = rows[n + 1].indicator if n + 1 < len(rows) else None
        ws.set_row(first + n, height)
        _write_row(ws, styles, first + n, fr, indicator_labels(fr.indicator), shown, nxt)
    breaks = [first + n for n in breaks_at]
    row = first + len(rows) + 1
    if closing_break:
        breaks.append(row)
    row = _legend(ws, styles, row)
    _write_sign_off(ws, styles, row + 1, rollup, kode)
    ws.set_h_pagebreaks(breaks)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    print_setup(ws, paper, (HEADER_ROW, HEADER_ROW), fit_width=False)
    ws.print_area(0, 0, row + 12, last)


def _group_keys(ind: Indicator) -> dict[str, object]:
    return {"sasaran": ind.sasaran_no, "program": ind.program_kode, "kegiatan": (ind.program_kode, ind.kegiatan_no)}


def _plan_pages(rows: list[FormRow], widths: list[float], page_pt: float, header_pt: float, used: float):
    """Per row (labels shown, height), the row indices starting a page, and whether the closing block
    (legend and sign-off) starts a page of its own.

    A page starts with its sasaran/program/kegiatan labels written out. The sign-off never stands on a
    page without figures: if it does not fit under the table, the last indicator row moves with it.
    """
    layout: list[tuple[dict[str, bool], float]] = []
    breaks: list[int] = []
    previous = None
    for n, fr in enumerate(rows):
        keys = _group_keys(fr.indicator)
        shown = {k: previous is None or keys[k] != previous[k] for k in GROUP_KEYS}
        height = _height(fr, shown, widths)
        if used + height > page_pt:
            breaks.append(n)
            used = header_pt
            shown = dict.fromkeys(GROUP_KEYS, True)
            height = _height(fr, shown, widths)
        used += height
        layout.append((shown, height))
        previous = keys
    closing_pt = LINE_PT + 3 + LINE_PT * 16  # gap, legend and sign-off block
    if used + closing_pt <= page_pt:
        return layout, breaks, False
    last = len(rows) - 1
    if last > 0 and last not in breaks:
        shown = dict.fromkeys(GROUP_KEYS, True)
        height = _height(rows[last], shown, widths)
        if header_pt + height + closing_pt <= page_pt:
            layout[last] = (shown, height)
            return layout, [*breaks, last], False
    return layout, breaks, True


def _height(fr: FormRow, shown: dict[str, bool], widths: list[float]) -> float:
    labels = indicator_labels(fr.indicator)
    texts = [(labels["indikator"], "indikator"), (fr.keterangan, "keterangan"), (fr.indicator.satuan, "satuan")]
    texts += [(labels[k], k) for k in GROUP_KEYS if shown[k]]
    return max(text_lines(t, widths[COL[k]]) for t, k in texts) * LINE_PT + 4


def _write_row(ws, styles: Styles, row: int, fr: FormRow, labels: dict[str, str], shown: dict[str, bool], nxt) -> None:
    """One indicator line; group labels only where a group (or a page) starts, borders drawn as if merged."""
    ind = fr.indicator
    ends = {
        "sasaran": nxt is None or nxt.sasaran_no != ind.sasaran_no,
        "program": nxt is None or nxt.program_kode != ind.program_kode,
        "kegiatan": nxt is None or (nxt.program_kode, nxt.kegiatan_no) != (ind.program_kode, ind.kegiatan_no),
    }
    ws.write_string(row, COL["kode"], ind.kode, styles.text(border=1))
    for key in GROUP_KEYS:
        fmt = styles.text(text_wrap=True, left=1, right=1, top=1 if shown[key] else 0, bottom=1 if ends[key] else 0)
        if shown[key]:
            ws.write_string(row, COL[key], labels[key], fmt)
        else:
            ws.write_blank(row, COL[key], None, fmt)
    ws.write_string(row, COL["indikator"], labels["indikator"], styles.text(text_wrap=True, border=1))
    ws.write_string(row, COL["satuan"], ind.satuan, styles.text(text_wrap=True, border=1))
    _number(ws, styles, row, COL["target"], fr.target)
    for s in aggregate.SEMESTERS:
        value = fr.capaian[s]
        _number(ws, styles, row, COL[f"capaian_{s}"], None if value is None else capaian.excel_round(value, 2))
        if fr.persen[s] is None:
            ws.write_blank(row, COL[f"persen_{s}"], None, styles.percent(border=1))
        else:
            ws.write_number(row, COL[f"persen_{s}"], fr.persen[s], styles.percent(fr.kategori[s], border=1))
    ws.write_string(row, COL["keterangan"], fr.keterangan, styles.text(text_wrap=True, border=1))


def _number(ws, styles: Styles, row: int, col: int, value) -> None:
    if value is None:
        ws.write_blank(row, col, None, styles.number(0, border=1))
    else:
        ws.write_number(row, col, value, styles.number(value, border=1))


def _legend(ws, styles: Styles, row: int) -> int:
    """Category colours under the table (one row); returns the next free row."""
    ws.set_row(row, LINE_PT * 2 + 4)
    ws.merge_range(row, 0, row, COL["kegiatan"], "Kategori % capaian (Permendagri 86/2017):", styles.text(bold=True, text_wrap=True))
    spans = ((COL["indikator"], COL["indikator"]), (COL["satuan"], COL["target"]), (COL["capaian_1"], COL["persen_1"]),
             (COL["capaian_2"], COL["persen_2"]), (COL["keterangan"], COL["keterangan"]))  # fmt: skip
    for (first, last), (text, kategori) in zip(spans, kategori_legend(), strict=True):
        fmt = styles.percent(kategori, border=1, text_wrap=True, align="center")
        if first == last:
            ws.write_string(row, first, text, fmt)
        else:
            ws.merge_range(row, first, row, last, text, fmt)
    return row + 1


def _write_sign_off(ws, styles: Styles, row: int, rollup: Rollup, kode: str) -> None:
    level = tingkat_of(kode)
    name = rollup.names.get(kode, kode)
    compiler, head = _sign_off(level, name)
    left, right = (COL["sasaran"], COL["indikator"]), (COL["capaian_1"], COL["keterangan"])
    place = name if level != "nasional" else "Jakarta"
    lines = [
        ("", f"{place}, ............................ {rollup.tahun}"),
        ("Disusun oleh,", "Mengetahui,"),
        (compiler, head),
        ("", ""), ("", ""), ("", ""),
        ("Nama    : ........................................", "Nama    : ........................................"),
        ("NIP     : ........................................", "NIP     : ........................................"),
        ("Tanggal : ........................................", ""),
    ]  # fmt: skip
    fmt = styles.text(text_wrap=True)
    for offset, pair in enumerate(lines):
        r = row + offset
        ws.set_row(r, LINE_PT * (3 if offset == 2 else 1) + 4)
        for (first, last), text in zip((left, right), pair, strict=True):
            ws.merge_range(r, first, r, last, text, fmt)
