"""A small, strict reader of CODA files (Febelfin's coded statement of account, version 2).

Every record is 128 characters; the first character is the record type:
0 header, 1 old balance, 2.1/2.2/2.3 a movement (amount and communication; its continuation;
the counterparty), 3.x information, 4 free communication, 8 new balance, 9 trailer.
Positions below are 0-based Python slices of the 128-character record.

Only one statement per file is accepted. The movements must add up: old balance plus the
movements equals the new balance, so a truncated or edited file is refused.

When a bank groups several credits into one total (globalisation), the total is followed by
its detail movements; the details are what we import, the total is skipped.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .common import (
    CODA,
    Movement,
    ParsedStatement,
    ParseError,
    belgian_iban_from_bban,
    clean_text,
    make_identifier,
    normalise_iban,
    ogm_digits,
    ogm_in_free_text,
)

RECORD_LENGTH = 128
# Structured communication types that carry a Belgian OGM in positions 65-77.
OGM_COMMUNICATION_TYPES = {"101", "102"}
# Transaction types (position 53) of a total that may be followed by its details, and the types of details.
TOTAL_TYPES = {"1", "2", "3", "7"}
DETAIL_TYPES = {"5", "6", "7", "8", "9"}


@dataclasses.dataclass
class _Movement:
    line: int
    sequence: str
    detail: str
    credit: bool
    amount: Decimal
    transaction_type: str
    booking_date: datetime.date
    structured: bool
    communication: str
    reference: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""


def _where(number: int) -> str:
    return _("line %(number)d") % {"number": number}


def _digits(line: str, start: int, end: int, number: int, what: str) -> str:
    value = line[start:end]
    if not (value.isascii() and value.isdigit()):
        raise ParseError(_("%(what)s “%(value)s” is not a number.") % {"what": what, "value": value.strip()},
                         where=_where(number))
    return value


def _date(line: str, start: int, number: int) -> datetime.date:
    value = line[start:start + 6]
    if value.isascii() and value.isdigit():
        try:
            return datetime.date(2000 + int(value[4:6]), int(value[2:4]), int(value[0:2]))
        except ValueError:
            pass
    raise ParseError(_("“%(value)s” is not a valid date (DDMMYY).") % {"value": value.strip()}, where=_where(number))


def _amount(line: str, start: int, number: int) -> Decimal:
    """15 digits with three decimals; euro amounts have whole cents."""
    value = _digits(line, start, start + 15, number, _("The amount"))
    amount = Decimal(int(value)) / 1000
    if amount != amount.quantize(Decimal("0.01")):
        raise ParseError(_("The amount %(amount)s has more than two decimals.") % {"amount": amount}, where=_where(number))
    return amount.quantize(Decimal("0.01"))


def _sign(line: str, position: int, number: int) -> int:
    value = line[position]
    if value not in "01":
        raise ParseError(_("The sign “%(value)s” must be 0 (credit) or 1 (debit).") % {"value": value},
                         where=_where(number))
    return 1 if value == "0" else -1


def _records(data: bytes) -> list[tuple[int, str]]:
    """The file's lines, numbered from 1, each exactly 128 characters; blank lines at the end are allowed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # Belgian banks' CODA files are often ISO-8859-1
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    while lines and not lines[-1].strip("\r"):
        lines.pop()
    if not lines:
        raise ParseError(_("The file is empty."))
    records = []
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if len(line) != RECORD_LENGTH:
            raise ParseError(_("A CODA record has 128 characters; this one has %(length)d.") % {"length": len(line)},
                             where=_where(number))
        records.append((number, line))
    return records


