"""The NIK and No. KK rules of domain.md ("People and households"), one table row per edge case.

The numbers are NIK-shaped numbers of Kabupaten Hulu Sungai Utara (63.08), kecamatan Danau
Panggang (63.08.01); none belongs to a real person as far as we know. No database is needed.
"""

import datetime as dt
import threading

import pytest
from django.utils import timezone, translation

from households import identity
from households.identity import (
    MESSAGES,
    PRE_SPLIT_REGENCIES,
    check_kk,
    check_nik,
    clean_identity_number,
    mask_nik,
    message_for,
    normalize_sex,
)

TODAY = dt.date(2026, 3, 1)
HSU = ("Kalimantan Selatan", "Kabupaten Hulu Sungai Utara", "Danau Panggang")
D = dt.date


# ---------------------------------------------------------------------------------------------
# NIK structure: (nik, errors, warnings, birth date, sex)

NIK_CASES = [
    pytest.param("6308011203850002", (), (), D(1985, 3, 12), "L", id="a man born 12 March 1985"),
    pytest.param(
        "6308015203850002", (), (), D(1985, 3, 12), "P", id="a woman has 40 added to the day"
    ),
    pytest.param(
        "6308014107850001",
        (),
        ("placeholder_birth_date",),
        D(1985, 7, 1),
        "P",
        id="a woman born 1 July 1985 is valid but 1 July is a placeholder date",
    ),
    pytest.param(
        "6308013112850002",
        (),
        ("placeholder_birth_date",),
        D(1985, 12, 31),
        "L",
        id="31 December is a placeholder date",
    ),
    pytest.param("6308012902880003", (), (), D(1988, 2, 29), "L", id="29 February in a leap year"),
    pytest.param(
        "6308016902880003", (), (), D(1988, 2, 29), "P", id="29 February of a woman in a leap year"
    ),
    pytest.param(
        "6308012902000001", (), (), D(2000, 2, 29), "L", id="29 February 2000 (a leap century)"
    ),
    pytest.param(
        "6308012902850003",
        ("invalid_birth_date",),
        (),
        None,
        None,
        id="29 February outside a leap year is no date",
    ),
    pytest.param(
        "6308016902850003",
        ("invalid_birth_date",),
        (),
        None,
        None,
        id="29 February of a woman outside a leap year is no date",
    ),
    pytest.param("6308013101850002", (), (), D(1985, 1, 31), "L", id="day 31 is a man"),
    pytest.param(
        "6308013104850002", ("invalid_birth_date",), (), None, None, id="31 April is no date"
    ),
    pytest.param(
        "6308010003850002", ("invalid_birth_date",), (), None, None, id="day 00 is no date"
    ),
    pytest.param(
        "6308013201850002", ("invalid_birth_date",), (), None, None, id="day 32 is no date"
    ),
    pytest.param(
        "6308014001850002", ("invalid_birth_date",), (), None, None, id="day 40 is no date"
    ),
    pytest.param("6308014101850002", (), (), D(1985, 1, 1), "P", id="day 41 is a woman's 1st"),
    pytest.param("6308017101850002", (), (), D(1985, 1, 31), "P", id="day 71 is a woman's 31st"),
    pytest.param(
        "6308017201850002", ("invalid_birth_date",), (), None, None, id="day 72 is no date"
    ),
    pytest.param(
        "6308011200850002", ("invalid_birth_date",), (), None, None, id="month 00 is no date"
    ),
    pytest.param(
        "6308011213850002", ("invalid_birth_date",), (), None, None, id="month 13 is no date"
    ),
    pytest.param(
        "6308011203850000",
        ("serial_zero",),
        (),
        D(1985, 3, 12),
        "L",
        id="serial 0000 is an error",
    ),
    pytest.param(
        "6300011203850002",
        ("regency_zero",),
        (),
        D(1985, 3, 12),
        "L",
        id="kabupaten 00 is an error",
    ),
    pytest.param(
        "6308001203850002",
        ("district_zero",),
        (),
        D(1985, 3, 12),
        "L",
        id="kecamatan 00 is an error",
    ),
    pytest.param(
        "0008011203850002",
        ("unknown_province",),
        (),
        D(1985, 3, 12),
        "L",
        id="province 00 is unknown (and no temporary number)",
    ),
    pytest.param(
        "9908011203850002",
        ("unknown_province",),
        (),
        D(1985, 3, 12),
        "L",
        id="province 99 is unknown",
    ),
    pytest.param(
        "2008011203850002",
        ("unknown_province",),
        (),
        D(1985, 3, 12),
        "L",
        id="province 20 between two real codes is unknown",
    ),
    pytest.param(
        "6300001300850000",
        ("regency_zero", "invalid_birth_date", "serial_zero"),
        (),
        None,
        None,
        id="every error is reported, not only the first",
    ),
    pytest.param(
        "6399011203900002",
        (),
        ("region_not_current",),
        D(1990, 3, 12),
        "L",
        id="a kabupaten code not in today's list is only a warning",
    ),
    pytest.param(
        "6308991203900002",
        (),
        ("region_not_current",),
        D(1990, 3, 12),
        "L",
        id="a kecamatan code not in today's list is only a warning",
    ),
    pytest.param(
        "9101011203900002",
        (),
        ("region_pre_split",),
        D(1990, 3, 12),
        "L",
        id="Merauke's code 91.01 from before Papua Selatan (2022) is a warning",
    ),
    pytest.param(
        "6406011203900002",
        (),
        ("region_pre_split",),
        D(1990, 3, 12),
        "L",
        id="Malinau's code 64.06 from before Kalimantan Utara (2012) is a warning",
    ),
]


