"""The citizen's own parking sessions on the website: the rules for starting, extending, stopping and paying them
(which sessions a citizen sees is in panels.py).

A paid zone's web session is paid before it counts: it is written AWAITING_PAYMENT and becomes ACTIVE once, when its
payment is paid (ParkingSession.on_payment_paid → payment_paid). With nothing to pay (the free first hour, outside the
paid hours) it is ACTIVE at once. A blue zone starts a free digital parking disc that ends by itself when the disc's
time is up. An extension is a follow-on session from the end of the stay, priced and paid the same way; a stay never
grows beyond the zone's maximum. Stopping early ends the stay now and gives back what was paid for the time not used,
like an SMS or app session that costs what was parked (the session's price is set to what the stay cost by
sessions.stop_session; the difference goes back to the account it was paid from).

Sessions are written by sessions.py only; the status moves of paying (awaiting → active, awaiting → cancelled) are
conditional updates here.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts.models import Vehicle
from eloket.city.models import PublicHoliday, Zone, ZoneKind
from eloket.payments.models import Payment, PaymentMethod, PaymentStatus

from . import pricing, sessions
from .models import Channel, ParkingSession, SessionStatus
from .refusals import SessionRefused

logger = logging.getLogger(__name__)

# Zones where a session can be started here; a resident zone's visitors use visitor hours or a paper disc.
WEB_ZONE_KINDS = (ZoneKind.PAID, ZoneKind.BLUE)
# What the start form offers (minutes); a choice past the zone's maximum stay is refused with the maximum.
DURATIONS = (30, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720)
EXTENSIONS = (30, 60, 90, 120, 180, 240)
# A prepaid stay bought here ends within a day; for longer stays there are resident cards and car parks.
MAX_STAY = datetime.timedelta(hours=24)


class Blocked(SessionRefused):
    """Refused because of another session of the citizen's, which the page links to."""

    def __init__(self, message, code: str, session: ParkingSession):
        super().__init__(message, code)
        self.session = session


@dataclass(frozen=True)
class Preview:
    """What starting (or extending) would give: the period, the price and how it was reached."""

    zone: Zone
    plate: str
    country: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    amount: Decimal
    paid_minutes: int = 0
    free_minutes: int = 0
    is_disc: bool = False

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


# --- What a citizen sees -------------------------------------------------------------------------

def own_web_sessions(user):
    """The sessions the citizen started here: the only ones they can pay, extend, stop or cancel."""
    return ParkingSession.objects.filter(citizen=user, channel=Channel.WEB)


# --- Starting ------------------------------------------------------------------------------------

def _tariff_rules(zone: Zone, at: datetime.datetime):
    try:
        return pricing.rules_for(pricing.tariff_in_force(zone, at))
    except SessionRefused:
        return None


def holidays_from(day: datetime.date) -> frozenset:
    return frozenset(PublicHoliday.objects.filter(date__gte=day).values_list("date", flat=True))


def at_the_minute(now: datetime.datetime | None = None) -> datetime.datetime:
    """A web session starts at the minute (as pricing counts it), so its end and extensions fall on whole minutes."""
    return (now or timezone.now()).replace(second=0, microsecond=0)


def end_for(now: datetime.datetime, *, minutes: int | None = None, until: datetime.time | None = None):
    """The end of a stay that starts now: after a number of minutes, or at a clock time today."""
    if until is not None:
        local = timezone.localtime(now)
        end = local.replace(hour=until.hour, minute=until.minute, second=0, microsecond=0)
        if end <= local:
            raise SessionRefused(_("Choose an end time later than now (%(now)s).") % {"now": local.strftime("%H:%M")},
                                 "invalid_time_end")
        return end
    if not minutes or minutes <= 0:
        raise SessionRefused(_("Choose how long you park."), "invalid_time_end")
    return now + datetime.timedelta(minutes=minutes)


def _check_zone(zone: Zone) -> None:
    if zone is None or not zone.is_active or zone.kind not in WEB_ZONE_KINDS:
        raise SessionRefused(_("You cannot start a session in this zone here."), "unknown_zone")


