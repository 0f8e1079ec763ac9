"""The status rule (tkpk.indicators.status) against tables computed by hand.

The HSU case: P0 of domain.md (Susenas: 2016 6,76 % ... 2020 6,14 %) and the RPJMD 2021-2026
path "ditarget turun dari 6,38 % menjadi 6,19 %", spread evenly: 6,38 6,34 6,30 6,27 6,23 6,19.
Tolerance: 10 % of |6,19 − 6,38| = 0,019.
"""

from decimal import Decimal as D

from tkpk.indicators.choices import Status
from tkpk.indicators.status import Plan, evaluate, minimum_tolerance, trend_at

PATH = {2021: D("6.38"), 2022: D("6.34"), 2023: D("6.30"), 2024: D("6.27"), 2025: D("6.23")}
PATH[2026] = D("6.19")
HSU = {2016: D("6.76"), 2017: D("6.65"), 2018: D("6.38"), 2019: D("6.50"), 2020: D("6.14")}
PLAN = Plan(first_year=2021, last_year=2026, targets=PATH)


def judge(actuals, plans=(PLAN,), lower=True, decimals=2, percent=10):
    rows = evaluate(
        actuals=actuals,
        plans=list(plans),
        lower_is_better=lower,
        decimals=decimals,
        tolerance_percent=percent,
    )
    return {row.year: row for row in rows}


def test_the_hsu_susenas_years_have_no_target_and_the_plan_years_no_data():
    rows = judge(HSU)
    assert [rows[y].status for y in range(2016, 2021)] == [Status.NO_TARGET] * 5
    assert [rows[y].status for y in range(2021, 2027)] == [Status.NO_DATA] * 6
    # Needed: (6,19 − 6,14) / (2026 − 2020) = 0,05 / 6 = 0,008333...
    assert rows[2021].needed_yearly_change == D("0.0083")
    assert rows[2026].needed_yearly_change == D("0.0083")
    # Trend through 2016-2020: mean year 2018, mean 6,486; Sxy = -1,39, Sxx = 10, slope -0,139;
    # at 2026: 6,486 − 0,139 × 8 = 5,374.
    assert rows[2023].projection == D("5.3740")
    assert rows[2021].tolerance == D("0.0190")
    assert rows[2018].projection is None and rows[2018].needed_yearly_change is None


def test_the_hsu_path_year_by_year_against_a_hand_computed_table():
    actuals = {**HSU, 2021: D("6.58"), 2022: D("6.41"), 2023: D("6.33"), 2024: D("6.26")}
    actuals[2025] = D("6.21")
    rows = judge(actuals)
    expected = {
        # year: (gap, status, needed yearly change, projection for 2026)
        # 2021: trend 2017-2021, mean 6,45, slope -0,038: 6,45 − 0,266 = 6,184 ≤ 6,19: on track
        # although 0,20 above the year's target; needed (6,19 − 6,58) / 5 = -0,078.
        2021: ("0.20", Status.ON_TRACK, "-0.0780", "6.1840"),
        # 2022: trend 2018-2022, mean 6,402, slope +0,014: 6,486 > 6,19; gap 0,07 > 0,019.
        2022: ("0.07", Status.OFF_TRACK, "-0.0550", "6.4860"),
        2023: ("0.03", Status.OFF_TRACK, "-0.0467", "6.3570"),
        2024: ("-0.01", Status.ACHIEVED, "-0.0350", "6.3400"),
        2025: ("-0.02", Status.ACHIEVED, "-0.0200", "6.0910"),
    }
    for year, (gap, status, needed, projection) in expected.items():
        row = rows[year]
        assert (row.gap, row.status, row.needed_yearly_change, row.projection) == (
            D(gap),
            status,
            D(needed),
            D(projection),
        ), year
    # A target year beyond the data: no status, but what it still asks of the last actual.
    assert rows[2026].status == Status.NO_DATA
    assert rows[2026].actual is None and rows[2026].target == D("6.19")
    assert rows[2026].needed_yearly_change == D("-0.0200")
    assert rows[2026].projection == D("6.0910")


def test_a_gap_within_the_tolerance_is_on_track_and_just_beyond_it_off_track():
    # No trend can save it: one actual only.
    within = judge({2022: D("6.359")})[2022]  # 6,359 − 6,34 = 0,019 = the tolerance
    beyond = judge({2022: D("6.3591")})[2022]
    assert within.status == Status.ON_TRACK
    assert beyond.status == Status.OFF_TRACK


