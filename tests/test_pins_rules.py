"""The rule table's notes and advice, as a clerk reads them (survivors of tools/mutate.py on validators/rules.py)."""

from __future__ import annotations

import pytest

from kkb_excel.validators import rules
from kkb_excel.validators.rules import INFO, RULES, advice


def test_notes_that_never_reject_a_file_are_info():
    # S07 lock files, S14 rollups given to validate, N03 a formula's cached value used, N05 '55%' read as 55:
    # the file is still accepted, so they must not count as warnings in the laporan either.
    assert {code for code, rule in RULES.items() if rule.keparahan == INFO} == {"S07", "S14", "N03", "N05"}


@pytest.mark.parametrize("code", sorted(c for c in rules._ADVICE if len(c) > 1))
def test_a_rule_with_its_own_advice_gets_it_not_the_family_default(code):
    assert code in RULES
    assert advice(code) == rules._ADVICE[code] != rules._ADVICE[code[0]]


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_advice(code):
    assert advice(code).strip()