def _check_free_to_start(user, vehicle: Vehicle, zone: Zone, now: datetime.datetime) -> None:
    """One unpaid session per plate at a time, and no second session where one already runs for the plate."""
    unpaid = (own_web_sessions(user).filter(plate=vehicle.plate, country=vehicle.country,
                                            status=SessionStatus.AWAITING_PAYMENT, ends_at__gt=now)
              .select_related("zone").first())
    if unpaid is not None:
        raise Blocked(_("A session for this vehicle is waiting for its payment. Pay it or cancel it first."),
                      "unpaid_session", unpaid)
    # A disc shows the half hour after the arrival, so a disc started a moment ago begins up to half an hour from now.
    running = (ParkingSession.objects.filter(plate=vehicle.plate, country=vehicle.country, zone=zone,
                                             status=SessionStatus.ACTIVE, starts_at__lte=now + sessions.DISC_STEP)
               .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)).order_by("-starts_at").first())
    if running is None:
        return
    if running.citizen_id == user.pk and running.channel == Channel.WEB:
        raise Blocked(_("A session for this vehicle already runs in this zone. Extend it instead."),
                      "already_running", running)
    raise SessionRefused(_("A session for this vehicle already runs in this zone (started by SMS or in a parking app)."),
                         "already_running")


def preview(user, zone: Zone, vehicle: Vehicle, end: datetime.datetime | None, now: datetime.datetime | None = None
            ) -> Preview:
    """The price and period of starting now, as start() would write it; raises SessionRefused with the reason."""
    now = at_the_minute(now)
    _check_zone(zone)
    _check_free_to_start(user, vehicle, zone, now)
    if zone.kind == ZoneKind.BLUE:
        disc = sessions.disc_time(now)
        until = pricing.disc_until(disc, _tariff_rules(zone, now), holidays=holidays_from(timezone.localdate(now)))
        return Preview(zone, vehicle.plate, vehicle.country, disc, until, pricing.ZERO, is_disc=True)
    end = end.replace(second=0, microsecond=0) if end is not None else None
    if end is None or end <= now:
        raise SessionRefused(_("Choose how long you park."), "invalid_time_end")
    if end - now > MAX_STAY:
        raise SessionRefused(_("A session bought here lasts at most 24 hours."), "max_duration")
    # The maximum is checked here, to say until when the citizen may stay.
    quote = pricing.quote(zone, now, end, plate=vehicle.plate, country=vehicle.country, check_max=False)
    if quote.max_end is not None and end > quote.max_end:
        raise _beyond_max(quote.max_end)
    return Preview(zone, vehicle.plate, vehicle.country, now, end, quote.amount, quote.paid_minutes, quote.free_minutes)


def _beyond_max(max_end: datetime.datetime) -> SessionRefused:
    return SessionRefused(_("In this zone you may stay until %(time)s at the latest: that is the maximum stay.")
                          % {"time": timezone.localtime(max_end).strftime("%d/%m %H:%M")}, "max_duration")


def start(user, zone: Zone, vehicle: Vehicle, end: datetime.datetime | None, now: datetime.datetime | None = None
          ) -> ParkingSession:
    """Start a session now: a disc in a blue zone; in a paid zone a session that waits for its payment when it costs
    something, and is active at once when it does not."""
    now = at_the_minute(now)
    with transaction.atomic():
        # One start at a time per vehicle, so two clicks never make two sessions.
        if Vehicle.objects.select_for_update().filter(pk=vehicle.pk, owner=user).first() is None:
            raise SessionRefused(_("Choose one of your own vehicles."), "invalid_plate")
        planned = preview(user, zone, vehicle, end, now)
        session = sessions.start_session(plate=vehicle.plate, country=vehicle.country, zone=zone, channel=Channel.WEB,
                                         starts_at=now, ends_at=planned.ends_at, citizen=user)
        _await_payment_if_due(session)
    return session


