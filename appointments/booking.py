"""Booking, confirming, rescheduling, cancelling and closing appointments: every status change goes through here.

Capacity lives in the database: a booking inserts the slot row if it is new, then raises `booked` with a
conditional UPDATE (`booked < capacity`, not blocked). PostgreSQL locks the row for that UPDATE, so when two
citizens take the last place at once one of them finds the slot full; the check constraint catches any other path.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notices, slots
from .models import Appointment, AppointmentEvent, AppointmentStatus, Channel, Counter, Location, Slot, Topic


def confirm_within() -> datetime.timedelta:
    """How long a guest has to click the confirmation link before the place is given back."""
    return datetime.timedelta(minutes=settings.APPOINTMENT_CONFIRM_MINUTES)

OPEN = (AppointmentStatus.UNCONFIRMED, AppointmentStatus.BOOKED)


class BookingError(Exception):
    """A booking or change that cannot be made; the message says why in the user's language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Booker:
    """Who the appointment is for: an account, or a guest with a name and email (or phone, when staff book)."""

    citizen: object = None
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "nl"
    remind_by_sms: bool = False
    answers: dict = field(default_factory=dict)
    link_kind: str = ""
    link_id: int | None = None


def _event(appointment: Appointment, from_status: str, actor=None, note: str = "") -> None:
    AppointmentEvent.objects.create(appointment=appointment, from_status=from_status, to_status=appointment.status,
                                    actor=actor, note=note)


def _take_place(location: Location, topic: Topic, starts_at: datetime.datetime) -> Slot:
    """Raise the slot's count by one, or BookingError when it is full or blocked. Call inside a transaction."""
    ends_at = starts_at + datetime.timedelta(minutes=topic.duration_minutes)
    Slot.objects.bulk_create([Slot(location=location, topic=topic, starts_at=starts_at, ends_at=ends_at,
                                   capacity=topic.capacity)], ignore_conflicts=True)
    taken = (Slot.objects.filter(location=location, topic=topic, starts_at=starts_at, blocked=False,
                                 booked__lt=F("capacity"))
             .update(booked=F("booked") + 1))
    if not taken:
        raise BookingError(_("Sorry, this time has just been taken. Choose another time."), "full")
    return Slot.objects.get(location=location, topic=topic, starts_at=starts_at)


