"""Reading and checking a table: every bad cell by row and column, and what an import would
store (tkpk.indicators.importing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.importing.reader import FileProblem, normalise_header, open_table
from tkpk.models import Region

from ..choices import ObservationSource, RowKind
from ..figures import FigureError, is_empty, parse_figure
from ..models import Indicator, Observation, RpjmdPeriod, Target
from ..models.definitions import NATIONAL_CODE
from ..services.entries import (
    check_value,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: Errors kept for the preview; the count says how many there were in all.
MAX_ERRORS_SHOWN = 500
REQUIRED = ("kode_wilayah", "indikator", "jenis")
IGNORED = ("nama_wilayah", "wilayah", "satuan")
SOURCE_COLUMN = "sumber"
KINDS = {
    "realisasi": RowKind.ACTUAL,
    "capaian": RowKind.ACTUAL,
    "aktual": RowKind.ACTUAL,
    "target": RowKind.TARGET,
}
SOURCES = {
    "bps": ObservationSource.BPS,
    "lokal": ObservationSource.LOCAL,
    "local": ObservationSource.LOCAL,
    "daerah": ObservationSource.LOCAL,
    "estimasi": ObservationSource.ESTIMATE,
    "estimate": ObservationSource.ESTIMATE,
    "perkiraan": ObservationSource.ESTIMATE,
}
_YEAR = re.compile(r"^(19|20|21)\d{2}$")


class ImportRefused(Exception):
    """The file has errors: nothing was stored. `check` holds them."""

    def __init__(self, check: ImportCheck):
        super().__init__(
            _("The file has %(n)s errors; nothing was stored.") % {"n": check.error_count}
        )
        self.check = check


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class CellError:
    """A bad cell: its row as the spreadsheet numbers it (the header is row 1), its column
    letter and heading, and why (row 0: the file as a whole)."""

    row: int
    column: str
    heading: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "heading": self.heading,
            "message": self.message,
        }


@dataclass(frozen=True)
class Figure:
    """One non-empty year cell of a good row."""

    region: Region | None
    indicator: Indicator
    kind: str
    source: str
    year: int
    value: Decimal


@dataclass
class ImportCheck:
    """What a file holds: its errors, its figures, and what importing it would store."""

    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    years: list[int] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    #: Counts of what an import would do: observations and targets new / changed / unchanged.
    plan: dict = field(default_factory=dict)
    #: The periods an import would create: (region, first year, last year).
    new_periods: list[tuple[Region, int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, column: str, heading: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(CellError(row, column, heading, str(message)))

    def summary(self) -> dict:
        """What the preview and the import record keep (JSON)."""
        return {
            "rows": self.rows,
            "years": self.years,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "plan": self.plan,
            "new_periods": [
                {"region": r.code, "name": r.name, "first_year": a, "last_year": b}
                for r, a, b in self.new_periods
            ],
        }


def region_code(text) -> str:
    """A region cell as a dotted Kemendagri code: "6308" -> "63.08", "63.08" kept; "00"
    (or "0", "0000") is Indonesia (NATIONAL_CODE)."""
    raw = str(text or "").strip().lstrip("'")
    if isinstance(text, float) and text.is_integer():
        raw = str(int(text))
    if raw.isdigit() and set(raw) == {"0"}:
        return NATIONAL_CODE
    if raw.isdigit() and len(raw) in (2, 4, 6, 10):
        parts = [raw[0:2], raw[2:4], raw[4:6], raw[6:10]]
        return ".".join(part for part in parts if part)
    return raw


def _year_of(heading) -> int | None:
    text = str(heading).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if _YEAR.match(text) else None


def import_check(*, fileobj, name: str, source: str = ObservationSource.BPS) -> ImportCheck:
    """Read the whole table, collect every bad cell, and work out what an import would store."""
    check = ImportCheck()
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > MAX_BYTES:
        check.add(0, "", "", _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20})
        return check
    try:
        table = open_table(fileobj, name=name)
    except FileProblem as problem:
        check.add(0, "", "", str(problem))
        return check
    try:
        _read(table, check, default_source=source)
    except FileProblem as problem:
        check.add(0, "", "", str(problem))
    finally:
        table.close()
    if check.ok:
        _plan(check)
    return check


def _read(table, check: ImportCheck, *, default_source: str) -> None:
    headings = [str(h or "").strip() for h in table.header]
    names = [normalise_header(h) for h in headings]
    columns: dict[str, int] = {}
    years: dict[int, int] = {}
    for index, (heading, name) in enumerate(zip(headings, names, strict=True)):
        letter = column_letter(index)
        year = _year_of(heading)
        if year is not None:
            if year in years.values():
                check.add(
                    1, letter, heading, _("The year %(year)s is a column twice.") % {"year": year}
                )
            years[index] = year
        elif name in (*REQUIRED, SOURCE_COLUMN):
            if name in columns:
                check.add(
                    1, letter, heading, _("The column %(name)s appears twice.") % {"name": name}
                )
            columns[name] = index
        elif name in IGNORED or not heading:
            continue
        else:
            check.add(
                1,
                letter,
                heading,
                _("Unknown column: expected kode_wilayah, indikator, jenis and years."),
            )
    for required in REQUIRED:
        if required not in columns:
            check.add(1, "", required, _("The column %(name)s is missing.") % {"name": required})
    if not years:
        check.add(1, "", "", _("No year column (a heading such as 2024) was found."))
    if not check.ok:
        return
    check.years = sorted(years.values())

    raw_rows = []
    for number, cells in enumerate(table.rows, start=2):
        if not any(not is_empty(c) for c in cells):
            continue
        raw_rows.append((number, cells))
        if len(raw_rows) > MAX_ROWS:
            check.add(number, "", "", _("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            return
    check.rows = len(raw_rows)

    def cell(cells, index):
        return cells[index] if index < len(cells) else None

    codes = {region_code(cell(c, columns["kode_wilayah"])) for _n, c in raw_rows}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    indicators = list(Indicator.objects.all())
    by_code = {i.code.upper(): i for i in indicators}
    by_name = {i.name.upper(): i for i in indicators}
    seen: dict[tuple, int] = {}

    for number, cells in raw_rows:
        bad = check.error_count
        code_index = columns["kode_wilayah"]
        code = region_code(cell(cells, code_index))
        region = None
        if code != NATIONAL_CODE:
            region = regions.get(code)
            if region is None:
                check.add(
                    number,
                    column_letter(code_index),
                    headings[code_index],
                    _("Unknown region code %(code)s (load the region data, or check the code).")
                    % {"code": code or "—"},
                )
        name_index = columns["indikator"]
        text = str(cell(cells, name_index) or "").strip().upper()
        indicator = by_code.get(text) or by_name.get(text)
        if indicator is None:
            check.add(
                number,
                column_letter(name_index),
                headings[name_index],
                _("Unknown indicator %(name)s; the codes are %(codes)s.")
                % {"name": text or "—", "codes": ", ".join(i.code for i in indicators)},
            )
        kind_index = columns["jenis"]
        kind = KINDS.get(str(cell(cells, kind_index) or "").strip().lower())
        if kind is None:
            check.add(
                number,
                column_letter(kind_index),
                headings[kind_index],
                _("The kind must be realisasi or target."),
            )
        elif kind == RowKind.TARGET and code == NATIONAL_CODE:
            check.add(
                number,
                column_letter(kind_index),
                headings[kind_index],
                _("RPJMD targets belong to a region, not to Indonesia as a whole."),
            )
        source = default_source
        if SOURCE_COLUMN in columns and kind == RowKind.ACTUAL:
            source_index = columns[SOURCE_COLUMN]
            given = str(cell(cells, source_index) or "").strip().lower()
            if given:
                source = SOURCES.get(given)
                if source is None:
                    check.add(
                        number,
                        column_letter(source_index),
                        headings[source_index],
                        _("The source must be bps, lokal or estimasi."),
                    )
        key = (code, indicator.pk if indicator else text, kind, source)
        if check.error_count == bad and key in seen:
            check.add(
                number,
                column_letter(code_index),
                headings[code_index],
                _("Row %(row)s already has this region, indicator and kind.") % {"row": seen[key]},
            )
        seen.setdefault(key, number)
        for index, year in years.items():
            value = cell(cells, index)
            if is_empty(value):
                continue
            letter = column_letter(index)
            try:
                number_value = parse_figure(value, decimals=indicator.decimals if indicator else 2)
                if indicator is not None:
                    check_value(indicator, number_value)
            except FigureError as error:
                check.add(number, letter, headings[index], str(error))
                continue
            except ValidationError as error:
                check.add(number, letter, headings[index], " ".join(error.messages))
                continue
            if check.error_count == bad:
                check.figures.append(
                    Figure(
                        region=region,
                        indicator=indicator,
                        kind=kind,
                        source=source,
                        year=year,
                        value=number_value,
                    )
                )
    if not check.ok:
        check.figures = []


def _periods_for(check: ImportCheck) -> dict[tuple[int, int], RpjmdPeriod | tuple]:
    """The period of every (region, target year): an existing one, or one to create."""
    targets = [f for f in check.figures if f.kind == RowKind.TARGET]
    region_ids = {f.region.pk for f in targets}
    existing = list(RpjmdPeriod.objects.filter(region_id__in=region_ids))
    found: dict[tuple[int, int], object] = {}
    uncovered: dict[int, set[int]] = {}
    regions = {f.region.pk: f.region for f in targets}
    for figure in targets:
        period = next(
            (p for p in existing if p.region_id == figure.region.pk and p.covers(figure.year)),
            None,
        )
        if period is not None:
            found[(figure.region.pk, figure.year)] = period
        else:
            uncovered.setdefault(figure.region.pk, set()).add(figure.year)
    check.new_periods = []
    for region_id, years in sorted(uncovered.items()):
        ordered = sorted(years)
        runs = [[ordered[0]]]
        for year in ordered[1:]:
            between = any(
                p.region_id == region_id and runs[-1][-1] < p.first_year and p.last_year < year
                for p in existing
            )
            if between:
                runs.append([year])
            else:
                runs[-1].append(year)
        for run in runs:
            new = (regions[region_id], run[0], run[-1])
            check.new_periods.append(new)
            for year in run:
                found[(region_id, year)] = new
    return found


def _plan(check: ImportCheck) -> None:
    """Count what an import would create, change and leave alone."""
    plan = dict.fromkeys(
        (
            "observations_new",
            "observations_changed",
            "observations_unchanged",
            "targets_new",
            "targets_changed",
            "targets_unchanged",
        ),
        0,
    )
    stored = _stored_observations(check)
    for figure in check.figures:
        if figure.kind != RowKind.ACTUAL:
            continue
        old = stored.get(_observation_key(figure))
        if old is None:
            plan["observations_new"] += 1
        elif old.value != figure.value:
            plan["observations_changed"] += 1
        else:
            plan["observations_unchanged"] += 1
    periods = _periods_for(check)
    stored_targets = _stored_targets(periods)
    for figure in check.figures:
        if figure.kind != RowKind.TARGET:
            continue
        period = periods[(figure.region.pk, figure.year)]
        old = (
            stored_targets.get((period.pk, figure.indicator.pk, figure.year))
            if isinstance(period, RpjmdPeriod)
            else None
        )
        if old is None:
            plan["targets_new"] += 1
        elif old.value != figure.value:
            plan["targets_changed"] += 1
        else:
            plan["targets_unchanged"] += 1
    plan["periods_new"] = len(check.new_periods)
    check.plan = plan


def _observation_key(figure: Figure) -> tuple:
    return (
        figure.region.pk if figure.region else None,
        figure.indicator.pk,
        figure.year,
        figure.source,
    )


def _stored_observations(check: ImportCheck) -> dict[tuple, Observation]:
    actuals = [f for f in check.figures if f.kind == RowKind.ACTUAL]
    if not actuals:
        return {}
    regions = {f.region.pk for f in actuals if f.region}
    indicators = {f.indicator.pk for f in actuals}
    found = Observation.objects.filter(indicator_id__in=indicators, year__in=check.years).filter(
        **({} if any(f.region is None for f in actuals) else {"region_id__in": regions})
    )
    return {
        (o.region_id, o.indicator_id, o.year, o.source): o
        for o in found.select_related("indicator", "region")
    }


def _stored_targets(periods: dict) -> dict[tuple, Target]:
    ids = {p.pk for p in periods.values() if isinstance(p, RpjmdPeriod)}
    return {
        (t.period_id, t.indicator_id, t.year): t
        for t in Target.objects.filter(period_id__in=ids).select_related(
            "indicator", "period__region"
        )
    }