def _await_payment_if_due(session: ParkingSession) -> None:
    # start_session writes ACTIVE; a paid session is no right to park until paid, and no one sees it before commit.
    if session.price > 0:
        ParkingSession.objects.filter(pk=session.pk).update(status=SessionStatus.AWAITING_PAYMENT)
        session.status = SessionStatus.AWAITING_PAYMENT


# --- A stay: a session and its extensions --------------------------------------------------------

@dataclass
class Stay:
    """A web session and the extensions that follow it without a gap, oldest first."""

    sessions: list[ParkingSession]

    @property
    def first(self) -> ParkingSession:
        return self.sessions[0]

    @property
    def last(self) -> ParkingSession:
        return self.sessions[-1]

    @property
    def starts_at(self):
        return self.first.starts_at

    @property
    def ends_at(self):
        return self.last.ends_at

    @property
    def unpaid(self) -> ParkingSession | None:
        return next((s for s in self.sessions if s.status == SessionStatus.AWAITING_PAYMENT), None)

    def is_running(self, now) -> bool:
        return any(s.status == SessionStatus.ACTIVE and (s.ends_at is None or s.ends_at > now) for s in self.sessions)


def stay_of(session: ParkingSession) -> Stay:
    """The session with the web sessions of the same citizen, plate and zone that join it end to start."""
    if session.channel != Channel.WEB or session.citizen_id is None or session.is_disc:
        return Stay([session])
    window = (session.starts_at - MAX_STAY - MAX_STAY, (session.ends_at or session.starts_at) + MAX_STAY + MAX_STAY)
    near = list(ParkingSession.objects.filter(
        citizen_id=session.citizen_id, channel=Channel.WEB, plate=session.plate, country=session.country,
        zone_id=session.zone_id, starts_at__range=window).exclude(status=SessionStatus.CANCELLED)
        .select_related("zone").order_by("starts_at", "pk"))
    by_start = {s.starts_at: s for s in near if s.pk != session.pk}
    by_end = {s.ends_at: s for s in near if s.pk != session.pk and s.ends_at is not None}
    chain = [session]
    while chain[0].starts_at in by_end and len(chain) < len(near) + 1:
        chain.insert(0, by_end.pop(chain[0].starts_at))
    while chain[-1].ends_at in by_start and len(chain) < len(near) + 1:
        chain.append(by_start.pop(chain[-1].ends_at))
    return Stay(chain)


def latest_end(stay: Stay) -> datetime.datetime:
    """The latest end the zone's maximum stay (and this site's 24 hours) allow for the stay."""
    first = stay.first
    limit = first.starts_at + MAX_STAY
    quote = pricing.quote(first.zone, first.starts_at, first.starts_at, plate=first.plate, country=first.country)
    return min(limit, quote.max_end) if quote.max_end is not None else limit


def _check_extendable(stay: Stay, now) -> None:
    last = stay.last
    if last.is_disc or last.zone.kind != ZoneKind.PAID or last.channel != Channel.WEB:
        raise SessionRefused(_("Only a session in a paid zone that you started here can be extended."), "not_extendable")
    if stay.unpaid is not None:
        raise Blocked(_("An extension of this session is waiting for its payment. Pay it or cancel it first."),
                      "unpaid_session", stay.unpaid)
    if last.status != SessionStatus.ACTIVE or last.ends_at is None or last.ends_at <= now:
        raise SessionRefused(_("This session has ended and can no longer be extended."), "not_extendable")


def extension_preview(stay: Stay, minutes: int, now=None, latest=None) -> Preview:
    """The follow-on period of `minutes` from the end of the stay and its price; never past the maximum stay."""
    now = now or timezone.now()
    _check_extendable(stay, now)
    if minutes not in EXTENSIONS:
        raise SessionRefused(_("Choose how long you want to extend."), "invalid_time_end")
    last = stay.last
    end = last.ends_at + datetime.timedelta(minutes=minutes)
    latest = latest or latest_end(stay)
    if end > latest:
        raise _beyond_max(latest)
    quote = pricing.quote(last.zone, last.ends_at, end, plate=last.plate, country=last.country, check_max=False)
    return Preview(last.zone, last.plate, last.country, last.ends_at, end, quote.amount, quote.paid_minutes,
                   quote.free_minutes)


