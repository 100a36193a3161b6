"""Oracle: every rollup value recomputed in plain Python from the raw submissions, at every tier.

Written from the README ("Rekap berjenjang", "Lembar ROLLUP.xlsx"), the catalogue columns and
kkb_excel.capaian only; it shares no code with kkb_excel.consolidate. A small, nasty corpus in
Daerah Istimewa Yogyakarta (34): Kota Yogyakarta (34.71) and Kulon Progo (34.01) with every
agregasi kind, a Semester-I-only desa, 'Belum tersedia', a ratio with one half, resubmissions
(newer date wins, one date typed as text), two OPDs agreeing and disagreeing, a rejected file,
out-of-scope files, a kecamatan rollup used as input, kabupaten and provinsi forms, and ratios
such as 1/3, 9/26 and 23/160 that expose rounding twice. The real CLI runs every tier; every
value of every CSV row (and the Rekap sheets and the Lampiran 4 of the top unit) is compared with
the oracle, and the provinsi rollup built from rollups must equal the one built from desa files.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kkb_excel.capaian import capaian, excel_round, kategori
from kkb_excel.catalogue import load_catalogue
from kkb_excel.cli import main
from kkb_excel.opd import load_opd_map
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import plan_units
from kkb_excel.template.layout import COL, FIRST_DATA_ROW, identity_cell
from kkb_excel.template.opd_layout import SHEET_OPD
from kkb_excel.template.opd_workbook import generate_opd

TAHUN = 2024
SHARED_WILAYAH = Path(__file__).resolve().parents[2] / "shared" / "data" / "wilayah"
PACKAGED_WILAYAH = Path(__file__).resolve().parents[1] / "kkb_excel" / "data" / "wilayah" / "wilayah.csv.gz"
TIERS = ("desa", "kecamatan", "kabupaten", "provinsi")
TIER_OF_DEPTH = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}

# Indicators (codes from kkb_excel/data/katalog.csv) and what the catalogue says about them.
R = "S1.Pa.K1.a"  # rasio, desa, naik, target 68
R100 = "S1.Pa.K2.b"  # rasio, desa, naik, target 100
RNT = "S1.Pa.K2.c"  # rasio, desa, no target
RT = "S3.Pa.K6.b"  # rasio, desa, turun, target 8
J = "S3.Pa.K4.b"  # jumlah (angka), desa, target only nasional
JU = "S3.Pa.K2.a"  # jumlah_unit (status), desa
PU = "S4.Pa.K1.a"  # proporsi_unit (status), desa, target 80
TD = "S3.Pc.K4.a"  # tidak_diagregasi, observed nasional: a grey cell in a desa form
KR = "S2.Pa.K4.a"  # rasio, kabupaten, target 50
KP = "S2.Pa.K1.a"  # proporsi_unit, kabupaten, target 40
KJ = "S3.Pe.K4.a"  # jumlah, kabupaten
KJU = "S2.Pa.K2.a"  # jumlah_unit, kabupaten
PJU = "S2.Pa.K7.a"  # jumlah_unit, provinsi


def rasio(p, q, s=1):
    return {f"pembilang_{s}": p, f"penyebut_{s}": q}


def both(p1, q1, p2, q2):
    return {**rasio(p1, q1, 1), **rasio(p2, q2, 2)}


@dataclass
class Sub:
    """One submitted form as the oracle knows it: where it lies, whose, when, what it holds."""

    path: str  # relative to the raw folder
    kode: str
    values: dict
    opd: str = "Pemerintah Desa"
    tanggal: object = date(2024, 12, 1)  # as typed into the form
    when: date | None = None  # the date a reader must understand (defaults to `tanggal`)
    tahun: int = TAHUN
    rejected: bool = False  # holds a galat: never in any rollup
    copy_of: str | None = None  # byte-identical copy of another Sub's file
    opd_workbook: bool = False  # one desa row of an OPD workbook (all rows of one `path` share opd and tanggal)

    @property
    def date(self) -> date:
        return self.when or self.tanggal  # type: ignore[return-value]


KY, KP_ = "34.71", "34.01"
DINKES = "Dinas Kesehatan Uji"
TARGETS = {(KY, J): 40.0, ("34.71.01", R): 62.5, ("34.71.02", RT): 10.0, ("34.71.01.1001", R): 80.0}
CORPUS = [
    # Kota Yogyakarta, kecamatan Tegalrejo (4 kelurahan)
    Sub("34.71/01/a1.xlsx", "34.71.01.1001", {
        R: both(1, 3, 2, 3), RNT: rasio(5, 7), RT: both(1, 30, 3, 30), J: {"capaian_1": 4, "capaian_2": 9},
        JU: {"status_1": "ya", "status_2": "ya"}, PU: {"status_1": "ya", "status_2": "tidak"},
        TD: {"capaian_1": 50},  # grey cell: ignored with a warning, never aggregated
    }),
    Sub("34.71/01/a2 semester I saja.xlsx", "34.71.01.1002", {
        R: rasio(2, 3), RT: rasio(2, 30), J: {"capaian_1": 3}, JU: {"status_1": "tidak"}, PU: {"status_1": "ya"},
        RNT: rasio(0, 0),  # both halves filled, nothing to count
    }),
    Sub("34.71/01/a3.xlsx", "34.71.01.1003", {
        J: {"keterangan": "Belum tersedia"}, R: {"pembilang_1": 5, **rasio(1, 4, 2)},  # Sem I: one half only
        PU: {"status_1": "ya"}, R100: rasio(1, 3),
    }),
    Sub("34.71/01/a4 lama.xlsx", "34.71.01.1004", {R: rasio(9, 10), J: {"capaian_1": 100}}, tanggal=date(2024, 7, 1)),
    Sub("34.71/01/a4 baru.xlsx", "34.71.01.1004", {R: rasio(500, 1000), J: {"capaian_1": 7}},
        tanggal="15 Desember 2024", when=date(2024, 12, 15)),
    Sub("34.71/01/a1 tahun lalu.xlsx", "34.71.01.1001", {R: rasio(1, 1)}, tahun=2023, tanggal=date(2023, 12, 1)),
    # Kota Yogyakarta, kecamatan Jetis (3 kelurahan): two OPDs for one kelurahan, one rejected file
    Sub("34.71/02/b1 desa.xlsx", "34.71.02.1001", {
        R: both(1, 3, 1, 3), RT: both(2, 30, 4, 30), J: {"capaian_1": 5}, PU: {"status_1": "ya"}, JU: {"status_1": "ya"},
    }),
    Sub("34.71/02/b1 salinan.xlsx", "34.71.02.1001", {}, copy_of="34.71/02/b1 desa.xlsx"),
    Sub("34.71/02/b1 puskesmas.xlsx", "34.71.02.1001", {
        R: rasio(1, 3), RT: both(3, 30, 4, 30), J: {"capaian_2": 6}, PU: {"status_1": "tidak"},
    }, opd="Puskesmas Jetis", tanggal="01/11/2024", when=date(2024, 11, 1)),
    Sub("34.71/02/b3 versi 1.xlsx", "34.71.02.1003", {R: rasio(1, 2), J: {"capaian_1": 5}}),  # same OPD, same date:
    Sub("34.71/02/b3 versi 2.xlsx", "34.71.02.1003", {R: rasio(1, 4), J: {"capaian_1": 5}}),  # R conflicts, J agrees
    Sub("34.71/02/b2 ditolak.xlsx", "34.71.02.1002", {R: rasio(-5, 10), J: {"capaian_1": 99}}, rejected=True),
    Sub("34.71/kabupaten.xlsx", KY, {
        KR: both(7, 9, 8, 9), KP: {"status_1": "ya"}, KJ: {"capaian_1": 12}, KJU: {"status_1": "ya"},
    }, opd="Dinas PPKB"),
    # Kulon Progo, kecamatan Temon (15 desa): Sem II 4/13 + 5/13 = 9/26 against 68 -> 50.90; 23/160 -> 14.38
    Sub("34.01/01/c1.xlsx", "34.01.01.2001", {
        R: {**rasio("4", "13"), **rasio("4", "13", 2)}, RT: rasio(1, 30), PU: {"status_1": "ya"}, JU: {"status_1": "ya"},
        J: {"capaian_1": "12"},
    }),
    Sub("34.01/01/c2.xlsx", "34.01.01.2002", {R: both(5, 13, 5, 13), R100: rasio(23, 160)}),
    Sub("34.01/01/c3.xlsx", "34.01.01.2003", {
        R: {"keterangan": "belum  tersedia (data BPS)"}, PU: {"status_1": "tidak", "status_2": "tidak"},
        JU: {"status_1": "tidak"},
    }),
    # Kulon Progo, kecamatan Wates (8 desa): consolidated into a kecamatan rollup first
    Sub("34.01/02/d1.xlsx", "34.01.02.1008", {
        R: both(1, 6, 1, 6), J: {"capaian_1": 2, "capaian_2": 3}, PU: {"status_1": "ya", "status_2": "ya"},
    }),
    Sub("34.01/02/d2.xlsx", "34.01.02.2001", {R: rasio(2, 7), RT: rasio(1, 20), JU: {"status_1": "ya", "status_2": "ya"}}),
    Sub("34.01/02/d3.xlsx", "34.01.02.2002", {PU: {"status_2": "tidak"}}),
    Sub("34.01/kabupaten.xlsx", KP_, {KR: rasio(3, 9), KP: {"status_1": "tidak"}, KJ: {"capaian_1": 5},
                                      KJU: {"status_1": "tidak"}}, opd="Dinas PPKB"),  # fmt: skip
    # an OPD workbook for Kulon Progo: agrees with c1, disagrees with c2, a desa nobody else reports, a row
    # corrected later through a per-desa form of the same OPD, and a Wates desa the kecamatan rollup lacks
    Sub("34.01/opd-dinkes.xlsx", "34.01.01.2001", {R: rasio(4, 13)}, opd=DINKES, tanggal="20/11/2024",
        when=date(2024, 11, 20), opd_workbook=True),
    Sub("34.01/opd-dinkes.xlsx", "34.01.01.2002", {R: rasio(6, 13)}, opd=DINKES, tanggal="20/11/2024",
        when=date(2024, 11, 20), opd_workbook=True),
    Sub("34.01/opd-dinkes.xlsx", "34.01.01.2004", {R: rasio(2, 5), PU: {"status_1": "ya"}, J: {"capaian_1": "12,0"}},
        opd=DINKES, tanggal="20/11/2024", when=date(2024, 11, 20), opd_workbook=True),
    Sub("34.01/opd-dinkes.xlsx", "34.01.01.2005", {R: rasio(3, 9)}, opd=DINKES, tanggal="20/11/2024",
        when=date(2024, 11, 20), opd_workbook=True),
    Sub("34.01/opd-dinkes.xlsx", "34.01.02.2003", {R: both(1, 8, 2, 8)}, opd=DINKES, tanggal="20/11/2024",
        when=date(2024, 11, 20), opd_workbook=True),
    Sub("34.01/01/c5 koreksi dinkes.xlsx", "34.01.01.2005", {R: rasio(1, 9)}, opd=DINKES, tanggal=date(2024, 12, 10)),
    # a newer form for a Wates desa that the kecamatan rollup already holds (same OPD): it replaces the desa there
    Sub("34.01/koreksi/d2 baru.xlsx", "34.01.02.2001", {R: rasio(3, 7), JU: {"status_1": "tidak"}}, tanggal=date(2024, 12, 20)),
    # Bantul (no rollup of its own), the provinsi form, and a desa of another provinsi
    Sub("34.02/e1.xlsx", "34.02.01.2001", {R: rasio(1, 2), PU: {"status_1": "ya"}}),
    Sub("34/provinsi.xlsx", "34", {PJU: {"status_1": "ya"}}, opd="Dinas P3AP2KB"),
    Sub("33/semarang.xlsx", "33.74.01.1001", {R: rasio(1, 2)}),
]  # fmt: skip


# --- building the corpus with the project's own template ------------------------------------


def write_opd_workbook(catalogue, folder: Path, rows: list[Sub]) -> None:
    """One OPD workbook (template kkb-opd) holding the given desa rows, filled as a clerk would."""
    first = rows[0]
    kab = ".".join(first.kode.split(".")[:2])
    peta = folder / "peta-opd.csv"
    kodes = sorted({k for sub in rows for k in sub.values})
    peta.write_text("kode_indikator;opd\n" + "".join(f"{k};{first.opd}\n" for k in kodes), encoding="utf-8")
    blank_dir = folder / "blank-opd"
    [blank] = generate_opd(plan_units([kab], None, TAHUN), [first.opd], TAHUN, blank_dir, load_opd_map(peta, catalogue))
    meta = [r for r in load_workbook(blank, read_only=True)["_kkb"].iter_rows(min_row=2, values_only=True)]
    columns = {(r[4], r[5]): r[3] for r in meta if r[3]}
    desa_row = {r[8]: int(r[7]) for r in meta if len(r) > 8 and r[7]}
    wb = load_workbook(blank)
    ws = wb[SHEET_OPD]
    ws["B7"], ws["B8"], ws["B9"] = first.opd, "Petugas", first.tanggal
    for sub in rows:
        for kode, inputs in sub.values.items():
            for key, value in inputs.items():
                ws[f"{columns[(kode, key)]}{desa_row[sub.kode]}"] = value
    path = folder / first.path
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    shutil.rmtree(blank_dir)
    peta.unlink()


def write_form(catalogue, folder: Path, sub: Sub) -> None:
    path = folder / sub.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if sub.copy_of:
        shutil.copyfile(folder / sub.copy_of, path)
        return
    [unit] = plan_units([sub.kode], None, sub.tahun)
    targets = catalogue.targets(unit.tingkat)
    rows = {i.kode: FIRST_DATA_ROW + n for n, i in enumerate(catalogue.active)}
    cells = {identity_cell("opd"): sub.opd, identity_cell("petugas"): "Petugas", identity_cell("tanggal"): sub.tanggal}
    for kode, inputs in sub.values.items():
        for key, value in inputs.items():
            cells[f"{COL[key]}{rows[kode]}"] = value
    blueprint = Blueprint.build(unit.tingkat, sub.tahun, targets, catalogue)
    path.write_bytes(blueprint.render(unit.identity, targets, cells))


# --- the oracle -------------------------------------------------------------------------------


def load_reference() -> dict[str, list[str]]:
    """Codes per tier from the shared Kemendagri CSVs; in a checkout without ../shared (CI), from the raw
    file the package ships, read here with the standard library (not through kkb_excel.wilayah)."""
    out: dict[str, list[str]] = {}
    if not SHARED_WILAYAH.is_dir():
        with gzip.open(PACKAGED_WILAYAH, "rt", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                out.setdefault(tier_of(row["kode"]), []).append(row["kode"])
        return out
    for tier, name in (("provinsi", "provinces"), ("kabupaten", "regencies"), ("kecamatan", "districts"), ("desa", "villages")):
        with open(SHARED_WILAYAH / f"{name}.csv", encoding="utf-8") as f:
            out[tier] = [row["code"] for row in csv.DictReader(f)]
    return out


def tier_of(kode: str) -> str:
    return TIER_OF_DEPTH[kode.count(".") + 1]


def under(kode: str, parent: str) -> bool:
    return kode == parent or kode.startswith(parent + ".")


def ancestor(kode: str, tier: str) -> str:
    return ".".join(kode.split(".")[: TIERS[::-1].index(tier) + 1])


def num(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return float(value.replace(".", "").replace(",", "."))
    return float(value)


def is_belum(keterangan) -> bool:
    return isinstance(keterangan, str) and " ".join(keterangan.split()).casefold().startswith("belum tersedia")


def unit_value(ind, inputs: dict, s: int):
    """What one source says for one indicator and semester: a comparable value, or None."""
    if ind.cara_isi == "rasio":
        p, q = num(inputs.get(f"pembilang_{s}")), num(inputs.get(f"penyebut_{s}"))
        return (p, q) if p is not None and q is not None else None
    if ind.cara_isi == "status":
        return inputs.get(f"status_{s}")
    return num(inputs.get(f"capaian_{s}"))


@dataclass
class Cell:
    """The oracle's aggregate for one unit x indicator x semester."""

    capaian: float | None = None
    pembilang: float | None = None
    penyebut: float | None = None
    ya: int | None = None
    berstatus: int | None = None
    laporan: int = 0
    belum: int = 0
    konflik: int = 0
    expected: int = 0
    target: float | None = None

    @property
    def persen(self):
        return capaian(self.capaian, self.target, self.polaritas)

    @property
    def cakupan(self):
        return excel_round(self.laporan / self.expected * 100) if self.expected else None

    polaritas: str = "naik"


