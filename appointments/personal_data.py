"""A citizen's appointments, for the data export, and what deleting the account does with them.

Deleting the account cancels the appointments still to come (giving their places back) and anonymises all of them.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.registry import Plan, Provider, Section, register

from . import booking, retention
from .models import Appointment


def export_appointments(user) -> Section:
    """Two queries: appointments with location and topic, and their history."""
    appointments = (Appointment.objects.filter(citizen=user).select_related("location", "topic")
                    .prefetch_related("events").order_by("starts_at", "pk"))
    return Section([{
        "reference": appointment.reference, "location": str(appointment.location), "topic": str(appointment.topic),
        "starts": appointment.starts_at, "ends": appointment.ends_at, "status": appointment.get_status_display(),
        "name": appointment.name, "email": appointment.email, "phone": appointment.phone,
        "reminder_by_sms": appointment.remind_by_sms, "answers": appointment.answers,
        "booked_through": appointment.get_channel_display(), "booked": appointment.created,
        "reason_for_cancelling": appointment.cancel_reason,
        "history": [{"at": event.at, "from": event.get_from_status_display(), "to": event.get_to_status_display(),
                     "note": event.note} for event in appointment.events.all()],
    } for appointment in appointments])


def plan_appointments(user) -> Plan:
    if not Appointment.objects.filter(citizen=user).exists():
        return Plan()
    plan = Plan(deleted=[_("Your name, email, phone number and answers on your appointments.")])
    if Appointment.objects.filter(citizen=user, status__in=booking.OPEN, ends_at__gt=timezone.now()).exists():
        plan.deleted.append(_("Your appointments still to come are cancelled."))
    return plan


def erase_appointments(user) -> dict:
    cancelled = 0
    coming = Appointment.objects.filter(citizen=user, status__in=booking.OPEN, ends_at__gt=timezone.now())
    for appointment in coming.order_by("pk"):
        booking.cancel(appointment, by_city=True, actor=user, reason=_("The citizen deleted their account."))
        cancelled += 1
    ids = list(Appointment.objects.filter(citizen=user).values_list("pk", flat=True))
    return {"cancelled": cancelled, "anonymised": retention.anonymise(ids) if ids else 0}


register(Provider("appointments", gettext_lazy("Appointments"), export=export_appointments, erase=erase_appointments,
                  plan=plan_appointments, order=70))
