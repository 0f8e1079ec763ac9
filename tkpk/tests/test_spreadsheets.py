"""formula_safe: no cell of a file a user opens in a spreadsheet runs as a formula (OWASP CSV
Injection), however the formula sign is dressed up: after spaces, in full-width or small form, or
behind a tab, CR or LF. Ordinary text passes unchanged."""

import pytest

from tkpk.spreadsheets import formula_safe

ESCAPED = [
    ("=1+1", "plain-equals"),
    ("+62 812 3456", "plus"),
    ("-2+3", "minus"),
    ("-5", "negative-number"),
    ("@SUM(A1:A9)", "at"),
    (' =HYPERLINK("http://x")', "space-then-equals"),
    ("   +1", "spaces-then-plus"),
    ("\u00a0=1+1", "no-break-space-then-equals"),
    ("\u3000=1+1", "ideographic-space-then-equals"),
    ("\u2003-1", "em-space-then-minus"),
    ("\uff1d1+1", "full-width-equals"),
    ("\uff0b1", "full-width-plus"),
    ("\uff0d1", "full-width-minus"),
    ("\uff20SUM(1)", "full-width-at"),
    (" \uff1d1+1", "space-then-full-width-equals"),
    ("\ufe661+1", "small-equals"),
    ("\ufe62\ufe631", "small-plus"),
    ("\ufe6bx", "small-at"),
    ("\t=1+1", "tab-then-equals"),
    ("\tBudi", "tab-led"),
    ("\rBudi", "cr-led"),
    ("\nBudi", "lf-led"),
    ("\t", "only-a-tab"),
]

UNCHANGED = [
    ("Budi Contoh", "name"),
    ("6308010203850001", "nik"),
    ("Jl. A. Yani Km 2-3", "sign-inside"),
    ("a=b", "equals-inside"),
    ("  Budi", "spaces-then-text"),
    ("'=1+1", "already-escaped"),
    ("", "empty"),
    ("   ", "only-spaces"),
    ("\u2212 5", "minus-sign-is-not-hyphen-minus"),
]


@pytest.mark.parametrize("text", [t for t, _ in ESCAPED], ids=[i for _, i in ESCAPED])
def test_a_cell_a_spreadsheet_could_run_gets_a_leading_apostrophe(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", [t for t, _ in UNCHANGED], ids=[i for _, i in UNCHANGED])
def test_ordinary_text_is_written_as_it_is(text):
    assert formula_safe(text) == text


@pytest.mark.parametrize(("value", "expected"), [(None, ""), (42, "42"), (-7, "'-7"), (2.5, "2.5")])
def test_values_that_are_not_text_become_text_and_negative_numbers_are_escaped(value, expected):
    assert formula_safe(value) == expected


def test_escaping_twice_changes_nothing_more():
    assert formula_safe(formula_safe(" \uff1d1+1")) == "' \uff1d1+1"
