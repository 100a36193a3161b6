"""Bulk generation: the fast (cloned) path equals building each workbook directly."""

import io

import pytest
from conftest import DESA, saved
from openpyxl import load_workbook
from workbook_content import content

from kkb_excel.errors import KkbError
from kkb_excel.template import generate as gen
from kkb_excel.template.blueprint import Blueprint
from kkb_excel.template.generate import generate, plan_units, unit_identity
from kkb_excel.template.layout import FIRST_DATA_ROW, TemplateSpec, identity_cell
from kkb_excel.template.workbook import build_workbook


def direct(catalogue, wilayah, kode, targets=None):
    tingkat = wilayah.get(kode).tingkat
    spec = TemplateSpec(tingkat, 2024, unit_identity(wilayah, kode), catalogue.targets(tingkat, targets))
    return saved(build_workbook(spec, catalogue))


@pytest.mark.parametrize("kode", [DESA, "33.74", "33"])
def test_clone_equals_direct_build(catalogue, wilayah, kode, tmp_path):
    [path] = generate(plan_units([kode], None, 2024), 2024, tmp_path)
    assert content(path) == content(direct(catalogue, wilayah, kode))


def test_clone_with_target_overrides_equals_direct_build(catalogue, wilayah):
    overrides = {"S3.Pa.K2.a": 3, "S2.Pa.K3.b": 62.5, "S3.Pa.K6.b": None, "S3.Pc.K3.a": 12800}
    blueprint = Blueprint.build("desa", 2024, catalogue.targets("desa"), catalogue)
    cloned = blueprint.render(unit_identity(wilayah, DESA), catalogue.targets("desa", overrides))
    assert content(cloned) == content(direct(catalogue, wilayah, DESA, overrides))
    ws = load_workbook(io.BytesIO(cloned))["Daftar Tilik"]
    values = {ws[f"A{r}"].value: ws[f"G{r}"].value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 71)}
    assert values["S3.Pa.K2.a"] == 3 and values["S2.Pa.K3.b"] == 62.5 and values["S3.Pa.K6.b"] is None


def test_names_with_xml_characters_survive_cloning(catalogue, wilayah):
    identity = {k: "A & B <C> \"D\" =SUM(1)" for k in unit_identity(wilayah, DESA)}
    blueprint = Blueprint.build("desa", 2024, catalogue.targets("desa"), catalogue)
    ws = load_workbook(io.BytesIO(blueprint.render(identity, {})))["Daftar Tilik"]
    assert ws[identity_cell("nama_desa")].value == "A & B <C> \"D\" =SUM(1)"
    assert ws[identity_cell("nama_desa")].data_type == "s"


def test_turunan_desa_of_a_kota_gives_one_file_per_desa(wilayah):
    units = plan_units(["33.74"], "desa", 2024)
    assert len(units) == 177
    assert units[0].filename == "daftar-tilik_2024_33.74.01.1001_miroto.xlsx"
    assert len({u.filename for u in units}) == 177
    for u in units:
        assert all(ch.isalnum() or ch in "._-" for ch in u.filename)


def test_turunan_must_be_below_the_code():
    with pytest.raises(KkbError, match="tidak berlaku"):
        plan_units(["33.74.01"], "kabupaten", 2024)


def test_parallel_generation_under_spawn(tmp_path, monkeypatch):
    """jobs=2 uses the spawn start method (as on Windows) and writes the same workbooks."""
    monkeypatch.setattr(gen, "PARALLEL_MIN_UNITS", 0)  # force workers even for a small job
    units = plan_units(["33.74.01"], "desa", 2024) + plan_units(["33.74.02"], "desa", 2024)
    serial = generate(units, 2024, tmp_path / "serial", jobs=1)
    progressed = []
    parallel = generate(units, 2024, tmp_path / "parallel", jobs=2, progress=progressed.append)
    assert len(progressed) > 1 and sum(progressed) == len(units)
    assert [p.name for p in serial] == [p.name for p in parallel]
    assert sorted(p.name for p in (tmp_path / "parallel").iterdir()) == sorted(p.name for p in parallel)
    for a, b in zip(serial[:3], parallel[:3], strict=True):
        assert content(a) == content(b)


def test_kecamatan_gets_no_empty_form(tmp_path):
    """Nothing is observed at kecamatan: generate refuses instead of writing a form with nothing to fill."""
    with pytest.raises(KkbError, match="kecamatan tidak dibuatkan"):
        generate(plan_units(["33.74.01"], None, 2024), 2024, tmp_path)
    assert not any(tmp_path.iterdir())


def test_paper_option_changes_only_the_print_set_up(catalogue, wilayah, tmp_path):
    [f4] = generate(plan_units([DESA], None, 2024), 2024, tmp_path / "f4")
    [a4] = generate(plan_units([DESA], None, 2024), 2024, tmp_path / "a4", kertas="a4")
    a, b = load_workbook(f4)["Cetak"], load_workbook(a4)["Cetak"]
    assert (a.page_setup.paperSize, a.page_setup.scale, b.page_setup.paperSize, b.page_setup.scale) == (14, 95, 9, 90)
    assert [a[f"H{r}"].value for r in range(1, 80)] == [b[f"H{r}"].value for r in range(1, 80)]
    a, b = load_workbook(f4)["Daftar Tilik"], load_workbook(a4)["Daftar Tilik"]
    assert (a.page_setup.paperSize, b.page_setup.paperSize) == (14, 9)  # the input sheet prints one page wide
    assert [[c.value for c in r] for r in a.iter_rows()] == [[c.value for c in r] for r in b.iter_rows()]