def oracle(subs: list[Sub], top: str, wilayah: str, reference, catalogue, targets=None) -> dict[tuple, Cell]:
    """{(tier, kode wilayah, indikator, semester): Cell} for a run at `top` limited to `wilayah`.

    `targets`: {(kode wilayah, indikator): target} from a --target file, replacing the catalogue's.
    """
    scope = [s for s in subs if s.tahun == TAHUN and not s.rejected and under(s.kode, wilayah)
             and TIERS.index(tier_of(s.kode)) <= TIERS.index(top)]  # fmt: skip
    newest: dict[tuple, date] = {}
    for sub in scope:  # newest per unit x OPD; same OPD and date: every distinct content is a source
        newest[sub.kode, sub.opd] = max(newest.get((sub.kode, sub.opd), sub.date), sub.date)
    sources: dict[str, list[dict]] = {}
    for sub in scope:
        values = next(s for s in subs if s.path == sub.copy_of).values if sub.copy_of else sub.values
        if sub.date == newest[sub.kode, sub.opd] and values not in sources.get(sub.kode, []):
            sources.setdefault(sub.kode, []).append(values)

    leaf: dict[tuple, tuple[str, object]] = {}  # (kode, ind, s) -> ("nilai", v) | ("belum", None) | ("konflik", None)
    for kode, srcs in sources.items():
        for ind in catalogue.active:
            if ind.tingkat_pengamatan != tier_of(kode):
                continue
            for s in (1, 2):
                vals = [v for v in (unit_value(ind, src.get(ind.kode, {}), s) for src in srcs) if v is not None]
                if len(set(vals)) > 1:
                    leaf[kode, ind.kode, s] = ("konflik", None)
                elif vals:
                    leaf[kode, ind.kode, s] = ("nilai", vals[0])
                elif any(is_belum(src.get(ind.kode, {}).get("keterangan")) for src in srcs):
                    leaf[kode, ind.kode, s] = ("belum", None)

    local = {tier: [k for k in reference[tier] if under(k, wilayah)] for tier in TIERS}
    members: dict[tuple, list[str]] = {}  # (observed tier, unit) -> observed units under it
    for observed in TIERS:
        for k in local[observed]:
            for tier in TIERS[TIERS.index(observed) :]:
                members.setdefault((observed, ancestor(k, tier)), []).append(k)
    cells: dict[tuple, Cell] = {}
    for ind in catalogue.active:
        observed = ind.tingkat_pengamatan
        if ind.agregasi == "tidak_diagregasi" or observed not in TIERS:
            continue
        for tier in TIERS[TIERS.index(observed) : TIERS.index(top) + 1]:
            for unit in local[tier]:
                for s in (1, 2):
                    cell = aggregate(ind, unit, tier, s, leaf, members)
                    cell.target = (targets or {}).get((unit, ind.kode), cell.target)
                    if cell.laporan or cell.belum or cell.konflik:
                        cells[tier, unit, ind.kode, s] = cell
    # a row present for one semester is present for both
    if TIERS.index(top) > TIERS.index("kabupaten"):  # README: kabupaten rollups carry no desa values,
        cells = {k: c for k, c in cells.items() if k[0] != "desa"}  # so neither export has desa rows
    for tier, unit, kode, s in list(cells):
        other = (tier, unit, kode, 3 - s)
        if other not in cells:
            cells[other] = aggregate(catalogue.get(kode), unit, tier, 3 - s, leaf, members)
            cells[other].target = cells[tier, unit, kode, s].target
    return cells


