"""kkb-excel: the Kampung Keluarga Berkualitas monitoring cycle (Lampiran 4 daftar tilik) in Excel.

The pipeline, stage by stage (folder -> role):

    catalogue + wilayah --① template/--> daftar tilik workbooks --② read/--> submissions
        --③ validators/--> findings, Report --④ consolidate/--> Rollup --⑤ output/--> xlsx, CSV, Parquet

- Pure core (flat; standard library only, copied verbatim into the xlwings Lite bundle):
  `errors` library exceptions with Indonesian messages · `resources` packaged data files ·
  `numbers` numbers typed by people and shown back as typed · `capaian` the one % capaian
  definition and its categories ·
  `catalogue` the indicator catalogue (data/katalog.csv) · `tingkat` tiers and every kode-wilayah
  helper.
- Shared: `keys` value columns, semesters and labels, declared once · `wilayah` the Kemendagri
  reference · `dates` dates as people type them · `targets` target
  override files · `opd` which OPD fills which indicator (K/L per indicator, usual OPD, override
  file) · `findings` Finding, FileResult, Report and `finding()`, the one way to make a finding ·
  `files` atomic, Windows-safe writes · `parallel` spawn-safe chunked pools · `runtime` GC pause ·
  `memo` the previous run's kecamatan sums and rendered rows, reused where their inputs are the same.
- ① `template/`: `layout` where everything sits · `workbook` builds one daftar tilik (openpyxl) and
  its input sheet, laid out for a laptop screen · `print_sheet` the Cetak sheet: Lampiran 4 as
  printed, values taken from the input sheet · `form_parts` styles, heading, sign-off and legend
  both sheets share · `guide` the Petunjuk sheet · `pages` row heights, page breaks, repeated labels · `blueprint`
  clone-per-unit XML patching · `generate` many units in parallel · `canonical` the blank
  templates in workbooks/templates/ · `seal` the seal over metadata and locked targets ·
  `opd_layout` and `opd_workbook` one workbook per OPD with every desa/kelurahan as a row ·
  `prefill` desa workbooks pre-filled (locked) with what OPDs already reported.
- ② `read/`: `discover` paths -> files · `reader` one workbook -> Submission (values via the
  `_kkb` metadata) · `structure` moved columns/rows, identity vs metadata, the seal, other sheets ·
  `submission` Record and Submission · `cells` one typed cell value as its column expects it
  · `xlsxscan` formula text, error cells and % styles from the XML ·
  `xlsscan` error values in legacy .xls · `opd_reader` an OPD workbook -> one Submission per
  reported desa row · `pool` reads (and for consolidate validates) many files in workers · `cache`
  each file's read and validation results kept beside a rollup.
- ③ `validators/` (top-level folder installed as kkb_excel.validators): `rules` every rule's code,
  severity, title and message template, and `schemas` the pandera value and identity schemas · `filechecks` per-file
  rules run in the workers · `dated` the rules that depend on the day (I04, I10, I11), and whether a
  result checked on another day still holds · `run` frames -> pandera -> findings -> Report.
- ④ `consolidate/`: `model` RunConfig, Rollup, ManifestEntry, Conflict · `aggregate` additive
  partial sums per indicator · `merge` resubmissions by date and OPDs per semester · `completeness`
  expected units from the wilayah reference, Belum Masuk · `rollup_sheet` the hidden `_kkb_rekap`
  data sheet (written and read here) · `run` accept, skip, rollup inputs, aggregate up -> Rollup ·
  `opd_manifest` one manifest entry per OPD workbook.
- ⑤ `output/`: `laporan` console lines, laporan xlsx, JSON and annotated copies of a Report ·
  `safe` text and numbers any writer can store ·
  `rollup_workbook` ROLLUP.xlsx, CSV and Parquet · `sheet_rows` its big sheets' rows as worksheet XML ·
  `rekap_form` the unit's own Lampiran 4 rekap with sign-off · `matrix` child units x indicators ·
  `xlsx_style` print set-up, fonts, number formats ·
  `pdf` --pdf through LibreOffice · `names` output extensions · `catalogue_export` the catalogue as
  CSV/XLSX · `per_file` an OPD workbook's row results gathered per file.
- `addin/`: `classic` the xlwings macro workbook · `lite` the self-contained xlwings Lite module (kkb_fungsi.py).
  The worksheet functions live in the top-level `udfs/` folder (kkb_excel.udfs): `core` what they
  compute (pure Python) · `functions` the xlwings declarations Excel sees.
- `cli` (click only: parse -> library call -> render -> exit status), `cli_bahasa` click's own
  texts in Indonesian, `demo` the whole cycle on built-in data, `synthetic` plausible submissions.

Naming rule: Indonesian for domain terms users see (xlsx headers, JSON keys, messages, rule
titles: `berkas`, `kode_wilayah`, `keparahan`); English for code machinery (`read_all`,
`Submission`, `iter_chunks`). Domain words stay as they are in both (sasaran, capaian, tingkat, OPD).
"""

from pathlib import Path as _Path

__version__ = "0.1.0"

# In a source checkout (tests, `python -m kkb_excel` without installing), the top-level `udfs/` and
# `validators/` folders are this package's sub-packages, exactly as setuptools' package-dir maps them.
_CHECKOUT = _Path(__file__).resolve().parent.parent
if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "validators" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))  # noqa: F821 - __path__ is defined for packages