@pytest.mark.parametrize(("nik", "errors", "warnings", "birth_date", "sex"), NIK_CASES)
def test_check_nik_reads_the_birth_date_and_sex_and_names_every_problem(
    nik, errors, warnings, birth_date, sex
):
    result = check_nik(nik, today=TODAY)

    assert (result.errors, result.warnings) == (errors, warnings)
    assert result.valid is (not errors)
    assert (result.birth_date, result.sex) == (birth_date, sex)
    assert result.nik == nik
    assert result.temporary is False


def test_a_valid_nik_of_hulu_sungai_utara_names_its_region_with_dotted_codes():
    result = check_nik("6308014107850001")

    assert (result.province, result.regency, result.district) == HSU
    assert (result.province_code, result.regency_code, result.district_code) == (
        "63",
        "63.08",
        "63.08.01",
    )
    assert result.village_code is None


@pytest.mark.parametrize(
    ("nik", "names"),
    [
        pytest.param(
            "9101011203900002",
            ("Papua", "Kabupaten Merauke", "Merauke"),
            id="Merauke under Papua, kecamatan read from 93.01.01",
        ),
        pytest.param(
            "6406011203900002",
            ("Kalimantan Timur", "Kabupaten Malinau", "Mentarang"),
            id="Malinau under Kalimantan Timur, kecamatan read from 65.02.01",
        ),
        pytest.param(
            "6399011203900002",
            ("Kalimantan Selatan", None, None),
            id="an unknown kabupaten leaves its names empty",
        ),
        pytest.param(
            "6308991203900002",
            ("Kalimantan Selatan", "Kabupaten Hulu Sungai Utara", None),
            id="an unknown kecamatan keeps the kabupaten's name",
        ),
    ],
)
def test_region_names_come_from_today_s_list_or_the_successor_of_a_pre_split_code(nik, names):
    result = check_nik(nik)

    assert (result.province, result.regency, result.district) == names
    assert result.regency_code == f"{nik[:2]}.{nik[2:4]}"


def test_every_pre_split_code_is_gone_today_and_its_successor_exists():
    regions = identity._load_regions()

    for old, new in PRE_SPLIT_REGENCIES.items():
        assert old[:2] in regions.provinces, old
        assert old not in regions.regencies, old
        assert new in regions.regencies, new


# ---------------------------------------------------------------------------------------------
# The century of a two-digit year (today pinned to 1 March 2026)


@pytest.mark.parametrize(
    ("nik", "birth_date"),
    [
        pytest.param("6308011502260001", D(2026, 2, 15), id="earlier this year is this year"),
        pytest.param("6308010103260001", D(2026, 3, 1), id="today is this year"),
        pytest.param("6308010203260001", D(1926, 3, 2), id="later this year is a century ago"),
        pytest.param("6308010101270001", D(1927, 1, 1), id="a year after this one is 19yy"),
        pytest.param("6308010101000001", D(2000, 1, 1), id="00 is 2000"),
        pytest.param("6308010101990001", D(1999, 1, 1), id="99 is 1999"),
    ],
)
def test_the_two_digit_year_takes_the_latest_century_that_is_not_in_the_future(nik, birth_date):
    assert check_nik(nik, today=TODAY).birth_date == birth_date


