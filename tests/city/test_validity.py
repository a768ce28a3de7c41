"""Reference rows are valid for a period; two rows for the same item may not overlap."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from eloket.city.models import Gas4Rate, RetributionRate, Tariff, Term, TermCode

from .helpers import make_zone

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def term(code=TermCode.PAYMENT, days=30, valid_from=None, valid_to=None):
    valid_from = valid_from or D(2020, 1, 1)
    row = Term(code=code, days=days, valid_from=valid_from, valid_to=valid_to)
    row.full_clean()
    row.save()
    return row


def test_in_force_includes_the_last_day_and_excludes_the_day_after():
    old = term(days=15, valid_from=D(2020, 1, 1), valid_to=D(2020, 12, 31))
    new = term(days=30, valid_from=D(2021, 1, 1))

    assert list(Term.objects.in_force(D(2020, 12, 31))) == [old]
    assert list(Term.objects.in_force(D(2021, 1, 1))) == [new]
    assert list(Term.objects.in_force(D(2019, 12, 31))) == []


def test_in_force_defaults_to_today():
    current = term(valid_from=D(2000, 1, 1), valid_to=D(2998, 12, 31))
    term(days=10, valid_from=D(2999, 1, 1))  # a future regulation

    assert list(Term.objects.in_force()) == [current]
    assert current.is_in_force()
    assert not current.is_in_force(D(1999, 12, 31))


def test_overlapping_periods_of_the_same_item_are_refused():
    term(valid_from=D(2020, 1, 1), valid_to=D(2020, 12, 31))
    clash = Term(code=TermCode.PAYMENT, days=20, valid_from=D(2020, 6, 1))

    with pytest.raises(ValidationError, match="already valid"):
        clash.full_clean()


def test_an_open_ended_row_overlaps_every_later_row():
    term(valid_from=D(2020, 1, 1))

    with pytest.raises(ValidationError):
        Term(code=TermCode.PAYMENT, days=20, valid_from=D(2030, 1, 1), valid_to=D(2030, 2, 1)).full_clean()


def test_adjacent_periods_and_other_items_are_allowed():
    term(valid_from=D(2020, 1, 1), valid_to=D(2020, 12, 31))

    Term(code=TermCode.PAYMENT, days=20, valid_from=D(2021, 1, 1)).full_clean()
    Term(code=TermCode.OBJECTION, days=20, valid_from=D(2020, 6, 1)).full_clean()


def test_a_row_does_not_overlap_itself_when_changed():
    row = term(valid_from=D(2020, 1, 1))
    row.days = 45

    row.full_clean()


def test_end_before_start_is_refused():
    with pytest.raises(ValidationError) as error:
        Term(code=TermCode.PAYMENT, days=30, valid_from=D(2021, 1, 1), valid_to=D(2020, 1, 1)).full_clean()

    assert "valid_to" in error.value.message_dict


def test_tariffs_overlap_per_zone_only():
    first, second = make_zone("A1"), make_zone("A2")  # each with a tariff from 2021-03-01

    Tariff(zone=second, valid_from=D(2020, 1, 1), valid_to=D(2021, 2, 28)).full_clean()
    with pytest.raises(ValidationError):
        Tariff(zone=first, valid_from=D(2022, 1, 1)).full_clean()


def test_gas4_rates_overlap_per_category():
    Gas4Rate.objects.create(category=1, amount=Decimal("58"), valid_from=D(2018, 9, 1))

    Gas4Rate(category=2, amount=Decimal("116"), valid_from=D(2018, 9, 1)).full_clean()
    with pytest.raises(ValidationError):
        Gas4Rate(category=1, amount=Decimal("60"), valid_from=D(2025, 1, 1)).full_clean()


def test_retribution_rates_may_never_overlap():
    RetributionRate.objects.create(amount=Decimal("25"), valid_from=D(2018, 12, 1), valid_to=D(2021, 2, 28))
    RetributionRate(amount=Decimal("20"), valid_from=D(2021, 3, 1)).full_clean()

    with pytest.raises(ValidationError):
        RetributionRate(amount=Decimal("20"), valid_from=D(2021, 2, 1)).full_clean()
