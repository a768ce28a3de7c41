"""Retention of cases: RETENTION_CASE_YEARS after a case closed, its evidence and personal data go.

A case closes when it is paid, cancelled or closed for the holder who named the driver; the moment is the last event
that led there. Photos, files, objection attachments and letters are deleted; the plate, the holder, the objections'
and the named driver's details, the hearing minutes and the history's notes are overwritten with a marker. What stays
(kind, offence, zone, place, dates, amounts, statuses) is what the city's statistics need. A case handed over for
collection or to the court stays until the city closes it. The scan car's observation of the case is anonymised by
parking_sessions (which knows observations; fines does not).

Print batches and imported files hold many holders at once; they are deleted after RETENTION_FINES_FILES_DAYS.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q

from eloket.documents.models import Document
from eloket.payments.models import Payment
from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER, batches, delete_files, delete_with_files, plate_marker

from .models import (
    Case,
    CaseEvent,
    CaseStatus,
    DriverDesignation,
    Evidence,
    Hearing,
    ImportBatch,
    Objection,
    ObjectionAttachment,
    PrintBatch,
)

CLOSED_STATUSES = (CaseStatus.PAID, CaseStatus.CANCELLED, CaseStatus.DRIVER_NAMED)
# DriverDesignation.birth_date cannot be empty: this date marks it overwritten.
MARKER_DATE = datetime.date(1900, 1, 1)


def _notes(queryset, field: str) -> None:
    queryset.exclude(**{field: ""}).exclude(**{field: MARKER}).update(**{field: MARKER})


def anonymise(case_ids: list[int]) -> dict:
    """Delete the evidence and letters of these cases and overwrite their personal data (run twice: nothing changes)."""
    case_type = ContentType.objects.get_for_model(Case)
    counts = {
        "evidence": delete_with_files(Evidence.objects.filter(case_id__in=case_ids)),
        "attachments": delete_with_files(ObjectionAttachment.objects.filter(objection__case_id__in=case_ids)),
        "letters": delete_with_files(Document.objects.filter(content_type=case_type, object_id__in=case_ids)),
    }
    objections = Objection.objects.filter(case_id__in=case_ids)
    objections.exclude(contact_name=MARKER).update(explanation=MARKER, contact_name=MARKER, contact_email="",
                                                   contact_phone="", rights_found=[])
    _notes(objections, "decision_reason")
    _notes(Hearing.objects.filter(case_id__in=case_ids), "minutes")
    _notes(CaseEvent.objects.filter(case_id__in=case_ids), "note")
    DriverDesignation.objects.filter(case_id__in=case_ids).exclude(name=MARKER).update(
        name=MARKER, birth_date=MARKER_DATE, street=MARKER, postal_code="", municipality="", email="")
    # The payment stays for the accounts (its description is the notice number), no longer linked to an account.
    Payment.objects.filter(content_type=case_type, object_id__in=case_ids).update(owner=None)
    counts["cases"] = Case.objects.filter(pk__in=case_ids).exclude(holder_name=MARKER).update(
        plate=plate_marker(), holder_name=MARKER, holder_birth_date=None, holder_street=MARKER, holder_postal_code="",
        holder_municipality="", holder_email="", citizen=None)
    return counts


def closed_before(cutoff: datetime.datetime):
    """Closed cases whose closing event is older than the cutoff, not anonymised yet."""
    return (Case.objects.filter(status__in=CLOSED_STATUSES).exclude(holder_name=MARKER)
            .annotate(closed_at=Max("events__at", filter=Q(events__to_status__in=CLOSED_STATUSES)))
            .filter(closed_at__lt=cutoff))


def anonymise_closed(cutoff: datetime.datetime) -> dict:
    total: dict[str, int] = {}
    for ids in batches(closed_before(cutoff)):
        with transaction.atomic():
            for what, count in anonymise(ids).items():
                total[what] = total.get(what, 0) + count
    return total


def delete_old_files(cutoff: datetime.datetime) -> dict:
    """The merged print files and the imported CSV files made before the cutoff: the files go, the rows stay."""
    counts = {"print files": 0, "import files": 0}
    for model, label, when in ((PrintBatch, "print files", "created"), (ImportBatch, "import files", "uploaded_at")):
        old = model.objects.filter(**{f"{when}__lt": cutoff}).exclude(file="")
        for ids in batches(old):
            with transaction.atomic():
                rows = model.objects.filter(pk__in=ids)
                counts[label] += delete_files(rows)
                rows.update(file="")
    return counts


retention.register(retention.Job("cases", "RETENTION_CASE_YEARS", "years", anonymise_closed))
retention.register(retention.Job("fines-files", "RETENTION_FINES_FILES_DAYS", "days", delete_old_files, minimum=1))
