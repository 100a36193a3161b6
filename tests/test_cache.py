"""The read cache beside a rollup: a rerun equals an uncached run, whatever changed in between."""

from __future__ import annotations

import os
import pickle
import sqlite3
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from consolidate_helpers import FOUR_DESA, RATIO, SUM, consolidate_cli, four_desa, ratio, same_as_uncached, sheets, submit, xlsx_parts

from kkb_excel.read import cache as read_cache

DESA = FOUR_DESA


_consolidate = consolidate_cli("--tingkat", "kabupaten", "--wilayah", "33.74")
_same_as_uncached = partial(same_as_uncached, _consolidate)  # (folder, tmp_path, *extra) -> console output


@pytest.fixture
def folder(tmp_path, catalogue):
    return four_desa(catalogue, tmp_path / "kiriman")


def test_second_run_comes_from_the_cache_and_equals_an_uncached_run(folder, tmp_path):
    first = _consolidate(folder, tmp_path / "rekap.xlsx")
    assert f"0 berkas dari cache, {len(DESA)} berkas dibaca ulang" in first
    assert f"{len(DESA)} berkas dari cache, 0 berkas dibaca ulang" in _same_as_uncached(folder, tmp_path)


def test_changed_touched_removed_and_new_files(folder, tmp_path, catalogue):
    _consolidate(folder, tmp_path / "rekap.xlsx")
    changed = folder / "desa-0.xlsx"
    stat = changed.stat()
    submit(catalogue, folder, "desa-0.xlsx", DESA[0], {RATIO: ratio(9, 10)})
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime as before: only the bytes differ
    touched = folder / "desa-1.xlsx"
    touched.write_bytes(touched.read_bytes())
    (folder / "desa-2.xlsx").unlink()
    submit(catalogue, folder, "desa-4.xlsx", "33.74.02.1002", {SUM: {"capaian_1": 7}}, tanggal=date(2024, 11, 1))
    out = _same_as_uncached(folder, tmp_path)
    assert "2 berkas dari cache, 2 berkas dibaca ulang" in out  # desa-1 (touched) and desa-3 cached; desa-0 and desa-4 read
    with sqlite3.connect(tmp_path / "rekap.kkb-cache") as db:
        names = sorted(b.rsplit("/", 1)[-1] for (b,) in db.execute("SELECT berkas FROM entries"))
    assert names == ["desa-0.xlsx", "desa-1.xlsx", "desa-3.xlsx", "desa-4.xlsx"]  # the removed file is forgotten


def test_one_changed_byte_means_a_re_read(folder, tmp_path):
    _consolidate(folder, tmp_path / "rekap.xlsx")
    _flip_one_byte(folder / "desa-3.xlsx")
    assert "3 berkas dari cache, 1 berkas dibaca ulang" in _consolidate(folder, tmp_path / "rekap.xlsx")
    assert "4 berkas dari cache, 0 berkas dibaca ulang" in _consolidate(folder, tmp_path / "rekap.xlsx")  # its new entry serves


def test_progress_counts_every_file_once(folder, tmp_path):
    from kkb_excel.read.discover import discover

    files = discover([str(folder)])
    for change in (None, None, folder / "desa-3.xlsx", "kemarin"):  # read, from the cache, a changed byte, another day
        if change == "kemarin":
            _as_if_checked_long_ago(tmp_path / "rekap.kkb-cache")
        elif change:
            _flip_one_byte(change)
        counted: list[int] = []
        read_cache.read_cached(files, tmp_path / "rekap.kkb-cache", progress=counted.append)
        assert sum(counted) == len(files)


def _as_if_checked_long_ago(store: Path, day: str = "2000-01-01") -> None:
    """Every entry as if its file had been read and checked on `day` (1 January 2000: every date rule may differ)."""
    with sqlite3.connect(store) as db:
        for path, payload in db.execute("SELECT path, payload FROM entries").fetchall():
            _, checked = pickle.loads(payload)
            db.execute("UPDATE entries SET payload = ? WHERE path = ?", (pickle.dumps((day, checked)), path))


def _days_checked(store: Path) -> dict[str, str]:
    with sqlite3.connect(store) as db:
        return {b.rsplit("/", 1)[-1]: pickle.loads(p)[0] for b, p in db.execute("SELECT berkas, payload FROM entries")}


