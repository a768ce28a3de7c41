"""Notice numbers: the year, a six-digit sequence and two check digits (mod 97, like a structured communication).

Printed as 2026-000123-45 so a citizen can read it out; typed in any form (spaces, dashes, dots) and checked
before any database lookup, so a typo is caught with a clear message and never costs a lookup attempt.
"""

import re

from django.db import connection, transaction

from .models import NoticeCounter

SEQUENCE_DIGITS = 6
NOTICE_NUMBER = re.compile(r"[0-9]{12}")  # ASCII digits only: \d would accept other scripts' digits


def check_digits(first_ten: str) -> str:
    remainder = int(first_ten) % 97
    return f"{remainder or 97:02d}"


def make(year: int, sequence: int) -> str:
    if not 0 < sequence < 10 ** SEQUENCE_DIGITS:
        raise ValueError(f"Sequence out of range: {sequence}")
    first_ten = f"{year:04d}{sequence:06d}"
    return first_ten + check_digits(first_ten)


def next_number(year: int) -> str:
    """The next free notice number of the year (inside the caller's transaction, which holds the row lock).

    One INSERT ... ON CONFLICT statement creates or increments the year's row and keeps it locked until the
    caller commits: two transactions that start a new year at once wait for each other instead of colliding.
    """
    table, year_column, last = (connection.ops.quote_name(name) for name in (NoticeCounter._meta.db_table, "year", "last"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({year_column}, {last}) VALUES (%s, 1) ON CONFLICT ({year_column}) "
                       f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}", [year])
        sequence = cursor.fetchone()[0]
    return make(year, sequence)


def parse(text: str) -> str | None:
    """The 12 digits of a valid notice number typed in any form, or None."""
    digits = re.sub(r"[\s.\-/]", "", text or "")
    if not NOTICE_NUMBER.fullmatch(digits):
        return None
    return digits if check_digits(digits[:10]) == digits[10:] else None


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:10]}-{number[10:]}"
