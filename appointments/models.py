"""Appointments at the parking counter: where and when the city receives citizens, and who booked which slot.

A slot exists as a row only once it is booked or blocked; free slots are computed from the opening hours
(`slots.py`). The `Slot.booked <= capacity` constraint is what keeps a slot from ever being overbooked: a
booking raises the count with a conditional UPDATE, so two citizens taking the last place cannot both win.
An appointment's status changes only through the functions in `booking.py`; each change is an `AppointmentEvent`.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eloket.city.models import Weekday
from eloket.history import StatusEvent
from eloket.translated import Translated


class Location(models.Model):
    """A counter building (a city hall, a service desk) with its own hours and booking window."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200)
    directions_nl = models.TextField(_("how to find us (Dutch)"), blank=True)
    directions_en = models.TextField(_("how to find us (English)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    book_ahead_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("How many days ahead citizens can book."))
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=120,
        help_text=_("How long before a slot it can still be booked online."))
    change_until_minutes = models.PositiveIntegerField(
        _("change or cancel until (minutes before)"), default=1440,
        help_text=_("Until how long before the appointment a citizen can reschedule or cancel it online."))

    name = Translated()
    directions = Translated()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name_nl"]

    def __str__(self):
        return self.name


class Topic(models.Model):
    """What a citizen comes for: it sets the length of a slot and how many citizens are seen at once."""

    class Link(models.TextChoices):
        NONE = "", _("nothing")
        PERMIT = "permit", _("a permit")
        CASE = "case", _("a retribution or fine")

    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_nl = models.TextField(_("what to bring (Dutch)"), blank=True)
    description_en = models.TextField(_("what to bring (English)"), blank=True)
    locations = models.ManyToManyField(Location, related_name="topics", verbose_name=_("locations"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=15, validators=[MinValueValidator(5), MaxValueValidator(240)])
    capacity = models.PositiveSmallIntegerField(
        _("citizens at once"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many citizens the counter can see at the same time for this topic."))
    links_to = models.CharField(_("can be linked to"), max_length=10, choices=Link.choices, default=Link.NONE,
                                blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    name = Translated()
    description = Translated()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "name_nl"]

    def __str__(self):
        return self.name


class Question(models.Model):
    """A question a topic asks before booking, so the clerk is prepared."""

    class Kind(models.TextChoices):
        PLATE = "plate", _("number plate")
        NOTICE = "notice", _("notice number")
        TEXT = "text", _("short text")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="questions", verbose_name=_("topic"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label_nl = models.CharField(_("question (Dutch)"), max_length=200)
    label_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    label = Translated()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class Counter(models.Model):
    """A desk at a location; the day agenda is per location and counter."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="counters", verbose_name=_("location"))
    name = models.CharField(_("name"), max_length=60)
    topics = models.ManyToManyField(Topic, related_name="counters", blank=True, verbose_name=_("topics"),
                                    help_text=_("The topics this counter handles; none means all."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["location", "name"]
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="appointments_counter_unique_name")]

    def __str__(self):
        return f"{self.location} – {self.name}"


class OpeningHours(models.Model):
    """One stretch of opening hours on a weekday (several stretches a day make a lunch break)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours", verbose_name=_("location"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True,
                                help_text=_("Last day it applies; empty means open-ended."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["location", "weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="appointments_hours_order")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The last day cannot be before the first day.")})


class SpecialDay(models.Model):
    """A day that differs from the weekly hours: closed (a closure, a holiday the city keeps) or extra hours."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("closed")
        EXTRA = "extra", _("extra hours")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="special_days", verbose_name=_("location"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.CLOSED)
    opens = models.TimeField(_("opens"), null=True, blank=True, help_text=_("Only for extra hours."))
    closes = models.TimeField(_("closes"), null=True, blank=True, help_text=_("Only for extra hours."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception to the hours")
        verbose_name_plural = _("exceptions to the hours")
        ordering = ["location", "date", "opens"]
        constraints = [models.CheckConstraint(
            condition=Q(kind="closed") | Q(opens__isnull=False, closes__isnull=False, closes__gt=F("opens")),
            name="appointments_special_day_hours")]

    def __str__(self):
        if self.kind == self.Kind.CLOSED:
            return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
        return f"{self.date:%d/%m/%Y} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.EXTRA and not (self.opens and self.closes and self.closes > self.opens):
            raise ValidationError(_("Extra hours need an opening time and a later closing time."))


class Slot(models.Model):
    """A booked or blocked time at a location for a topic. `booked` never exceeds `capacity` (database constraint)."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="slots", verbose_name=_("location"))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="slots", verbose_name=_("topic"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["location", "topic", "starts_at"], name="appointments_slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="appointments_slot_capacity"),
        ]
        indexes = [models.Index(fields=["location", "starts_at"])]

    def __str__(self):
        return f"{self.topic} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("waiting for email confirmation")
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not come")


class Channel(models.TextChoices):
    WEB = "web", _("website")
    COUNTER = "counter", _("at the counter")
    PHONE = "phone", _("by phone")


def new_reference() -> str:
    """A short code a citizen can read out at the counter (no 0/O or 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class Appointment(models.Model):
    reference = models.CharField(_("reference"), max_length=8, unique=True, default=new_reference, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot"))
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments",
                                 verbose_name=_("location"))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("topic"))
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments",
                                verbose_name=_("counter"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    # Exactly one of: an account, or a guest's name and email.
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="appointments", verbose_name=_("citizen"))
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    remind_by_sms = models.BooleanField(_("reminder by SMS"), default=False)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    link_kind = models.CharField(_("linked to"), max_length=10, choices=Topic.Link.choices, blank=True)
    link_id = models.PositiveBigIntegerField(_("linked item (id)"), null=True, blank=True)
    channel = models.CharField(_("booked through"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("booked by (staff)"))
    # Signs the links in emails; rotating it invalidates every link sent before.
    secret = models.CharField(max_length=40, default=new_secret, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["location", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        permissions = [("manage_agenda", _("Can work with the counter's day agenda"))]

    def __str__(self):
        return f"{self.reference} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def holds_place(self) -> bool:
        """Whether it counts against its slot's capacity."""
        return self.status in (AppointmentStatus.UNCONFIRMED, AppointmentStatus.BOOKED,
                               AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class AppointmentEvent(StatusEvent):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("appointment"))
    from_status = models.CharField(_("from"), max_length=12, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=AppointmentStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
