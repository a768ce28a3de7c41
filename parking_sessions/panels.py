"""What "Mijn loket" shows of parking: the sessions a citizen sees (their own, and those on their plates from every
channel), as rows for the panel and the list page, in a fixed number of queries.

Sessions tied to another account stay private to it, even on a plate this citizen also registered; a session on the
citizen's plate that no account holds (an SMS from an unverified phone, a parking app) shows from the moment the
vehicle was added to the account, so adding someone else's plate does not reveal where that car parked before.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register
from eloket.city.models import Tariff

from . import pricing, web
from .models import Channel, ParkingSession, SessionStatus

SHOWN_ON_PANEL = 5


def visible_sessions(user, vehicles=None):
    """Sessions tied to the account (any channel), and sessions on the citizen's own plates that no account holds
    (an SMS from an unverified phone, a parking app), from the moment the vehicle was added to the account."""
    vehicles = list(user.vehicles.all()) if vehicles is None else vehicles
    on_plates = Q(pk__in=[])
    for vehicle in vehicles:
        on_plates |= Q(plate=vehicle.plate, country=vehicle.country, starts_at__gte=vehicle.created)
    return ParkingSession.objects.filter(Q(citizen=user) | (Q(citizen__isnull=True) & on_plates))


def disc_ends(rows: list[ParkingSession]) -> dict[int, datetime.datetime]:
    """Until when each disc without an end is valid, in at most three queries whatever the number of rows."""
    open_discs = [row for row in rows if row.is_disc and row.ends_at is None]
    if not open_discs:
        return {}
    tariffs: dict[int, list[Tariff]] = {}
    for tariff in (Tariff.objects.filter(zone_id__in={row.zone_id for row in open_discs})
                   .prefetch_related("hours").order_by("-valid_from")):
        tariffs.setdefault(tariff.zone_id, []).append(tariff)
    holidays = web.holidays_from(min(timezone.localdate(row.starts_at) for row in open_discs))
    ends = {}
    for row in open_discs:
        day = timezone.localdate(row.starts_at)
        tariff = next((t for t in tariffs.get(row.zone_id, []) if t.is_in_force(day)), None)
        ends[row.pk] = pricing.disc_until(row.starts_at, pricing.rules_for(tariff) if tariff else None, holidays=holidays)
    return ends


# What a session's state means for the citizen, one word or two.
STATE_WORDS = {
    "awaiting": _("Waiting for the payment"),
    "planned": _("Starts later"),
    "running": _("Running"),
    "ended": _("Ended"),
    "unused": _("Not used"),
    "cancelled": _("Cancelled"),
}


@dataclass(frozen=True)
class Row:
    session: ParkingSession
    state: str
    ends_at: datetime.datetime | None
    # Started here by this citizen: the only sessions they can act on; the others are read-only.
    is_own: bool

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def cost(self) -> Decimal | None:
        """The price, or None while an open-ended session runs (it is priced when it ends)."""
        if self.state in ("cancelled", "awaiting") or (self.state == "running" and self.session.ends_at is None
                                                        and not self.session.is_disc):
            return None
        return self.session.price


def state(session: ParkingSession, ends_at, now) -> str:
    if session.status == SessionStatus.CANCELLED:
        return "cancelled"
    if session.status == SessionStatus.AWAITING_PAYMENT:
        return "awaiting"
    if session.status == SessionStatus.ENDED:
        return "unused" if session.ends_at == session.starts_at and not session.is_disc else "ended"
    if ends_at is not None and ends_at <= now:
        return "ended"
    return "planned" if session.starts_at > now and not session.is_disc else "running"


def rows(user, page: list[ParkingSession], now=None) -> list[Row]:
    """The sessions as the citizen's lists show them; at most three queries more (for discs without an end)."""
    now = now or timezone.now()
    discs = disc_ends(page)
    result = []
    for session in page:
        ends_at = session.ends_at or discs.get(session.pk)
        result.append(Row(session, state(session, ends_at, now), ends_at,
                          session.channel == Channel.WEB and session.citizen_id == user.pk))
    return result


def _panel(request):
    vehicles = list(request.user.vehicles.all())
    latest = list(visible_sessions(request.user, vehicles).select_related("zone", "operator")
                  .order_by("-starts_at", "-pk")[:SHOWN_ON_PANEL])
    return {"rows": rows(request.user, latest), "has_vehicles": bool(vehicles)}


register(Panel("parking", _("Parking"), "parking_sessions/panels/sessions.html", order=25, context=_panel))
