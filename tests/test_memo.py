"""The memo of a rerun: units whose inputs are unchanged are reused, and the rollup is the same bytes
as a run without any cache, whatever changed in between."""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
from datetime import date
from functools import partial

import pytest
from consolidate_helpers import FOUR_DESA, RATIO, SUM, consolidate_cli, four_desa, ratio, run, same_as_uncached, submit, xlsx_parts

from kkb_excel.consolidate.aggregate import Partial
from kkb_excel.memo import Memo, open_memo
from kkb_excel.output import rollup_workbook

DESA = FOUR_DESA
_consolidate = consolidate_cli("--tingkat", "provinsi", "--wilayah", "33")
_same_bytes_as_uncached = partial(same_as_uncached, _consolidate)  # (folder, tmp_path, *extra) -> console output


@pytest.fixture
def folder(tmp_path, catalogue):
    return four_desa(catalogue, tmp_path / "kiriman")


def test_a_rerun_reuses_every_unit_and_writes_the_same_bytes(folder, tmp_path):
    # sums of 2 kecamatan (added up from desa held packed: no desa above a kabupaten rollup), rows of
    # 2 kecamatan + kabupaten + provinsi
    assert "0 dipakai ulang, 6 dihitung ulang" in _same_bytes_as_uncached(folder, tmp_path)
    assert "6 dipakai ulang, 0 dihitung ulang" in _same_bytes_as_uncached(folder, tmp_path)


@pytest.mark.parametrize(("scope", "counts"), [((), "2 dipakai ulang, 4 dihitung ulang"),
                                               (("--tingkat", "kabupaten", "--wilayah", "33.74"), "2 dipakai ulang, 3 dihitung ulang")])
def test_a_changed_desa_recomputes_its_own_kecamatan_and_those_above(folder, tmp_path, catalogue, scope, counts):
    """33.74.02 (sums and rows) reused; 33.74.01's sums and rows and the rows above made again. Up to a
    kabupaten rollup the desa are kept as partials, above it they are added up from the packed files."""
    _consolidate(folder, tmp_path / "rekap.xlsx", *scope)
    submit(catalogue, folder, "desa-0.xlsx", DESA[0], {RATIO: ratio(9, 10)})
    assert counts in _same_bytes_as_uncached(folder, tmp_path, *scope)


def test_a_kecamatan_key_follows_what_each_desa_gives(catalogue):
    """Partials computed where the file was read, or (when that failed) its records: either one changed is a new key."""
    from kkb_excel.consolidate.run import _sums_key
    from kkb_excel.read.submission import Submission

    def key(records, leaves):
        sub = Submission("desa.xlsx", records=records, leaves=leaves)
        sub.pack()
        return _sums_key(Memo(None, "salt"), "kecamatan", "33.74.01", {}, [(DESA[0], sub)], catalogue)

    assert key([1], None) != key([2], None)
    assert key([1], {RATIO: Partial({"laporan_1": 1.0})}) != key([1], {RATIO: Partial({"laporan_1": 2.0})})
    assert key([1], None) == key([1], None)
    held = Submission("desa.xlsx", leaves={RATIO: Partial({"laporan_1": 1.0})})  # not packed: keyed by its partials
    again = _sums_key(Memo(None, "salt"), "kecamatan", "33.74.01", {}, [(DESA[0], held)], catalogue)
    assert again == _sums_key(Memo(None, "salt"), "kecamatan", "33.74.01", {}, [(DESA[0], held)], catalogue)
    held.leaves[RATIO].sums["laporan_1"] = 2.0
    assert again != _sums_key(Memo(None, "salt"), "kecamatan", "33.74.01", {}, [(DESA[0], held)], catalogue)


def test_new_removed_and_superseding_files_and_options(folder, tmp_path, catalogue):
    _consolidate(folder, tmp_path / "rekap.xlsx")
    (folder / "desa-3.xlsx").unlink()
    submit(catalogue, folder, "desa-4.xlsx", "33.74.02.1002", {SUM: {"capaian_1": 7}}, tanggal=date(2024, 11, 1))
    submit(catalogue, folder, "desa-1-baru.xlsx", DESA[1], {SUM: {"capaian_1": 8}}, tanggal=date(2024, 12, 20))
    _same_bytes_as_uncached(folder, tmp_path)
    _same_bytes_as_uncached(folder, tmp_path, "--semester", "1")
    targets = tmp_path / "target.csv"
    targets.write_text(f"kode_wilayah;kode_indikator;target\n33.74.01;{RATIO};80\n", encoding="utf-8")
    _same_bytes_as_uncached(folder, tmp_path, "--target", str(targets))
    _same_bytes_as_uncached(folder, tmp_path, "--tingkat", "kabupaten", "--wilayah", "33.74")  # desa kept: sums from dicts