def _flip_one_byte(target: Path) -> None:
    """One byte of the zip's central directory changed: same size, same mtime."""
    stat = target.stat()
    data = bytearray(target.read_bytes())
    data[-30] ^= 0x01
    target.write_bytes(bytes(data))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_changed_fingerprint_drops_the_whole_cache(folder, tmp_path, monkeypatch):
    _consolidate(folder, tmp_path / "rekap.xlsx")
    monkeypatch.setattr(read_cache, "fingerprint", lambda: "katalog versi lain")
    assert f"0 berkas dari cache, {len(DESA)} berkas dibaca ulang" in _same_as_uncached(folder, tmp_path)


def test_options_act_after_reading(folder, tmp_path):
    _consolidate(folder, tmp_path / "rekap.xlsx")
    out = _same_as_uncached(folder, tmp_path, "--semester", "1")
    assert f"{len(DESA)} berkas dari cache" in out


def test_a_damaged_cache_is_rebuilt_and_never_read_as_input(folder, tmp_path):
    (tmp_path / "rekap.kkb-cache").write_bytes(b"bukan sqlite")
    assert f"0 berkas dari cache, {len(DESA)} berkas dibaca ulang" in _consolidate(folder, tmp_path / "rekap.xlsx")
    inside = folder / "rekap.xlsx"
    out = _consolidate(folder, inside)  # output (and its cache) inside the input folder
    out = _consolidate(folder, inside)
    assert "rekap.kkb-cache" not in out
    assert f"{len(DESA)} berkas dari cache" in out


