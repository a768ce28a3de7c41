"""Retention of permits: RETENTION_PERMIT_YEARS after a permit ended, its personal data is anonymised.

What stays is what the city's statistics and accounts need (kind, zone, status, dates, price, the history's statuses);
the holder link, the address, the plates, the card and recognition numbers, the notes, the uploaded documents and the
letters are gone. A permit ended when it reached a final status; the moment is its last event's.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Max, Value
from django.db.models.functions import Cast, Concat

from eloket.documents.models import Document
from eloket.payments.models import Payment
from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER, batches, delete_with_files, plate_marker

from .models import Permit, PermitDocument, PermitEvent, PermitPlate, PermitStatus, VisitorPeriod

FINAL_STATUSES = (PermitStatus.EXPIRED, PermitStatus.CANCELLED, PermitStatus.REVOKED, PermitStatus.REJECTED)


def anonymise(permit_ids: list[int], *, files_after_commit: bool = False) -> dict:
    """Overwrite the personal data of these permits and delete their files; safe to run twice (inside a transaction)."""
    permit_type = ContentType.objects.get_for_model(Permit)
    counts = {
        "plates": PermitPlate.objects.filter(permit_id__in=permit_ids).exclude(plate__startswith="#").update(
            plate=plate_marker()),
        "visitor periods": VisitorPeriod.objects.filter(permit_id__in=permit_ids).exclude(plate__startswith="#").update(
            plate=plate_marker(), started_by=None, address_key=""),
        "documents": delete_with_files(PermitDocument.objects.filter(permit_id__in=permit_ids),
                                       after_commit=files_after_commit),
        "letters": delete_with_files(Document.objects.filter(content_type=permit_type, object_id__in=permit_ids),
                                     after_commit=files_after_commit),
    }
    PermitEvent.objects.filter(permit_id__in=permit_ids).exclude(note="").exclude(note=MARKER).update(note=MARKER)
    # The payment stays for the accounts; its description named the plates.
    Payment.objects.filter(content_type=permit_type, object_id__in=permit_ids).update(
        description=Concat(Value("Permit #"), Cast("object_id", CharField())))
    counts["permits"] = Permit.objects.filter(pk__in=permit_ids).update(
        holder=None, street=MARKER, house_number="", box="", postal_code="", municipality="", address_key="",
        card_number="", card_expiry=None, recognition_number="")
    return counts


def ended_before(cutoff: datetime.datetime):
    """Permits that reached a final status before the cutoff and are not anonymised yet."""
    return (Permit.objects.filter(status__in=FINAL_STATUSES).exclude(street=MARKER)
            .annotate(ended_at=Max("events__at")).filter(ended_at__lt=cutoff))


def anonymise_ended(cutoff: datetime.datetime) -> dict:
    total: dict[str, int] = {}
    for ids in batches(ended_before(cutoff)):
        with transaction.atomic():
            for what, count in anonymise(ids).items():
                total[what] = total.get(what, 0) + count
    return total


retention.register(retention.Job("permits", "RETENTION_PERMIT_YEARS", "years", anonymise_ended))
