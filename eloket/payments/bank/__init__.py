"""Bank statements: CODA and CAMT.053 parsers, the import that books matched transfers, the upload form.

`parse_statement(data)` recognises the format from the content and returns a `ParsedStatement`;
`importing.import_statement(file, actor=...)` stores and matches it.
"""

from django.utils.translation import gettext as _

from . import camt, coda
from .common import CAMT053, CODA, BankFileError, Movement, ParsedStatement, ParseError

__all__ = ["CAMT053", "CODA", "BankFileError", "Movement", "ParsedStatement", "ParseError", "detect_format",
           "parse_statement"]


def detect_format(data: bytes) -> str:
    """CODA (a first record starting with "0") or CAMT.053 (XML); anything else is refused."""
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") or head[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        return CAMT053
    if data.lstrip(b"\xef\xbb\xbf").startswith(b"0"):
        return CODA
    raise ParseError(_("This is neither a CODA file nor a CAMT.053 statement."))


def parse_statement(data: bytes) -> ParsedStatement:
    """The statement in a CODA or CAMT.053 file; ParseError for anything else."""
    if detect_format(data) == CAMT053:
        return camt.parse(data)
    return coda.parse(data)
