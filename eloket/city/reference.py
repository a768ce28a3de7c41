"""Look up the figure in force on a day. Apps call these; they never hard-code amounts or terms."""

import datetime
import logging
from decimal import Decimal

from django.core.cache import cache

from .models import Cap, Charge, CityProfile, Gas4Rate, Gas5Rate, RetributionRate, Term

CITY_CACHE_KEY = "city:profile"
logger = logging.getLogger(__name__)


class MissingReferenceData(LookupError):
    """The city has not configured the figure for that day; staff must add it in the admin."""


def _one(queryset, what: str, on: datetime.date | None):
    row = queryset.in_force(on).order_by("-valid_from").first()
    if row is None:
        raise MissingReferenceData(f"No {what} in force on {on or 'today'}")
    return row


def term_days(code: str, on: datetime.date | None = None) -> int:
    return _one(Term.objects.filter(code=code), f"term {code}", on).days


def cap(code: str, on: datetime.date | None = None) -> int:
    return _one(Cap.objects.filter(code=code), f"cap {code}", on).value


def charge(code: str, on: datetime.date | None = None) -> Decimal:
    return _one(Charge.objects.filter(code=code), f"charge {code}", on).amount


def retribution_rate(on: datetime.date | None = None) -> RetributionRate:
    return _one(RetributionRate.objects.all(), "retribution rate", on)


def gas4_rate(category: int, on: datetime.date | None = None) -> Gas4Rate:
    return _one(Gas4Rate.objects.filter(category=category), f"GAS 4 category {category}", on)


def gas5_rate(on: datetime.date | None = None) -> Gas5Rate:
    return _one(Gas5Rate.objects.all(), "GAS 5 table", on)


def city_profile() -> CityProfile | None:
    """The city profile, cached until an admin saves it (one query per cache lifetime, not per page).

    A cache that cannot be reached is skipped: every page needs the profile, and the database still has it.
    """
    try:
        profile = cache.get(CITY_CACHE_KEY)
    except Exception as error:  # the cache backend's own connection errors differ per backend
        logger.warning("Cache unavailable, reading the city profile from the database: %s", type(error).__name__)
        return CityProfile.objects.order_by("pk").first()
    if profile is None:
        profile = CityProfile.objects.order_by("pk").first()
        if profile is not None:
            try:
                cache.set(CITY_CACHE_KEY, profile, 300)
            except Exception as error:
                logger.warning("Cache unavailable, the city profile is not cached: %s", type(error).__name__)
    return profile
