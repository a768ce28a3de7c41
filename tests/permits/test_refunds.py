"""What goes back when a paid permit ends early: the unused whole months of an active card (when the city says so),
everything of an application that never became active; online through Mollie, by transfer through staff."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from eloket.notifications.models import OutboundMessage
from eloket.payments import start as payments_start
from eloket.payments.models import Payment, PaymentMethod, PaymentStatus, Refund
from permits import changes, pricing, rules
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus
from tests.payments.online import choose_at_checkout, fixture_mollie  # noqa: F401  fixtures

from .helpers import apply

S = PermitStatus
DAY = datetime.timedelta(days=1)


def paid_card(holder, *, status=S.ACTIVE, price="100.00", valid_from=None, valid_to=None, method=PaymentMethod.ONLINE):
    """A card with its payment as the payment flow leaves it (paid; online ones carry Mollie's id)."""
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=status, holder=holder, price=Decimal(price),
                                   valid_from=valid_from, valid_to=valid_to)
    PermitPlate.objects.create(permit=permit, plate="1ABC123")
    Payment.objects.create(owner=holder, content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk,
                           amount=Decimal(price), description="Resident card", method=method, status=PaymentStatus.PAID,
                           mollie_id=f"tr_test{permit.pk}" if method == PaymentMethod.ONLINE else None,
                           paid_at=timezone.now())
    return permit


def message(permit, template):
    return OutboundMessage.objects.get(content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk,
                                       template=f"permits/{template}", channel="email")


@pytest.mark.django_db
class TestWhatGoesBack:
    @pytest.mark.parametrize(("price", "cancelled_on", "expected"), [
        ("100.00", "2025-01-01", "100.00"),   # nothing used yet
        ("100.00", "2025-03-15", "75.00"),    # 15 March to 31 December: 9 whole months
        ("100.00", "2025-02-01", "91.66"),    # 11 of 12 months, rounded down to the cent
        ("100.00", "2025-06-02", "50.00"),    # June is partly used: 6 whole months left
        ("120.00", "2025-12-02", "0.00"),     # less than a whole month left
        ("100.00", "2024-12-20", "100.00"),   # a renewal that has not started yet
    ])
    def test_unused_whole_months_of_an_active_card(self, demo_city, alice, price, cancelled_on, expected):
        permit = paid_card(alice, price=price, valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31))
        assert changes.refund_preview(permit, datetime.date.fromisoformat(cancelled_on)) == Decimal(expected)

    def test_a_card_paid_and_never_active_goes_back_in_full(self, demo_city, alice):
        for status in (S.IN_REVIEW, S.MORE_INFO_REQUESTED):
            assert changes.refund_preview(paid_card(alice, status=status)) == Decimal("100.00")

    def test_nothing_goes_back_without_the_city_rule_or_a_payment(self, demo_city, alice):
        today = timezone.localdate()
        permit = paid_card(alice, valid_from=today, valid_to=pricing.period_end(today, 12))
        demo_city.resident_card_refund_pro_rata = False
        demo_city.save()
        assert changes.refund_preview(permit) == Decimal("0.00")
        free = Permit.objects.create(kind=PermitKind.RESIDENT, status=S.ACTIVE, holder=alice, valid_from=today,
                                     valid_to=pricing.period_end(today, 12))
        assert changes.refund_preview(free) == Decimal("0.00")

    def test_what_was_refunded_already_is_not_refunded_again(self, demo_city, alice):
        permit = paid_card(alice, status=S.IN_REVIEW)
        Payment.objects.filter(object_id=permit.pk).update(amount_refunded=Decimal("40.00"))
        assert changes.refund_preview(permit) == Decimal("60.00")

    def test_a_card_paid_by_transfer_is_paid_back_by_staff(self, demo_city, alice, english):
        alice.preferred_language = "en"
        alice.save()
        today = timezone.localdate()
        permit = paid_card(alice, method=PaymentMethod.TRANSFER, valid_from=today, valid_to=pricing.period_end(today, 12))
        permit, amount = changes.cancel_with_refund(permit, alice)
        assert permit.status == S.CANCELLED and amount == Decimal("100.00")
        assert not Refund.objects.exists()
        assert "transferred back by staff" in permit.events.get().note
        body = message(permit, "cancelled").body_text
        assert "our staff will transfer € 100.00 back" in body


@pytest.mark.django_db(transaction=True)
class TestThroughMollie:
    @pytest.fixture
    def third_card(self, mollie, permit_city, alice, media):
        """Alice's third card at the address (€ 100), paid through the fake checkout; it waits for review."""
        alice.preferred_language = "en"
        alice.save()
        apply(alice, "1ABC001")
        apply(alice, "1ABC002")
        permit = apply(alice, "1ABC003")
        choose_at_checkout(payments_start.start(permit, user=alice).checkout_url, "paid")
        permit.refresh_from_db()
        assert permit.status == S.IN_REVIEW
        return permit

    def test_rejecting_a_paid_application_refunds_all_of_it(self, third_card, carla):
        rules.reject(third_card, "Not your domicile address.", actor=carla)
        refund = Refund.objects.get()
        assert refund.amount == Decimal("100.00") and refund.mollie_id and refund.requested_by == carla
        assert refund.payment.object_id == third_card.pk
        assert "€ 100.00" in message(third_card, "rejected").body_text

    def test_cancelling_an_active_card_refunds_the_unused_whole_months(self, third_card, alice):
        rules.approve(third_card)
        # Approved 95 days ago: 8 whole months of the 12 are left, so 8/12 of € 100, rounded down.
        valid_from = timezone.localdate() - 95 * DAY
        Permit.objects.filter(pk=third_card.pk).update(valid_from=valid_from, valid_to=pricing.period_end(valid_from, 12))
        third_card.refresh_from_db()
        permit, amount = changes.cancel_with_refund(third_card, alice, "I sold the car.")
        assert permit.status == S.CANCELLED and amount == Decimal("66.66")
        refund = Refund.objects.get()
        assert (refund.amount, refund.requested_by) == (Decimal("66.66"), alice) and refund.mollie_id
        body = message(permit, "cancelled").body_text
        assert "We refund € 66.66" in body and "whole months you no longer use" in body
        assert changes.refund_preview(permit) == Decimal("0.00")  # cancelled: nothing more to give back
