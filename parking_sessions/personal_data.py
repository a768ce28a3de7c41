"""A citizen's parking sessions, for the data export, and what deleting the account does with them.

A session is a parking right for a plate: scan cars and objections still need it after the account is gone, and a
paid one is in the accounts with the parking apps. Deleting the account unlinks the sessions; they are anonymised on
the sessions' own retention (retention.py).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.registry import Plan, Provider, Section, register

from .models import ParkingSession


def export_sessions(user) -> Section:
    """One query."""
    sessions = ParkingSession.objects.filter(citizen=user).select_related("zone").order_by("starts_at", "pk")
    return Section([{"id": str(session.uuid), "number_plate": session.plate_display, "country": session.country,
                     "zone": session.zone.code, "channel": session.get_channel_display(), "starts": session.starts_at,
                     "ends": session.ends_at, "parking_disc": session.is_disc, "status": session.get_status_display(),
                     "price_eur": session.price, "phone": session.phone} for session in sessions])


def plan_sessions(user) -> Plan:
    if not ParkingSession.objects.filter(citizen=user).exists():
        return Plan()
    return Plan(kept=[_("Your parking sessions stay without a link to your account: scan cars and objections need "
                        "them. Their number plates are removed %(days)d days after they end, or %(years)d years for paid "
                        "sessions, which are in the city's accounts.") % {
        "days": settings.RETENTION_FREE_SESSION_DAYS, "years": settings.RETENTION_PAID_SESSION_YEARS}])


def erase_sessions(user) -> dict:
    return {"sessions unlinked": ParkingSession.objects.filter(citizen=user).update(citizen=None)}


register(Provider("parking_sessions", gettext_lazy("Parking sessions"), export=export_sessions, erase=erase_sessions,
                  plan=plan_sessions, order=60))