def test_workers_hash_read_and_validate_and_give_the_same_rollup(folder, tmp_path, monkeypatch):
    """Spawn workers read the new files and hash them (the second run serves all four: the hashes they stored
    are right), then hash the candidates while the parent unpickles them: a changed byte is read after."""
    monkeypatch.setattr(read_cache, "PARALLEL_MIN_FILES", 0)  # 4 files through spawn workers
    monkeypatch.setattr(read_cache, "HASH_IN_WORKERS_FROM", 0)
    assert f"0 berkas dari cache, {len(DESA)} berkas dibaca ulang" in _same_as_uncached(folder, tmp_path, "--jobs", "2")
    assert f"{len(DESA)} berkas dari cache, 0 berkas dibaca ulang" in _same_as_uncached(folder, tmp_path, "--jobs", "2")
    _flip_one_byte(folder / "desa-3.xlsx")
    assert f"{len(DESA) - 1} berkas dari cache, 1 berkas dibaca ulang" in _same_as_uncached(folder, tmp_path, "--jobs", "2")
    assert f"{len(DESA)} berkas dari cache, 0 berkas dibaca ulang" in _same_as_uncached(folder, tmp_path, "--jobs", "2")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_results_checked_on_another_day_are_checked_again(folder, tmp_path, monkeypatch, jobs):
    """In chunks, here or in the workers (a nasional rerun on a new day held every file unpacked at once)."""
    monkeypatch.setattr(read_cache, "HASH_IN_WORKERS_FROM", 0)
    monkeypatch.setattr(read_cache, "MAX_CHUNK", 2)  # 4 files: two chunks
    _consolidate(folder, tmp_path / "rekap.xlsx")
    store = tmp_path / "rekap.kkb-cache"
    _as_if_checked_long_ago(store)
    assert f"{len(DESA)} berkas dari cache, 0 berkas dibaca ulang" in _same_as_uncached(folder, tmp_path, "--jobs", jobs)
    assert set(_days_checked(store).values()) == {date.today().isoformat()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_results_from_another_day_whose_date_rules_hold_are_served_as_they_are(folder, tmp_path, monkeypatch, catalogue, jobs):
    """Checked on 2 December 2024: the forms dated 1 December are served unchecked (their tanggal was past
    already), the one dated 3 December is checked again (it was in the future then); the same rollup as uncached."""
    monkeypatch.setattr(read_cache, "HASH_IN_WORKERS_FROM", 0)
    rechecked: list[int] = []
    recheck = read_cache._rechecked
    monkeypatch.setattr(read_cache, "_rechecked", lambda w, r, h, stale, j: rechecked.append(len(stale)) or recheck(w, r, h, stale, j))
    submit(catalogue, folder, "desa-4.xlsx", "33.74.02.1002", {SUM: {"capaian_1": 7}}, tanggal=date(2024, 12, 3))
    _consolidate(folder, tmp_path / "rekap.xlsx")
    store = tmp_path / "rekap.kkb-cache"
    _as_if_checked_long_ago(store, "2024-12-02")
    assert f"{len(DESA) + 1} berkas dari cache, 0 berkas dibaca ulang" in _same_as_uncached(folder, tmp_path, "--jobs", jobs)
    days = _days_checked(store)
    assert days.pop("desa-4.xlsx") == date.today().isoformat()
    assert set(days.values()) == {"2024-12-02"}
    _consolidate(folder, tmp_path / "rekap.xlsx")
    assert rechecked == [0, 1, 0, 0]  # the first run, "another day" (desa-4 only) and its uncached twin, the same day again


def test_held_submissions_are_packed_and_unpack_to_what_was_read(folder, tmp_path):
    """What a consolidation holds per file is small: records and partials packed, meta keys shared, the
    form's cell addresses only in the packed bytes; unpacked, it is exactly what was read."""
    from kkb_excel.read.discover import discover
    from kkb_excel.read.pool import read_all

    files = discover([str(folder)])
    held, _, _ = read_cache.read_cached(files, tmp_path / "rekap.kkb-cache")
    again, _, _ = read_cache.read_cached(files, tmp_path / "rekap.kkb-cache")  # from the cache this time
    for subs in (held, again):
        assert all(s.packed and not s.records and s.leaves is None for s in subs)
        for sub, read in zip(subs, read_all(files), strict=True):
            full = sub.unpacked()
            assert full.records == read.records and full.packed is None
            assert isinstance(full.leaves, dict) and full.leaves and full.leaves == sub.packed_leaves()
            assert list(full.meta.items()) == list(read.meta.items()) and list(full.identity.items()) == list(read.identity.items())
            assert sub.packed and not sub.records  # unpacking gives a copy: the held one stays small
            assert sub.meta == {k: v for k, v in read.meta.items() if not k.startswith(("sel_", "kolom_"))}
            assert sub.identity == {k: v for k, v in read.identity.items() if not k.startswith("sel_")} and "opd" in sub.identity
    first, second = (next(k for k in s.meta if k == "kode_wilayah") for s in again[:2])
    assert first is second  # one string for every submission's key


def test_single_source_units_stay_packed_until_added_up(folder, catalogue):
    """merge_units(defer=True) gives a unit with one source as its packed submission; partials_of computes
    exactly what merging it at once gives. A unit with two OPDs is merged at once either way."""
    from kkb_excel.consolidate import merge
    from kkb_excel.read.discover import discover
    from kkb_excel.read.pool import read_all
    from kkb_excel.read.submission import Submission

    submit(catalogue, folder, "desa-0-puskesmas.xlsx", DESA[0], {SUM: {"capaian_1": 5}}, opd="Puskesmas")
    files = discover([str(folder)])
    held, _, _ = read_cache.read_cached(files, None)
    deferred, _ = merge.merge_units(held, catalogue, defer=True)
    at_once, _ = merge.merge_units(held, catalogue, defer=False)
    assert at_once == merge.merge_units(read_all(files), catalogue, defer=False)[0]  # packed or not, the same sums
    assert isinstance(deferred[DESA[1]], Submission) and deferred[DESA[1]].packed
    assert isinstance(deferred[DESA[0]], dict)
    assert {kode: merge.partials_of(unit, catalogue) for kode, unit in deferred.items()} == at_once
    assert all(isinstance(unit, dict) for unit in at_once.values())


def test_entries_are_keyed_by_the_path_resolve_gives(tmp_path, monkeypatch):
    """Folders resolved once, a linked file through its link, '..' and relative names as Path.resolve does."""
    from pathlib import Path

    from kkb_excel.read.discover import Discovered

    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/satu.xlsx", "a/b/dua.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    paths = [tmp_path / "a" / "satu.xlsx", tmp_path / "a" / "b" / ".." / "satu.xlsx", Path("a") / "b" / "dua.xlsx", Path("satu.xlsx")]
    if os.name != "nt":  # links need extra rights on Windows
        (tmp_path / "a" / "tautan.xlsx").symlink_to(tmp_path / "a" / "b" / "dua.xlsx")
        (tmp_path / "a" / "map").symlink_to(tmp_path / "a" / "b", target_is_directory=True)
        paths += [tmp_path / "a" / "tautan.xlsx", tmp_path / "a" / "map" / "dua.xlsx"]
    monkeypatch.chdir(tmp_path)
    files = [Discovered(p, p.name) for p in paths]
    assert read_cache.resolved_paths(files) == [str(p.resolve()) for p in paths]


def test_a_file_that_cannot_be_read_is_named_and_the_batch_goes_on(folder, tmp_path, monkeypatch):
    """Hashing it for the cache fails as reading it does: the reader names it with the reason, the other
    files are used, and its cached result is not served while its bytes cannot be checked."""
    real = Path.read_bytes

    def read_bytes(path):
        if path.name == "desa-2.xlsx":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    _consolidate(folder, tmp_path / "rekap.xlsx")
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out = _consolidate(folder, tmp_path / "rekap.xlsx")
    assert "3 berkas dari cache, 1 berkas dibaca ulang" in out and "3 diterima + 1 ditolak" in out
    manifest = {row[0].rsplit("/", 1)[-1]: row for row in sheets(tmp_path / "rekap.xlsx", skip=())["Manifest"][1:] if row and row[0]}
    reason = "tidak ada izin membaca, atau berkas sedang dikunci program lain"
    assert manifest["desa-2.xlsx"][2] == "ditolak" and reason in manifest["desa-2.xlsx"][8]
    assert "Permission denied" not in manifest["desa-2.xlsx"][8]  # no English from the OS
    monkeypatch.undo()  # readable again, bytes unchanged: the entry of the first run still serves it
    assert f"{len(DESA)} berkas dari cache, 0 berkas dibaca ulang" in _consolidate(folder, tmp_path / "rekap.xlsx")


def test_a_stopped_run_does_not_wait_for_chunks_not_started():
    """An error or Ctrl+C while workers read: the chunks not yet started are cancelled, not waited for."""
    import time

    with pytest.raises(KeyboardInterrupt), read_cache._workers(2, 10**6, 0) as workers:
        futures = [workers.submit(time.sleep, 0.5) for _ in range(40)]
        raise KeyboardInterrupt
    assert sum(future.cancelled() for future in futures) >= 30


def test_held_submissions_consolidate_exactly_as_the_submissions_read(folder, tmp_path, catalogue):
    """Packed as a consolidation holds them (no records, no cell addresses) or as read: the same rollup bytes,
    over good files, another OPD, a newer resubmission, another year, two rollups of one kecamatan (the one
    made later is used, though saved earlier) and the whole defect corpus."""
    from test_defect_corpus import corpus

    from kkb_excel.consolidate.model import RunConfig
    from kkb_excel.consolidate.run import consolidate, consolidate_paths
    from kkb_excel.output.rollup_workbook import build_xlsx, write_xlsx
    from kkb_excel.read.discover import discover

    for name, (data, _) in corpus().items():
        if data is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    submit(catalogue, folder, "desa-0-puskesmas.xlsx", DESA[0], {SUM: {"capaian_1": 5}}, opd="Puskesmas")
    submit(catalogue, folder, "desa-1-baru.xlsx", DESA[1], {SUM: {"capaian_1": 8}}, tanggal=date(2024, 12, 20))
    submit(catalogue, folder, "desa-2-2023.xlsx", DESA[2], {SUM: {"capaian_1": 9}}, tahun=2023)
    for name, value in (("rekap-lama.xlsx", 4), ("rekap-baru.xlsx", 6)):  # two rollups of one kecamatan: the newer is used
        submit(catalogue, tmp_path / name, "desa.xlsx", "33.74.03.1001", {SUM: {"capaian_1": value}})
        write_xlsx(consolidate_paths([str(tmp_path / name)], RunConfig("kecamatan", 2024, "33.74.03")), folder / name)
    stat = (folder / "rekap-baru.xlsx").stat()
    os.utime(folder / "rekap-lama.xlsx", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # made earlier, saved later
    config = RunConfig("kabupaten", 2024, "33.74")
    files = discover([str(folder)])
    held, report, _ = read_cache.read_cached(files, None)
    assert all(s.packed for s in held) and not any(k.startswith("sel_") for s in held for k in s.identity)
    packed = consolidate(held, report, config, {f.berkas: f.path for f in files})
    as_read = consolidate_paths([str(folder)], config)
    assert len(packed.manifest) > 30 and {m.status for m in packed.manifest} >= {"diterima", "ditolak", "digantikan"}
    assert next(m for m in packed.manifest if m.berkas.endswith("rekap-lama.xlsx")).status == "digantikan"
    assert xlsx_parts(build_xlsx(packed)) == xlsx_parts(build_xlsx(as_read))
