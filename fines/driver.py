"""The holder of a GAS case names the driver (GAS-wet, after GwH 16/2017: within 30 days of the notice).

The holder's case closes as "driver named" and a case for the driver opens with the same facts and evidence
(rules.name_driver); a driver who may not get a GAS fine (a minor, say) is refused with the reason.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from eloket.notifications import notify

from . import numbers, rules
from .models import Case, DriverDesignation, ObjectionStatus
from .objections import detail_url

RECEIPT_TEMPLATE = "fines/driver_named"


def designate_driver(case: Case, *, name: str, birth_date: datetime.date, street: str, postal_code: str,
                     municipality: str, country: str = "BE", email: str = "", user=None) -> Case:
    """Close the holder's case and open the driver's; returns the driver's case. All or nothing.

    Raises rules.TransitionNotAllowed with the reason (term over, wrong status, a driver who cannot be fined).
    """
    actor = user if user is not None and user.is_authenticated else None
    driver = {"name": (name or "").strip(), "is_company": False, "birth_date": birth_date,
              "street": (street or "").strip(), "postal_code": (postal_code or "").strip(),
              "municipality": (municipality or "").strip(), "country": (country or "BE").strip().upper(),
              "email": (email or "").strip()}
    with transaction.atomic():
        driver_case = rules.name_driver(case, driver, actor=actor)
        designation = DriverDesignation.objects.create(
            case=case, driver_case=driver_case, name=driver["name"], birth_date=birth_date, street=driver["street"],
            postal_code=driver["postal_code"], municipality=driver["municipality"], country=driver["country"],
            email=driver["email"], submitted_by=actor)
        # The holder's own defence has nothing left to decide once the case moved to the driver.
        case.objections.filter(status=ObjectionStatus.PENDING).update(
            status=ObjectionStatus.ACCEPTED, decided_at=timezone.now(),
            decision_reason=gettext("Closed: the holder named the driver, so the case continues against the driver."))
        _send_receipt(case, designation)
    return driver_case


def _send_receipt(case: Case, designation: DriverDesignation) -> None:
    """Tell the holder, when eloket knows where: the account that keeps the case, or the email on the notice."""
    recipient = case.citizen
    email = "" if recipient is not None else case.holder_email
    if recipient is None and not email:
        return
    language = recipient.preferred_language if recipient is not None else settings.LANGUAGE_CODE
    notify(recipient, template=RECEIPT_TEMPLATE, email=email, language=language, related=case,
           context={"case": case, "designation": designation, "notice_number": numbers.display(case.notice_number),
                    "detail_url": detail_url(case, language)})
