"""A case is payable: what is due, for whom, and paid exactly once (through the fake Mollie over HTTP)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from eloket.payments import flow
from eloket.payments import start as payments_start
from eloket.payments.models import Payment, PaymentStatus
from eloket.payments.payable import Payable
from fines import issuing, rules
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, Offence
from tests.payments.online import choose_at_checkout, fixture_mollie, make_payment  # noqa: F401  fixtures

from .conftest import HOLDER

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db
class TestTheProtocol:
    def test_a_case_is_payable_and_its_letters_follow_the_payment_state(self, case_in):
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
        assert isinstance(case, Payable)
        assert Case.documents_follow_payment_state is True

    def test_the_description_names_the_notice_not_the_plate(self, case_in):
        case = case_in(CaseKind.GAS5, CaseStatus.ISSUED)
        description = case.payment_description()
        assert description == f"GAS 5 fine (light speeding) {case.notice_number[:4]}-{case.notice_number[4:10]}-" \
                              f"{case.notice_number[10:]}"
        assert case.plate not in description and case.plate_display not in description

    def test_the_owner_is_the_account_that_keeps_the_case(self, case_in, alice):
        assert case_in(CaseKind.GAS4, CaseStatus.ISSUED).payment_owner() is None
        assert case_in(CaseKind.GAS4, CaseStatus.ISSUED, citizen=alice).payment_owner() == alice

    def test_the_citizen_returns_to_the_case_page(self, case_in):
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
        assert case.payment_return_url() == reverse("fines:detail", args=[case.pk])

    @pytest.mark.parametrize("status", sorted(rules.PAYABLE_STATUSES))
    def test_amount_and_costs_are_due_while_it_can_be_paid(self, case_in, status):
        case = case_in(CaseKind.RETRIBUTION, status, costs=Decimal("20.00"))
        assert case.payment_amount() == Decimal("40.00")

    @pytest.mark.parametrize("status", sorted(set(CaseStatus.values) - rules.PAYABLE_STATUSES))
    def test_nothing_is_due_once_paid_closed_or_before_the_court(self, case_in, status):
        assert case_in(CaseKind.GAS4, status).payment_amount() == Decimal("0.00")


@pytest.mark.django_db
class TestTheHooks:
    def test_paid_moves_the_case_to_paid_once(self, case_in):
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
        payment = make_payment(case, status=PaymentStatus.PAID)
        case.on_payment_paid(payment)
        case.on_payment_paid(payment)  # a replay changes nothing
        case.refresh_from_db()
        assert case.status == CaseStatus.PAID
        assert list(case.events.values_list("from_status", "to_status", "note")) == [
            ("issued", "paid", "Payment of € 116.00 received.")]

    def test_a_payment_for_a_closed_case_is_written_down_for_staff(self, case_in):
        case = case_in(CaseKind.GAS4, CaseStatus.CANCELLED)
        case.on_payment_paid(make_payment(case, amount=Decimal("116.00")))
        case.refresh_from_db()
        assert case.status == CaseStatus.CANCELLED
        event = case.events.get()
        assert (event.from_status, event.to_status) == ("cancelled", "cancelled")
        assert "Check whether it must be refunded" in event.note

    def test_a_short_payment_leaves_the_case_open(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE, costs=Decimal("20.00"))
        case.on_payment_paid(make_payment(case, amount=Decimal("20.00")))
        case.refresh_from_db()
        assert case.status == CaseStatus.FORMAL_NOTICE
        assert case.events.get().note == "A payment of € 20.00 was received; € 40.00 is due, so the case stays open."

    def test_unsuccessful_and_refunded_change_nothing(self, case_in):
        case = case_in(CaseKind.GAS4, CaseStatus.ISSUED)
        case.on_payment_unsuccessful(None)
        case.on_payment_refunded(None)
        case.refresh_from_db()
        assert case.status == CaseStatus.ISSUED and not CaseEvent.objects.exists()

    def test_a_bank_transfer_marks_it_paid(self, case_in, django_capture_on_commit_callbacks):
        case = case_in(CaseKind.GAS5, CaseStatus.REMINDED)
        with django_capture_on_commit_callbacks(execute=True):
            flow.record_transfer(case, amount=Decimal("108.00"), booked_on=case.issued_on, note="CODA line 3")
        case.refresh_from_db()
        assert case.status == CaseStatus.PAID


@pytest.mark.django_db(transaction=True)
def test_paying_through_the_checkout_without_an_account_marks_the_case_paid_once(mollie, fines_city, media):
    case = issuing.issue_case(offence=Offence.objects.get(code="RETRIBUTION"), plate="1ABC123", holder=HOLDER,
                            place="Stadsplein 4", observed_at=timezone.now())
    payment = payments_start.start(case)
    assert payment.owner is None and payment.amount == Decimal("20.00")
    choose_at_checkout(payment.checkout_url, "paid")

    payment.refresh_from_db()
    case.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.effect_applied_at
    assert case.status == CaseStatus.PAID and case.payment_amount() == Decimal("0.00")
    assert list(case.events.values_list("to_status", flat=True)) == ["issued", "paid"]
    assert flow.run_effect(payment.pk) is False  # the effect ran once and is not run again
    assert Payment.objects.count() == 1