def aggregate(ind, unit: str, tier: str, s: int, leaf, members) -> Cell:
    units = members.get((ind.tingkat_pengamatan, unit), [])
    cell = Cell(expected=len(units), target=ind.default_target(tier), polaritas=ind.polaritas)
    values = []
    for k in units:
        state, value = leaf.get((k, ind.kode, s), (None, None))
        if state == "nilai":
            values.append(value)
        cell.belum += state == "belum"
        cell.konflik += state == "konflik"
    cell.laporan = len(values)
    if not values:
        return cell
    if ind.agregasi == "rasio":
        cell.pembilang = sum(p for p, _ in values)
        cell.penyebut = sum(q for _, q in values)
        cell.capaian = cell.pembilang / cell.penyebut * 100 if cell.penyebut > 0 else None
    elif ind.agregasi in ("proporsi_unit", "jumlah_unit"):
        cell.ya = sum(v == "ya" for v in values)
        cell.berstatus = len(values)
        cell.capaian = cell.ya / cell.berstatus * 100 if ind.agregasi == "proporsi_unit" else float(cell.ya)
    else:
        cell.capaian = float(sum(values))
    return cell


# --- running the real CLI and reading what it wrote ------------------------------------------


def consolidate(out: Path, inputs: list[Path], tingkat: str, wilayah: str | None, *extra: str) -> tuple[Path, Path]:
    xlsx, csv_path = out.with_suffix(".xlsx"), out.with_suffix(".csv")
    args = ["consolidate", *map(str, inputs), "-o", str(xlsx), "--tingkat", tingkat, "--tahun", str(TAHUN),
            "--csv", str(csv_path), "--csv-format", "standar", *extra]  # fmt: skip
    if wilayah:
        args += ["--wilayah", wilayah]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return xlsx, csv_path