def test_higher_is_better_reads_the_target_the_other_way():
    ipm = Plan(
        first_year=2022,
        last_year=2026,
        targets={2022: D("70.30"), 2025: D("72.10"), 2026: D("72.70")},
    )
    # Tolerance: 10 % of |72,70 − 70,30| = 0,24.
    rows = judge({2025: D("72.20")}, plans=[ipm], lower=False)
    assert rows[2025].status == Status.ACHIEVED
    rows = judge({2025: D("71.90")}, plans=[ipm], lower=False)
    assert rows[2025].status == Status.ON_TRACK  # 0,20 below, within 0,24
    rows = judge({2025: D("71.80")}, plans=[ipm], lower=False)
    assert rows[2025].status == Status.OFF_TRACK
    # Where lower is better, above the target is behind it: 72,50 is 0,40 behind.
    assert judge({2025: D("72.50")}, plans=[ipm], lower=False)[2025].status == Status.ACHIEVED
    assert judge({2025: D("72.50")}, plans=[ipm], lower=True)[2025].status == Status.OFF_TRACK
    # Needed: (72,70 − 71,80) / 1 = +0,90 (rising).
    assert judge({2025: D("71.80")}, plans=[ipm], lower=False)[2025].needed_yearly_change == D(
        "0.9000"
    )


def test_a_rising_trend_rescues_a_higher_is_better_indicator_that_is_behind():
    path = {2022: D("70.00"), 2023: D("70.50"), 2024: D("71.00"), 2025: D("71.50")}
    ipm = Plan(first_year=2022, last_year=2026, targets={**path, 2026: D("72.00")})
    # Tolerance 10 % of 2,00 = 0,20. 69,0 69,5 70,0 70,5 71,0 for 2021-2025: 0,50 behind in
    # 2025, slope 0,5, at 2026 71,5 < 72: off track.
    slow = {2021 + i: D("69.0") + D("0.5") * i for i in range(5)}
    assert judge(slow, plans=[ipm], lower=False)[2025].projection == D("71.5000")
    assert judge(slow, plans=[ipm], lower=False)[2025].status == Status.OFF_TRACK
    # 67,2 68,1 69,0 for 2020-2022: slope 0,9, at 2026 69,0 + 3,6 = 72,6 ≥ 72: on track
    # although 2022 is 1,0 behind its target.
    fast = {2020: D("67.2"), 2021: D("68.1"), 2022: D("69.0")}
    row = judge(fast, plans=[ipm], lower=False)[2022]
    assert row.gap == D("-1.0")
    assert row.projection == D("72.6000")
    assert row.status == Status.ON_TRACK


def test_a_single_actual_has_no_trend():
    rows = judge({2021: D("6.58")})
    assert rows[2021].projection is None
    assert rows[2021].status == Status.OFF_TRACK
    # (6,19 − 6,58) / (2026 − 2021)
    assert rows[2021].needed_yearly_change == D("-0.0780")
    assert trend_at([(2021, D("6.58"))], 2026) is None


def test_years_without_data_are_left_out_of_the_trend_not_counted_as_zero():
    # 2017 6,80, 2019 6,65, 2021 6,50 (none in 2018 and 2020): a straight line falling 0,075 a
    # year; at 2026: 6,50 − 5 × 0,075 = 6,125. Were the missing years zeros, the line would
    # fall far faster.
    rows = judge({2017: D("6.80"), 2019: D("6.65"), 2021: D("6.50")})
    assert rows[2021].projection == D("6.1250")
    assert rows[2021].gap == D("0.12")
    assert rows[2021].status == Status.ON_TRACK  # behind the year's target, the trend makes it
    assert 2018 not in rows and 2020 not in rows


def test_the_trend_takes_the_last_five_actuals_only():
    actuals = {2010: D("1.00"), **HSU}  # 2010 is the sixth from the end: ignored
    assert judge(actuals)[2021].projection == judge(HSU)[2021].projection


def test_a_plan_without_a_target_for_its_last_year_ends_at_its_latest_target():
    plan = Plan(first_year=2021, last_year=2026, targets={2021: D("6.38"), 2024: D("6.25")})
    row = judge({2022: D("6.30")}, plans=[plan])[2022]
    assert row.end_year == 2024 and row.end_target == D("6.25")
    assert row.needed_yearly_change == D("-0.0250")  # (6,25 − 6,30) / 2


def test_a_flat_plan_keeps_half_a_unit_of_the_last_decimal_as_tolerance():
    flat = Plan(first_year=2021, last_year=2023, targets={2021: D("5.00"), 2023: D("5.00")})
    assert judge({2021: D("5.005")}, plans=[flat])[2021].status == Status.ON_TRACK
    assert judge({2021: D("5.006")}, plans=[flat])[2021].status == Status.OFF_TRACK
    assert minimum_tolerance(2) == D("0.005") and minimum_tolerance(0) == D("0.5")


def test_a_year_after_the_plan_ended_has_no_needed_change():
    rows = judge({2027: D("6.00")})
    assert rows[2027].status == Status.NO_TARGET
    assert rows[2027].plan is None and rows[2027].needed_yearly_change is None


def test_the_tolerance_follows_the_setting():
    rows = judge({2022: D("6.36")}, percent=50)  # 50 % of 0,19 = 0,095
    assert rows[2022].tolerance == D("0.0950")
    assert rows[2022].status == Status.ON_TRACK
    assert judge({2022: D("6.36")}, percent=0)[2022].status == Status.OFF_TRACK
