"""The cases a citizen keeps in Mijn loket, for the data export, and what deleting the account does with them.

A case is the city's record of an offence, not the citizen's account: it must stay for its procedure (an open one must
still be paid or decided) and until RETENTION_CASE_YEARS after it closed. Deleting the account unlinks it; the holder's
details the procedure needs are on the case itself. Its letters stay with it, unlinked too.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.documents.models import Document
from eloket.privacy.registry import Plan, Provider, Section, register

from . import numbers
from .models import OPEN_STATUSES, Case


def _evidence_path(item) -> str:
    return f"fines/{item.case_id}/evidence-{item.pk}.{item.extension}"


def _attachment_path(objection, item) -> str:
    return f"fines/{objection.case_id}/objection-{objection.pk}-{item.pk}.{item.extension}"


def _case(case: Case) -> dict:
    designation = getattr(case, "driver_designation", None)
    return {
        "id": case.pk,
        "kind": case.get_kind_display(),
        "notice_number": numbers.display(case.notice_number),
        "status": case.get_status_display(),
        "number_plate": case.plate_display,
        "country": case.country,
        "holder": {"name": case.holder_name, "date_of_birth": case.holder_birth_date, "street": case.holder_street,
                   "postal_code": case.holder_postal_code, "municipality": case.holder_municipality,
                   "country": case.holder_country, "email": case.holder_email},
        "offence": str(case.offence.description),
        "place": case.place,
        "zone": case.zone.code if case.zone else None,
        "observed_at": case.observed_at,
        "speed": {"limit": case.speed_limit, "measured": case.measured_speed, "corrected": case.corrected_speed}
        if case.speed_limit else None,
        "amount_eur": case.amount,
        "costs_eur": case.costs,
        "notice_sent_on": case.issued_on,
        "pay_before": case.due_date,
        "object_before": case.objection_until,
        "history": [{"at": event.at, "from": event.get_from_status_display(), "to": event.get_to_status_display(),
                     "note": event.note} for event in case.events.all()],
        "evidence": [{"kind": item.get_kind_display(), "taken_at": item.taken_at, "file": _evidence_path(item)}
                     for item in case.evidence.all()],
        "objections": [{
            "submitted": objection.submitted_at, "ground": objection.get_ground_display(),
            "explanation": objection.explanation, "oral_hearing_requested": objection.hearing_requested,
            "contact": {"name": objection.contact_name, "email": objection.contact_email, "phone": objection.contact_phone},
            "status": objection.get_status_display(), "decided": objection.decided_at,
            "reasons": objection.decision_reason,
            "attachments": [_attachment_path(objection, item) for item in objection.attachments.all()],
        } for objection in case.objections.all()],
        "hearings": [{"when": hearing.starts_at, "place": hearing.place, "minutes": hearing.minutes}
                     for hearing in case.hearings.all()],
        "driver_named": {"name": designation.name, "date_of_birth": designation.birth_date,
                         "street": designation.street, "postal_code": designation.postal_code,
                         "municipality": designation.municipality, "email": designation.email,
                         "submitted": designation.submitted_at} if designation else None,
    }


def export_cases(user) -> Section:
    """Six queries: cases (with offence, zone and named driver), events, evidence, objections, attachments, hearings."""
    cases = list(Case.objects.filter(citizen=user).select_related("offence", "zone", "driver_designation")
                 .prefetch_related("events", "evidence", "objections__attachments", "hearings")
                 .order_by("observed_at", "pk"))
    files = []
    for case in cases:
        files += [(_evidence_path(item), item.file) for item in case.evidence.all()]
        files += [(_attachment_path(objection, item), item.file)
                  for objection in case.objections.all() for item in objection.attachments.all()]
    return Section([_case(case) for case in cases], files=files)


def plan_cases(user) -> Plan:
    cases = Case.objects.filter(citizen=user)
    total = cases.count()
    if not total:
        return Plan()
    kept = [_("Your retributions and fines (%(count)d) stay with the city, with the holder's details on each case, "
              "until %(years)d years after they are closed: the city needs them for the procedure and its accounts. "
              "They are no longer linked to an account; you can still look a case up with its notice number and "
              "plate.") % {"count": total, "years": settings.RETENTION_CASE_YEARS}]
    if cases.filter(status__in=OPEN_STATUSES).exists():
        kept.append(_("A case that is still open must still be paid or is still being handled: deleting your account "
                      "does not end it."))
    return Plan(kept=kept)


def erase_cases(user) -> dict:
    """Unlink the cases and their letters from the account; the cases stay for their procedure."""
    letters = Document.objects.filter(owner=user, content_type=ContentType.objects.get_for_model(Case)).update(owner=None)
    return {"cases unlinked": Case.objects.filter(citizen=user).update(citizen=None), "letters unlinked": letters}


register(Provider("fines", gettext_lazy("Retributions and fines"), export=export_cases, erase=erase_cases,
                  plan=plan_cases, order=40))