def _mutations(catalogue):
    """Each changes one thing a unit's rows are made from."""

    def target(r):
        r.targets["33.74.01"] = {RATIO: 55.0}

    def name(r):
        r.names["33.74.01"] = "Nama lain"

    def sums(r):
        r.partials["kecamatan"]["33.74.01"][RATIO].sums["pembilang_1"] += 1

    def flag(r):
        part = r.partials["kecamatan"]["33.74.01"][RATIO]
        r.partials["kecamatan"]["33.74.01"][RATIO] = Partial(dict(part.sums), {*part.flags, "konflik_opd"})

    def expected(r):
        key = next(k for k in r.expected_units if k[0] == "33.74.01")
        r.expected_units[key] += 3

    def semester(r):
        r.semester = 1

    def top(r):  # the top unit loses its one % capaian: the sheets before the Rekap sheets use one format fewer
        del r.partials["provinsi"]["33"][RATIO]

    def new_indicator(r):
        r.partials["kecamatan"]["33.74.01"].pop(SUM)

    return {f.__name__: f for f in (target, name, sums, flag, expected, semester, top, new_indicator)}


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A provinsi rollup and a cache file holding the rows of its units."""
    from kkb_excel.catalogue import load_catalogue

    catalogue, base = load_catalogue(), tmp_path_factory.mktemp("memo")
    rollup = run([four_desa(catalogue, base / "kiriman")], "provinsi", "33")
    memo = open_memo(base / "memo.kkb-cache")
    rollup_workbook.build_xlsx(rollup, catalogue, memo=memo)
    memo.save()
    return rollup, (base / "memo.kkb-cache").read_bytes()


@pytest.mark.parametrize("change", ["target", "name", "sums", "flag", "expected", "semester", "top", "new_indicator"])
def test_every_input_of_a_units_rows_is_in_its_key(warm, tmp_path, catalogue, change):
    """Rows kept for the unchanged rollup are never used for a changed one: the memo's output equals a fresh build."""
    rollup, stored = warm
    store = tmp_path / "memo.kkb-cache"
    store.write_bytes(stored)
    changed = pickle.loads(pickle.dumps(rollup))
    _mutations(catalogue)[change](changed)
    memo = open_memo(store)
    data = rollup_workbook.build_xlsx(changed, catalogue, memo=memo)
    memo.close()
    assert memo.misses >= 1 and (memo.hits >= 1 or change == "semester")  # a semester changes every unit's rows
    assert xlsx_parts(data) == xlsx_parts(rollup_workbook.build_xlsx(changed, catalogue))


def _key_in_this_process(parts):
    return Memo(None, "salt").key(*parts)


def test_keys_are_the_same_in_every_process():
    """Keys from pickles, with sets sorted by the caller: string hashing differs per process, keys do not."""
    parts = ("tier", "kecamatan", [("33.74.01", {"pembilang_1": 3.0, "laporan_1": 1.0}, sorted({"b", "a", "c"}))], (1, None))
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_key_in_this_process, (parts,)) == _key_in_this_process(parts)
    assert _key_in_this_process(parts) != _key_in_this_process(parts[:-1])


def test_a_run_keeps_what_it_used_and_an_unfinished_run_changes_nothing(tmp_path):
    store = tmp_path / "rekap.kkb-cache"
    memo = open_memo(store)
    old, kept = memo.key("lama"), memo.key("dipakai")
    memo.put(old, 1)
    memo.put(kept, 2)
    memo.save()
    memo = open_memo(store)
    assert memo.get(kept) == 2
    memo.put(memo.key("baru"), 3)
    memo.save()  # `old` was not used by this run: forgotten
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM memo").fetchone()[0] == 2
    memo = open_memo(store)
    memo.put(memo.key("gagal"), 4)
    memo.close()  # the run stopped: nothing it made is kept, nothing is forgotten, and the file is free
    memo.close()
    memo.save()
    with sqlite3.connect(store, timeout=0) as other:
        other.execute("CREATE TABLE IF NOT EXISTS bebas (x)")
    memo = open_memo(store)
    assert memo.get(memo.key("gagal")) is None and memo.get(kept) == 2 and memo.get(memo.key("baru")) == 3
    memo.close()
    assert Memo().get(kept) is None and not Memo().active