def test_without_a_given_today_the_local_date_decides_the_century():
    today = timezone.localdate()
    nik = f"630801{today:%d%m%y}0001"

    assert check_nik(nik).birth_date == today


# ---------------------------------------------------------------------------------------------
# Against the recorded birth date and sex


@pytest.mark.parametrize(
    ("nik", "recorded", "warnings", "birth_date"),
    [
        pytest.param(
            "6308011203850002", {"birth_date": D(1985, 3, 12)}, (), D(1985, 3, 12), id="same date"
        ),
        pytest.param(
            "6308011203850002",
            {"birth_date": D(1985, 3, 13)},
            ("birth_date_mismatch",),
            D(1985, 3, 12),
            id="another day is a mismatch and the NIK's date is kept",
        ),
        pytest.param(
            "6308011203850002",
            {"birth_date": dt.datetime(1985, 3, 12, 0, 0, tzinfo=dt.UTC)},
            (),
            D(1985, 3, 12),
            id="a datetime is compared by its date",
        ),
        pytest.param(
            "6308011203200002",
            {"birth_date": D(1920, 3, 12)},
            (),
            D(1920, 3, 12),
            id="the recorded date settles the century",
        ),
        pytest.param(
            "6308011203850002",
            {"birth_date": D(1985, 12, 31)},
            ("birth_date_mismatch", "placeholder_birth_date"),
            D(1985, 3, 12),
            id="a recorded 31 December is a placeholder",
        ),
        pytest.param(
            "6308013203850002",
            {"birth_date": D(1985, 7, 1)},
            ("invalid_birth_date", "placeholder_birth_date"),
            None,
            id="a recorded placeholder is flagged also when the NIK's date is invalid",
        ),
        pytest.param(
            "6308015203850002",
            {"sex": "P"},
            (),
            D(1985, 3, 12),
            id="a woman recorded as P",
        ),
        pytest.param(
            "6308015203850002",
            {"sex": "L"},
            ("sex_mismatch",),
            D(1985, 3, 12),
            id="a woman recorded as L is a mismatch",
        ),
        pytest.param(
            "6308011203850002",
            {"sex": "Perempuan"},
            ("sex_mismatch",),
            D(1985, 3, 12),
            id="a man recorded as Perempuan is a mismatch",
        ),
        pytest.param(
            "6308011203850002",
            {"sex": "1"},
            (),
            D(1985, 3, 12),
            id="a man recorded as 1 (DTKS) matches",
        ),
        pytest.param(
            "6308011203850002",
            {"sex": "X"},
            (),
            D(1985, 3, 12),
            id="an unreadable sex is not compared",
        ),
        pytest.param(
            "6308015203850002",
            {"birth_date": D(1985, 3, 11), "sex": "L"},
            ("birth_date_mismatch", "sex_mismatch"),
            D(1985, 3, 12),
            id="both mismatches at once",
        ),
    ],
)
def test_a_nik_that_differs_from_the_recorded_birth_date_or_sex_is_only_warned_about(
    nik, recorded, warnings, birth_date
):
    result = check_nik(nik, today=TODAY, **recorded)

    problems = result.errors + result.warnings
    assert problems == warnings
    assert result.birth_date == birth_date


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI-LAKI", "L"),
        ("1", "L"),
        (1, "L"),
        ("P", "P"),
        ("Perempuan", "P"),
        (" perempuan ", "P"),
        ("2", "P"),
        ("W", "P"),
        ("X", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_sex_reads_the_ways_files_write_it(value, sex):
    assert normalize_sex(value) == sex


# ---------------------------------------------------------------------------------------------
# Excel damage: (raw, cleaned digits, error)

CLEANING_CASES = [
    pytest.param("6308014107850001", "6308014107850001", None, id="clean digits"),
    pytest.param(" 6308014107850001\n", "6308014107850001", None, id="surrounding whitespace"),
    pytest.param("6308 0141 0785 0001", "6308014107850001", None, id="spaces"),
    pytest.param("6308\u00a00141\u00a007850001", "6308014107850001", None, id="non-breaking"),
    pytest.param("\u200b6308014107850001\ufeff", "6308014107850001", None, id="zero-width"),
    pytest.param("6308.01.410785.0001", "6308014107850001", None, id="dots between groups"),
    pytest.param("6.308.014.107.850.001", "6308014107850001", None, id="thousands dots"),
    pytest.param("6,308,014,107,850,001", "6308014107850001", None, id="thousands commas"),
    pytest.param("6308-01-410785-0001", "6308014107850001", None, id="dashes"),
    pytest.param("'6308014107850001", "6308014107850001", None, id="leading apostrophe"),
    pytest.param("\u20196308014107850001", "6308014107850001", None, id="typographic apostrophe"),
    pytest.param('="6308014107850001"', "6308014107850001", None, id="an Excel text formula"),
    pytest.param('"6308014107850001"', "6308014107850001", None, id="double quotes"),
    pytest.param("6308014107850001.0", "6308014107850001", None, id="a float's trailing .0"),
    pytest.param("6308014107850001,00", "6308014107850001", None, id="a decimal comma ,00"),
    pytest.param(6308014107850001, "6308014107850001", None, id="an int"),
    pytest.param(6308014107850001.0, "6308014107850001", None, id="an exact float"),
    pytest.param("6.30801E+15", None, "excel_scientific", id="scientific notation"),
    pytest.param("6,30801E+15", None, "excel_scientific", id="scientific with a decimal comma"),
    pytest.param("6.30801e15", None, "excel_scientific", id="scientific without a sign"),
    pytest.param(
        "6.308014107850001E+15", None, "excel_scientific", id="scientific even with 16 digits"
    ),
    pytest.param(9.601011203900002e15, None, "excel_scientific", id="a float past 2**53"),
    pytest.param(1234.5, None, "not_digits", id="a float with a fraction"),
    pytest.param("630801410785000", "630801410785000", None, id="15 digits are kept as digits"),
    pytest.param("63O8014107850001", None, "not_digits", id="the letter O"),
    pytest.param("NIK 6308014107850001", None, "not_digits", id="words"),
    pytest.param("６３０８０１４１０７８５０００１", None, "not_digits", id="full-width digits"),
    pytest.param("630801410785000.1", None, "not_digits", id="a fraction, not a group"),
    pytest.param("630801410785000,1", None, "not_digits", id="a fraction with a comma"),
    pytest.param("630801410785.0001", "6308014107850001", None, id="a group of four digits"),
    pytest.param(-6308014107850001, None, "not_digits", id="a negative int"),
    pytest.param(True, None, "not_digits", id="a boolean"),
    pytest.param(None, None, "empty", id="None"),
    pytest.param("", None, "empty", id="an empty cell"),
    pytest.param(" \u00a0", None, "empty", id="only spaces"),
    pytest.param("-", None, "empty", id="a dash"),
    pytest.param("0", None, "empty", id="OpenSID's 0 for no NIK"),
    pytest.param(0, None, "empty", id="the int 0"),
    pytest.param("0000000000000000", None, "empty", id="sixteen zeros"),
]


@pytest.mark.parametrize(("raw", "value", "error"), CLEANING_CASES)
def test_clean_identity_number_cleans_excel_damage_only_when_no_digit_was_lost(raw, value, error):
    cleaned = clean_identity_number(raw)

    assert (cleaned.value, cleaned.error) == (value, error)


@pytest.mark.parametrize(
    ("raw", "changed"),
    [
        pytest.param("6308014107850001", False, id="clean"),
        pytest.param(" 6308014107850001 ", False, id="only surrounding spaces"),
        pytest.param(6308014107850001, False, id="an int"),
        pytest.param("6308 0141 0785 0001", True, id="inner spaces"),
        pytest.param("'6308014107850001", True, id="an apostrophe"),
        pytest.param("6308014107850001.0", True, id="a trailing .0"),
        pytest.param(6308014107850001.0, True, id="a float"),
    ],
)
def test_cleaning_says_whether_it_removed_damage(raw, changed):
    assert clean_identity_number(raw).changed is changed
    assert check_nik(raw).cleaned is changed


@pytest.mark.parametrize(
    ("raw", "nik", "errors"),
    [
        pytest.param("6308 0141 0785 0001", "6308014107850001", (), id="spaces"),
        pytest.param("'6308014107850001", "6308014107850001", (), id="leading apostrophe"),
        pytest.param("6308014107850001.0", "6308014107850001", (), id="trailing .0"),
        pytest.param(6308014107850001, "6308014107850001", (), id="an int"),
        pytest.param("6.30801E+15", None, ("excel_scientific",), id="6.30801E+15"),
        pytest.param("6,30801E+15", None, ("excel_scientific",), id="6,30801E+15"),
        pytest.param(
            "630801410785000", "630801410785000", ("wrong_length",), id="15 digits, not padded"
        ),
        pytest.param("63080141078500012", "63080141078500012", ("wrong_length",), id="17 digits"),
        pytest.param("63080141078500AB", None, ("not_digits",), id="letters"),
        pytest.param("", None, ("empty",), id="empty"),
    ],
)
def test_check_nik_cleans_excel_damage_or_refuses_it(raw, nik, errors):
    result = check_nik(raw)

    assert (result.nik, result.errors) == (nik, errors)
    assert result.valid is (not errors)


def test_a_nik_refused_for_scientific_notation_says_to_format_the_column_as_text():
    with translation.override("en"):
        message = message_for(check_nik("6.30801E+15").errors[0])

    assert "Format the column as Text" in message


# ---------------------------------------------------------------------------------------------
# Temporary village numbers (OpenSID: 0 + village code + 5-digit counter)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("0630801200100001", id="as stored"),
        pytest.param("0630 8012 0010 0001", id="with spaces"),
        pytest.param("'0630801200100001", id="with an apostrophe"),
    ],
)
def test_a_temporary_village_number_is_recognised_but_never_a_valid_nik(raw):
    result = check_nik(raw, sex="L")

    assert result.temporary is True
    assert result.valid is False
    assert result.errors == ("temporary_number",)
    assert result.warnings == ()
    assert result.nik == "0630801200100001"
    assert (result.province, result.regency, result.district) == HSU
    assert result.village_code == "63.08.01.2001"
    assert (result.birth_date, result.sex) == (None, None)


