"""Logging filter that keeps national register numbers out of every log line."""

import logging
import re

# 11 digits, optionally written YY.MM.DD-SSS.CC: the shape of a Belgian national number.
NATIONAL_NUMBER = re.compile(r"(?<!\d)\d{2}[.\s]?\d{2}[.\s]?\d{2}[-\s]?\d{3}[.\s]?\d{2}(?!\d)")


def redact(text: str) -> str:
    return NATIONAL_NUMBER.sub("[national number]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
