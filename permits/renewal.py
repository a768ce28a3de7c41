"""Renewing resident cards and care-provider permits: who may renew, the renewal itself, the reminder and expiry."""

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.models import CapCode
from eloket.city.reference import cap

from . import notices, pricing, rules
from .models import HOLDING_STATUSES, Channel, Permit, PermitKind, PermitStatus

logger = logging.getLogger(__name__)

RENEWABLE_KINDS = (PermitKind.RESIDENT, PermitKind.CARE_PROVIDER)


def _window(today: datetime.date) -> datetime.timedelta:
    return datetime.timedelta(days=cap(CapCode.RENEWAL_REMINDER_DAYS, today))


def may_renew(permit: Permit, today: datetime.date | None = None) -> bool:
    """An active resident or care permit close to its end, or one that ended only recently, not yet being renewed."""
    today = today or timezone.localdate()
    if permit.kind not in RENEWABLE_KINDS or permit.status not in (PermitStatus.ACTIVE, PermitStatus.EXPIRED):
        return False
    if permit.valid_to is None:
        return False
    window = _window(today)
    if not permit.valid_to - window <= today <= permit.valid_to + window:
        return False
    return not permit.renewals.filter(status__in=HOLDING_STATUSES).exists()


def renew(permit: Permit, actor) -> Permit:
    """A new permit for the next period on the same plates, address and documents; paid or approved at once."""
    today = timezone.localdate()
    with transaction.atomic():
        if permit.address_key:
            rules.lock_address(permit.address_key)
        permit = Permit.objects.select_for_update().get(pk=permit.pk)
        if not may_renew(permit, today):
            raise rules.NotEligible(_("This permit cannot be renewed now. A permit can be renewed from %(days)d days "
                                      "before it ends until %(days)d days after, once.")
                                    % {"days": _window(today).days})
        price, explanation = _price(permit, today)
        renewal = rules.create_application(
            permit.kind, permit.holder, status=PermitStatus.AWAITING_PAYMENT if price > 0 else PermitStatus.APPLIED,
            plates=list(permit.plates.values_list("plate", "country")), actor=actor,
            channel=Channel.PORTAL if actor is None or actor.pk == permit.holder_id else Channel.COUNTER,
            note=_("Renewal of permit #%(pk)d.") % {"pk": permit.pk}, carried_documents=list(permit.documents.all()),
            renewal_of=permit, zone=permit.zone, street=permit.street, house_number=permit.house_number, box=permit.box,
            postal_code=permit.postal_code, municipality=permit.municipality, address_key=permit.address_key,
            vehicle_use=permit.vehicle_use, recognition_number=permit.recognition_number, price=price,
            price_explanation=explanation)
        return rules.approve_automatically(renewal)


def _price(permit: Permit, today: datetime.date):
    """The renewal's price by rank at the address, not counting the card being renewed; care permits are free."""
    if permit.kind != PermitKind.RESIDENT:
        return Decimal("0.00"), ""
    held = pricing.held_at(permit.address_key, exclude=permit)
    if held >= cap(CapCode.RESIDENT_CARDS_PER_ADDRESS, today):
        raise rules.NotEligible(pricing.cap_message(held))
    rank, amount, explanation = pricing.resident_card_price(permit.address_key, today, exclude=permit)
    if amount is None:
        raise rules.NotEligible(pricing.refused_message(rank))
    return amount, explanation


def due_for_reminder(today: datetime.date):
    """Active renewable permits that end within the reminder window and got no reminder yet."""
    return (Permit.objects.filter(kind__in=RENEWABLE_KINDS, status=PermitStatus.ACTIVE, reminder_sent_at__isnull=True,
                                  valid_to__gte=today, valid_to__lte=today + _window(today))
            .exclude(renewals__status__in=HOLDING_STATUSES))


def send_renewal_reminders(today: datetime.date | None = None) -> int:
    """Remind each due holder once: a permit is claimed with a conditional UPDATE before its message is queued."""
    today = today or timezone.localdate()
    sent = 0
    for pk in due_for_reminder(today).values_list("pk", flat=True).distinct():
        with transaction.atomic():
            claimed = Permit.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=timezone.now())
            if not claimed:
                continue  # another worker reminded this holder a moment ago
            notices.renewal_reminder(Permit.objects.select_related("holder", "zone").get(pk=pk))
        sent += 1
    return sent


def expire_due(today: datetime.date | None = None) -> int:
    """Expire active permits whose last valid day has passed; a permit expired meanwhile by another run is skipped."""
    today = today or timezone.localdate()
    expired = 0
    for permit in Permit.objects.filter(status=PermitStatus.ACTIVE, valid_to__lt=today).order_by("pk"):
        try:
            rules.expire(permit)
        except rules.TransitionNotAllowed:
            continue
        expired += 1
    logger.info("Expired %d permits", expired)
    return expired
