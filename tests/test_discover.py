"""Which files a run sees (read.discover): every file once, in the order Path objects sort, nothing left out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kkb_excel.errors import KkbError
from kkb_excel.read.discover import discover

NAMES = ["A/b-x/1.xlsx", "A/b/2.xlsx", "A/C/3.xlsx", "A/a.xlsx", "A/b.xlsx", "A/sp ace.xlsx", "A/c/d/e/dalam.xlsx", "z/Z.xlsx"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in NAMES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "A" / "kosong").mkdir()
    return tmp_path


def _as_pathlib_finds(folder: Path) -> list[tuple[str, str]]:
    """What Path.rglob finds that is no folder of its own, sorted as Path objects sort: the rule discover keeps."""
    found = sorted(p for p in folder.rglob("*") if p.is_symlink() or not p.is_dir())
    return [(str(p), str(Path(folder.name) / p.relative_to(folder))) for p in found]


def test_a_folder_gives_every_file_below_it_in_path_order(tree):
    found = [(str(d.path), d.berkas) for d in discover([str(tree / "A")])]
    assert found == _as_pathlib_finds(tree / "A")
    shown = [b for _, b in found]
    order = [shown.index(os.path.join(*p.split("/"))) for p in ("A/b/2.xlsx", "A/b-x/1.xlsx", "A/b.xlsx")]
    assert order == sorted(order)  # folder by folder, not as strings ("A/b-x" < "A/b.xlsx" < "A/b/")
    assert len(found) == 7 and all(isinstance(d.path, Path) for d in discover([str(tree)]))


def test_a_file_named_twice_is_read_once_and_a_missing_argument_is_named(tree):
    found = discover([str(tree / "A"), str(tree / "A" / "a.xlsx"), str(tree / "A" / "*.xlsx")])
    assert len(found) == 7
    with pytest.raises(KkbError, match="tidak-ada"):
        discover([str(tree / "tidak-ada")])


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need extra rights on Windows")
def test_symlinks_as_pathlib_sees_them(tree):
    """A linked file is read; a linked folder is not entered, and is listed like a broken link: the reader
    names both in a finding (nothing in a folder is dropped unseen)."""
    (tree / "A" / "tautan.xlsx").symlink_to(tree / "z" / "Z.xlsx")
    (tree / "A" / "map-tautan").symlink_to(tree / "z", target_is_directory=True)
    (tree / "A" / "rusak.xlsx").symlink_to(tree / "tidak-ada.xlsx")
    found = [(str(d.path), d.berkas) for d in discover([str(tree / "A")])]
    assert found == _as_pathlib_finds(tree / "A")
    shown = {os.path.basename(b) for _, b in found}
    assert {"tautan.xlsx", "map-tautan", "rusak.xlsx"} <= shown and "Z.xlsx" not in shown
    assert [d.berkas for d in discover([str(tree / "A" / "rusak.xlsx")])] == [str(tree / "A" / "rusak.xlsx")]


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need extra rights on Windows")
def test_a_folder_given_again_through_a_link_is_read_once(tree):
    """kiriman/ and a link to it (or a file in it named through the link): each file once, as first named."""
    (tree / "salinan-A").symlink_to(tree / "A", target_is_directory=True)
    once = [d.berkas for d in discover([str(tree / "A")])]
    assert [d.berkas for d in discover([str(tree / "A"), str(tree / "salinan-A"), str(tree / "salinan-A" / "a.xlsx")])] == once
    assert [d.berkas for d in discover([str(tree / "salinan-A" / "*.xlsx"), str(tree / "A")])][:3] == [
        str(tree / "salinan-A" / n) for n in ("a.xlsx", "b.xlsx", "sp ace.xlsx")]
    assert len(discover([str(tree / "salinan-A" / "*.xlsx"), str(tree / "A")])) == len(once)


def test_a_file_or_a_pattern_alone_is_shown_as_given(tree, monkeypatch):
    monkeypatch.chdir(tree)
    [one] = discover([os.path.join("A", "a.xlsx")])
    assert (str(one.path), one.berkas) == (os.path.join("A", "a.xlsx"),) * 2
    deep = discover([os.path.join("A", "**", "*.xlsx")])  # ** goes into every subfolder
    assert {d.berkas for d in deep} == {os.path.join(*n.split("/")) for n in NAMES if n.startswith("A/")}


def test_a_folder_that_cannot_be_read_is_passed_over_as_pathlib_does(tree, monkeypatch):
    scandir = os.scandir

    def locked(path):
        if os.path.basename(os.fspath(path)) == "c":
            raise PermissionError(path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", locked)
    found = [(str(d.path), d.berkas) for d in discover([str(tree / "A")])]
    assert found == _as_pathlib_finds(tree / "A") and not any("dalam" in b for _, b in found)
