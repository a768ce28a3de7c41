"""The permit rules: eligibility, price and cap, and every status change (one function per transition)."""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.accounts import plates
from eloket.city.models import CapCode, Zone, ZoneKind
from eloket.city.reference import cap
from eloket.city.zones import search_key, zones_for_address

from .models import HOLDING_STATUSES, Permit, PermitEvent, PermitKind, PermitPlate, PermitStatus, ResidentCardPrice

S = PermitStatus


class NotEligible(Exception):
    """The citizen cannot get this permit; the message says why and what to do instead."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(Exception):
    """The permit's status does not allow this step."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# name -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "mark_paid": (frozenset({S.AWAITING_PAYMENT}), S.IN_REVIEW),
    "approve": (frozenset({S.APPLIED, S.IN_REVIEW}), S.ACTIVE),
    "reject": (frozenset({S.APPLIED, S.IN_REVIEW, S.MORE_INFO_REQUESTED}), S.REJECTED),
    "request_more_info": (frozenset({S.APPLIED, S.IN_REVIEW}), S.MORE_INFO_REQUESTED),
    "answer_more_info": (frozenset({S.MORE_INFO_REQUESTED}), S.IN_REVIEW),
    "cancel": (frozenset({S.APPLIED, S.AWAITING_PAYMENT, S.IN_REVIEW, S.MORE_INFO_REQUESTED, S.ACTIVE}), S.CANCELLED),
    "revoke": (frozenset({S.ACTIVE}), S.REVOKED),
    "expire": (frozenset({S.ACTIVE}), S.EXPIRED),
}

TRANSITION_LABELS = {
    "mark_paid": gettext_lazy("register the payment"),
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "request_more_info": gettext_lazy("ask for more information"),
    "answer_more_info": gettext_lazy("answer the question"),
    "cancel": gettext_lazy("cancel"),
    "revoke": gettext_lazy("revoke"),
    "expire": gettext_lazy("let expire"),
}


def address_key(street: str, house_number: str, postal_code: str, box: str = "") -> str:
    """One form of an address, whoever typed it: '3600|molenstraat|12A|2'."""
    def compact(text):
        return "".join((text or "").split()).upper()

    return "|".join([compact(postal_code), search_key(street), compact(house_number), compact(box)])


def resident_zone_for(street: str, house_number: str, postal_code: str) -> Zone | None:
    """The resident zone the address lies in, or None."""
    for zone in zones_for_address(street, house_number, postal_code):
        if zone.kind == ZoneKind.RESIDENT:
            return zone
    return None