def read_csv(path: Path) -> dict[tuple, dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for row in rows:
        key = (row["tingkat"], row["kode_wilayah"], row["kode_indikator"], int(row["semester"]))
        assert key not in out, f"duplicate CSV row {key}"
        out[key] = row
    return out


def _f(text: str) -> float | None:
    return float(text) if text != "" else None


def _n(text: str) -> int:
    return int(float(text)) if text != "" else 0


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


def compare(csv_rows: dict[tuple, dict], expected: dict[tuple, Cell], label: str) -> None:
    problems = []
    for key, cell in expected.items():
        row = csv_rows.get(key)
        if row is None:
            problems.append(f"{label}: no CSV row for {key} (oracle: {cell})")
            continue
        got = {
            "capaian": _f(row["capaian"]), "persen": _f(row["persen_capaian"]), "kategori": row["kategori"] or None,
            "pembilang": _f(row["pembilang"]), "penyebut": _f(row["penyebut"]),
            "ya": _f(row["unit_ya"]), "berstatus": _f(row["unit_berstatus"]),
            "laporan": _n(row["jumlah_laporan"]), "expected": _n(row["unit_diharapkan"]), "cakupan": _f(row["cakupan"]),
            "belum": _n(row["belum_tersedia"]), "konflik": _n(row["konflik"]), "target": _f(row["target"]),
        }  # fmt: skip
        want = {
            "capaian": cell.capaian, "persen": cell.persen, "kategori": kategori(cell.persen),
            "pembilang": cell.pembilang, "penyebut": cell.penyebut, "ya": cell.ya, "berstatus": cell.berstatus,
            "laporan": cell.laporan, "expected": cell.expected, "cakupan": cell.cakupan,
            "belum": cell.belum, "konflik": cell.konflik, "target": cell.target,
        }  # fmt: skip
        for name, value in want.items():
            ok = close(got[name], value) if name == "capaian" else got[name] == value
            if not ok:
                problems.append(f"{label} {key} {name}: rollup {got[name]!r}, oracle {value!r}")
    for key, row in csv_rows.items():
        if key not in expected and (row["capaian"] or _n(row["jumlah_laporan"]) or _n(row["belum_tersedia"]) or _n(row["konflik"])):
            problems.append(f"{label}: CSV row {key} holds data the oracle does not expect: {row}")
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} differences)"


