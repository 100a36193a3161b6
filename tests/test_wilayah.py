import pytest

from kkb_excel.errors import UnknownWilayahError
from kkb_excel.wilayah import normalize_kode


def test_counts_match_kemendagri_levels(wilayah):
    assert len(wilayah) == 38 + 514 + 7285 + 83762
    assert [len(wilayah.level(t)) for t in ("provinsi", "kabupaten", "kecamatan", "desa")] == [38, 514, 7285, 83762]


def test_lookup_and_parent_chain(wilayah):
    chain = wilayah.chain("33.74.01.1001")
    assert [w.kode for w in chain] == ["33", "33.74", "33.74.01", "33.74.01.1001"]
    assert [w.nama for w in chain[:2]] == ["Jawa Tengah", "Kota Semarang"]
    assert chain[-1].tingkat == "desa" and chain[-1].jenis == "Kelurahan"
    assert wilayah.get("33.22.01.2001").jenis == "Desa"


def test_children_at_any_level(wilayah):
    assert len(wilayah.children("33.74")) == 16
    assert len(wilayah.children("33.74", "desa")) == 177
    assert len(wilayah.children("33", "desa")) == 8563
    assert all(w.kode.startswith("33.74.") for w in wilayah.children("33.74", "desa"))
    assert wilayah.children("33.74.01.1001") == []


def test_prefix_does_not_leak_into_neighbouring_codes(wilayah):
    # 11.01 must not include 11.010 or 11.1x codes
    assert all(w.kode.split(".")[:2] == ["11", "01"] for w in wilayah.children("11.01", "desa"))


def test_search_by_name_and_code(wilayah):
    names = {w.kode for w in wilayah.search("semarang", limit=None)}
    assert {"33.74", "33.22"} <= names
    assert wilayah.search("kota semarang")[0].kode == "33.74"
    assert wilayah.search("33.74")[0].kode == "33.74"
    assert len(wilayah.search("33.74.01", limit=None)) == 1 + 15


@pytest.mark.parametrize("raw,expected", [("3374011001", "33.74.01.1001"), (" 33.74 ", "33.74"), ("3374", "33.74"), ("33", "33")])
def test_normalize(raw, expected):
    assert normalize_kode(raw) == expected


def test_unknown_code_is_a_clear_error(wilayah):
    with pytest.raises(UnknownWilayahError, match="tidak dikenal"):
        wilayah.get("99.99")


def test_packaged_attribution_present():
    from kkb_excel.resources import read_data

    readme = read_data("wilayah", "README.md").decode("utf-8")
    assert "ODbL" in readme and "idn-area-data" in readme
    assert b"Open Database License" in read_data("wilayah", "LICENSE.md")
