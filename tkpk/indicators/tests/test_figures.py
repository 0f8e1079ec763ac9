"""Figures typed or imported the Indonesian way (tkpk.indicators.figures)."""

from decimal import Decimal as D

import pytest

from tkpk.indicators.figures import FigureError, format_figure, is_empty, parse_figure


@pytest.mark.parametrize(
    ("text", "decimals", "expected"),
    [
        ("6,38", 2, "6.38"),
        ("6.38", 2, "6.38"),
        (" 6,38 % ", 2, "6.38"),
        ("1.234,56", 2, "1234.56"),
        ("1,234.56", 2, "1234.56"),
        ("512.345", 0, "512345"),  # the poverty line in Rupiah: a dot groups thousands
        ("512.345", 3, "512.345"),  # a Gini-like figure with 3 decimals: a decimal point
        ("1.234.567", 2, "1234567"),
        ("12,345", 0, "12345"),
        ("-0,05", 2, "-0.05"),
        ("'6,38", 2, "6.38"),
        (6, 2, "6"),
        (6.38, 2, "6.38"),  # an XLSX cell: the float's shortest text, not 6.37999...
        (0.1 + 0.2, 2, "0.3"),
    ],
)
def test_a_figure_is_read_with_a_decimal_comma_or_point(text, decimals, expected):
    assert parse_figure(text, decimals=decimals) == D(expected)


@pytest.mark.parametrize("text", ["enam", "6,3,8", "6..38", "1.2.3,4,5", "6,38x", "1e5", "∞"])
def test_what_is_not_a_figure_is_refused(text):
    with pytest.raises(FigureError):
        parse_figure(text)


def test_more_than_four_decimals_is_refused():
    with pytest.raises(FigureError):
        parse_figure("6,38001")
    assert parse_figure("6,3800") == D("6.3800")


def test_bps_signs_for_no_figure_are_empty():
    assert all(is_empty(v) for v in ["", " ", "-", "–", "…", "...", "NA", None])
    assert not is_empty("0") and not is_empty(0)


def test_figures_are_written_the_indonesian_way():
    assert format_figure(D("6.384"), 2) == "6,38"
    assert format_figure(D("566210"), 0) == "566.210"
    assert format_figure(D("-0.0200"), 4) == "-0,0200"
    assert format_figure(None) == "—"
