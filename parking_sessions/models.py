"""Parking sessions from every channel (web, SMS, parking apps), the inbox that makes accepting them durable, and
enforcement: scan-car devices, their logged checks and their observations.

What arrives from outside (an SMS, an operator's request) is written to `Inbox` in the request and turned into a
session by Celery exactly once per (source, external id); `ParkingSession.inbox` is unique, so a second run of the
same row can never make a second session.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.city.models import Zone
from eloket.documents.models import private_storage


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    SMS = "sms", _("SMS")
    APP = "app", _("Parking app")


class Operator(models.Model):
    """A parking-app operator (4411, EasyPark, Yellowbrick ...) that reports parkings through the operator API."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    # sha256 of the API key; the key itself is shown once when made and never stored.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("parking-app operator")
        verbose_name_plural = _("parking-app operators")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InboxKind(models.TextChoices):
    SMS = "sms", _("Inbound SMS")
    PARKING_CREATE = "parking_create", _("Operator: new parking")
    PARKING_UPDATE = "parking_update", _("Operator: parking changed")
    PARKING_DELETE = "parking_delete", _("Operator: parking deleted")


class Inbox(models.Model):
    """One accepted message from outside, stored before we answer; processed once by Celery (ingest.py)."""

    kind = models.CharField(_("kind"), max_length=20, choices=InboxKind.choices)
    # "sms" or "operator:<code>": with external_id the key that makes a retry land on the same row.
    source = models.CharField(_("source"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=100)
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, null=True, blank=True, related_name="inbox",
                                 verbose_name=_("operator"))
    # The operator's parking this row creates or changes (the id the API answered with).
    parking_id = models.UUIDField(_("parking id"), null=True, blank=True, db_index=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # Set by the worker that processes the row; a stale claim is taken over by the beat pick-up.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="parking_inbox_once_per_source")]
        indexes = [models.Index(fields=["id"], name="parking_inbox_unprocessed",
                                condition=models.Q(processed_at__isnull=True))]

    def __str__(self):
        return f"{self.source} {self.external_id}"


class SessionStatus(models.TextChoices):
    # A web session in a paid zone waits for its payment; it is no parking right until paid.
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for the payment")
    ACTIVE = "active", _("Running")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class ParkingSession(models.Model):
    """A right to park bought or registered for a plate in a zone: a paid session or a digital parking disc."""

    # The public id: the operator API's parking id, and the id in the citizen's URLs.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("zone"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions",
                                 verbose_name=_("operator"))
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="parking_sessions", verbose_name=_("citizen account"))
    # The sender of an SMS session (E.164), so "Q" from the same phone stops it.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    # Empty while an SMS or app session runs until stopped.
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    # Blue zone: the arrival time as the disc shows it (rounded up to the next half hour, Wegcode art. 27.1).
    is_disc = models.BooleanField(_("digital parking disc"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.ACTIVE)
    price = models.DecimalField(_("price (EUR)"), max_digits=7, decimal_places=2, default=Decimal("0.00"))
    inbox = models.OneToOneField(Inbox, on_delete=models.PROTECT, null=True, blank=True, related_name="session",
                                 verbose_name=_("inbox message"))
    terminal_number = models.CharField(_("terminal number"), max_length=40, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("parking session")
        verbose_name_plural = _("parking sessions")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["plate", "starts_at"], name="parking_session_plate_start"),
            models.Index(fields=["phone", "status"], name="parking_session_phone"),
            models.Index(fields=["citizen", "-starts_at"], name="parking_session_citizen"),
        ]

    def __str__(self):
        return f"{self.zone_id} {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.plate = plates.normalize(self.plate)
        super().save(*args, **kwargs)

    @property
    def plate_display(self) -> str:
        return plates.display(self.plate, self.country)

    # The Payable protocol (eloket/payments/payable.py): a web session in a paid zone is paid before it counts.
    # The rules live in web.py.
    def payment_amount(self) -> Decimal:
        from . import web

        return web.amount_due(self)

    def payment_description(self) -> str:
        from . import web

        return web.payment_description(self)

    def payment_owner(self):
        return self.citizen

    def payment_return_url(self) -> str:
        from django.urls import reverse

        return reverse("parking:detail", args=[self.uuid])

    def on_payment_paid(self, payment) -> None:
        from . import web

        web.payment_paid(self, payment)

    def on_payment_unsuccessful(self, payment) -> None:
        from . import web

        web.payment_unsuccessful(self, payment)

    def on_payment_refunded(self, refund) -> None:
        """A refund follows a stop or a cancellation recorded on the session; the refund is in the payment's history."""


class Device(models.Model):
    """A scan car or a warden's handheld; it authenticates with its own token."""

    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("enforcement device")
        verbose_name_plural = _("enforcement devices")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Check(models.Model):
    """One plate checked by a device: kept for the city's retention period, then deleted (tasks.py)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="checks", verbose_name=_("device"))
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH)
    zone = models.ForeignKey(Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("zone"))
    checked_for = models.DateTimeField(_("time checked"))
    allowed = models.BooleanField(_("may park"))
    right = models.CharField(_("right"), max_length=20, blank=True)
    created = models.DateTimeField(_("logged"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["-created"]
        # A check looks up the plate's earlier sightings that day (enforcement.py): a few rows, not the day's log.
        indexes = [models.Index(fields=["plate", "checked_for"], name="parking_check_plate_time")]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {'+' if self.allowed else '-'}"


class ObservationResult(models.TextChoices):
    ALLOWED = "allowed", _("A right covers it")
    RETRIBUTION = "retribution", _("Retribution issued")
    NOT_ISSUED = "not_issued", _("No right, but no retribution issued")


class Observation(models.Model):
    """What a scan car or warden saw; the same observation sent twice is one row (device, external id)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="observations", verbose_name=_("device"))
    external_id = models.CharField(_("external id"), max_length=100)
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="observations", verbose_name=_("zone"))
    observed_at = models.DateTimeField(_("observed at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=ObservationResult.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    case = models.ForeignKey("fines.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    created = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_at"]
        constraints = [models.UniqueConstraint(fields=["device", "external_id"], name="parking_observation_once")]

    def __str__(self):
        return f"{self.observed_at:%Y-%m-%d %H:%M}"


def _photo_path(instance, filename):
    # A random name: nothing of the plate reaches the disk path.
    return f"parking/observations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class ObservationPhoto(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="photos",
                                    verbose_name=_("observation"))
    file = models.FileField(_("file"), upload_to=_photo_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=5, editable=False)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"#{self.pk}"
