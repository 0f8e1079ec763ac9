"""What every file a user opens in a spreadsheet needs: no cell that the spreadsheet would run as
a formula (CSV/formula injection)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value) -> str:
    """The value as text, with a leading apostrophe when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
