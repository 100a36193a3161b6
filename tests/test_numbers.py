"""Numbers typed by people, in Indonesian and English forms (property-based with hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kkb_excel.numbers import NumberFormatError, parse_number, tampil


def grouped(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_indonesian_form_with_thousands_and_decimal_comma(value: Decimal):
    whole, frac = divmod(value, 1)
    text = grouped(int(whole), ".") + ("," + f"{frac:.2f}"[2:] if frac else "")
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(float(value))
    assert parsed.ambiguous == (frac == 0 and 1000 <= whole < 1_000_000)


@given(amounts)
def test_english_form_with_both_separators(value: Decimal):
    whole, frac = divmod(value, 1)
    assume(frac != 0 and whole >= 1000)  # single-separator forms are covered elsewhere
    text = grouped(int(whole), ",") + "." + f"{frac:.2f}"[2:]
    assert parse_number(text).value == pytest.approx(float(value))


@given(st.decimals(min_value=0, max_value=100, places=2), st.sampled_from(["", " ", "%", " %"]), st.sampled_from(["", "  "]))
def test_percent_sign_and_spaces(value: Decimal, suffix: str, pad: str):
    text = pad + f"{value:f}".replace(".", ",") + suffix + pad
    assert parse_number(text).value == pytest.approx(float(value))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_real_numbers_pass_through(value: float):
    assert parse_number(value).value == value


@given(st.text(alphabet="abcxyz!?@#", min_size=1))
def test_letters_are_not_numbers(text: str):
    with pytest.raises(NumberFormatError):
        parse_number(text)


@pytest.mark.parametrize("text,value,ambiguous", [
    ("50,5", 50.5, False), ("12.800", 12800.0, True), ("1.234,5", 1234.5, False), ("80%", 80.0, False),
    (" 12 ", 12.0, False), ("1.234", 1234.0, True), ("1,234.5", 1234.5, False), ("0,25", 0.25, False),
    ("50.5", 50.5, False), ("0.500", 0.5, False), ("1.234.567", 1234567.0, False), ("-5", -5.0, False),
    (".5", 0.5, False), (",5", 0.5, False), ("-,5", -0.5, False), ("123.456", 123456.0, True), ("123,456", 123.456, True),
    ("+7", 7.0, False), ("1\u00a0234,5", 1234.5, False),
])  # fmt: skip
def test_examples(text, value, ambiguous):
    parsed = parse_number(text)
    assert (parsed.value, parsed.ambiguous) == (value, ambiguous)


@pytest.mark.parametrize("blank", [None, "", "  ", "-", "n/a", "N/A", "\u2013"])
def test_blanks(blank):
    assert parse_number(blank).value is None


@pytest.mark.parametrize("bad", ["1.2.3", "12.34.5", "1.234,", "abc", "5 orang", True])
def test_unparseable(bad):
    with pytest.raises(NumberFormatError):
        parse_number(bad)


@pytest.mark.parametrize("value,shown", [
    (1.0, "1"), (66.39, "66,39"), (12800.0, "12.800"), (-0.5, "-0,5"), (True, "TRUE"), (False, "FALSE"),
    (1e20, "1E+20"), (float("inf"), "INF"), (0.1 + 0.2, "0,3"), ("1.0", "1.0"), (None, ""), (1234567, "1.234.567"),
])  # fmt: skip
def test_values_are_shown_as_a_clerk_typed_them(value, shown):
    assert tampil(value) == shown


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_shown_numbers_read_back(value: Decimal):
    assert parse_number(tampil(float(value))).value == pytest.approx(float(value))


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan"), "1e400"])
def test_non_finite_numbers_are_not_numbers(bad):
    with pytest.raises(NumberFormatError):
        parse_number(bad)
