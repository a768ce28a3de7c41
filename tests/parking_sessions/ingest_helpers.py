"""Inbox rows as the APIs store them, without enqueueing them, for the ingestion tests."""

import datetime
import uuid
import zoneinfo

from parking_sessions import operators, sms
from parking_sessions.models import Inbox, InboxKind, Operator

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def tuesday(hour: int, minute: int = 0) -> datetime.datetime:
    # 10 March 2026 is an ordinary Tuesday: paid hours 9:00-18:00 in C1 (one free hour a day), no public holiday.
    return datetime.datetime(2026, 3, 10, hour, minute, tzinfo=BRUSSELS)


def parking(operator: Operator, plate: str, start: datetime.datetime, minutes: int, zone: str = "C1") -> Inbox:
    """An operator's new parking, as POST parking/ stores it."""
    payload = operators.clean({"registration_number": plate, "time_start": start,
                               "time_end": start + datetime.timedelta(minutes=minutes), "zone": zone})
    parking_id = uuid.uuid4()
    return Inbox.objects.create(kind=InboxKind.PARKING_CREATE, source=operators.source(operator),
                                external_id=str(parking_id), operator=operator, parking_id=parking_id, payload=payload)


def inbound(body: str, phone: str, at: datetime.datetime) -> Inbox:
    """An inbound SMS received at `at`, as POST sms/inbound stores it."""
    message_id = uuid.uuid4().hex
    row, _created = sms.accept(message_id, {"message_id": message_id, "from": phone, "to": "4411", "body": body})
    Inbox.objects.filter(pk=row.pk).update(received_at=at)
    row.refresh_from_db()
    return row