def _account(line: str, number: int) -> tuple[str, str]:
    """The account (as an IBAN where possible) and its currency, from the old balance record."""
    structure = line[1]
    if structure == "0":  # Belgian account number
        bban = _digits(line, 5, 17, number, _("The account number"))
        return belgian_iban_from_bban(bban), line[18:21].strip()
    if structure == "2":  # Belgian IBAN
        account = normalise_iban(line[5:21])
        if not account:
            raise ParseError(_("“%(value)s” is not a valid IBAN.") % {"value": line[5:21].strip()}, where=_where(number))
        return account, line[39:42].strip()
    if structure in "13":  # foreign account number or IBAN
        account = "".join(line[5:39].split()).upper()
        if not account.isascii() or not account.isalnum():
            raise ParseError(_("“%(value)s” is not a valid account number.") % {"value": line[5:39].strip()},
                             where=_where(number))
        return account, line[39:42].strip()
    raise ParseError(_("Unknown account structure “%(value)s”.") % {"value": structure}, where=_where(number))


def parse(data: bytes) -> ParsedStatement:
    """The statement in a CODA file; raises ParseError on anything it does not understand."""
    records = _records(data)
    state = "start"
    account = currency = sequence = ""
    old_balance = new_balance = None
    new_balance_date = None
    movements: list[_Movement] = []
    last_information = None

    for number, line in records:
        kind = line[0]
        where = _where(number)
        if state == "end":
            if kind == "0":
                raise ParseError(_("The file holds more than one statement; upload one statement per file."), where=where)
            raise ParseError(_("Nothing may follow the trailer record."), where=where)

        if kind == "0":
            if state != "start":
                raise ParseError(_("A header record may only start the file."), where=where)
            if line[1:5] != "0000":
                raise ParseError(_("This is not a CODA header record."), where=where)
            _date(line, 5, number)  # creation date
            if line[127] != "2":
                raise ParseError(_("Only CODA version 2 is supported; this file is version “%(version)s”.")
                                 % {"version": line[127]}, where=where)
            state = "header"
        elif kind == "1":
            if state != "header":
                raise ParseError(_("The old balance record must follow the header."), where=where)
            account, currency = _account(line, number)
            sequence = _digits(line, 2, 5, number, _("The statement number"))
            old_balance = _sign(line, 42, number) * _amount(line, 43, number)
            _date(line, 58, number)
            state = "movements"
        elif kind == "2":
            if state != "movements":
                raise ParseError(_("A movement record must come between the old and the new balance."), where=where)
            subtype = line[1]
            if subtype == "1":
                movements.append(_movement(line, number))
            elif subtype in "23":
                if not movements or movements[-1].sequence + movements[-1].detail != line[2:10]:
                    raise ParseError(_("Record 2.%(type)s does not continue the movement before it.") % {"type": subtype},
                                     where=where)
                _continue_movement(movements[-1], line, subtype)
            else:
                raise ParseError(_("Unknown record type “%(type)s”.") % {"type": line[:2]}, where=where)
        elif kind == "3":
            if state != "movements":
                raise ParseError(_("An information record must come between the old and the new balance."), where=where)
            subtype = line[1]
            if subtype == "1":
                last_information = line[2:10]
            elif subtype in "23":
                if last_information != line[2:10]:
                    raise ParseError(_("Record 3.%(type)s does not continue the information before it.")
                                     % {"type": subtype}, where=where)
            else:
                raise ParseError(_("Unknown record type “%(type)s”.") % {"type": line[:2]}, where=where)
        elif kind == "4":
            if state not in {"movements", "balance"}:
                raise ParseError(_("A free communication record must come after the old balance."), where=where)
        elif kind == "8":
            if state != "movements":
                raise ParseError(_("The new balance record must follow the movements."), where=where)
            if line[1:4] != sequence:
                raise ParseError(_("The new balance belongs to statement %(other)s, not %(sequence)s.")
                                 % {"other": line[1:4], "sequence": sequence}, where=where)
            new_balance = _sign(line, 41, number) * _amount(line, 42, number)
            new_balance_date = _date(line, 57, number)
            state = "balance"
        elif kind == "9":
            if state != "balance":
                raise ParseError(_("The trailer record must follow the new balance."), where=where)
            _digits(line, 16, 22, number, _("The number of records"))
            _amount(line, 22, number)
            _amount(line, 37, number)
            state = "end"
        else:
            raise ParseError(_("Unknown record type “%(type)s”.") % {"type": kind}, where=where)

    if state != "end":
        raise ParseError(_("The file ends before its trailer record: it is incomplete."))
    if currency != "EUR":
        raise ParseError(_("Only euro accounts are supported; this statement is in “%(currency)s”.")
                         % {"currency": currency})

    booked = sum((m.amount if m.credit else -m.amount for m in movements if m.detail == "0000"), Decimal("0.00"))
    if old_balance + booked != new_balance:
        raise ParseError(_("The movements (%(movements)s) do not explain the change from the old balance (%(old)s) "
                           "to the new balance (%(new)s); the file is incomplete or altered.")
                         % {"movements": booked, "old": old_balance, "new": new_balance})

    leaves = _leaf_movements(movements)
    credits = [_as_credit(m) for m in leaves if m.credit]
    return ParsedStatement(
        format=CODA, account=account, sequence=sequence, date=new_balance_date,
        identifier=make_identifier(account, sequence, new_balance_date.isoformat()),
        credits=credits, debit_count=sum(1 for m in leaves if not m.credit),
    )


