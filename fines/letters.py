"""The letters of a case: notice, reminder, registered reminder, collection, court, decision, hearing, cancellation.

A context builder per letter gives its template (fines/letters/<step>.html) the case as it was when the letter was
made: the letters of a case are rendered again whenever its status changes (documents_follow_payment_state), so a
later step's new due date or costs are taken back out (`_then`); what does change an earlier letter is that the case
was paid (the payment block says so) or closed (a line on top says it need not be paid any more).
"""

import base64
import datetime
import io
import logging
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.city.models import ChargeCode, TermCode
from eloket.city.reference import MissingReferenceData, charge, city_profile, term_days
from eloket.documents.letters import absolute, paid_at_of, payment_block
from eloket.documents.models import DocumentKind

from . import numbers
from .models import Case, CaseKind, CaseStatus, EvidenceKind, Hearing, Objection, ObjectionStatus
from .rules import HEARING_ABOVE

logger = logging.getLogger(__name__)
S = CaseStatus

STEPS = ("notice", "reminder", "formal_notice", "collection", "court", "decision", "hearing", "cancelled")
KINDS = {"notice": DocumentKind.NOTICE, "reminder": DocumentKind.REMINDER, "formal_notice": DocumentKind.REMINDER,
         "decision": DocumentKind.DECISION}  # the others are DocumentKind.OTHER
NOTICE_TITLES = {
    CaseKind.RETRIBUTION: _("Parking retribution: invitation to pay"),
    CaseKind.GAS4: _("Administrative fine (GAS 4): notice"),
    CaseKind.GAS5: _("Administrative fine for light speeding (GAS 5): notice"),
}
TITLES = {
    "reminder": _("Reminder"),
    "formal_notice": _("Registered reminder (formal notice)"),
    "collection": _("Notice of collection"),
    "court": _("Your parking retribution goes to the justice of the peace"),
    "hearing": _("Invitation to an oral hearing"),
    "cancelled": _("Your case has been cancelled"),
}
DECISION_TITLES = {ObjectionStatus.ACCEPTED: _("Decision on your objection: accepted"),
                   ObjectionStatus.REJECTED: _("Decision on your objection: rejected")}
# Steps that set a new due date, and steps that add costs (a retribution's reminder cost, the registered reminder's).
DUE_STEPS = (S.REMINDED, S.FORMAL_NOTICE, S.REJECTED)
CLOSED = (S.CANCELLED, S.DRIVER_NAMED)
# The evidence photo on the notice: at most this many pixels wide or high, and read only from files below this size.
THUMBNAIL_PIXELS = 480
THUMBNAIL_MAX_BYTES = 15 * 1024 * 1024


def template_of(step: str) -> str:
    return f"fines/letters/{step}.html"


def kind_of(step: str) -> str:
    return KINDS.get(step, DocumentKind.OTHER)


def title_of(case: Case, step: str, objection: Objection | None = None):
    if step == "notice":
        return NOTICE_TITLES[case.kind]
    if step == "decision":
        return DECISION_TITLES.get(objection.status if objection else "", _("Decision on your objection"))
    if step == "collection" and case.kind == CaseKind.RETRIBUTION:
        return _("Notice of collection by dwangbevel")
    return TITLES[step]


def language_of(case: Case, objection: Objection | None = None) -> str:
    """Dutch, the language of the administration, unless the account that keeps the case (or wrote the objection)
    asked for another of the site's languages."""
    if objection is not None and objection.language:
        return objection.language
    if case.citizen is not None and case.citizen.preferred_language:
        return case.citizen.preferred_language
    return settings.LANGUAGE_CODE


def lookup_url() -> str:
    return absolute(reverse("fines:lookup"))


def case_url(case: Case, user=None) -> str:
    """The case page for the account that keeps it; for anyone else the lookup (notice number and plate)."""
    if user is not None and case.citizen_id == user.pk:
        return absolute(reverse("fines:detail", args=[case.pk]))
    return lookup_url()


