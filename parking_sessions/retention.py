"""Retention of parking data: scans of compliant cars, sessions and the raw messages they came from.

- Observations that led to no case are deleted, photos included, RETENTION_OBSERVATION_DAYS after they arrived (the
  Dutch practice for scans of cars that had paid is 48 hours). An observation that led to a case is anonymised, photos
  deleted, once fines has anonymised its case (fines/retention.py).
- Paid sessions are the basis of the accounts with the parking apps: anonymised RETENTION_PAID_SESSION_YEARS after they
  ended. Free sessions and parking discs only answer scan cars and objections: RETENTION_FREE_SESSION_DAYS.
- The inbox keeps what an SMS gateway or parking app sent (phone numbers, plates, the SMS text): scrubbed together with
  its session; a message that made no session (a stop, a refusal) is deleted RETENTION_INBOX_DAYS after it was
  processed.
The enforcement check log has its own job (enforcement_tasks.py). Each job works in batches and may run twice.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER, batches, delete_with_files, not_anonymised, plate_marker

from .models import Inbox, Observation, ObservationPhoto, ParkingSession, SessionStatus

# The keys of an inbox payload (SMS or operator parking, at any depth) that hold a plate, a phone number or a message.
PERSONAL_KEYS = frozenset({"registration_number", "plate", "from", "phone", "body"})


def scrub(payload):
    """The payload with every personal value overwritten and its shape kept (code reading old rows still works)."""
    if isinstance(payload, dict):
        return {key: MARKER if key in PERSONAL_KEYS and value not in (None, "") else scrub(value)
                for key, value in payload.items()}
    if isinstance(payload, list):
        return [scrub(value) for value in payload]
    return payload


def _scrub_inbox(rows) -> int:
    changed = []
    for row in rows.only("pk", "payload"):
        clean = scrub(row.payload)
        if clean != row.payload:
            row.payload = clean
            changed.append(row)
    Inbox.objects.bulk_update(changed, ["payload"])
    return len(changed)


def delete_compliant_observations(cutoff: datetime.datetime) -> dict:
    counts = {"observations deleted": 0, "case observations anonymised": 0}
    for ids in batches(Observation.objects.filter(case__isnull=True, created__lt=cutoff)):
        with transaction.atomic():
            delete_with_files(ObservationPhoto.objects.filter(observation_id__in=ids))
            counts["observations deleted"] += Observation.objects.filter(pk__in=ids).delete()[1].get(
                Observation._meta.label, 0)
    # fines anonymises a case (marker in holder_name); the scan car's record of it follows here.
    for ids in batches(not_anonymised(Observation.objects.filter(case__holder_name=MARKER))):
        with transaction.atomic():
            delete_with_files(ObservationPhoto.objects.filter(observation_id__in=ids))
            counts["case observations anonymised"] += Observation.objects.filter(pk__in=ids).update(
                plate=plate_marker(), place="")
    return counts


def anonymise_sessions(session_ids: list[int]) -> int:
    """Overwrite the plate, the phone and the account of these sessions and scrub the messages they came from."""
    sessions = ParkingSession.objects.filter(pk__in=session_ids)
    uuids = list(sessions.values_list("uuid", flat=True))
    inbox_ids = list(sessions.exclude(inbox=None).values_list("inbox_id", flat=True))
    _scrub_inbox(Inbox.objects.filter(Q(pk__in=inbox_ids) | Q(parking_id__in=uuids)))
    return sessions.update(plate=plate_marker(), phone="", citizen=None)


def _ended_before(cutoff: datetime.datetime):
    return not_anonymised(ParkingSession.objects.exclude(status=SessionStatus.ACTIVE)
                          .annotate(ended=Coalesce("ends_at", "starts_at")).filter(ended__lt=cutoff))


def _anonymise_ended(queryset) -> dict:
    count = 0
    for ids in batches(queryset):
        with transaction.atomic():
            count += anonymise_sessions(ids)
    return {"sessions anonymised": count}


def anonymise_paid_sessions(cutoff: datetime.datetime) -> dict:
    return _anonymise_ended(_ended_before(cutoff).filter(price__gt=0))


def anonymise_free_sessions(cutoff: datetime.datetime) -> dict:
    return _anonymise_ended(_ended_before(cutoff).filter(price=0))


def delete_old_messages(cutoff: datetime.datetime) -> dict:
    """Processed messages that made no session (a stop command, a refused parking): a retry never comes this late."""
    sessions = ParkingSession.objects.filter(Q(inbox=OuterRef("pk")) | Q(uuid=OuterRef("parking_id")))
    rows = Inbox.objects.filter(processed_at__lt=cutoff).annotate(has_session=Exists(sessions)).filter(has_session=False)
    deleted = 0
    for ids in batches(rows):
        deleted += Inbox.objects.filter(pk__in=ids).delete()[1].get(Inbox._meta.label, 0)
    return {"messages deleted": deleted}


retention.register(retention.Job("observations", "RETENTION_OBSERVATION_DAYS", "days", delete_compliant_observations))
retention.register(retention.Job("paid-sessions", "RETENTION_PAID_SESSION_YEARS", "years", anonymise_paid_sessions))
# At least the longest term of a retribution's procedure before reminders, so an objection can still be checked.
retention.register(retention.Job("free-sessions", "RETENTION_FREE_SESSION_DAYS", "days", anonymise_free_sessions,
                                 minimum=90))
retention.register(retention.Job("inbox", "RETENTION_INBOX_DAYS", "days", delete_old_messages))
