"""Shared fixtures: the real catalogue, the real wilayah data, generated workbooks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kkb_excel.catalogue import load_catalogue
from kkb_excel.template.generate import generate, plan_units
from kkb_excel.wilayah import load_wilayah

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DESA = "33.74.01.1001"  # Miroto, Semarang Tengah, Kota Semarang


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def wilayah():
    return load_wilayah()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "reference").is_dir():
        pytest.skip("../shared reference material is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def desa_workbook(tmp_path_factory) -> Path:
    """A generated desa/kelurahan workbook (through the fast blueprint path)."""
    out = tmp_path_factory.mktemp("desa")
    [path] = generate(plan_units([DESA], None, 2024), 2024, out)
    return path


@pytest.fixture(scope="session")
def kabupaten_workbook(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kab")
    [path] = generate(plan_units(["33.74"], None, 2024), 2024, out)
    return path


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
