"""What every file a user opens in a spreadsheet needs: no cell that the spreadsheet would run as
a formula (CSV/formula injection, OWASP's "CSV Injection")."""

import unicodedata

# A cell is read as a formula when it starts with one of these, also after leading spaces and in
# their full-width or small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫), which NFKC folds into them.
FORMULA_SIGNS = ("=", "+", "-", "@")
# Tab, carriage return and line feed at the start of a cell are refused as OWASP advises.
CONTROL_STARTS = ("\t", "\r", "\n")


def formula_safe(value) -> str:
    """The value as text, with a leading apostrophe when a spreadsheet could read a formula:
    the first character other than whitespace, after NFKC, is = + - or @, or the cell starts
    with a tab, CR or LF. Negative numbers are escaped too: the export is text, not figures."""
    text = "" if value is None else str(value)
    if text.startswith(CONTROL_STARTS):
        return "'" + text
    if unicodedata.normalize("NFKC", text).lstrip().startswith(FORMULA_SIGNS):
        return "'" + text
    return text
