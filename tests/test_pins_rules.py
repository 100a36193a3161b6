"""The rule table's notes and advice, as a clerk reads them (survivors of tools/mutate.py on validators/rules.py)."""

from __future__ import annotations

import dataclasses

import pytest

from kkb_excel.validators import rules
from kkb_excel.validators.rules import INFO, RULES, advice


def test_notes_that_never_reject_a_file_are_info():
    # S07 lock files, S14 rollups given to validate, N03 a formula's cached value used, N05 '55%' read as 55:
    # the file is still accepted, so they must not count as warnings in the laporan either.
    assert {code for code, rule in RULES.items() if rule.keparahan == INFO} == {"S07", "S14", "S20", "N03", "N05"}


@pytest.mark.parametrize("code", sorted(c for c in rules._ADVICE if len(c) > 1))
def test_a_rule_with_its_own_advice_gets_it_not_the_family_default(code):
    assert code in RULES
    assert advice(code) == rules._ADVICE[code] != rules._ADVICE[code[0]]


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_advice(code):
    assert advice(code).strip()


SEVERITY = {  # the rule table as the Pedoman's reviewers agreed it: galat rejects, peringatan and info do not
    "galat": "S01 S02 S03 S04 S08 S09 S10 S11 S12 S15 S16 I01 I02 I04 I05 I07 I12 N01 N04 V01 V02 V03 V04 V05 V11 K02 X01",
    "peringatan": "S05 S06 S13 S17 S18 S19 I03 I06 I08 I09 I10 I11 N02 N06 V06 V07 V08 V09 V10 V12 V13 K01",
    "info": "S07 S14 S20 N03 N05",
}


def test_every_rule_keeps_its_code_and_severity():
    expected = {code: severity for severity, codes in SEVERITY.items() for code in codes.split()}
    assert {code: str(rule.keparahan) for code, rule in RULES.items()} == expected
    assert all(rule.code == code for code, rule in RULES.items())
    assert rules.INTERNAL == "X01" and RULES[rules.INTERNAL].keparahan == rules.GALAT


def test_the_rule_table_cannot_be_changed_at_run_time():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RULES["V02"].keparahan = INFO  # type: ignore[misc]


def test_severity_order_is_galat_peringatan_info():
    assert [k for k, _ in sorted(rules.SEVERITY_ORDER.items(), key=lambda kv: kv[1])] == [rules.GALAT, rules.PERINGATAN, INFO]
