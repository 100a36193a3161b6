import math

import pytest
from capaian_cases import CASES, KATEGORI
from hypothesis import given, settings
from hypothesis import strategies as st

from kkb_excel import capaian


@pytest.mark.parametrize("polaritas,target,realisasi,expected", CASES)
def test_capaian_case_table(polaritas, target, realisasi, expected):
    assert capaian.capaian(realisasi, target, polaritas) == expected


@pytest.mark.parametrize("value,expected", [(2.675, 2.68), (-2.675, -2.68), (1.005, 1.01), (0.125, 0.13), (2.665, 2.67), (1e-12, 0.0)])
def test_excel_round_is_half_away_from_zero(value, expected):
    assert capaian.excel_round(value) == expected


def test_floor_is_flagged():
    assert capaian.is_floored(25, 10, "turun") and not capaian.is_floored(20, 10, "turun")
    assert not capaian.is_floored(None, 10, "turun")


def test_unknown_polarity_is_rejected():
    with pytest.raises(ValueError):
        capaian.capaian(1, 1, "datar")


@pytest.mark.parametrize("persen,label", KATEGORI)
def test_kategori_bands(persen, label):
    assert capaian.kategori(persen) == label


def test_other_scheme_and_unknown_scheme():
    assert capaian.kategori(100, "tercapai") == "Tercapai"
    assert capaian.kategori(99.99, "tercapai") == "Belum Tercapai"
    with pytest.raises(ValueError):
        capaian.kategori(50, "bintang")


def test_excel_formula_is_rendered_from_the_coefficients():
    assert capaian.excel_formula("H16", "G16", "naik") == (
        '=IF(AND(ISNUMBER(G16),ISNUMBER(H16)),IF(G16>0,ROUND(MAX(0,(H16)/G16*100),2),""),"")'
    )
    assert "(2*G16-H16)/G16*100" in capaian.excel_formula("H16", "G16", "turun")


def test_overflowing_values_never_raise():
    from kkb_excel.capaian import excel_round, ratio_value

    assert ratio_value(1e308, 1e-10) is None  # Excel shows #NUM!: no capaian
    assert math.isinf(excel_round(float("inf")))
    assert math.isnan(excel_round(float("nan")))
    assert ratio_value(1e300, 1e10) == 1e292


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.floats(min_value=-1e9, max_value=1e9),
        st.builds(lambda k, d, e: (k + 0.5) / 10**d + e, st.integers(-10**9, 10**9), st.integers(0, 4), st.floats(-1e-6, 1e-6)),
    ),
    st.integers(0, 4),
)
def test_excel_round_fast_path_equals_the_decimal_reference(value, decimals):
    """Far from a half excel_round uses float arithmetic: it must equal the decimal rounding, sign of zero included."""
    fast, exact = capaian.excel_round(value, decimals), capaian._decimal_round(value, decimals)
    assert fast == exact and math.copysign(1, fast) == math.copysign(1, exact), (value, decimals, fast, exact)