def test_a_temporary_number_still_flags_a_placeholder_recorded_birth_date():
    result = check_nik("0630801200100001", birth_date=D(1960, 7, 1))

    assert result.warnings == ("placeholder_birth_date",)


# ---------------------------------------------------------------------------------------------
# No. KK: region + registration date DDMMYY (no +40) + serial (today pinned to 1 March 2026)

KK_CASES = [
    pytest.param("6308011203150003", (), (), D(2015, 3, 12), id="a KK issued 12 March 2015"),
    pytest.param("6308011502260003", (), (), D(2026, 2, 15), id="issued earlier this year"),
    pytest.param("6308010103260003", (), (), D(2026, 3, 1), id="issued today"),
    pytest.param("6308011010990003", (), (), D(1999, 10, 10), id="issued in 1999"),
    pytest.param("6308012902240003", (), (), D(2024, 2, 29), id="29 February of a leap year"),
    pytest.param(
        "6308012902250003",
        ("invalid_issue_date",),
        (),
        None,
        id="29 February outside a leap year",
    ),
    pytest.param(
        "6308011512260003", ("invalid_issue_date",), (), None, id="an issue date in the future"
    ),
    pytest.param(
        "6308014103150003",
        ("invalid_issue_date",),
        (),
        None,
        id="no 40 is added to the day of a KK",
    ),
    pytest.param("6308011213150003", ("invalid_issue_date",), (), None, id="month 13"),
    pytest.param("6308010003150003", ("invalid_issue_date",), (), None, id="day 00"),
    pytest.param("6308011203150000", ("serial_zero",), (), D(2015, 3, 12), id="serial 0000"),
    pytest.param("6300011203150003", ("regency_zero",), (), D(2015, 3, 12), id="kabupaten 00"),
    pytest.param("6308001203150003", ("district_zero",), (), D(2015, 3, 12), id="kecamatan 00"),
    pytest.param("9908011203150003", ("unknown_province",), (), D(2015, 3, 12), id="province 99"),
    pytest.param(
        "6399011203150003",
        (),
        ("region_not_current",),
        D(2015, 3, 12),
        id="a kabupaten not in today's list",
    ),
    pytest.param(
        "6404011203100003",
        (),
        ("region_pre_split",),
        D(2010, 3, 12),
        id="Bulungan's code 64.04 from before Kalimantan Utara",
    ),
]


