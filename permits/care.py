"""Care-provider permits: one free permit on one plate for a recognised home-care professional (domain.md 3.3)."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.models import CapCode
from eloket.city.reference import cap

from . import rules
from .models import HOLDING_STATUSES, Channel, Permit, PermitKind, PermitStatus, VehicleUse
from .rules import NotEligible

RECOGNITION_SEPARATORS = re.compile(r"[\s.\-/]+")
# An RIZIV/INAMI number has 11 digits; a Flemish recognition number is shorter or holds letters: 6 to 20 of them.
RECOGNITION_NUMBER = re.compile(r"[A-Z0-9]{6,20}")


def normalize_recognition_number(text) -> str:
    """'1-23456-78-901' -> '12345678901'; raises ValidationError when it cannot be a recognition number."""
    number = RECOGNITION_SEPARATORS.sub("", str(text or "")).upper()
    if not number:
        raise ValidationError(_("Enter your RIZIV/INAMI number or your Flemish recognition number."), code="required")
    if not RECOGNITION_NUMBER.fullmatch(number):
        raise ValidationError(
            _("Enter your RIZIV/INAMI number (11 digits) or the number of your recognition by the Flemish Agency for "
              "Care and Health (6 to 20 letters and digits). Spaces, dots and dashes are allowed."),
            code="invalid_recognition_number")
    return number


def _registered_by(user, actor, channel: str):
    """The staff member who applies on the care provider's behalf, or None when they apply themselves."""
    on_behalf = actor is not None and actor.pk != user.pk
    if on_behalf and not actor.is_staff:
        raise NotEligible(_("Only the care provider or city staff can apply for a care-provider permit."))
    if channel != Channel.PORTAL and not on_behalf:
        raise NotEligible(_("An application at the counter or by phone is entered by a staff member."))
    return actor if on_behalf else None


def apply_for_care_permit(user, vehicle, *, recognition_number, documents, vehicle_use=VehicleUse.OWN, actor=None,
                          channel=Channel.PORTAL) -> Permit:
    """Apply for the one care-provider permit a person may hold: free, on one plate, valid in paid and blue zones."""
    if vehicle.owner_id != user.pk:
        raise NotEligible(_("You can only apply for a vehicle in your own account."))
    number = normalize_recognition_number(recognition_number)
    registered_by = _registered_by(user, actor, channel)
    with transaction.atomic():
        rules.lock_address(f"care-provider|{user.pk}")  # a double submit cannot pass the cap twice
        held = Permit.objects.filter(kind=PermitKind.CARE_PROVIDER, holder=user, status__in=HOLDING_STATUSES).count()
        if held >= cap(CapCode.CARE_PERMITS_PER_PERSON, timezone.localdate()):
            raise NotEligible(_(
                "You already have a care-provider permit or an application in progress. A care provider has one "
                "permit on one number plate; to use another car, change the plate of your permit."))
        return rules.create_application(
            PermitKind.CARE_PROVIDER, user, status=PermitStatus.APPLIED, plates=[(vehicle.plate, vehicle.country)],
            documents=documents, actor=actor or user, channel=channel,
            note=_("Application for a care-provider permit."), zone=None, price=Decimal("0.00"),
            price_explanation=_("A care-provider permit is free."), vehicle_use=vehicle_use,
            recognition_number=number, registered_by=registered_by)
