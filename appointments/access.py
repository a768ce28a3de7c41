"""Who may see and change an appointment on the citizen side.

The account that booked it may; so may a browser that opened a signed link from the email (it proves the mailbox).
A guest's browser that just booked may see the appointment (the done page, the .ics) but not change or confirm it:
only the email link does that. Only ids are kept in the session, never a token. Anybody else gets a 404.
"""

from django.http import Http404

from .models import Appointment

OPENED = "appointments_opened"
BOOKED_HERE = "appointments_booked_here"
# A browser remembers the last appointments it opened; older ones need the link again.
REMEMBERED = 20


def _remember(request, key: str, appointment: Appointment) -> None:
    kept = [pk for pk in request.session.get(key, []) if pk != appointment.pk]
    request.session[key] = [appointment.pk, *kept][:REMEMBERED]


def opened_by_link(request, appointment: Appointment) -> None:
    _remember(request, OPENED, appointment)


def booked_here(request, appointment: Appointment) -> None:
    _remember(request, BOOKED_HERE, appointment)


def is_own(request, appointment: Appointment) -> bool:
    return request.user.is_authenticated and appointment.citizen_id == request.user.pk


def may_manage(request, appointment: Appointment) -> bool:
    """Reschedule, cancel or confirm: the owner's account, or a browser that opened the email's link."""
    return is_own(request, appointment) or appointment.pk in request.session.get(OPENED, [])


def may_see(request, appointment: Appointment) -> bool:
    return may_manage(request, appointment) or appointment.pk in request.session.get(BOOKED_HERE, [])


def appointment_for(request, pk: int, *, manage: bool = False) -> Appointment:
    """The appointment with its location and topic, or a 404 when this request may not see (or change) it."""
    appointment = Appointment.objects.select_related("location", "topic").filter(pk=pk).first()
    if appointment is None or not (may_manage(request, appointment) if manage else may_see(request, appointment)):
        raise Http404
    return appointment