@pytest.mark.parametrize(("kk", "errors", "warnings", "issue_date"), KK_CASES)
def test_check_kk_reads_the_issue_date_and_names_every_problem(kk, errors, warnings, issue_date):
    result = check_kk(kk, today=TODAY)

    assert (result.errors, result.warnings) == (errors, warnings)
    assert result.valid is (not errors)
    assert result.issue_date == issue_date
    assert result.kk == kk


@pytest.mark.parametrize(
    ("raw", "kk", "errors"),
    [
        pytest.param("6308.0112.0315.0003", "6308011203150003", (), id="dots"),
        pytest.param("'6308011203150003", "6308011203150003", (), id="leading apostrophe"),
        pytest.param(6308011203150003, "6308011203150003", (), id="an int"),
        pytest.param("6.30801E+15", None, ("excel_scientific",), id="scientific notation"),
        pytest.param("630801120315000", "630801120315000", ("wrong_length",), id="15 digits"),
        pytest.param("KK 6308011203150003", None, ("not_digits",), id="words"),
        pytest.param(None, None, ("empty",), id="None"),
    ],
)
def test_check_kk_cleans_excel_damage_like_check_nik(raw, kk, errors):
    result = check_kk(raw, today=TODAY)

    assert (result.kk, result.errors) == (kk, errors)