def _movement(line: str, number: int) -> _Movement:
    sequence = _digits(line, 2, 6, number, _("The sequence number"))
    detail = _digits(line, 6, 10, number, _("The detail number"))
    credit = _sign(line, 31, number) > 0
    amount = _amount(line, 32, number)
    _date(line, 47, number)  # value date
    transaction_type = line[53]
    if not (transaction_type.isascii() and transaction_type.isdigit()):
        raise ParseError(_("Unknown transaction type “%(value)s”.") % {"value": transaction_type}, where=_where(number))
    flag = line[61]
    if flag not in "01":
        raise ParseError(_("The communication type “%(value)s” must be 0 (free) or 1 (structured).") % {"value": flag},
                         where=_where(number))
    booking_date = _date(line, 115, number)
    movement = _Movement(line=number, sequence=sequence, detail=detail, credit=credit, amount=amount,
                         transaction_type=transaction_type, booking_date=booking_date, structured=flag == "1",
                         communication=line[62:115])
    if movement.structured and line[62:65] in OGM_COMMUNICATION_TYPES:
        movement.reference = ogm_digits(line[65:77])
    return movement


def _continue_movement(movement: _Movement, line: str, subtype: str) -> None:
    if subtype == "2":
        movement.communication += line[10:63]
        return
    if line[22] == " ":  # a Belgian account number of 12 digits followed by its currency
        movement.counterparty_account = line[10:22].strip()
    else:
        movement.counterparty_account = line[10:44].strip()
    movement.counterparty_name = line[47:82]
    movement.communication += line[82:125]


def _leaf_movements(movements: list[_Movement]) -> list[_Movement]:
    """The individual movements: a total followed by its details is replaced by those details."""
    leaves = []
    for index, movement in enumerate(movements):
        following = movements[index + 1] if index + 1 < len(movements) else None
        is_total_with_details = (
            movement.transaction_type in TOTAL_TYPES
            and following is not None
            and following.sequence == movement.sequence
            and following.detail != "0000"
            and following.transaction_type in DETAIL_TYPES
            and following.detail > movement.detail
        )
        if not is_total_with_details:
            leaves.append(movement)
    return leaves


def _as_credit(movement: _Movement) -> Movement:
    free_text = clean_text(movement.communication)
    reference = movement.reference
    if movement.structured:
        # A structured communication is the reference itself; as text it reads in the usual notation.
        if reference:
            free_text = ""
        elif movement.communication[:3] in OGM_COMMUNICATION_TYPES:
            free_text = clean_text(movement.communication[3:])
    else:
        reference = ogm_in_free_text(free_text)
    account = movement.counterparty_account
    iban = normalise_iban(account)
    if not iban and len(account) == 12 and account.isascii() and account.isdigit():
        iban = normalise_iban(belgian_iban_from_bban(account))
    return Movement(
        line=movement.line, booking_date=movement.booking_date, amount=movement.amount, reference=reference,
        free_text=free_text[:255], counterparty_name=clean_text(movement.counterparty_name)[:140],
        counterparty_iban=iban[:34],
    )
