"""The "Appointments" panel on Mijn loket: the citizen's upcoming appointments, in one query."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

from .booking import OPEN
from .models import Appointment

SHOWN_ON_PANEL = 5


def upcoming(user, now=None):
    """The citizen's appointments still to come (booked, or waiting for the email confirmation), soonest first."""
    return (Appointment.objects.filter(citizen=user, status__in=OPEN, ends_at__gt=now or timezone.now())
            .select_related("location", "topic").order_by("starts_at", "pk"))


def _panel(request):
    return {"appointments": list(upcoming(request.user)[:SHOWN_ON_PANEL])}


register(Panel("appointments", _("Appointments"), "appointments/panels/appointments.html", order=35, context=_panel))