def shown(value: float | None) -> float | None:
    """A capaian as the sheets store it for display: rounded once, from the unrounded value."""
    return None if value is None else excel_round(value)


SEM_COLUMNS = {1: ("Capaian Semester I", "% Capaian Sem I", "Jumlah laporan Sem I", "% cakupan Sem I",
                   "Belum tersedia Sem I", "Konflik Sem I"),
               2: ("Capaian Semester II", "% Capaian Sem II", "Jumlah laporan Sem II", "% cakupan Sem II",
                   "Belum tersedia Sem II", "Konflik Sem II")}  # fmt: skip
SHEET_OF_TIER = {"kecamatan": "Rekap Kecamatan", "kabupaten": "Rekap Kabupaten-Kota", "provinsi": "Rekap Provinsi"}


def compare_sheets(xlsx: Path, expected: dict[tuple, Cell], top: str, label: str) -> None:
    """The Rekap per tingkat sheets and the top unit's Lampiran 4 hold the oracle's numbers too."""
    wb = load_workbook(xlsx, read_only=True)
    problems = []
    for tier in TIERS[1 : TIERS.index(top) + 1]:
        rows = list(wb[SHEET_OF_TIER[tier]].iter_rows(values_only=True))
        head = rows[0]
        seen = set()
        for values in rows[1:]:
            row = dict(zip(head, values, strict=False))
            for s, (cap, pct, lap, cak, belum, konf) in SEM_COLUMNS.items():
                key = (tier, row["Kode wilayah"], row["Kode"], s)
                seen.add(key)
                cell = expected.get(key, Cell())
                got = (row[cap], row[pct], row[lap] or 0, row[belum] or 0, row[konf] or 0, row["Unit diharapkan"])
                unit_diharapkan = cell.expected if key in expected else row["Unit diharapkan"]
                want = (cell.capaian, cell.persen, cell.laporan, cell.belum, cell.konflik, unit_diharapkan)
                if not (got[0] == shown(want[0]) and got[1:] == want[1:]) or (key in expected and row[cak] != cell.cakupan):
                    problems.append(f"{label} {SHEET_OF_TIER[tier]} {key}: sheet {got + (row[cak],)}, oracle {want + (cell.cakupan,)}")
        missing = [k for k in expected if k[0] == tier and k not in seen]
        problems += [f"{label} {SHEET_OF_TIER[tier]}: no row for {k}" for k in missing]
    assert not problems, "\n".join(problems[:30]) + f"\n({len(problems)} differences)"


