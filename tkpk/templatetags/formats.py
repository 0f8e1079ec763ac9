"""Numbers the Indonesian way (style.md): Rp1.250.000, 6,38 %, 12.345."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@register.filter
def rupiah(value) -> str:
    """An amount in whole Rupiah: 1250000 -> "Rp1.250.000" ("—" for none)."""
    if value in (None, ""):
        return "—"
    try:
        amount = int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{_grouped(abs(amount))}"


@register.filter
def percent(value, decimals: int = 1) -> str:
    """A percentage with a decimal comma: 6.384 -> "6,4 %" ("—" for none)."""
    if value in (None, ""):
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,.{int(decimals)}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} %"


@register.filter
def thousands(value) -> str:
    """A whole number with dots between thousands: 12345 -> "12.345"."""
    if value in (None, ""):
        return "—"
    try:
        return _grouped(int(value))
    except (TypeError, ValueError):
        return str(value)
