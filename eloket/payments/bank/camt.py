"""A strict reader of CAMT.053 bank-to-customer statements (ISO 20022), versions 001.02 and later.

The XML is read with defusedxml and no DTD is allowed. Only booked entries count. An entry that
bundles several transactions (batch booking) gives one movement per transaction when each has its
own amount; otherwise the entry is one movement without a reference, for staff to look at.

The reference is the structured creditor reference (RmtInf/Strd/CdtrRefInf/Ref, where Belgian
banks put the 12 OGM digits, sometimes with +++ or slashes); failing that, an OGM written between
+++ in the unstructured text. Nothing else is ever read as a reference.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from .common import (
    CAMT053,
    Movement,
    ParsedStatement,
    ParseError,
    clean_text,
    make_identifier,
    normalise_iban,
    ogm_digits,
    ogm_in_free_text,
)

NAMESPACE = re.compile(r"^\{(urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2}))\}Document$")
OPENING_BALANCES = ("OPBD", "PRCD")
CLOSING_BALANCE = "CLBD"
_AMOUNT = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,5})?$")
# A date, or a date and time whose date part is all we use.
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})?)?$")


class _Reader:
    """Namespaced look-ups and the errors that name the element at fault."""

    def __init__(self, namespace: str):
        self.ns = namespace

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element, path: str):
        return element.find(self._path(path))

    def findall(self, element, path: str) -> list:
        return element.findall(self._path(path))

    def text(self, element, path: str) -> str:
        found = self.find(element, path)
        return (found.text or "").strip() if found is not None else ""

    def required(self, element, path: str, where: str) -> str:
        value = self.text(element, path)
        if not value:
            raise ParseError(_("The element %(element)s is missing.") % {"element": path}, where=where)
        return value

    def amount(self, element, where: str, *, path: str = "Amt") -> Decimal:
        """A euro amount with whole cents."""
        found = self.find(element, path)
        if found is None:
            raise ParseError(_("The element %(element)s is missing.") % {"element": path}, where=where)
        currency = found.get("Ccy", "")
        if currency != "EUR":
            raise ParseError(_("Only euro amounts are supported; this one is in “%(currency)s”.") % {"currency": currency},
                             where=where)
        text = (found.text or "").strip()
        try:
            if not _AMOUNT.match(text):
                raise InvalidOperation
            amount = Decimal(text)
        except InvalidOperation:
            raise ParseError(_("“%(value)s” is not a valid amount.") % {"value": text[:40]}, where=where) from None
        if amount != amount.quantize(Decimal("0.01")):
            raise ParseError(_("The amount %(amount)s has more than two decimals.") % {"amount": text}, where=where)
        return amount.quantize(Decimal("0.01"))

    def date(self, element, path: str, where: str) -> datetime.date:
        """A date element (Dt) or date-time element (DtTm) under path."""
        holder = self.find(element, path)
        if holder is None:
            raise ParseError(_("The element %(element)s is missing.") % {"element": path}, where=where)
        value = self.text(holder, "Dt") or self.text(holder, "DtTm")
        if _DATE.match(value):
            try:
                return datetime.date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise ParseError(_("“%(value)s” is not a valid date.") % {"value": value[:40]}, where=where)

    def indicator(self, element, where: str) -> bool:
        """True for a credit, False for a debit."""
        value = self.text(element, "CdtDbtInd")
        if value not in {"CRDT", "DBIT"}:
            raise ParseError(_("The credit/debit indicator “%(value)s” must be CRDT or DBIT.") % {"value": value[:40]},
                             where=where)
        return value == "CRDT"


def _document(data: bytes):
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception:  # expat, defusedxml and unknown-encoding errors all mean "not readable XML"
        raise ParseError(_("The file is not well-formed XML.")) from None
    match = NAMESPACE.match(root.tag if isinstance(root.tag, str) else "")
    if not match or int(match.group(2)) < 2:
        raise ParseError(_("This XML file is not a CAMT.053 statement (its root is %(tag)s).") % {"tag": str(root.tag)[:120]})
    return root, match.group(1)


def parse(data: bytes) -> ParsedStatement:
    """The statement in a CAMT.053 file; raises ParseError on anything it does not understand."""
    root, namespace = _document(data)
    xml = _Reader(namespace)
    message = xml.find(root, "BkToCstmrStmt")
    if message is None:
        raise ParseError(_("This XML file is not a bank-to-customer statement (no BkToCstmrStmt)."))
    statements = xml.findall(message, "Stmt")
    if not statements:
        raise ParseError(_("The file holds no statement (no Stmt element)."))
    if len(statements) > 1:
        raise ParseError(_("The file holds more than one statement; upload one statement per file."))
    statement = statements[0]
    where = "Stmt"
    statement_id = clean_text(xml.required(statement, "Id", where))
    sequence = clean_text(xml.text(statement, "ElctrncSeqNb") or xml.text(statement, "LglSeqNb"))
    account = normalise_iban(xml.text(statement, "Acct/Id/IBAN")) or clean_text(xml.text(statement, "Acct/Id/Othr/Id"))
    if not account:
        raise ParseError(_("The statement names no account (Acct/Id/IBAN)."), where=where)
    currency = xml.text(statement, "Acct/Ccy")
    if currency and currency != "EUR":
        raise ParseError(_("Only euro accounts are supported; this statement is in “%(currency)s”.")
                         % {"currency": currency}, where=where)

    balances = {}
    for index, balance in enumerate(xml.findall(statement, "Bal"), start=1):
        balance_where = f"Stmt/Bal[{index}]"
        code = xml.text(balance, "Tp/CdOrPrtry/Cd")
        if code in (*OPENING_BALANCES, CLOSING_BALANCE):
            sign = 1 if xml.indicator(balance, balance_where) else -1
            balances[code] = (sign * xml.amount(balance, balance_where), xml.date(balance, "Dt", balance_where))

    movements = []
    booked_total = Decimal("0.00")
    debit_count = 0
    line = 0
    for index, entry in enumerate(xml.findall(statement, "Ntry"), start=1):
        entry_where = f"Stmt/Ntry[{index}]"
        status = xml.text(entry, "Sts/Cd") or xml.text(entry, "Sts")
        if status not in {"BOOK", "PDNG", "INFO", "FUTR"}:
            raise ParseError(_("Unknown entry status “%(value)s”.") % {"value": status[:40]}, where=entry_where)
        credit = xml.indicator(entry, entry_where)
        amount = xml.amount(entry, entry_where)
        if status != "BOOK":
            continue  # only booked entries are money on the account
        booked_total += amount if credit else -amount
        booking_date = xml.date(entry, "BookgDt", entry_where)
        details = xml.findall(entry, "NtryDtls/TxDtls")
        if not credit:
            debit_count += max(1, len(details))
            line += max(1, len(details))
            continue
        for line_number, item in _entry_movements(xml, entry, details, amount, entry_where, line):
            line = line_number
            movements.append(Movement(line=line_number, booking_date=booking_date, **item))

    if CLOSING_BALANCE in balances:
        opening = next((balances[code] for code in OPENING_BALANCES if code in balances), None)
        if opening is not None and opening[0] + booked_total != balances[CLOSING_BALANCE][0]:
            raise ParseError(_("The entries (%(movements)s) do not explain the change from the opening balance "
                               "(%(old)s) to the closing balance (%(new)s); the file is incomplete or altered.")
                             % {"movements": booked_total, "old": opening[0], "new": balances[CLOSING_BALANCE][0]})
        date = balances[CLOSING_BALANCE][1]
    else:
        date = _statement_date(xml, statement, where)

    return ParsedStatement(
        format=CAMT053, account=account, sequence=sequence, date=date,
        identifier=make_identifier(account, sequence, statement_id),
        credits=movements, debit_count=debit_count,
    )


def _statement_date(xml: _Reader, statement, where: str) -> datetime.date:
    value = xml.text(statement, "FrToDt/ToDtTm") or xml.required(statement, "CreDtTm", where)
    try:
        return datetime.datetime.fromisoformat(value).date()
    except ValueError:
        raise ParseError(_("“%(value)s” is not a valid date.") % {"value": value[:40]}, where=where) from None


def _entry_movements(xml: _Reader, entry, details: list, amount: Decimal, where: str, line: int):
    """(line number, fields) of each credit movement in a booked entry."""
    if len(details) <= 1:
        yield line + 1, _transaction_fields(xml, details[0] if details else None) | {"amount": amount}
        return
    amounts = []
    for index, item in enumerate(details, start=1):
        item_where = f"{where}/NtryDtls/TxDtls[{index}]"
        path = "Amt" if xml.find(item, "Amt") is not None else "AmtDtls/TxAmt/Amt"
        if xml.find(item, path) is None:
            amounts = None
            break
        if xml.find(item, "CdtDbtInd") is not None and not xml.indicator(item, item_where):
            raise ParseError(_("A credit entry holds a debit transaction."), where=item_where)
        amounts.append(xml.amount(item, item_where, path=path))
    if amounts is None or sum(amounts, Decimal("0.00")) != amount:
        # The parts cannot be told apart reliably: one movement, no reference, for staff to look at.
        yield line + 1, {"amount": amount, "free_text": _("Batch of %(count)d transfers") % {"count": len(details)}}
        return
    for offset, (item, item_amount) in enumerate(zip(details, amounts, strict=True), start=1):
        yield line + offset, _transaction_fields(xml, item) | {"amount": item_amount}


def _transaction_fields(xml: _Reader, item) -> dict:
    """Reference, free text and counterparty of one transaction (TxDtls), or nothing when there is none."""
    fields = {"reference": "", "free_text": "", "counterparty_name": "", "counterparty_iban": ""}
    if item is None:
        return fields
    structured = [xml.text(ref, "CdtrRefInf/Ref") for ref in xml.findall(item, "RmtInf/Strd")]
    structured = [value for value in structured if value]
    unstructured = clean_text(" ".join(element.text or "" for element in xml.findall(item, "RmtInf/Ustrd")))
    references = {ogm_digits(value) for value in structured} - {""}
    if len(references) == 1:
        fields["reference"] = references.pop()
    elif not references:
        fields["reference"] = ogm_in_free_text(unstructured)
    shown = [value for value in structured if not fields["reference"] or ogm_digits(value) != fields["reference"]]
    fields["free_text"] = clean_text(" ".join([*shown, unstructured]))[:255]
    fields["counterparty_name"] = clean_text(xml.text(item, "RltdPties/Dbtr/Nm")
                                             or xml.text(item, "RltdPties/Dbtr/Pty/Nm"))[:140]
    fields["counterparty_iban"] = normalise_iban(xml.text(item, "RltdPties/DbtrAcct/Id/IBAN"))
    return fields