def lampiran4_values(xlsx: Path) -> dict[str, tuple]:
    wb = load_workbook(xlsx, read_only=True)
    ws = wb["Lampiran 4"]
    out = {}
    for row in ws.iter_rows(values_only=True):
        if row and isinstance(row[0], str) and row[0].count(".") == 3 and row[0].startswith("S"):
            out[row[0]] = (row[7], row[8], row[9], row[10])
    return out


# --- the runs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    catalogue = load_catalogue()
    reference = load_reference()
    root = tmp_path_factory.mktemp("oracle")
    raw = root / "raw"
    for sub in CORPUS:
        if not sub.opd_workbook:
            write_form(catalogue, raw, sub)
    for path in {s.path for s in CORPUS if s.opd_workbook}:
        write_opd_workbook(catalogue, raw, [s for s in CORPUS if s.path == path])
    out = root / "rekap"
    out.mkdir()
    runs = {}
    # a kecamatan rollup (Wates), then used as input for its kabupaten
    runs["kec"] = consolidate(out / "kec-wates", [raw / "34.01" / "02"], "kecamatan", "34.01.02")
    # kecamatan rollups without --wilayah: every kecamatan the inputs touch
    runs["kec-semua"] = consolidate(out / "kec-semua", [raw / "34.71"], "kecamatan", None)
    runs["kab-ky"] = consolidate(out / "kab-yogya", [raw], "kabupaten", KY)
    target_file = root / "target.csv"
    target_file.write_text("kode_wilayah;kode_indikator;target\n" + "".join(f"{k};{i};{str(t).replace('.', ',')}\n"
                           for (k, i), t in TARGETS.items()), encoding="utf-8")  # fmt: skip
    runs["kab-ky-target-sem1"] = consolidate(out / "kab-yogya-target", [raw], "kabupaten", KY, "--target", str(target_file),
                                             "--semester", "1")  # fmt: skip
    # rollup of a rollup, plus a desa file that is byte-identical to one inside the kecamatan rollup
    runs["kab-kp"] = consolidate(out / "kab-kulonprogo", [raw / "34.01" / "01", raw / "34.01" / "kabupaten.xlsx",
                                 runs["kec"][0], raw / "34.01" / "02" / "d1.xlsx", raw / "34.01" / "opd-dinkes.xlsx",
                                 raw / "34.01" / "koreksi"], "kabupaten", KP_)  # fmt: skip
    runs["prov-rekap"] = consolidate(out / "prov-dari-rekap", [runs["kab-ky"][0], runs["kab-kp"][0], raw / "34.02",
                                     raw / "34", raw / "33", raw / "34.71" / "01" / "a4 lama.xlsx"], "provinsi", "34")  # fmt: skip
    runs["prov-desa"] = consolidate(out / "prov-dari-desa", [raw], "provinsi", "34", "--jobs", "2")
    return catalogue, reference, runs


