"""Disability parking registrations: the European card's number and expiry, linked to a few plates (domain.md 4).

The right belongs to the card, not to a car: the plates are only how the scan car recognises it. Counter staff
verify a registration (rules.approve), and its validity never runs beyond the card's expiry (rules.validity_for).
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates as plate_rules
from eloket.accounts.models import COUNTRIES
from eloket.city.models import CapCode
from eloket.city.reference import cap

from . import notices, rules
from .models import (
    HOLDING_STATUSES,
    Channel,
    Permit,
    PermitDocumentKind,
    PermitEvent,
    PermitKind,
    PermitPlate,
    PermitStatus,
)
from .rules import NotEligible

CARD_SEPARATORS = re.compile(r"[\s.\-]+")
CARD_NUMBER = re.compile(r"[0-9]{10}")
# The last two digits count duplicates of one card (1234567800 -> 1234567801); the first eight name the card.
CARD_FAMILY_LENGTH = 8
COUNTRY_CODES = frozenset(code for code, _label in COUNTRIES)


def normalize_card_number(text) -> str:
    """'12.3456.78-00' -> '1234567800'; anything that is not 10 digits raises ValidationError."""
    number = CARD_SEPARATORS.sub("", str(text or ""))
    if not number:
        raise ValidationError(_("Enter the number of the disability parking card."), code="required")
    if not CARD_NUMBER.fullmatch(number):
        raise ValidationError(
            _("The number of a disability parking card has exactly 10 digits, for example 1234567800. Spaces, dots "
              "and dashes are allowed; letters are not."), code="invalid_card_number")
    return number


def clean_plates(pairs) -> list[tuple[str, str]]:
    """Validated (plate, country) pairs, normalised and without repeats; ValidationError names a wrong plate."""
    cleaned = []
    for raw, country in pairs:
        plate = plate_rules.validate(raw)
        if country not in COUNTRY_CODES:
            raise ValidationError(_("Choose the country of the number plate from the list."), code="invalid_country")
        if (plate, country) not in cleaned:
            cleaned.append((plate, country))
    return cleaned


def _plates_in_words(pairs) -> str:
    return ", ".join(plate_rules.display(plate, country) for plate, country in pairs)


def _lock_card(number: str) -> None:
    """Serialise registrations of one card (and its duplicates), so two requests never pass the plate cap together."""
    rules.lock_address(f"disability-card|{number[:CARD_FAMILY_LENGTH]}")


def _holding(number: str):
    return Permit.objects.filter(kind=PermitKind.DISABILITY, status__in=HOLDING_STATUSES, card_number=number)


def _check_card_not_elsewhere(number: str, holder) -> None:
    family = number[:CARD_FAMILY_LENGTH]
    taken = Permit.objects.filter(kind=PermitKind.DISABILITY, status__in=HOLDING_STATUSES,
                                  card_number__startswith=family).exclude(holder=holder)
    if taken.exists():
        raise NotEligible(_(
            "This card is already registered on another account. Please contact the city's counter, in person or by "
            "phone: they will check the registration with you."))


def _check_plate_cap(number: str, holder, new_plates, on: datetime.date, exclude: Permit | None = None) -> None:
    maximum = cap(CapCode.DISABILITY_PLATES, on)
    registered = PermitPlate.objects.filter(permit__in=_holding(number).filter(holder=holder))
    if exclude is not None:
        registered = registered.exclude(permit=exclude)
    already = list(registered.values_list("plate", "country"))
    repeated = [pair for pair in new_plates if pair in already]
    if repeated:
        raise NotEligible(_("%(plates)s is already registered with this card.") % {"plates": _plates_in_words(repeated)})
    if len(already) + len(new_plates) > maximum:
        raise NotEligible(_(
            "A disability parking card can have at most %(max)d number plates registered. This card already has "
            "%(count)d. You can change the plates of the existing registration instead.")
            % {"max": maximum, "count": len(already)})


def _registered_by(holder, actor, channel: str):
    """The staff member who registers on the holder's behalf (counter or phone), or None when the holder does it."""
    on_behalf = actor is not None and actor.pk != holder.pk
    if on_behalf and not actor.is_staff:
        raise NotEligible(_("Only the card holder or city staff can register a disability parking card."))
    if channel != Channel.PORTAL and not on_behalf:
        raise NotEligible(_("A registration at the counter or by phone is entered by a staff member."))
    return actor if on_behalf else None


def register_disability(holder, *, card_number, card_expiry: datetime.date | None, plates, front, back, actor=None,
                        channel=Channel.PORTAL) -> Permit:
    """Register a disability parking card with 1..N plates for review; free, valid city-wide (zone None)."""
    number = normalize_card_number(card_number)
    today = timezone.localdate()
    if card_expiry is not None and card_expiry < today:
        raise NotEligible(_(
            "This card expired on %(date)s. Register the new card you received from the FPS Social Security.")
            % {"date": card_expiry.strftime("%d/%m/%Y")})
    pairs = clean_plates(plates)
    if not pairs:
        raise NotEligible(_("Give at least one number plate."))
    registered_by = _registered_by(holder, actor, channel)
    with transaction.atomic():
        _lock_card(number)
        _check_card_not_elsewhere(number, holder)
        _check_plate_cap(number, holder, pairs, today)
        return rules.create_application(
            PermitKind.DISABILITY, holder, status=PermitStatus.IN_REVIEW, plates=pairs,
            documents={PermitDocumentKind.CARD_FRONT: front, PermitDocumentKind.CARD_BACK: back},
            actor=actor or holder, channel=channel, note=_("Registration of a disability parking card."),
            zone=None, price=Decimal("0.00"), price_explanation=_("A disability parking registration is free."),
            card_number=number, card_expiry=card_expiry, registered_by=registered_by)


def _pairs_filter(pairs) -> Q:
    """Matches the plate rows that stay."""
    condition = Q(pk__in=[])
    for plate, country in pairs:
        condition |= Q(plate=plate, country=country)
    return condition


def set_plates(permit: Permit, plates, actor) -> Permit:
    """Replace the plates of a pending or active registration, within the cap; the status stays as it is."""
    pairs = clean_plates(plates)
    if not pairs:
        raise NotEligible(_("Give at least one number plate."))
    if actor.pk != permit.holder_id and not actor.is_staff:
        raise NotEligible(_("Only the card holder or city staff can change the number plates."))
    with transaction.atomic():
        _lock_card(permit.card_number)
        locked = Permit.objects.select_for_update().get(pk=permit.pk)
        if locked.kind != PermitKind.DISABILITY or locked.status not in HOLDING_STATUSES:
            raise NotEligible(_("The number plates can only be changed while the registration is pending or active."))
        before = list(locked.plates.order_by("pk").values_list("plate", "country"))
        if sorted(before) == sorted(pairs):
            return permit  # nothing to change: a repeated submit writes no event
        _check_plate_cap(locked.card_number, locked.holder, pairs, timezone.localdate(), exclude=locked)
        locked.plates.exclude(_pairs_filter(pairs)).delete()
        for plate, country in pairs:
            if (plate, country) not in before:
                PermitPlate.objects.create(permit=locked, plate=plate, country=country)
        locked.save(update_fields=["updated"])
        PermitEvent.objects.create(
            permit=locked, actor=actor, from_status=locked.status, to_status=locked.status,
            note=_("Number plates changed from %(before)s to %(after)s.")
            % {"before": _plates_in_words(before), "after": _plates_in_words(pairs)})
        notices.plate_changed(locked, [plate_rules.display(plate, country) for plate, country in before])
    permit.refresh_from_db()
    return permit