def test_a_temporary_kk_number_is_recognised_and_names_its_village():
    result = check_kk("0630801200100007")

    assert (result.temporary, result.valid, result.errors) == (True, False, ("temporary_number",))
    assert (result.province, result.regency, result.district) == HSU
    assert result.village_code == "63.08.01.2001"


def test_a_valid_kk_names_its_region():
    result = check_kk("6308011203150003", today=TODAY)

    assert (result.province, result.regency, result.district) == HSU
    assert result.district_code == "63.08.01"


# ---------------------------------------------------------------------------------------------
# Masking, messages, loading


@pytest.mark.parametrize(
    ("nik", "masked"),
    [
        pytest.param("6308014107850001", "6308**********01", id="a NIK"),
        pytest.param("0630801200100001", "0630**********01", id="a temporary number"),
        pytest.param("12345", "*****", id="too short to show any digit"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="None"),
    ],
)
def test_mask_nik_shows_the_first_four_and_last_two_digits(nik, masked):
    assert mask_nik(nik) == masked


def test_every_code_the_checks_can_give_has_a_message():
    codes = set()
    for cases in (NIK_CASES, KK_CASES):
        for case in cases:
            codes.update(case.values[1], case.values[2])
    for case in CLEANING_CASES:
        codes.add(case.values[2])
    codes |= {"wrong_length", "temporary_number", "birth_date_mismatch", "sex_mismatch"}
    codes.discard(None)

    assert codes == set(MESSAGES)


@pytest.mark.parametrize(
    ("context", "message"),
    [
        pytest.param({}, "The number must have exactly 16 digits.", id="alone"),
        pytest.param(
            {"row": 12}, "Row 12: The number must have exactly 16 digits.", id="with the row"
        ),
        pytest.param(
            {"label": "No. KK"},
            "No. KK: The number must have exactly 16 digits.",
            id="with the field",
        ),
        pytest.param(
            {"row": 12, "label": "NIK"},
            "Row 12, NIK: The number must have exactly 16 digits.",
            id="with the row and the field",
        ),
    ],
)
def test_message_for_gives_the_message_with_the_row_and_field(context, message):
    with translation.override("en"):
        assert message_for("wrong_length", **context) == message


def test_the_region_lists_load_once_even_when_threads_race(monkeypatch):
    monkeypatch.setattr(identity, "_regions", None)
    loaded = []

    def load():
        loaded.append(identity._load_regions())

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(regions) for regions in loaded}) == 1
    assert len(loaded[0].provinces) == 38
    assert loaded[0].regencies["6308"] == "Kabupaten Hulu Sungai Utara"
    assert loaded[0].districts["630801"] == "Danau Panggang"
