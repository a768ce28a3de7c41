"""What both statement parsers share: the parsed statement, its movements, the errors and the OGM rules.

Nothing here touches the database: parsing is a pure function of the file's bytes.
"""

import dataclasses
import datetime
import hashlib
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum import iban as iban_number
from stdnum.be import ogm_vcs

CODA = "coda"
CAMT053 = "camt053"
IDENTIFIER_MAX_LENGTH = 80


class BankFileError(Exception):
    """A bank file that cannot be imported; `message` is shown to staff as it is."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self):
        return self.message


class ParseError(BankFileError):
    """The file is not a statement this parser understands; `where` is the line or element at fault."""

    def __init__(self, message: str, *, where: str = ""):
        self.where = str(where)
        self.detail = str(message)
        super().__init__(_("%(where)s: %(message)s") % {"where": self.where, "message": self.detail} if where
                         else self.detail)


@dataclasses.dataclass(frozen=True)
class Movement:
    """One credit line of a statement: money received on the account."""

    line: int
    booking_date: datetime.date
    amount: Decimal
    reference: str = ""  # the 12 digits of a valid OGM, or ""
    free_text: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""


@dataclasses.dataclass(frozen=True)
class ParsedStatement:
    format: str
    account: str
    sequence: str
    date: datetime.date
    identifier: str
    credits: list[Movement]
    debit_count: int = 0


def make_identifier(*parts: str) -> str:
    """The statement identity as stored in BankStatement.identifier (at most 80 characters, stable)."""
    identifier = "/".join(part for part in parts if part)
    if len(identifier) > IDENTIFIER_MAX_LENGTH:
        digest = hashlib.sha256(identifier.encode()).hexdigest()[:16]
        identifier = f"{identifier[:IDENTIFIER_MAX_LENGTH - 17]}#{digest}"
    return identifier


def ogm_digits(text: str) -> str:
    """The 12 digits of a valid OGM written in a structured reference field (+++, ***, slashes, spaces), or ""."""
    try:
        return ogm_vcs.validate(str(text or "").replace("+", "").replace("*", ""))
    except ogm_vcs.ValidationError:
        return ""


# +++123/4567/89002+++ or ***123/4567/89002*** in free text, slashes and spaces optional.
_OGM_IN_TEXT = re.compile(r"(?:\+{3}|\*{3})\s*([0-9]{3})\s*/?\s*([0-9]{4})\s*/?\s*([0-9]{5})\s*(?:\+{3}|\*{3})")


def ogm_in_free_text(text: str) -> str:
    """A valid OGM quoted between +++ or *** in free text; "" when there is none or more than one."""
    found = {ogm_digits("".join(match.groups())) for match in _OGM_IN_TEXT.finditer(text or "")}
    found.discard("")
    return found.pop() if len(found) == 1 else ""


def clean_text(text: str) -> str:
    """Runs of whitespace (and control characters) collapsed to one space."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def normalise_iban(text: str) -> str:
    """An IBAN without spaces, upper case, if it is a valid one; otherwise ""."""
    compact = "".join(str(text or "").split()).upper()
    return compact if compact and iban_number.is_valid(compact) else ""


def belgian_iban_from_bban(bban: str) -> str:
    """The IBAN of a 12-digit Belgian account number (the old CODA account structure)."""
    check = iban_number.calc_check_digits(f"BE00{bban}")
    return f"BE{check}{bban}"
