"""Apps read the figure in force on a day through eloket.city.reference, never a constant."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eloket.city import reference
from eloket.city.models import Cap, CapCode, Charge, ChargeCode, CityProfile, Gas4Rate, Term, TermCode
from eloket.city.reference import MissingReferenceData

D = datetime.date
pytestmark = pytest.mark.django_db


def test_amounts_and_terms_follow_the_day_asked(demo_city):
    assert reference.retribution_rate(D(2021, 2, 28)).amount == Decimal("25.00")
    assert reference.retribution_rate(D(2021, 3, 1)).amount == Decimal("20.00")
    assert reference.gas4_rate(1, D(2018, 8, 31)).amount == Decimal("55.00")
    assert reference.gas4_rate(1, D(2018, 9, 1)).amount == Decimal("58.00")
    assert reference.gas4_rate(2).amount == Decimal("116.00")
    assert reference.gas4_rate(4).amount == Decimal("330.00")
    assert reference.gas5_rate().base_amount == Decimal("53.00")
    assert reference.term_days(TermCode.PAYMENT) == 30
    assert reference.term_days(TermCode.GAS_SEND_LIMIT) == 183
    assert reference.cap(CapCode.RESIDENT_CARDS_PER_ADDRESS) == 3
    assert reference.charge(ChargeCode.REGISTERED_NOTICE_COST) == Decimal("20.00")
    assert reference.charge(ChargeCode.REMINDER_COST) == Decimal("0.00")


def test_the_latest_row_in_force_wins():
    Term.objects.create(code=TermCode.OBJECTION, days=15, valid_from=D(2014, 1, 1), valid_to=D(2020, 12, 31))
    Term.objects.create(code=TermCode.OBJECTION, days=30, valid_from=D(2021, 1, 1))

    assert reference.term_days(TermCode.OBJECTION, D(2020, 12, 31)) == 15
    assert reference.term_days(TermCode.OBJECTION) == 30


@pytest.mark.parametrize("lookup", [
    lambda: reference.term_days(TermCode.APPEAL),
    lambda: reference.cap(CapCode.DISABILITY_PLATES),
    lambda: reference.charge(ChargeCode.REMINDER_COST),
    lambda: reference.retribution_rate(),
    lambda: reference.gas4_rate(1),
    lambda: reference.gas5_rate(),
])
def test_a_missing_figure_raises_missing_reference_data(lookup):
    with pytest.raises(MissingReferenceData):
        lookup()


def test_a_figure_not_yet_in_force_is_missing():
    Cap.objects.create(code=CapCode.DISABILITY_PLATES, value=2, valid_from=D(2999, 1, 1))
    Charge.objects.create(code=ChargeCode.REMINDER_COST, amount=Decimal("5"), valid_from=D(2000, 1, 1),
                          valid_to=D(2001, 1, 1))

    with pytest.raises(MissingReferenceData, match="disability_plates"):
        reference.cap(CapCode.DISABILITY_PLATES)
    with pytest.raises(MissingReferenceData):
        reference.charge(ChargeCode.REMINDER_COST)
    assert reference.charge(ChargeCode.REMINDER_COST, D(2000, 6, 1)) == Decimal("5")


def test_missing_reference_data_is_a_lookup_error():
    assert issubclass(MissingReferenceData, LookupError)
    assert Gas4Rate.objects.count() == 0


def test_the_city_profile_is_cached_until_it_is_saved(demo_city):
    with CaptureQueriesContext(connection) as first:
        assert reference.city_profile().name == "Genk"
    with CaptureQueriesContext(connection) as second:
        reference.city_profile()
    assert (len(first), len(second)) == (1, 0)

    CityProfile.objects.filter(pk=demo_city.pk).update(name="Elders")  # bypasses the signal
    assert reference.city_profile().name == "Genk"
    demo_city.name = "Genk-Zuid"
    demo_city.save()
    assert reference.city_profile().name == "Genk-Zuid"


def test_no_city_profile_gives_none():
    assert reference.city_profile() is None