def can_extend(stay: Stay, now=None) -> bool:
    """Whether the shortest extension still fits in the maximum stay."""
    now = now or timezone.now()
    try:
        _check_extendable(stay, now)
    except SessionRefused:
        return False
    return stay.last.ends_at + datetime.timedelta(minutes=EXTENSIONS[0]) <= latest_end(stay)


def extension_choices(stay: Stay, now=None) -> list[Preview]:
    """Every extension the maximum stay still allows, each with its price."""
    now = now or timezone.now()
    try:
        _check_extendable(stay, now)
        latest = latest_end(stay)
    except SessionRefused:
        return []
    allowed = [m for m in EXTENSIONS if stay.last.ends_at + datetime.timedelta(minutes=m) <= latest]
    return [extension_preview(stay, minutes, now, latest) for minutes in allowed]


def extend(user, session: ParkingSession, minutes: int, now=None) -> ParkingSession:
    """Add a follow-on session to the stay; it waits for its payment like a new one."""
    now = now or timezone.now()
    with transaction.atomic():
        ParkingSession.objects.select_for_update().filter(pk=session.pk, citizen=user).first()
        stay = stay_of(ParkingSession.objects.select_related("zone").get(pk=session.pk))
        planned = extension_preview(stay, minutes, now)
        follow_on = sessions.start_session(plate=planned.plate, country=planned.country, zone=planned.zone,
                                           channel=Channel.WEB, starts_at=planned.starts_at, ends_at=planned.ends_at,
                                           citizen=user)
        _await_payment_if_due(follow_on)
    return follow_on


# --- Money ---------------------------------------------------------------------------------------

def paid_payment(session: ParkingSession) -> Payment | None:
    return (Payment.objects.filter(content_type=ContentType.objects.get_for_model(ParkingSession), object_id=session.pk,
                                   status=PaymentStatus.PAID, method=PaymentMethod.ONLINE)
            .order_by("-paid_at", "-pk").first())


def cost_so_far(session: ParkingSession, now=None) -> Decimal:
    """What the session has cost until now (or its end): what stopping it now would charge."""
    now = now or timezone.now()
    if session.status == SessionStatus.ENDED:
        return session.price
    if session.is_disc or session.status != SessionStatus.ACTIVE:
        return pricing.ZERO
    end = min(now, session.ends_at) if session.ends_at is not None else now
    return pricing.quote(session.zone, session.starts_at, max(end, session.starts_at), plate=session.plate,
                         country=session.country, exclude_session=session, check_max=False).amount


def refund_if_stopped(stay: Stay, now=None) -> Decimal:
    """What stopping the stay now gives back: what was paid less what the time parked costs."""
    from eloket.payments.sync import refundable

    now = now or timezone.now()
    total = pricing.ZERO
    for session in stay.sessions:
        payment = paid_payment(session) if session.status == SessionStatus.ACTIVE else None
        if payment is not None:
            total += max(refundable(payment) - cost_so_far(session, now), pricing.ZERO)
    return total


def _refund_after_commit(payment: Payment, amount: Decimal, reason: str, actor) -> None:
    from eloket.payments.gateway import GatewayError
    from eloket.payments.start import RefundNotPossible, start_refund

    def refund():
        try:
            start_refund(payment, amount=amount, reason=reason, actor=actor)
        except (RefundNotPossible, GatewayError) as error:
            # The payment's history holds the failed attempt; staff refund it from the payment admin.
            logger.warning("Refund for parking session payment %s not started: %s", payment.pk, type(error).__name__)

    transaction.on_commit(refund)


