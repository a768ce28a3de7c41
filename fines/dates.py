"""Dates of a case: today in Brussels, a term in days from the reference data, and a date in words."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from eloket.city.models import TermCode
from eloket.city.reference import MissingReferenceData, term_days

from .amounts import BRUSSELS


def in_words(on: datetime.date) -> str:
    return formats.date_format(on, "SHORT_DATE_FORMAT")


def today() -> datetime.date:
    return timezone.localdate(timezone=BRUSSELS)


def term(code: str, on: datetime.date, error: type[Exception]) -> int:
    """A term in days from the reference data; a missing term is refused with a message for staff."""
    try:
        return term_days(code, on)
    except MissingReferenceData:
        raise error(_("The term “%(term)s” is not set for %(date)s. Add it to the city's reference data first.") % {
            "term": TermCode(code).label, "date": in_words(on)}) from None
