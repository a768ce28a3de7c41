"""Where the city's rules allow it, a resident card is approved without review: at once when free, after payment
when not; a renewal always. Company cars and cities that review everything go to staff."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from eloket.payments import start as payments_start
from eloket.payments.models import Payment, PaymentStatus
from permits import rules
from permits.models import Permit, PermitDocumentKind, PermitKind, PermitStatus, VehicleUse
from tests.files import pdf_upload
from tests.payments.online import choose_at_checkout, fixture_mollie  # noqa: F401  fixtures

from .helpers import ADDRESS, apply, vehicle_of

S = PermitStatus
AUTOMATIC = "Approved automatically under the city's rules."


def city_approves(profile, yes: bool):
    profile.auto_approve_resident_cards = yes
    profile.save()


@pytest.fixture
def automatic_city(permit_city):
    city_approves(permit_city, True)
    return permit_city


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
class TestWithoutPayment:
    def test_a_free_card_for_an_own_vehicle_is_active_at_once(self, automatic_city, alice, english):
        permit = apply(alice, "1ABC001")
        assert permit.status == S.ACTIVE and permit.valid_from == timezone.localdate()
        event = permit.events.get(to_status=S.ACTIVE)
        assert (event.from_status, event.actor, event.note) == (S.APPLIED, None, AUTOMATIC)

    def test_without_the_city_rule_a_free_card_waits_for_staff(self, permit_city, alice):
        city_approves(permit_city, False)
        assert apply(alice, "1ABC001").status == S.APPLIED

    def test_a_company_car_is_always_reviewed(self, automatic_city, alice):
        permit = rules.apply_for_resident_card(
            alice, vehicle_of(alice, "1ABC001"), vehicle_use=VehicleUse.COMPANY, **ADDRESS,
            documents={PermitDocumentKind.REGISTRATION_CERTIFICATE: pdf_upload(),
                       PermitDocumentKind.PERMANENT_USE: pdf_upload()})
        assert permit.status == S.APPLIED

    def test_a_paid_card_is_approved_when_paid(self, automatic_city, alice):
        apply(alice, "1ABC001")
        apply(alice, "1ABC002")
        third = apply(alice, "1ABC003")
        assert third.status == S.AWAITING_PAYMENT
        rules.mark_paid(third)
        assert third.status == S.ACTIVE
        assert list(third.events.values_list("to_status", flat=True)) == [S.AWAITING_PAYMENT, S.IN_REVIEW, S.ACTIVE]

    def test_without_the_city_rule_a_paid_card_goes_to_review(self, permit_city, alice):
        city_approves(permit_city, False)
        permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.AWAITING_PAYMENT, holder=alice,
                                       vehicle_use=VehicleUse.OWN, price=Decimal("100.00"))
        rules.mark_paid(permit)
        assert permit.status == S.IN_REVIEW

    def test_a_renewal_is_approved_automatically_also_without_the_city_rule(self, permit_city, alice):
        city_approves(permit_city, False)
        old = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.ACTIVE, holder=alice,
                                    valid_to=timezone.localdate() + datetime.timedelta(days=5))
        renewal = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.AWAITING_PAYMENT, holder=alice,
                                        renewal_of=old, vehicle_use=VehicleUse.COMPANY, price=Decimal("100.00"))
        rules.mark_paid(renewal)
        assert renewal.status == S.ACTIVE
        assert renewal.valid_from == old.valid_to + datetime.timedelta(days=1)

    def test_care_and_disability_applications_are_not_approved_automatically(self, automatic_city, alice):
        care = Permit.objects.create(kind=PermitKind.CARE_PROVIDER, status=S.APPLIED, holder=alice,
                                     vehicle_use=VehicleUse.OWN)
        assert rules.approve_automatically(care).status == S.APPLIED


@pytest.mark.django_db(transaction=True)
def test_paying_through_the_checkout_activates_the_card(mollie, automatic_city, alice, media):
    apply(alice, "1ABC001")
    apply(alice, "1ABC002")
    permit = apply(alice, "1ABC003")
    payment = payments_start.start(permit, user=alice)
    choose_at_checkout(payment.checkout_url, "paid")
    payment.refresh_from_db()
    permit.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.amount == Decimal("100.00")
    assert permit.status == S.ACTIVE
    assert permit.events.get(to_status=S.ACTIVE).actor is None
    assert Payment.objects.count() == 1
