"""The one shape of every figure the dashboard, its downloads and the annual report show: a
`Table` of typed `Column`s and rows. The page renders it as a <table> that its chart is drawn
from (static/indicators/dashboard.js reads the cells' data-value), the XLSX download writes the
same rows, and the report lays out the same tables: one source, so their figures are equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tkpk.templatetags.formats import rupiah, thousands

from .figures import format_figure

TEXT = "text"
INT = "int"
FIGURE = "figure"
PERCENT = "percent"
RUPIAH = "rupiah"
STATUS = "status"


@dataclass(frozen=True)
class Column:
    """A column: its key in the rows, its heading, how its values are shown (kind, decimals),
    and whether the chart plots it (`series`: "bar", "line", "dashed" or "dotted")."""

    key: str
    label: str
    kind: str = TEXT
    decimals: int = 0
    series: str = ""
    #: Bars of the same stack (the follow-ups by status).
    stack: str = ""
    #: The row key that holds the decimals of this column's value in that row (a table of
    #: several indicators: P0 with 2, the Gini ratio with 3).
    decimals_from: str = ""

    def display(self, value, decimals: int | None = None) -> str:
        """The value as the page and the report show it, the Indonesian way."""
        if value is None or value == "":
            return "—"
        places = self.decimals if decimals is None else decimals
        if self.kind == INT:
            return thousands(value)
        if self.kind == FIGURE:
            return format_figure(value, places)
        if self.kind == PERCENT:
            return f"{format_figure(value, places or 1)} %"
        if self.kind == RUPIAH:
            return rupiah(value)
        if self.kind == STATUS:
            return str(value.label) if hasattr(value, "label") else str(value)
        return str(value)

    def number(self, value):
        """The machine value for a chart (a plain number with a point) or a spreadsheet cell."""
        if value is None or value == "":
            return None
        if self.kind in (INT, RUPIAH):
            return int(value)
        if self.kind in (FIGURE, PERCENT):
            return Decimal(str(value))
        return None


@dataclass(frozen=True)
class Cell:
    """One cell as rendered: its column, the raw value, the text shown and the number a chart
    or a spreadsheet reads (None for text)."""

    column: Column
    value: object
    text: str
    number: object

    @property
    def machine(self) -> str:
        """The number as a chart reads it: a plain decimal point, no grouping ("" for none)."""
        return "" if self.number is None else str(self.number)


@dataclass
class Table:
    """One figure of the dashboard: a title, its columns, its rows (dicts by column key) and how
    it is charted (`chart`: "bar", "line", or "" for a table only; `label` is the key of the
    column whose values name the rows)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    label: str = ""
    chart: str = "bar"
    horizontal: bool = False
    computed_at: datetime | None = None
    note: str = ""
    #: Row keys ("total") that the chart leaves out: a sum row would dwarf its parts.
    footer: list[dict] = field(default_factory=list)

    @property
    def series(self) -> list[Column]:
        return [column for column in self.columns if column.series]

    @property
    def has_stack(self) -> bool:
        return any(column.stack for column in self.columns)

    def cells(self, row: dict) -> list[Cell]:
        cells = []
        for column in self.columns:
            value = row.get(column.key)
            decimals = row.get(column.decimals_from) if column.decimals_from else None
            cells.append(Cell(column, value, column.display(value, decimals), column.number(value)))
        return cells

    @property
    def body(self) -> list[list[Cell]]:
        return [self.cells(row) for row in self.rows]

    @property
    def foot(self) -> list[list[Cell]]:
        return [self.cells(row) for row in self.footer]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def values(self, key: str) -> list:
        """The values of one column, in row order (the tests compare them across outputs)."""
        return [row.get(key) for row in self.rows]


def share(part: int, whole: int) -> Decimal | None:
    """Part of whole in percent, 2 decimals kept (shown with 1); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))
