"""The status rule: where an indicator's actual stands against the RPJMD path, year by year.

Pure arithmetic on Decimals, without the database: the rollup, `manage.py indicators_status`
and the tests call `evaluate` with a region's actuals and plans of one indicator.

For each year that has an actual or a target (`evaluate` returns them in order):

- **actual**: the year's figure; several sources are resolved before (BPS, then local data, then
  an estimate: choices.PRECEDENCE). **target**: the year's target of the RPJMD period that
  covers the year. **gap** = actual − target, in the indicator's unit (for a lower-is-better
  indicator a positive gap is behind the target, for a higher-is-better one ahead of it).
- **end-of-plan target**: the target of the period's last year (if the period has none for its
  last year: of the latest year it has a target for; that year is then the end year).
- **status**:
  - ``no_data``: the year has no actual (a target year beyond the data, a year not surveyed);
  - ``no_target``: an actual but no target (before the plan, or the plan does not target it);
  - ``achieved``: the actual meets the target in the indicator's direction (lower-is-better:
    actual ≤ target; higher-is-better: actual ≥ target);
  - ``on_track``: not achieved, but within the **tolerance** of the target, or the **trend
    projection** reaches the end-of-plan target (in the direction);
  - ``off_track``: otherwise.
- **tolerance** = INDICATOR_ON_TRACK_TOLERANCE % (a setting, default 10) of the change the plan
  sets out over its period, |end-of-plan target − the period's first target|, and never less
  than half a unit of the indicator's last decimal (0,005 for P0 with 2 decimals), so that a
  difference that does not show at the published precision never makes a year off track.
  HSU: 10 % of |6,19 − 6,38| = 0,019 percentage points.
- **projection**: the least-squares linear trend through the last up to 5 actuals up to and
  including the year (years without data are simply not points of the fit), read at the end
  year of the period. Fewer than 2 actuals: no projection (a single point has no trend).
- **needed yearly change** = (end-of-plan target − latest actual) / (years left), where the
  latest actual is the newest one up to and including the year and the years left are the
  end year minus that actual's year. Signed: negative means the indicator must fall each year.
  None when no year is left (the actual is of the end year or later) or the year lies in no
  period.

Projection, needed change and tolerance are rounded half up to 4 decimals, and the status is
decided with these rounded values, as `indicators_status` prints them.

Dalam bahasa Indonesia (ditampilkan di dasbor lewat katalog terjemahan): tercapai bila
realisasi memenuhi target sesuai arah indikator; sesuai jalur bila belum tercapai tetapi
selisihnya masih dalam toleransi (10 % dari perubahan yang direncanakan RPJMD selama
periodenya) atau proyeksi tren linear (kuadrat terkecil, paling banyak 5 realisasi terakhir)
mencapai target akhir periode; tidak sesuai jalur bila tidak; tanpa data bila realisasi tahun
itu belum ada.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .choices import Status

PLACES = Decimal("0.0001")
#: How many of the latest actuals the trend is fitted through.
TREND_POINTS = 5


def rounded(value: Decimal | None) -> Decimal | None:
    """A computed figure as stored and printed: 4 decimals, half up."""
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Plan:
    """An RPJMD period as the rule reads it: its years and its targets by year."""

    first_year: int
    last_year: int
    targets: dict[int, Decimal] = field(default_factory=dict)
    key: object = None  # the RpjmdPeriod's id, carried through to the result

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @property
    def end_year(self) -> int | None:
        """The year of the end-of-plan target."""
        if self.last_year in self.targets:
            return self.last_year
        years = [y for y in self.targets if y <= self.last_year]
        return max(years) if years else None

    @property
    def end_target(self) -> Decimal | None:
        end = self.end_year
        return None if end is None else self.targets[end]

    @property
    def planned_change(self) -> Decimal | None:
        """|end-of-plan target − first target|: the change the plan sets out."""
        if not self.targets:
            return None
        first = self.targets[min(self.targets)]
        return abs(self.end_target - first)


@dataclass(frozen=True)
class YearStatus:
    """One year of one indicator in one region, as the rule judges it."""

    year: int
    actual: Decimal | None
    target: Decimal | None
    gap: Decimal | None
    status: str
    tolerance: Decimal | None
    needed_yearly_change: Decimal | None
    projection: Decimal | None
    plan: Plan | None
    actual_source: str = ""

    @property
    def end_target(self) -> Decimal | None:
        return self.plan.end_target if self.plan else None

    @property
    def end_year(self) -> int | None:
        return self.plan.end_year if self.plan else None


def meets(value: Decimal, target: Decimal, *, lower_is_better: bool) -> bool:
    """Whether `value` is at or beyond `target` in the indicator's direction."""
    return value <= target if lower_is_better else value >= target


def trend_at(points: list[tuple[int, Decimal]], year: int) -> Decimal | None:
    """The least-squares line through (year, value) points, read at `year`; None for fewer
    than 2 points (or points all of one year)."""
    if len(points) < 2:
        return None
    n = Decimal(len(points))
    mean_x = sum(Decimal(x) for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((Decimal(x) - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    sxy = sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return mean_y + slope * (Decimal(year) - mean_x)


def minimum_tolerance(decimals: int) -> Decimal:
    """Half a unit of the indicator's last decimal: 0.005 for 2 decimals, 0.5 for none."""
    return Decimal(5) / (Decimal(10) ** (decimals + 1))


def tolerance_for(plan: Plan, *, decimals: int, percent: Decimal) -> Decimal:
    planned = plan.planned_change or Decimal(0)
    return rounded(max(planned * percent / Decimal(100), minimum_tolerance(decimals)))


def evaluate(
    *,
    actuals: dict[int, Decimal],
    plans: list[Plan],
    lower_is_better: bool,
    decimals: int,
    tolerance_percent: Decimal | int,
    sources: dict[int, str] | None = None,
) -> list[YearStatus]:
    """Judge every year that has an actual or a target (see the module docstring)."""
    percent = Decimal(tolerance_percent)
    sources = sources or {}
    years = set(actuals)
    for plan in plans:
        years.update(plan.targets)
    observed = sorted(actuals.items())
    results = []
    for year in sorted(years):
        plan = next((p for p in plans if p.covers(year)), None)
        actual = actuals.get(year)
        target = plan.targets.get(year) if plan else None
        gap = actual - target if actual is not None and target is not None else None
        history = [(y, v) for y, v in observed if y <= year][-TREND_POINTS:]
        needed = projection = tolerance = None
        end_year = plan.end_year if plan else None
        if plan is not None and end_year is not None:
            tolerance = tolerance_for(plan, decimals=decimals, percent=percent)
            if history and end_year > history[-1][0]:
                latest_year, latest = history[-1]
                needed = rounded((plan.end_target - latest) / Decimal(end_year - latest_year))
            projection = rounded(trend_at(history, end_year))
        if actual is None:
            status = Status.NO_DATA
        elif target is None:
            status = Status.NO_TARGET
        elif meets(actual, target, lower_is_better=lower_is_better):
            status = Status.ACHIEVED
        elif abs(gap) <= tolerance or (
            projection is not None
            and meets(projection, plan.end_target, lower_is_better=lower_is_better)
        ):
            status = Status.ON_TRACK
        else:
            status = Status.OFF_TRACK
        results.append(
            YearStatus(
                year=year,
                actual=actual,
                target=target,
                gap=gap,
                status=status,
                tolerance=tolerance,
                needed_yearly_change=needed,
                projection=projection,
                plan=plan,
                actual_source=sources.get(year, ""),
            )
        )
    return results
