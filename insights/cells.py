"""Figure cells: one value, shown in a table (localised), written to CSV (for Belgian spreadsheets), or not known.

A value that cannot be computed (a share of nothing, an occupancy without a known capacity) is None: the table says
"not known", the CSV leaves the cell empty, so nobody reads a 0 that was never measured.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

TEXT, COUNT, MONEY, PERCENT, DAYS, NUMBER = "text", "count", "money", "percent", "days", "number"
NUMERIC = (COUNT, MONEY, PERCENT, DAYS, NUMBER)
PLACES = {COUNT: 0, MONEY: 2, PERCENT: 1, DAYS: 1, NUMBER: 1}
# Cells a spreadsheet would run as a formula: a leading apostrophe makes them text (as permits' export does).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def share(part, whole) -> Decimal | None:
    """part / whole as a fraction, or None when there is nothing to divide by."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def in_days(duration: datetime.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return Decimal(duration.total_seconds()) / Decimal(86400)


def _rounded(value, kind: str) -> Decimal:
    number = Decimal(value) * (100 if kind == PERCENT else 1)
    return number.quantize(Decimal(1).scaleb(-PLACES[kind]), rounding=ROUND_HALF_UP)


def display(value, kind: str) -> str:
    """The value as the table shows it, in the active language (1.234,5 in Dutch)."""
    if value is None:
        return _("not known")
    if kind == TEXT:
        return str(value)
    text = number_format(_rounded(value, kind), PLACES[kind], force_grouping=True)
    if kind == MONEY:
        return f"€ {text}"
    if kind == PERCENT:
        return f"{text} %"
    return text


def csv_value(value, kind: str) -> str:
    """The value for a CSV file read by Excel with Belgian settings: no grouping, a decimal comma, empty if unknown."""
    if value is None:
        return ""
    if kind == TEXT:
        text = str(value)
        return f"'{text}" if text.startswith(FORMULA_STARTS) else text
    return str(_rounded(value, kind)).replace(".", ",")
