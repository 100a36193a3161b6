"""Pins for kkb_excel.tingkat found by mutation testing (tools/mutate.py): every code-shape helper."""

import pytest

from kkb_excel.tingkat import (
    ancestors,
    in_scope,
    is_valid_kode,
    parent_of,
    rank,
    tingkat_of,
)

CODES = [("33", "provinsi", "ID"), ("33.74", "kabupaten", "33"), ("33.74.01", "kecamatan", "33.74"),
         ("33.74.01.1001", "desa", "33.74.01")]  # fmt: skip


@pytest.mark.parametrize("kode,tingkat,parent", CODES)
def test_shape_tier_and_parent(kode, tingkat, parent):
    assert is_valid_kode(kode) is True
    assert tingkat_of(kode) == tingkat
    assert parent_of(kode) == parent


def test_nasional():
    assert tingkat_of("ID") == "nasional" and not is_valid_kode("ID")


@pytest.mark.parametrize("kode", ["", "3", "333", "3a", "33.7", "33.744", "33.74.1", "33.74.01.100", "33.74.01.10011",
                                  "33.74.01.1001.01", "33..01", "33.74.", ".33", "33.74.01.100a"])  # fmt: skip
def test_malformed_codes(kode):
    assert is_valid_kode(kode) is False


def test_ranks_in_order():
    assert [rank(t) for t in ("desa", "kecamatan", "kabupaten", "provinsi", "nasional")] == [0, 1, 2, 3, 4]


def test_ancestors():
    assert ancestors("33.74.01.1001") == ["33", "33.74", "33.74.01", "33.74.01.1001"]
    assert ancestors("33") == ["33"]


@pytest.mark.parametrize("kode,wilayah,inside", [
    ("33.74.01", None, True), ("33.74", "ID", True), ("33.74", "33.74", True), ("33.74.01.1001", "33.74", True),
    ("33.740", "33.74", False), ("33.75.01", "33.74", False), ("33", "33.74", False), ("34.74", "33", False),
    ("33.74", "33.74.01", False),
])  # fmt: skip
def test_in_scope(kode, wilayah, inside):
    assert in_scope(kode, wilayah) is inside
