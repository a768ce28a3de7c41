"""Logging filter that keeps personal data out of every log line: national register numbers, and query strings
(the enforcement check's contract takes the plate as a query parameter, and access logs print the whole URL)."""

import logging
import re

# 11 digits, optionally written YY.MM.DD-SSS.CC: the shape of a Belgian national number.
NATIONAL_NUMBER = re.compile(r"(?<!\d)\d{2}[.\s]?\d{2}[.\s]?\d{2}[-\s]?\d{3}[.\s]?\d{2}(?!\d)")
# The query string of a URL path in a log line ("GET /api/v1/enforcement/check?plate=1ABC123 HTTP/1.1").
QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def redact(text: str) -> str:
    return NATIONAL_NUMBER.sub("[national number]", QUERY_STRING.sub(r"\1?[query]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
