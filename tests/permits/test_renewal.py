"""Renewing a card near its end, the reminder that asks for it (once), and the daily expiry."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from eloket.city.models import Cap, CapCode
from eloket.notifications.models import OutboundMessage
from permits import renewal, rules, tasks
from permits.models import Permit, PermitKind, PermitStatus

from .helpers import apply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

S = PermitStatus
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def active(permit, ends_in_days: int):
    """Make an approved card end `ends_in_days` from today (the dates an approval a year ago would have given)."""
    valid_to = today() + ends_in_days * DAY
    Permit.objects.filter(pk=permit.pk).update(status=S.ACTIVE, valid_from=valid_to - 364 * DAY, valid_to=valid_to)
    permit.refresh_from_db()
    return permit


def sent(template, permit=None):
    messages = OutboundMessage.objects.filter(template=f"permits/{template}", channel="email")
    if permit is not None:
        messages = messages.filter(content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk)
    return messages.count()


@pytest.mark.parametrize(("ends_in", "status", "expected"), [
    (31, S.ACTIVE, False),     # the reminder window is 30 days
    (30, S.ACTIVE, True),
    (0, S.ACTIVE, True),
    (-30, S.EXPIRED, True),    # ended recently
    (-31, S.EXPIRED, False),
    (10, S.REVOKED, False),
    (10, S.CANCELLED, False),
])
def test_who_may_renew(permit_city, alice, ends_in, status, expected):
    permit = active(apply(alice, "1ABC001"), ends_in)
    Permit.objects.filter(pk=permit.pk).update(status=status)
    permit.refresh_from_db()
    assert renewal.may_renew(permit) is expected


def test_a_disability_registration_is_not_renewed_here(demo_city, alice):
    permit = Permit.objects.create(kind=PermitKind.DISABILITY, status=S.ACTIVE, holder=alice, valid_to=today() + DAY)
    assert not renewal.may_renew(permit)


def test_a_renewal_copies_plates_address_and_documents_and_starts_after_the_old_card(permit_city, alice):
    old = active(apply(alice, "1ABC001"), 10)
    new = renewal.renew(old, alice)
    assert new.renewal_of == old and new.kind == PermitKind.RESIDENT
    assert list(new.plates.values_list("plate", "country")) == [("1ABC001", "BE")]
    assert (new.zone, new.address_key, new.vehicle_use) == (old.zone, old.address_key, old.vehicle_use)
    assert [(d.kind, d.file.name) for d in new.documents.all()] == [(d.kind, d.file.name) for d in old.documents.all()]
    assert new.documents.get().pk != old.documents.get().pk
    # Free and a renewal: approved at once, from the day after the old card ends.
    assert new.status == S.ACTIVE and new.valid_from == old.valid_to + DAY
    assert not renewal.may_renew(old)
    with pytest.raises(rules.NotEligible):
        renewal.renew(old, alice)


def test_the_renewed_card_does_not_count_for_the_price(permit_city, alice):
    first = active(apply(alice, "1ABC001"), 5)
    # Only card at the address: card 1 again, free (not card 2).
    assert renewal.renew(first, alice).price == Decimal("0.00")


def test_a_renewal_at_a_full_address_is_priced_by_the_other_cards(permit_city, alice, bob, english):
    cards = [active(apply(alice, "1ABC001"), 5), apply(alice, "1ABC002"), apply(bob, "1BOB001")]
    assert cards[2].status == S.AWAITING_PAYMENT
    renewed = renewal.renew(cards[0], alice)  # the cap of 3 is full, yet the card's own place counts once
    assert renewed.status == S.AWAITING_PAYMENT and renewed.price == Decimal("100.00")
    assert "already 2 active or pending" in renewed.price_explanation
    rules.mark_paid(renewed)
    assert renewed.status == S.ACTIVE
    # The card and its renewal together hold one place: a fourth card is still refused.
    with pytest.raises(rules.NotEligible):
        apply(bob, "1BOB002")


def test_a_renewal_too_early_is_refused(permit_city, alice, english):
    old = active(apply(alice, "1ABC001"), 60)
    with pytest.raises(rules.NotEligible) as error:
        renewal.renew(old, alice)
    assert "30 days" in error.value.message
    assert not old.renewals.exists()


def test_reminders_go_once_to_cards_in_the_window(permit_city, alice, bob):
    due = active(apply(alice, "1ABC001"), 30)
    later = active(apply(alice, "1ABC002"), 31)
    renewed = active(apply(bob, "1BOB001"), 3)
    renewal.renew(renewed, bob)
    assert renewal.send_renewal_reminders() == 1
    assert renewal.send_renewal_reminders() == 0
    assert tasks.send_renewal_reminders.apply().get() == 0
    assert (sent("renewal_reminder", due), sent("renewal_reminder", later), sent("renewal_reminder", renewed)) == (1, 0, 0)
    due.refresh_from_db()
    assert due.reminder_sent_at is not None
    assert renewal.send_renewal_reminders(today() + DAY) == 1  # the next day the other card is due


def test_a_reminder_by_sms_when_the_holder_has_a_phone(permit_city, alice):
    alice.phone = "+32470123456"
    alice.save()
    permit = active(apply(alice, "1ABC001"), 7)
    renewal.send_renewal_reminders()
    sms = OutboundMessage.objects.get(template="permits/renewal_reminder", channel="sms")
    assert sms.recipient == "+32470123456" and f"/{permit.pk}/" in sms.body_text


def test_expiry_ends_cards_after_their_last_day_once(permit_city, alice):
    ended = active(apply(alice, "1ABC001"), -1)
    last_day = active(apply(alice, "1ABC002"), 0)
    assert tasks.expire_permits.apply().get() == 1
    assert renewal.expire_due() == 0
    ended.refresh_from_db()
    last_day.refresh_from_db()
    assert (ended.status, last_day.status) == (S.EXPIRED, S.ACTIVE)
    assert ended.events.filter(from_status=S.ACTIVE, to_status=S.EXPIRED, actor=None).count() == 1
    assert sent("expired", ended) == 1


def test_an_expired_card_frees_its_place(permit_city, alice):
    Cap.objects.filter(code=CapCode.RESIDENT_CARDS_PER_ADDRESS).update(value=1)
    active(apply(alice, "1ABC001"), -1)
    renewal.expire_due()
    assert apply(alice, "1ABC002").price == Decimal("0.00")
