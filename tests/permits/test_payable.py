from decimal import Decimal

import pytest

from eloket.payments.payable import Payable
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus

pytestmark = pytest.mark.django_db


def make(alice, status):
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=status, holder=alice, price=Decimal("100.00"))
    PermitPlate.objects.create(permit=permit, plate="1-abc-123")
    return permit


def test_permit_is_payable(alice, english):
    permit = make(alice, PermitStatus.AWAITING_PAYMENT)
    assert isinstance(permit, Payable)
    assert permit.payment_amount() == Decimal("100.00")
    assert permit.payment_owner() == alice
    assert permit.payment_description() == f"Resident card no. {permit.pk}"  # a plate never reaches Mollie
    assert permit.payment_return_url().startswith("/")


@pytest.mark.parametrize("status", [s for s in PermitStatus.values if s != PermitStatus.AWAITING_PAYMENT])
def test_nothing_to_pay_in_other_statuses(alice, status):
    assert make(alice, status).payment_amount() == Decimal("0.00")


def test_paid_moves_to_review_once(alice):
    permit = make(alice, PermitStatus.AWAITING_PAYMENT)
    permit.on_payment_paid(payment=None)
    permit.on_payment_paid(payment=None)  # a second call changes nothing
    permit.refresh_from_db()
    assert permit.status == PermitStatus.IN_REVIEW
    assert list(permit.events.values_list("from_status", "to_status")) == [("awaiting_payment", "in_review")]


def test_unsuccessful_and_refunded_change_nothing(alice):
    permit = make(alice, PermitStatus.AWAITING_PAYMENT)
    permit.on_payment_unsuccessful(payment=None)
    permit.on_payment_refunded(refund=None)
    permit.refresh_from_db()
    assert permit.status == PermitStatus.AWAITING_PAYMENT
