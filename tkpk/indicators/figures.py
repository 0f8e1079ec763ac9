"""Reading and writing figures the Indonesian way: "6,38" is six point three eight, and
"512.345" is five hundred and twelve thousand for a figure without decimals.

`parse_figure` is the one reader of a typed or imported number, used by the entry forms and the
import, so that both accept the same text; `format_figure` writes one as the pages show it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

#: Cells that mean "no figure" in BPS tables: empty, a dash (none), dots (not available).
EMPTY = {"", "-", "–", "—", "...", "…", "na", "n/a", "n.a."}
MAX_PLACES = 4
_PLAIN = re.compile(r"^[+-]?\d+$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


class FigureError(ValueError):
    """A text that is not a figure; the message says why, for the user."""


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY)


def parse_figure(value, *, decimals: int = 2) -> Decimal:
    """The Decimal a cell or a form field holds. Accepts numbers (an XLSX cell) and text with a
    decimal comma or point and thousands separators:

    - both "." and ",": the last one is the decimal separator ("1.234,56", "1,234.56");
    - only ",": a decimal comma ("6,38"), unless it groups thousands in a figure without
      decimals ("12,345" of people);
    - only ".": a decimal point ("6.38"), unless it groups thousands ("1.234.567", or
      "512.345" of an indicator shown without decimals, such as the poverty line in Rupiah).

    At most 4 decimal places (what is stored); raises FigureError otherwise."""
    if isinstance(value, bool):
        raise FigureError(_("This is not a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FigureError(_("This is not a number."))
        # An XLSX cell holds a binary float: 6.38 arrives as 6.3799999...; its shortest text is
        # what the person typed.
        number = Decimal(repr(value))
        return number.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding=ROUND_HALF_UP).normalize()
    if isinstance(value, Decimal):
        number = value
    else:
        number = _parse_text(str(value), decimals=decimals)
    if not number.is_finite():
        raise FigureError(_("This is not a number."))
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise FigureError(
            _("At most %(places)s decimal places are kept; round the figure.")
            % {"places": MAX_PLACES}
        )
    return number


def _parse_text(text: str, *, decimals: int) -> Decimal:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("%", "")
    if cleaned.startswith("'"):  # Excel's text marker
        cleaned = cleaned[1:]
    if not cleaned:
        raise FigureError(_("The cell is empty."))
    if "." in cleaned and "," in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        if decimals == 0 and _COMMA_THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(",", "")
        elif cleaned.count(",") == 1:
            cleaned = cleaned.replace(",", ".")
        else:
            raise FigureError(_("This is not a number: %(text)s.") % {"text": text.strip()})
    elif "." in cleaned:
        if _DOT_THOUSANDS.match(cleaned) and (cleaned.count(".") > 1 or decimals == 0):
            cleaned = cleaned.replace(".", "")
        elif cleaned.count(".") > 1:
            raise FigureError(_("This is not a number: %(text)s.") % {"text": text.strip()})
    elif not _PLAIN.match(cleaned):
        raise FigureError(_("This is not a number: %(text)s.") % {"text": text.strip()})
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise FigureError(_("This is not a number: %(text)s.") % {"text": text.strip()}) from None


def format_figure(value, decimals: int = 2) -> str:
    """A figure as the pages show it: "6,38", "512.345", "-0,05" ("—" for none)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)).quantize(
            Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP
        )
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{abs(number):,.{int(decimals)}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"-{text}" if number < 0 else text
