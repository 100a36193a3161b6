"""Aggregation branches the mutation sample found unpinned (tools/mutate.py on consolidate/aggregate.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kkb_excel.consolidate import aggregate
from kkb_excel.consolidate.aggregate import FLAG_CONFLICT, FLAG_NOT_AGGREGATABLE, Partial, aggregates, combine, leaf, value


@pytest.fixture
def ratio_ind(catalogue):
    return next(i for i in catalogue.active if i.cara_isi == "rasio" and i.tingkat_pengamatan == "desa")


def test_a_conflicted_semester_is_counted_and_the_other_still_summed(ratio_ind):
    values = {"pembilang_1": 3.0, "penyebut_1": 10.0, "pembilang_2": 4.0, "penyebut_2": 10.0}
    part = leaf(ratio_ind, values.get, conflicted=(1,))
    assert part.sums["konflik_1"] == 1.0 and "pembilang_1" not in part.sums and "laporan_1" not in part.sums
    assert part.sums["pembilang_2"] == 4.0 and part.sums["laporan_2"] == 1.0
    assert FLAG_CONFLICT in part.flags


def test_a_ratio_with_pembilang_zero_is_zero_percent_and_penyebut_zero_is_undefined(ratio_ind):
    assert value(ratio_ind, Partial({"penyebut_1": 10.0, "laporan_1": 1.0}), 1) == 0.0
    assert value(ratio_ind, Partial({"pembilang_1": 1.0, "penyebut_1": 0.0, "laporan_1": 1.0}), 1) is None


def test_not_aggregatable_indicators_are_flagged_and_never_summed(ratio_ind):
    fixed = replace(ratio_ind, agregasi="tidak_diagregasi")
    child = Partial({"pembilang_1": 3.0, "penyebut_1": 10.0, "laporan_1": 1.0})
    parent = combine(fixed, [("33.74.01.1001", child)])
    assert parent.sums == {} and parent.flags == {FLAG_NOT_AGGREGATABLE}
    assert aggregates(fixed, "kabupaten") is False


def test_aggregates_only_above_the_observed_tier(ratio_ind):
    assert ratio_ind.tingkat_pengamatan == "desa"
    assert aggregates(ratio_ind, "desa") is False  # observed there, not added up
    assert aggregates(ratio_ind, "kecamatan") is True
    assert aggregate.aggregates(replace(ratio_ind, tingkat_pengamatan="kecamatan"), "kecamatan") is False