def address_lines(case: Case) -> list[str]:
    lines = [case.holder_street, f"{case.holder_postal_code} {case.holder_municipality}".strip()]
    if case.holder_country != "BE":
        lines.append(str(case.get_holder_country_display()))
    return [line for line in lines if line]


# --- The case as it was when the letter was made --------------------------------------------------------------------

def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _steps_after(case: Case, document) -> list:
    """The status changes of the case after the letter was made (history notes that change nothing are left out)."""
    return [event for event in case.events.all() if event.at > document.created and event.from_status != event.to_status]


def _added_costs(case: Case, event) -> Decimal:
    """What a step added to the costs: a retribution's reminder cost or the registered reminder's cost, as charged."""
    code = None
    if event.to_status == S.FORMAL_NOTICE:
        code = ChargeCode.REGISTERED_NOTICE_COST
    elif event.to_status == S.REMINDED and case.kind == CaseKind.RETRIBUTION:
        code = ChargeCode.REMINDER_COST
    if code is None:
        return Decimal("0.00")
    try:
        return charge(code, _day(event.at))
    except MissingReferenceData:
        return Decimal("0.00")


def _then(case: Case, document, term: str, start: datetime.date) -> dict:
    """Costs, total and due date as the letter gave them: later steps' costs taken off, their due date not used."""
    later = _steps_after(case, document)
    costs = case.costs - sum((_added_costs(case, event) for event in later), Decimal("0.00"))
    due_date = case.due_date
    if any(event.to_status in DUE_STEPS for event in later):
        try:
            due_date = start + datetime.timedelta(days=term_days(term, start))
        except MissingReferenceData:
            pass
    return {"costs": costs, "total": case.amount + costs, "due_date": due_date}


def _paid_at(case: Case) -> datetime.datetime | None:
    paid_at = paid_at_of(case)
    if paid_at is None and case.status == S.PAID:  # marked paid by staff, without a payment row
        event = case.events.filter(to_status=S.PAID).exclude(from_status=S.PAID).order_by("-at").first()
        paid_at = event.at if event else timezone.now()
    return paid_at


def _payment(case: Case, then: dict) -> dict | None:
    """The payment block (documents/letters/payment_block.html), or None once the case is closed."""
    if case.status in CLOSED:
        return None
    return payment_block(case, amount=then["total"], due_date=then["due_date"], paid_at=_paid_at(case),
                         pay_path=reverse("fines:lookup"))


def evidence_thumbnail(case: Case) -> str:
    """The first evidence photo, scaled down and inlined as a JPEG data URI; empty when there is none or it is unreadable."""
    from PIL import Image

    photo = case.evidence.filter(kind=EvidenceKind.PHOTO, content_type__startswith="image/").first()
    if photo is None:
        return ""
    try:
        if photo.file.size > THUMBNAIL_MAX_BYTES:
            return ""
        with photo.file.open("rb") as handle, Image.open(handle) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=75)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        logger.warning("Evidence %s cannot be shown on the letter: %s", photo.pk, type(error).__name__)
        return ""
    return f"data:image/jpeg;base64,{base64.b64encode(buffer.getvalue()).decode()}"


def _charge_or_none(code: str, on: datetime.date) -> Decimal | None:
    try:
        return charge(code, on)
    except MissingReferenceData:
        return None


def _term_or_none(code: str, on: datetime.date) -> int | None:
    try:
        return term_days(code, on)
    except MissingReferenceData:
        return None


def _case(document) -> Case:
    return (Case.objects.select_related("offence", "zone", "citizen").prefetch_related("events")
            .get(pk=document.object_id))


def _base(document, case: Case) -> dict:
    """What every letter of a case shows: the holder as recipient, the facts, and whether the case is closed."""
    return {
        "case": case,
        "recipient": {"name": case.holder_name, "address_lines": address_lines(case)},
        "notice_number": numbers.display(case.notice_number),
        "is_gas": case.is_gas,
        "is_retribution": case.kind == CaseKind.RETRIBUTION,
        "is_gas5": case.kind == CaseKind.GAS5,
        "closed": case.status if case.status in CLOSED else "",
        "lookup_url": lookup_url(),
        "letter_day": _day(document.created),
    }