def _give_back(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def pick_counter(location: Location, topic: Topic, starts_at: datetime.datetime,
                 ends_at: datetime.datetime) -> Counter | None:
    """The active counter for this topic with the fewest overlapping appointments (first by name on a tie)."""
    overlapping = Q(appointments__starts_at__lt=ends_at, appointments__ends_at__gt=starts_at,
                    appointments__status__in=OPEN)
    return (Counter.objects.filter(location=location, active=True)
            .filter(Q(topics=topic) | Q(topics__isnull=True)).distinct()
            .annotate(busy=Count("appointments", filter=overlapping))
            .order_by("busy", "name").first())


def book(location: Location, topic: Topic, starts_at: datetime.datetime, booker: Booker, *,
         channel: str = Channel.WEB, staff=None, needs_confirmation: bool = False,
         now: datetime.datetime | None = None) -> Appointment:
    """Book a place, or raise BookingError / slots.NotBookable. Staff bookings ignore the online booking window.

    A guest booking online is UNCONFIRMED until the guest clicks the link in the email; it holds its place for
    confirm_within() meanwhile.
    """
    now = now or timezone.now()
    slots.check_start(location, topic, starts_at, now, ignore_window=staff is not None)
    with transaction.atomic():
        slot = _take_place(location, topic, starts_at)
        appointment = Appointment.objects.create(
            slot=slot, location=location, topic=topic, starts_at=slot.starts_at, ends_at=slot.ends_at,
            counter=pick_counter(location, topic, slot.starts_at, slot.ends_at),
            status=AppointmentStatus.UNCONFIRMED if needs_confirmation else AppointmentStatus.BOOKED,
            confirmed_at=None if needs_confirmation else now,
            citizen=booker.citizen, name=booker.name, email=booker.email, phone=booker.phone,
            language=booker.language, remind_by_sms=booker.remind_by_sms, answers=booker.answers,
            link_kind=booker.link_kind, link_id=booker.link_id, channel=channel, booked_by=staff)
        _event(appointment, "", staff or booker.citizen)
        if needs_confirmation:
            notices.confirm_email(appointment)
        else:
            notices.booked(appointment)
    return appointment


def confirm(appointment: Appointment, now: datetime.datetime | None = None) -> bool:
    """A guest clicked the confirmation link: True when it is (now or already) booked."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = (Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.UNCONFIRMED)
                   .update(status=AppointmentStatus.BOOKED, confirmed_at=now))
        appointment.refresh_from_db()
        if changed:
            _event(appointment, AppointmentStatus.UNCONFIRMED)
            notices.booked(appointment)
    return appointment.status == AppointmentStatus.BOOKED


def can_change(appointment: Appointment, now: datetime.datetime | None = None) -> bool:
    """Whether the citizen can still reschedule or cancel it online."""
    now = now or timezone.now()
    limit = appointment.starts_at - datetime.timedelta(minutes=appointment.location.change_until_minutes)
    return appointment.status in OPEN and now <= limit


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("location", "topic").get(pk=appointment.pk)


def cancel(appointment: Appointment, *, by_city: bool = False, actor=None, reason: str = "",
           now: datetime.datetime | None = None) -> Appointment:
    """Cancel and give the place back. A citizen can do so only until the location's change limit; the city always
    can, and the citizen is told."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(appointment)
        if current.status not in OPEN:
            raise BookingError(_("This appointment can no longer be cancelled."), "state")
        if not by_city and not can_change(current, now):
            raise BookingError(_("It is too late to cancel this appointment online. Please call us."), "too_late")
        previous = current.status
        current.status = AppointmentStatus.CANCELLED
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancel_reason"])
        _give_back(current.slot_id)
        _event(current, previous, actor, reason)
        if by_city:
            notices.cancelled_by_city(current)
        elif previous == AppointmentStatus.BOOKED:
            notices.cancelled(current)
    return current


def reschedule(appointment: Appointment, starts_at: datetime.datetime, *, actor=None, staff: bool = False,
               now: datetime.datetime | None = None) -> Appointment:
    """Move to another slot of the same topic and location: the new place is taken before the old one is freed."""
    now = now or timezone.now()
    slots.check_start(appointment.location, appointment.topic, starts_at, now, ignore_window=staff)
    with transaction.atomic():
        current = _locked(appointment)
        if not staff and not can_change(current, now):
            raise BookingError(_("It is too late to change this appointment online. Please call us."), "too_late")
        if current.status not in OPEN:
            raise BookingError(_("This appointment can no longer be changed."), "state")
        if starts_at == current.starts_at:
            return current
        old_slot, old_start = current.slot_id, current.starts_at
        slot = _take_place(current.location, current.topic, starts_at)
        _give_back(old_slot)
        current.slot, current.starts_at, current.ends_at = slot, slot.starts_at, slot.ends_at
        current.counter = pick_counter(current.location, current.topic, slot.starts_at, slot.ends_at)
        current.reminded_at = None
        current.save(update_fields=["slot", "starts_at", "ends_at", "counter", "reminded_at"])
        local = timezone.localtime(old_start, slots.brussels())
        _event(current, current.status, actor, _("Moved from %(when)s.") % {"when": f"{local:%d/%m/%Y %H:%M}"})
        if current.status == AppointmentStatus.BOOKED:
            notices.rescheduled(current)
    return current


def close(appointment: Appointment, status: str, *, actor=None, now: datetime.datetime | None = None) -> Appointment:
    """Staff mark a booked appointment attended or no-show, from the day it takes place."""
    now = now or timezone.now()
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        raise ValueError(status)
    with transaction.atomic():
        current = _locked(appointment)
        if current.status != AppointmentStatus.BOOKED:
            raise BookingError(_("Only a booked appointment can be marked attended or no-show."), "state")
        if timezone.localdate(now, slots.brussels()) < timezone.localdate(current.starts_at, slots.brussels()):
            raise BookingError(_("An appointment can be marked only from its day on."), "too_early")
        current.status = status
        current.save(update_fields=["status"])
        _event(current, AppointmentStatus.BOOKED, actor)
    return current


def block(location: Location, topic: Topic, starts_at: datetime.datetime, *, reason: str, actor=None) -> list[Appointment]:
    """Block a slot so nobody can book it; appointments already in it are cancelled by the city and told so."""
    ends_at = starts_at + datetime.timedelta(minutes=topic.duration_minutes)
    with transaction.atomic():
        Slot.objects.bulk_create([Slot(location=location, topic=topic, starts_at=starts_at, ends_at=ends_at,
                                       capacity=topic.capacity)], ignore_conflicts=True)
        slot = Slot.objects.select_for_update().get(location=location, topic=topic, starts_at=starts_at)
        slot.blocked, slot.blocked_reason = True, reason
        slot.save(update_fields=["blocked", "blocked_reason"])
        affected = list(slot.appointments.filter(status__in=OPEN))
        for appointment in affected:
            cancel(appointment, by_city=True, actor=actor, reason=reason)
    return affected


def unblock(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk).update(blocked=False, blocked_reason="")


def expire_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Beat: guest bookings not confirmed in time give their place back."""
    now = now or timezone.now()
    expired = 0
    for pk in Appointment.objects.filter(status=AppointmentStatus.UNCONFIRMED,
                                         created__lt=now - confirm_within()).values_list("pk", flat=True):
        with transaction.atomic():
            current = Appointment.objects.select_for_update().get(pk=pk)
            if current.status != AppointmentStatus.UNCONFIRMED:
                continue
            current.status = AppointmentStatus.CANCELLED
            current.cancel_reason = _("Not confirmed in time.")
            current.save(update_fields=["status", "cancel_reason"])
            _give_back(current.slot_id)
            _event(current, AppointmentStatus.UNCONFIRMED, note=current.cancel_reason)
            expired += 1
    return expired
