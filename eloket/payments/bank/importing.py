"""Importing a bank statement: parse it, refuse one already imported, store it and match every credit.

All or nothing: a file that does not parse stores nothing, and the statement, its transactions
and the payments booked for them are written in one transaction. The payables' effects run after
commit (flow.record_transfer schedules them).
"""

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import BankStatement, BankTransaction
from . import matching, parse_statement
from .common import CAMT053, CODA, BankFileError, ParsedStatement

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 5 * 1024 * 1024
EXTENSIONS = {CAMT053: "xml", CODA: "cod"}


class AlreadyImported(BankFileError):
    def __init__(self, identifier: str):
        self.identifier = identifier
        super().__init__(_("Statement %(statement)s was imported before; it is not imported again.")
                         % {"statement": identifier})


class FileTooLarge(BankFileError):
    def __init__(self):
        super().__init__(_("The file is larger than %(size)d MB; a bank statement is much smaller.")
                         % {"size": MAX_FILE_SIZE // (1024 * 1024)})


def read_upload(uploaded_file) -> bytes:
    """The file's bytes, refusing anything larger than MAX_FILE_SIZE."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_FILE_SIZE + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_SIZE:
        raise FileTooLarge()
    return data


def import_statement(uploaded_file, *, actor) -> BankStatement:
    """Store the statement and one BankTransaction per credit, booking those that match; BankFileError if refused."""
    data = read_upload(uploaded_file)
    parsed = parse_statement(data)  # ParseError: nothing is stored
    if BankStatement.objects.filter(identifier=parsed.identifier).exists():
        raise AlreadyImported(parsed.identifier)

    statement = BankStatement(format=parsed.format, identifier=parsed.identifier, uploaded_by=actor)
    try:
        with transaction.atomic():
            statement.file.save(_file_name(parsed), ContentFile(data), save=False)
            statement.save()
            _add_transactions(statement, parsed, actor)
    except BaseException as error:
        if statement.file.name:
            statement.file.storage.delete(statement.file.name)
        if isinstance(error, IntegrityError) and BankStatement.objects.filter(identifier=parsed.identifier).exists():
            raise AlreadyImported(parsed.identifier) from error  # the same statement, uploaded at the same moment
        raise
    logger.info("Bank statement %s imported: %s", statement.identifier, outcome_counts(statement))
    return statement


def _file_name(parsed: ParsedStatement) -> str:
    return f"{slugify(parsed.identifier.replace('/', '-'))[:60] or 'statement'}.{EXTENSIONS[parsed.format]}"


def _add_transactions(statement: BankStatement, parsed: ParsedStatement, actor) -> None:
    for movement in parsed.credits:
        note = f"Bank statement {statement.identifier}, line {movement.line}"
        outcome, payment = matching.match(movement, note=note, actor=actor)
        BankTransaction.objects.create(
            statement=statement, line=movement.line, booking_date=movement.booking_date, amount=movement.amount,
            reference=movement.reference, free_text=movement.free_text, counterparty_name=movement.counterparty_name,
            counterparty_iban=movement.counterparty_iban, outcome=outcome, payment=payment,
        )


def outcome_counts(statement: BankStatement) -> dict[str, int]:
    """How many of the statement's transactions ended with each outcome (every outcome present, 0 if none)."""
    counts = dict(statement.transactions.values_list("outcome").annotate(n=Count("pk")).order_by())
    return {outcome: counts.get(outcome, 0) for outcome in BankTransaction.Outcome.values}

