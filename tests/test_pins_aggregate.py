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


@pytest.fixture
def status_inds(catalogue):
    desa = [i for i in catalogue.active if i.cara_isi == "status" and i.tingkat_pengamatan == "desa"]
    return next(i for i in desa if i.agregasi == "proporsi_unit"), next(i for i in desa if i.agregasi == "jumlah_unit")


def test_status_units_counted_as_a_share_or_as_a_number(status_inds):
    share, count = status_inds
    answers = [("a", "ya"), ("b", "tidak"), ("c", "ya"), ("d", None), ("e", "mungkin")]
    for ind in (share, count):
        parts = [(k, leaf(ind, {"status_1": s}.get)) for k, s in answers]
        assert parts[0][1].sums == {"ya_1": 1.0, "berstatus_1": 1.0, "laporan_1": 1.0}
        assert parts[1][1].sums == {"ya_1": 0.0, "berstatus_1": 1.0, "laporan_1": 1.0}
        assert parts[3][1].sums == parts[4][1].sums == {}  # only 'ya' or 'tidak' is an answer
        total = combine(ind, parts)
        assert total.sums == {"ya_1": 2.0, "berstatus_1": 3.0, "laporan_1": 3.0}
    assert value(share, combine(share, parts), 1) == 2 / 3 * 100
    assert value(count, combine(count, parts), 1) == 2.0
    assert value(share, Partial({"berstatus_1": 2.0, "laporan_1": 2.0}), 1) == 0.0  # no 'ya' key: none said ya


def test_sums_add_up_and_flags_are_kept(ratio_ind):
    a = leaf(ratio_ind, {"pembilang_1": 3.0, "penyebut_1": 10.0}.get)
    b = leaf(ratio_ind, {"pembilang_1": 5.0, "penyebut_1": 20.0, "pembilang_2": 1.0, "penyebut_2": 2.0}.get)
    c = leaf(ratio_ind, {"capaian_2": 40.0}.get)
    total = combine(ratio_ind, [("c", c), ("b", b), ("a", a)])
    assert total.sums == {"pembilang_1": 8.0, "penyebut_1": 30.0, "laporan_1": 2.0, "pembilang_2": 1.0, "penyebut_2": 2.0, "laporan_2": 1.0}
    assert total.flags == {aggregate.FLAG_ONLY_PERCENT}
    assert value(ratio_ind, total, 1) == 8 / 30 * 100 and value(ratio_ind, total, 2) == 50.0


def test_belum_tersedia_counts_only_a_semester_with_nothing_given(ratio_ind):
    part = leaf(ratio_ind, {"pembilang_1": 1.0, "penyebut_1": 2.0}.get, belum_tersedia=True)
    assert part.sums == {"pembilang_1": 1.0, "penyebut_1": 2.0, "laporan_1": 1.0, "belum_tersedia_2": 1.0}
    part = leaf(ratio_ind, {"capaian_2": 40.0}.get, belum_tersedia=True)  # Sem II gave a % (left out, flagged): not 'belum'
    assert part.sums == {"belum_tersedia_1": 1.0} and part.flags == {aggregate.FLAG_ONLY_PERCENT}
    assert leaf(ratio_ind, {}.get).sums == {}  # without the Keterangan an empty row counts nowhere


def test_a_count_is_summed_and_undefined_values_are_none(catalogue, ratio_ind):
    count = next(i for i in catalogue.active if i.cara_isi == "angka" and i.tingkat_pengamatan == "desa")
    parts = [("a", leaf(count, {"capaian_1": 3.0}.get)), ("b", leaf(count, {"capaian_1": 4.5, "capaian_2": 0.0}.get))]
    total = combine(count, parts)
    assert total.sums == {"jumlah_1": 7.5, "laporan_1": 2.0, "jumlah_2": 0.0, "laporan_2": 1.0}
    assert (value(count, total, 1), value(count, total, 2)) == (7.5, 0.0)
    assert value(count, Partial({"jumlah_1": 5.0}), 1) is None  # nothing reported (no laporan): no value
    assert value(ratio_ind, Partial({"pembilang_1": 3.0, "laporan_1": 1.0}), 1) is None  # no penyebut: no ratio
    assert value(ratio_ind, Partial({"pembilang_1": 1e308, "penyebut_1": 1e-10, "laporan_1": 1.0}), 1) is None  # not finite


def test_a_ratio_needs_both_halves_and_any_positive_penyebut(ratio_ind):
    assert leaf(ratio_ind, {"pembilang_1": 3.0}.get).sums == {} and leaf(ratio_ind, {"penyebut_1": 3.0}.get).sums == {}  # no crash
    assert value(ratio_ind, Partial({"pembilang_1": 1.0, "penyebut_1": 1.0, "laporan_1": 1.0}), 1) == 100.0
    assert value(ratio_ind, Partial({"pembilang_1": 0.25, "penyebut_1": 0.5, "laporan_1": 1.0}), 1) == 50.0