CASES = {  # run -> (top tier, wilayah the oracle restricts to, the raw forms that reach it, directly or through rollups)
    "kec": ("kecamatan", "34.01.02", "34.01/02/"),
    "kab-ky": ("kabupaten", KY, ""),
    "kab-kp": ("kabupaten", KP_, ""),
    "prov-rekap": ("provinsi", "34", ""),
    "prov-desa": ("provinsi", "34", ""),
}


def expected_for(name: str, reference, catalogue) -> dict[tuple, Cell]:
    top, wilayah, inputs = CASES[name]
    return oracle([s for s in CORPUS if s.path.startswith(inputs)], top, wilayah, reference, catalogue)


@pytest.mark.parametrize("name", list(CASES))
def test_every_csv_value_matches_the_oracle(world, name):
    catalogue, reference, runs = world
    compare(read_csv(runs[name][1]), expected_for(name, reference, catalogue), name)


@pytest.mark.parametrize("name", list(CASES))
def test_rekap_sheets_match_the_oracle(world, name):
    catalogue, reference, runs = world
    compare_sheets(runs[name][0], expected_for(name, reference, catalogue), CASES[name][0], name)


@pytest.mark.parametrize("name", ["kab-ky", "kab-kp", "prov-desa"])
def test_lampiran4_of_the_top_unit_matches_the_oracle(world, name):
    catalogue, reference, runs = world
    top, wilayah, _ = CASES[name]
    expected = expected_for(name, reference, catalogue)
    values = lampiran4_values(runs[name][0])
    problems = []
    for ind in catalogue.active:
        cells = [expected.get((top, wilayah, ind.kode, s), Cell()) for s in (1, 2)]
        got = values[ind.kode]
        for s, cell in zip((1, 2), cells, strict=True):
            cap, pct = got[2 * (s - 1)], got[2 * (s - 1) + 1]
            if not (cap == shown(cell.capaian) and pct == cell.persen):
                problems.append(f"{ind.kode} Sem {s}: Lampiran 4 {cap!r}/{pct!r}, oracle {cell.capaian!r}/{cell.persen!r}")
    assert not problems, "\n".join(problems)


def test_target_file_and_one_semester(world):
    """--target replaces the catalogue target of exactly the units it names; --semester 1 keeps Semester I only."""
    catalogue, reference, runs = world
    expected = oracle(CORPUS, "kabupaten", KY, reference, catalogue, TARGETS)
    rows = read_csv(runs["kab-ky-target-sem1"][1])
    assert {k[3] for k in rows} == {1}
    compare(rows, {k: c for k, c in expected.items() if k[3] == 1}, "kab-ky-target-sem1")
    assert expected["kecamatan", "34.71.01", R, 1].target == 62.5 and expected["kabupaten", KY, R, 1].target == 68


def test_kecamatan_rollups_without_wilayah_cover_every_touched_kecamatan(world):
    catalogue, reference, runs = world
    expected = {}
    for kec in ("34.71.01", "34.71.02"):
        expected |= oracle([s for s in CORPUS if s.path.startswith("34.71/")], "kecamatan", kec, reference, catalogue)
    compare(read_csv(runs["kec-semua"][1]), expected, "kec-semua")


def test_rollup_of_rollups_equals_the_direct_rollup(world):
    _, _, runs = world
    a, b = read_csv(runs["prov-rekap"][1]), read_csv(runs["prov-desa"][1])
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    wa, wb = load_workbook(runs["prov-rekap"][0], read_only=True), load_workbook(runs["prov-desa"][0], read_only=True)
    assert wa.sheetnames == wb.sheetnames
    for title in wa.sheetnames:
        if title != "Manifest":  # the Manifest lists each run's own input files
            assert run_rows(wa[title]) == run_rows(wb[title]), title


