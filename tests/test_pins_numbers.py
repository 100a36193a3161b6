"""Pins for kkb_excel.numbers found by mutation testing (tools/mutate.py): every branch, both sides."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kkb_excel.numbers import NumberFormatError, ParsedNumber, parse_number

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_english_form_with_both_separators_always_asserts(value: Decimal):
    whole, frac = divmod(value, 1)
    assume(frac != 0 and whole >= 1000)  # the forms with both a thousands comma and a decimal point
    text = f"{int(whole):,}" + "." + f"{frac:.2f}"[2:]
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(float(value)) and not parsed.ambiguous


@pytest.mark.parametrize("text,value,ambiguous", [
    (".5", 0.5, False), (",5", 0.5, False), ("-,5", -0.5, False), ("-.25", -0.25, False), ("+,75", 0.75, False),
    ("123.456", 123456.0, True), ("123,456", 123.456, True), ("1,234", 1.234, True), ("999.999", 999999.0, True),
    ("1234.567", 1234.567, False), ("1234,567", 1234.567, False), ("012.345", 12.345, False), ("1.2345", 1.2345, False),
    ("12.34", 12.34, False), ("1,234,567.5", 1234567.5, False), ("1.234.567,5", 1234567.5, False),
    ("1,000,000", 1000000.0, False), ("7", 7.0, False), ("-1.234", -1234.0, True), ("50 %", 50.0, False),
    ("1\u00a0234", 1234.0, False), ("1\u202f234,5", 1234.5, False),
])  # fmt: skip
def test_forms_and_their_ambiguity(text, value, ambiguous):
    parsed = parse_number(text)
    assert (parsed.value, parsed.ambiguous) == (value, ambiguous)


@pytest.mark.parametrize("text", ["1.23,5", "1,23.5", "1.234,x", "1.234,5,6", ".5x", "a.5", "1x,5", ",", "%", "+",
                                  "1.2.3,4", "1,234.", "12,34,5", "5-"])  # fmt: skip
def test_not_numbers_name_the_text(text):
    with pytest.raises(NumberFormatError) as raised:
        parse_number(" " + text + " ")
    assert raised.value.args == (text,)


@pytest.mark.parametrize("raw", [float("inf"), float("-inf"), float("nan"), True, False])
def test_non_finite_floats_and_booleans_are_not_numbers(raw):
    with pytest.raises(NumberFormatError):
        parse_number(raw)


@pytest.mark.parametrize("raw,value", [(0, 0.0), (5, 5.0), (-2.5, -2.5), (10**20, 1e20)])
def test_cell_numbers_pass_through_as_floats(raw, value):
    parsed = parse_number(raw)
    assert parsed == ParsedNumber(value) and isinstance(parsed.value, float) and parsed.ambiguous is False


@pytest.mark.parametrize("blank", ["--", "\u2014", "na", "#N/A", "Tidak ada", "NIHIL", "\u00a0", " - "])
def test_every_blank_marker(blank):
    assert parse_number(blank) == ParsedNumber(None, False)


def test_parsed_number_is_a_frozen_value():
    parsed = parse_number("12")
    assert parsed == ParsedNumber(12.0) and hash(parsed) == hash(ParsedNumber(12.0, False))
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = 1.0


@pytest.mark.parametrize("text", ["--5", "+-5", "-+5", "++5"])
def test_more_than_one_sign_is_not_a_number(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)