def amount_due(session: ParkingSession, now=None) -> Decimal:
    """A session waiting for its payment costs its price until its period is over; then nothing is due."""
    now = now or timezone.now()
    waiting = session.status == SessionStatus.AWAITING_PAYMENT and session.ends_at is not None and session.ends_at > now
    return session.price if waiting else pricing.ZERO


def payment_description(session: ParkingSession) -> str:
    """The line on the checkout and the bank statement: the zone and the period, never the plate."""
    start, end = timezone.localtime(session.starts_at), session.ends_at and timezone.localtime(session.ends_at)
    return _("Parking in zone %(zone)s, %(day)s %(start)s–%(end)s") % {
        "zone": session.zone.code, "day": start.strftime("%d/%m/%Y"), "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M") if end else "…"}


def payment_paid(session: ParkingSession, payment: Payment) -> None:
    """The session becomes active once; paid for a session that was cancelled meanwhile, all of it goes back."""
    moved = ParkingSession.objects.filter(pk=session.pk, status=SessionStatus.AWAITING_PAYMENT).update(
        status=SessionStatus.ACTIVE, modified=timezone.now())
    if moved:
        return
    from eloket.payments.sync import refundable

    status = ParkingSession.objects.filter(pk=session.pk).values_list("status", flat=True).first()
    paid_twice = (Payment.objects.filter(content_type=ContentType.objects.get_for_model(ParkingSession),
                                         object_id=session.pk, status=PaymentStatus.PAID)
                  .exclude(pk=payment.pk).exists())
    amount = refundable(payment)
    if (status == SessionStatus.CANCELLED or paid_twice) and amount > 0:
        _refund_after_commit(payment, amount, _("Parking session cancelled or paid already before this payment arrived."), None)


def payment_unsuccessful(session: ParkingSession, payment: Payment) -> None:
    """A payment cancelled, expired or refused at the checkout cancels the session; start a new one to try again.
    A payment that never reached the payment service (it was down) leaves the session waiting, to pay again."""
    if payment.mollie_id:
        ParkingSession.objects.filter(pk=session.pk, status=SessionStatus.AWAITING_PAYMENT).update(
            status=SessionStatus.CANCELLED, modified=timezone.now())


# --- Stopping and cancelling ---------------------------------------------------------------------

def stop(user, session: ParkingSession, now=None) -> Decimal:
    """End the stay now: running parts end, parts not begun end empty, unpaid extensions are cancelled; what was paid
    for time not parked goes back. Returns the amount refunded."""
    from eloket.payments.sync import refundable

    now = now or timezone.now()
    refunds = []
    with transaction.atomic():
        stay = stay_of(session)
        locked = list(own_web_sessions(user).select_for_update(of=("self",)).filter(pk__in=[s.pk for s in stay.sessions])
                      .select_related("zone").order_by("starts_at"))
        if not any(s.status == SessionStatus.ACTIVE and (s.ends_at is None or s.ends_at > now) for s in locked):
            raise SessionRefused(_("This session has already ended."), "not_running")
        for part in locked:
            if part.status == SessionStatus.AWAITING_PAYMENT:
                ParkingSession.objects.filter(pk=part.pk).update(status=SessionStatus.CANCELLED, modified=now)
            elif part.status == SessionStatus.ACTIVE:
                ended = sessions.stop_session(part, now)
                payment = paid_payment(ended)
                amount = max(refundable(payment) - ended.price, pricing.ZERO) if payment is not None else pricing.ZERO
                if amount > 0:
                    refunds.append((payment, amount))
        for payment, amount in refunds:
            _refund_after_commit(payment, amount, _("Parking session stopped early: the time not parked."), user)
    return sum((amount for _payment, amount in refunds), pricing.ZERO)


def cancel_unpaid(user, session: ParkingSession) -> bool:
    """Cancel a session (or extension) still waiting for its payment; paid after all, it is refunded in full."""
    return bool(own_web_sessions(user).filter(pk=session.pk, status=SessionStatus.AWAITING_PAYMENT).update(
        status=SessionStatus.CANCELLED, modified=timezone.now()))
