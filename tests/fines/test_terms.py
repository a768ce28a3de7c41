"""Every deadline is a date computed from the city's terms in force (domain.md 1.5, 2.4 and the checklist)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from eloket.city.models import Charge, ChargeCode, Term, TermCode
from fines import rules
from fines.amounts import NotIssuable
from fines.models import CaseKind, CaseStatus

from .conftest import days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "fines_city")]


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def set_term(code: str, days: int) -> None:
    Term.objects.filter(code=code).update(days=days)


def test_the_notice_terms_follow_the_city_s_terms(issue):
    set_term(TermCode.PAYMENT, 45)
    set_term(TermCode.OBJECTION, 15)
    set_term(TermCode.DRIVER_DESIGNATION, 20)
    case = issue("E1")
    assert (case.issued_on, case.due_date, case.objection_until, case.driver_until) == (
        in_days(0), in_days(45), in_days(15), in_days(20))


def test_a_retribution_has_no_driver_term(issue):
    case = issue("RETRIBUTION")
    assert case.driver_until is None and case.due_date == in_days(30)


def test_the_term_in_force_on_the_day_of_issue_counts(issue):
    """A new payment term from tomorrow does not change a notice sent today."""
    Term.objects.filter(code=TermCode.PAYMENT).update(valid_to=in_days(0))
    Term.objects.create(code=TermCode.PAYMENT, days=14, valid_from=in_days(1))
    assert issue("E1").due_date == in_days(30)


def test_a_missing_term_is_refused_with_a_message_for_staff(issue):
    Term.objects.filter(code=TermCode.PAYMENT).delete()
    with pytest.raises(NotIssuable) as caught:
        issue("E1")
    assert caught.value.message.startswith("The term “Days to pay a notice” is not set for")


def test_a_rejected_objection_gives_a_new_payment_term_from_today(case_in):
    set_term(TermCode.PAYMENT, 30)
    case = case_in(CaseKind.GAS4, CaseStatus.DISPUTED, due_date=days_ago(40))
    rules.reject_objection(case, "The photos show the car on the pavement.")
    assert case.due_date == in_days(30)


def test_a_reminder_gives_the_reminder_term(case_in):
    set_term(TermCode.REMINDER, 14)
    case = rules.remind(case_in(CaseKind.GAS5, CaseStatus.ISSUED, due_date=days_ago(1)))
    assert (case.status, case.due_date, case.costs) == (CaseStatus.REMINDED, in_days(14), Decimal("0.00"))


def test_a_retribution_reminder_adds_the_city_s_reminder_cost(case_in):
    Charge.objects.filter(code=ChargeCode.REMINDER_COST).update(amount=Decimal("5.00"))
    case = rules.remind(case_in(CaseKind.RETRIBUTION, CaseStatus.ISSUED))
    assert (case.costs, case.total) == (Decimal("5.00"), Decimal("25.00"))


def test_a_gas_reminder_adds_no_costs_to_the_fixed_amount(case_in):
    Charge.objects.filter(code=ChargeCode.REMINDER_COST).update(amount=Decimal("5.00"))
    case = rules.remind(case_in(CaseKind.GAS4, CaseStatus.ISSUED))
    assert case.total == Decimal("116.00")


def test_a_reminder_waits_for_the_end_of_the_payment_term(case_in):
    case = case_in(CaseKind.GAS4, CaseStatus.ISSUED, due_date=in_days(0))
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.remind(case)
    assert "The payment term runs until" in caught.value.message
    assert not rules.may(case, "remind")


class TestTheRegisteredReminder:
    def test_not_sooner_than_the_term_after_the_first_notice(self, case_in):
        set_term(TermCode.REGISTERED_NOTICE, 30)
        too_soon = case_in(CaseKind.RETRIBUTION, CaseStatus.REMINDED, issued_on=days_ago(29))
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.formal_notice(too_soon)
        assert "can be sent from" in caught.value.message
        on_time = case_in(CaseKind.RETRIBUTION, CaseStatus.REMINDED, issued_on=days_ago(30))
        assert rules.formal_notice(on_time).status == CaseStatus.FORMAL_NOTICE

    def test_it_adds_the_administrative_cost_and_a_new_term(self, case_in):
        set_term(TermCode.REMINDER, 30)
        case = rules.formal_notice(case_in(CaseKind.RETRIBUTION, CaseStatus.REMINDED))
        assert (case.costs, case.total, case.due_date) == (Decimal("20.00"), Decimal("40.00"), in_days(30))
        assert case.events.get().note == "Registered reminder sent; € 20.00 administrative costs added."


def test_objecting_to_a_gas_fine_ends_with_the_objection_term(case_in):
    late = case_in(CaseKind.GAS4, CaseStatus.ISSUED, objection_until=days_ago(1))
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.dispute(late, "I was not there.")
    assert "The term to object ended on" in caught.value.message
    on_time = case_in(CaseKind.GAS4, CaseStatus.ISSUED, objection_until=in_days(0))
    assert rules.dispute(on_time, "I was not there.").status == CaseStatus.DISPUTED


def test_a_retribution_can_still_be_disputed_after_the_notice_term(case_in):
    """No statutory term for a retribution: a dispute at the registered reminder still blocks the dwangbevel."""
    case = rules.dispute(case_in(CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE, objection_until=days_ago(40)),
                         "I had a valid session.")
    assert case.status == CaseStatus.DISPUTED and case.disputed


def test_the_driver_can_be_named_until_the_driver_term(case_in):
    late = case_in(CaseKind.GAS4, CaseStatus.ISSUED, driver_until=days_ago(1))
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.name_driver(late, {})
    assert "The term to name the driver ended on" in caught.value.message