# --- Context builders (dotted paths stored on each Document) --------------------------------------------------------

def notice_context(document) -> dict:
    case = _case(document)
    then = _then(case, document, TermCode.PAYMENT, case.issued_on or _day(document.created))
    return {
        **_base(document, case),
        **then,
        "payment": _payment(case, then),
        "thumbnail": evidence_thumbnail(case),
        "hearing_possible": case.is_gas and case.amount > HEARING_ABOVE,
        "hearing_above": HEARING_ABOVE,
        "registered_cost": _charge_or_none(ChargeCode.REGISTERED_NOTICE_COST, _day(document.created)),
        "sanctioning_address": _one_line(getattr(city_profile(), "sanctioning_address", "")),
    }


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in (text or "").splitlines() if line.strip())


def reminder_context(document) -> dict:
    case = _case(document)
    day = _day(document.created)
    then = _then(case, document, TermCode.REMINDER, day)
    return {**_base(document, case), **then, "payment": _payment(case, then),
            "registered_cost": _charge_or_none(ChargeCode.REGISTERED_NOTICE_COST, day)}


def formal_notice_context(document) -> dict:
    case = _case(document)
    then = _then(case, document, TermCode.REMINDER, _day(document.created))
    return {**_base(document, case), **then, "payment": _payment(case, then)}


def collection_context(document) -> dict:
    case = _case(document)
    then = _then(case, document, TermCode.REMINDER, _day(document.created))
    then["due_date"] = _day(document.created)  # what is still open is due at once
    return {**_base(document, case), **then, "payment": _payment(case, then)}


def court_context(document) -> dict:
    case = _case(document)
    return {**_base(document, case), **_then(case, document, TermCode.REMINDER, _day(document.created))}


def _objection_of(case: Case, document) -> Objection | None:
    """The objection decided when the letter was made (the latest decided one before it, else the latest decided)."""
    decided = case.objections.exclude(status=ObjectionStatus.PENDING).order_by("-decided_at", "-pk")
    return decided.filter(Q(decided_at__lte=document.created) | Q(decided_at__isnull=True)).first() or decided.first()


def decision_context(document) -> dict:
    case = _case(document)
    objection = _objection_of(case, document)
    day = _day(document.created)
    then = _then(case, document, TermCode.PAYMENT, day)
    rejected = objection is not None and objection.status == ObjectionStatus.REJECTED
    return {
        **_base(document, case), **then,
        "recipient": {"name": objection.contact_name if objection else case.holder_name,
                      "address_lines": address_lines(case)},
        "objection": objection,
        "accepted": objection is not None and objection.status == ObjectionStatus.ACCEPTED,
        "called_off": [hearing for hearing in objection.hearings.all() if hearing.cancelled_at] if objection else [],
        "rejected": rejected,
        "payment": _payment(case, then) if rejected else None,
        "appeal_days": _term_or_none(TermCode.APPEAL, day) if case.is_gas else None,
    }


def _hearing_of(case: Case, document) -> Hearing | None:
    planned = case.hearings.order_by("-planned_at", "-pk")
    return planned.filter(planned_at__lte=document.created).first() or planned.first()


def hearing_context(document) -> dict:
    case = _case(document)
    return {**_base(document, case), "hearing": _hearing_of(case, document)}


def cancelled_context(document) -> dict:
    case = _case(document)
    event = (case.events.filter(to_status=S.CANCELLED, at__lte=document.created).exclude(from_status=S.CANCELLED)
             .order_by("-at").first())
    return {**_base(document, case), "reason": event.note if event else "", "was_paid": _paid_at(case) is not None}


BUILDERS = {
    "notice": notice_context, "reminder": reminder_context, "formal_notice": formal_notice_context,
    "collection": collection_context, "court": court_context, "decision": decision_context,
    "hearing": hearing_context, "cancelled": cancelled_context,
}
