"""workbooks/templates/ holds the canonical blank templates; they must not drift from the generator."""

import io

import pytest
from conftest import REPO
from workbook_content import content

from kkb_excel.template.canonical import CANONICAL_TINGKAT, canonical_name, canonical_spec
from kkb_excel.template.workbook import build_workbook


@pytest.mark.parametrize("tingkat", CANONICAL_TINGKAT)
def test_committed_template_matches_generator(tingkat):
    committed = REPO / "workbooks" / "templates" / canonical_name(tingkat)
    assert committed.is_file(), f"{committed} missing: run `kkb-excel templat -o workbooks/templates`"
    buffer = io.BytesIO()
    build_workbook(canonical_spec(tingkat)).save(buffer)
    assert content(committed) == content(buffer.getvalue()), (
        f"{committed.name} drifted from the generator: run `kkb-excel templat -o workbooks/templates`"
    )
