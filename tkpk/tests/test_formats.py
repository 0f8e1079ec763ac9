"""Numbers the Indonesian way."""

import pytest

from tkpk.templatetags.formats import percent, rupiah, thousands


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1250000, "Rp1.250.000"), (0, "Rp0"), (None, "—"), (-5000, "-Rp5.000"), ("750", "Rp750")],
)
def test_rupiah_are_grouped_with_dots(value, shown):
    assert rupiah(value) == shown


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(6.384, 2, "6,38 %"), (6.1, 1, "6,1 %"), (1234.5, 1, "1.234,5 %"), (None, 1, "—")],
)
def test_percentages_have_a_decimal_comma(value, decimals, shown):
    assert percent(value, decimals) == shown


def test_thousands_are_grouped_with_dots():
    assert thousands(980060) == "980.060"