def _format_amount(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def resident_card_price(key: str, on: datetime.date | None = None) -> tuple[int, Decimal | None, str]:
    """(rank of a new card at this address, yearly price or None when refused, the explanation in words)."""
    on = on or timezone.localdate()
    held = Permit.objects.filter(kind=PermitKind.RESIDENT, address_key=key, status__in=HOLDING_STATUSES).count()
    rank = held + 1
    row = ResidentCardPrice.objects.filter(rank=rank).in_force(on).order_by("-valid_from").first()
    if held == 0:
        counted = _("There is no active or pending resident card at this address yet, so this is card 1.")
    else:
        counted = _("There are already %(count)d active or pending resident cards at this address (on all accounts), "
                    "so this is card %(rank)d.") % {"count": held, "rank": rank}
    if row is None or row.refused:
        return rank, None, counted + " " + _("The city does not issue card %(rank)d at one address.") % {"rank": rank}
    if row.amount_per_year == 0:
        price = _("Card %(rank)d is free.") % {"rank": rank}
    else:
        price = _("Card %(rank)d costs € %(amount)s a year (rate in force since %(since)s).") % {
            "rank": rank, "amount": _format_amount(row.amount_per_year), "since": row.valid_from.strftime("%d/%m/%Y")}
    return rank, row.amount_per_year, counted + " " + price


def _lock_address(key: str) -> None:
    """Serialise applications for one address, also when it has no permit row yet (PostgreSQL advisory lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    list(Permit.objects.select_for_update().filter(address_key=key).values_list("pk", flat=True))


def apply_for_resident_card(user, vehicle, *, street: str, house_number: str, box: str = "", postal_code: str,
                            municipality: str) -> Permit:
    """A resident card for one of the user's vehicles at their domicile address, within the cap and priced by rank."""
    if vehicle.owner_id != user.pk:
        raise NotEligible(_("You can only apply for a vehicle in your own account."))
    zone = resident_zone_for(street, house_number, postal_code)
    if zone is None:
        raise NotEligible(_(
            "This address is not in a resident zone, so there is no resident card for it. Check the street and house "
            "number. Outside resident zones you can park with a parking ticket or the parking disc, or ask the city "
            "about a subscription in a car park."))
    key = address_key(street, house_number, postal_code, box)
    today = timezone.localdate()
    with transaction.atomic():
        _lock_address(key)
        if Permit.objects.filter(kind=PermitKind.RESIDENT, status__in=HOLDING_STATUSES, holder=user,
                                 plates__plate=vehicle.plate, plates__country=vehicle.country).exists():
            raise NotEligible(_("This vehicle already has a resident card or an application in progress."))
        maximum = cap(CapCode.RESIDENT_CARDS_PER_ADDRESS, today)
        held = Permit.objects.filter(kind=PermitKind.RESIDENT, address_key=key, status__in=HOLDING_STATUSES).count()
        if held >= maximum:
            raise NotEligible(_(
                "This address already has %(count)d resident cards, the most the city allows. A card that is no longer "
                "needed can be cancelled first; otherwise you can park with a parking ticket or in a car park.")
                % {"count": held})
        rank, amount, explanation = resident_card_price(key, today)
        if amount is None:
            raise NotEligible(_(
                "The city does not issue a resident card number %(rank)d at one address. You can park with a parking "
                "ticket or in a car park.") % {"rank": rank})
        status = S.AWAITING_PAYMENT if amount > 0 else S.APPLIED
        permit = Permit.objects.create(
            kind=PermitKind.RESIDENT, status=status, holder=user, zone=zone, street=street.strip(),
            house_number=house_number.strip(), box=box.strip(), postal_code=postal_code.strip(),
            municipality=municipality.strip(), address_key=key, price=amount, price_explanation=explanation)
        PermitPlate.objects.create(permit=permit, plate=vehicle.plate, country=vehicle.country)
        PermitEvent.objects.create(permit=permit, actor=user, from_status="", to_status=status,
                                   note=_("Application for a resident card."))
    return permit


def _move(permit: Permit, name: str, actor=None, note: str = "", **changes) -> Permit:
    """Check and perform one transition under a row lock, and write its event."""
    allowed_from, to_status = TRANSITIONS[name]
    with transaction.atomic():
        locked = Permit.objects.select_for_update().get(pk=permit.pk)
        if locked.status not in allowed_from:
            raise TransitionNotAllowed(_("You cannot %(action)s a permit whose status is “%(status)s”.") % {
                "action": TRANSITION_LABELS[name], "status": locked.get_status_display()})
        from_status = locked.status
        locked.status = to_status
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "updated", *changes])
        PermitEvent.objects.create(permit=locked, actor=actor, from_status=from_status, to_status=to_status, note=note)
    permit.refresh_from_db()
    return permit


def _one_year_from(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def mark_paid(permit: Permit, actor=None) -> Permit:
    return _move(permit, "mark_paid", actor, _("Paid."))


def approve(permit: Permit, actor=None, note: str = "") -> Permit:
    today = timezone.localdate()
    return _move(permit, "approve", actor, note, valid_from=today, valid_to=_one_year_from(today))


def reject(permit: Permit, reason: str, actor=None) -> Permit:
    if not (reason or "").strip():
        raise TransitionNotAllowed(_("Give the reason for the rejection."))
    return _move(permit, "reject", actor, reason.strip())


def request_more_info(permit: Permit, question: str, actor=None) -> Permit:
    if not (question or "").strip():
        raise TransitionNotAllowed(_("Write the question for the citizen."))
    return _move(permit, "request_more_info", actor, question.strip())


def answer_more_info(permit: Permit, answer: str = "", actor=None) -> Permit:
    return _move(permit, "answer_more_info", actor, (answer or "").strip())


def cancel(permit: Permit, actor=None, note: str = "") -> Permit:
    return _move(permit, "cancel", actor, note)


def revoke(permit: Permit, reason: str, actor=None) -> Permit:
    if not (reason or "").strip():
        raise TransitionNotAllowed(_("Give the reason for revoking the permit."))
    return _move(permit, "revoke", actor, reason.strip())


def expire(permit: Permit, actor=None) -> Permit:
    return _move(permit, "expire", actor, _("The validity period has ended."))


def parking_rights(plate: str, zone, at: datetime.datetime | None = None) -> list[Permit]:
    """Active permits of this plate valid in this zone at this moment (disability registrations: any zone). One query."""
    at = at or timezone.now()
    day = timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    zone_id = zone.pk if isinstance(zone, Zone) else zone
    matching = PermitPlate.objects.filter(plate=plates.normalize(plate)).values("permit_id")
    return list(
        Permit.objects.filter(pk__in=matching, status=S.ACTIVE, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .filter(Q(zone_id=zone_id) | Q(kind=PermitKind.DISABILITY))
        .select_related("zone", "holder")
        .order_by("pk")
    )