FOLDERS = re.compile(r"[^\s(;:]*[/\\\\]")  # a file is named from the folder each run was given: compare base names


def run_rows(sheet) -> list[tuple]:
    """A sheet's rows minus what describes the run rather than the data: its files, its timestamp."""
    rows = [tuple(FOLDERS.sub("", v) if isinstance(v, str) else v for v in r) for r in sheet.iter_rows(values_only=True)]
    run_only = ("dibuat", "berkas")  # _kkb timestamp; _kkb_rekap files seen (named as each run was given them)
    return [r for r in rows if not (r and isinstance(r[0], str) and (r[0].startswith("Berkas: ") or r[0] in run_only))]


def test_the_oracle_corpus_is_what_it_claims(world):
    """Pins of the corpus itself, so a change to it cannot quietly remove the nasty cases."""
    catalogue, reference, _ = world
    prov = oracle(CORPUS, "provinsi", "34", reference, catalogue)
    kab_kp = prov["kabupaten", KP_, R, 1]  # c2 held (OPDs disagree), c5 corrected, d2 replaced, a Wates OPD row added
    assert (kab_kp.pembilang, kab_kp.penyebut, kab_kp.konflik) == (4 + 2 + 1 + 1 + 3 + 1, 13 + 5 + 9 + 6 + 7 + 8, 1)
    assert prov["kecamatan", "34.71.02", R, 1].konflik == 1 and prov["kecamatan", "34.71.02", J, 1].laporan == 2
    assert prov["kecamatan", "34.71.01", RNT, 1].laporan == 2  # 0/0 is a report with nothing to count
    kec = prov["kecamatan", "34.01.01", R, 2]
    assert (kec.pembilang, kec.penyebut, kec.persen) == (9, 26, 50.90)  # rounded capaian first would give 50.91
    assert prov["kabupaten", KP_, R100, 1].persen == 14.38
    assert oracle(CORPUS, "kabupaten", KY, reference, catalogue)["desa", "34.71.01.1001", R, 1].persen == 49.02  # not 49.01
    assert prov["kecamatan", "34.71.02", RT, 1].konflik == 1
    assert prov["kecamatan", "34.71.02", J, 2].laporan == 1  # OPDs filling different semesters agree
    assert prov["kecamatan", "34.71.01", J, 1].belum == 1
    assert prov["kecamatan", "34.71.01", R, 1].pembilang == 1 + 2 + 500  # one half (a3) and the older a4 left out
    assert prov["provinsi", "34", KR, 1].expected == 5 and prov["provinsi", "34", PJU, 1].expected == 1


def tail(path: str) -> str:
    return "/".join(Path(path).parts[-2:])


def manifest(xlsx: Path) -> dict[str, str]:
    rows = list(load_workbook(xlsx, read_only=True)["Manifest"].iter_rows(values_only=True))
    head = rows[0]
    out = {}
    for values in rows[1:]:
        row = dict(zip(head, values, strict=False))
        if row["Status"]:
            name = tail(row["Berkas"])
            assert name not in out, f"{name} twice in the Manifest"
            out[name] = row["Status"]
    return out


def test_every_input_has_the_status_the_oracle_gives_it(world):
    _, _, runs = world
    kab = manifest(runs["kab-ky"][0])
    expected = {tail(s.path): "dilewati" for s in CORPUS if not under(s.kode, KY) or s.tahun != TAHUN or s.kode == "34"}
    expected |= {tail(s.path): "diterima" for s in CORPUS if under(s.kode, KY) and s.tahun == TAHUN}
    expected |= {"01/a4 lama.xlsx": "digantikan", "02/b1 salinan.xlsx": "digantikan", "02/b2 ditolak.xlsx": "ditolak",
                 "34.01/opd-dinkes.xlsx": "dilewati"}  # fmt: skip
    assert kab == expected
    assert manifest(runs["kab-kp"][0]) == {"01/c1.xlsx": "diterima", "01/c2.xlsx": "diterima", "01/c3.xlsx": "diterima",
                                           "34.01/kabupaten.xlsx": "diterima", "rekap/kec-wates.xlsx": "diterima",
                                           "02/d1.xlsx": "digantikan", "34.01/opd-dinkes.xlsx": "diterima",
                                           "01/c5 koreksi dinkes.xlsx": "diterima", "koreksi/d2 baru.xlsx": "diterima"}  # fmt: skip
    assert manifest(runs["prov-rekap"][0]) == {"rekap/kab-yogya.xlsx": "diterima", "rekap/kab-kulonprogo.xlsx": "diterima",
                                               "34.02/e1.xlsx": "diterima", "34/provinsi.xlsx": "diterima",
                                               "33/semarang.xlsx": "dilewati", "01/a4 lama.xlsx": "digantikan"}  # fmt: skip
