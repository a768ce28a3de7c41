"""Retention of appointments: RETENTION_APPOINTMENT_DAYS after an appointment, the citizen's details are overwritten.

What stays (location, topic, time, status, channel) is what the counter's statistics need; the name, email, phone,
answers (which may hold a plate or a notice number), the link to an account and to a permit or case, and the notes go.
"""

import datetime

from django.db import transaction

from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER, batches

from .models import Appointment, AppointmentEvent


def anonymise(appointment_ids: list[int]) -> int:
    AppointmentEvent.objects.filter(appointment_id__in=appointment_ids).exclude(note="").exclude(note=MARKER).update(
        note=MARKER)
    appointments = Appointment.objects.filter(pk__in=appointment_ids)
    appointments.exclude(cancel_reason="").update(cancel_reason=MARKER)
    return appointments.exclude(name=MARKER).update(name=MARKER, email="", phone="", answers={}, citizen=None,
                                                    remind_by_sms=False, link_id=None)


def anonymise_past(cutoff: datetime.datetime) -> dict:
    count = 0
    for ids in batches(Appointment.objects.filter(ends_at__lt=cutoff).exclude(name=MARKER)):
        with transaction.atomic():
            count += anonymise(ids)
    return {"appointments anonymised": count}


retention.register(retention.Job("appointments", "RETENTION_APPOINTMENT_DAYS", "days", anonymise_past))
