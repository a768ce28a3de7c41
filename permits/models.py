"""Permits: resident cards, disability registrations and care-provider permits.

The plate is the permit. A permit's status changes only through the functions in rules.py; every
change is an append-only `PermitEvent`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.city.models import Validity, Zone
from eloket.documents.models import private_storage
from eloket.history import StatusEvent


class ResidentCardPrice(Validity):
    """The yearly price of the n-th resident card at one address (or that the n-th card is refused)."""

    rank = models.PositiveSmallIntegerField(_("card number at the address"), validators=[MinValueValidator(1)],
                                            help_text=_("1 for the first card at an address, 2 for the second, and so on."))
    amount_per_year = models.DecimalField(_("price per year (EUR)"), max_digits=7, decimal_places=2,
                                          default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))])
    refused = models.BooleanField(_("refused"), default=False,
                                  help_text=_("Tick when the city does not issue a card of this rank."))

    overlap_key = ("rank",)

    class Meta:
        verbose_name = _("resident card price")
        verbose_name_plural = _("resident card prices")
        ordering = ["rank", "valid_from"]

    def __str__(self):
        if self.refused:
            return _("Card %(rank)d: refused") % {"rank": self.rank}
        return _("Card %(rank)d: € %(amount)s a year") % {"rank": self.rank, "amount": self.amount_per_year}


class PermitKind(models.TextChoices):
    RESIDENT = "resident", _("Resident card")
    DISABILITY = "disability", _("Disability parking registration")
    CARE_PROVIDER = "care_provider", _("Care-provider permit")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    IN_REVIEW = "in_review", _("In review")
    MORE_INFO_REQUESTED = "more_info_requested", _("More information requested")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")


# Statuses that hold a place at an address: counted against the cap and for the price rank.
PENDING_STATUSES = (PermitStatus.APPLIED, PermitStatus.AWAITING_PAYMENT, PermitStatus.IN_REVIEW,
                    PermitStatus.MORE_INFO_REQUESTED)
HOLDING_STATUSES = (*PENDING_STATUSES, PermitStatus.ACTIVE)


class VehicleUse(models.TextChoices):
    OWN = "own", _("The vehicle is registered in my name")
    COMPANY = "company", _("A company or lease car I use permanently")
    OTHER_PERSON = "other_person", _("A car of another person that I drive")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Online")
    COUNTER = "counter", _("At the counter")
    PHONE = "phone", _("By phone")


class Permit(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=PermitKind.choices)
    status = models.CharField(_("status"), max_length=24, choices=PermitStatus.choices, default=PermitStatus.APPLIED,
                              db_index=True)
    # Empty once the holder deleted their account or the permit was anonymised (eloket.privacy); PROTECT still stops any
    # other deletion of a holder that would lose their permits unnoticed.
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               related_name="permits", verbose_name=_("holder"))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="permits",
                             verbose_name=_("zone"), help_text=_("Empty for a disability registration: it is valid city-wide."))
    # The address as it was when the citizen applied; address_key counts cards per address across accounts.
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    box = models.CharField(_("box"), max_length=12, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    municipality = models.CharField(_("municipality"), max_length=80, blank=True)
    address_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Last valid day."))
    price = models.DecimalField(_("price (EUR)"), max_digits=7, decimal_places=2, default=Decimal("0.00"))
    price_explanation = models.TextField(_("how the price was computed"), blank=True)
    vehicle_use = models.CharField(_("use of the vehicle"), max_length=20, choices=VehicleUse.choices, blank=True)
    # Disability registration: the European card's number and its expiry (none for a card without end date).
    card_number = models.CharField(_("card number"), max_length=10, blank=True, db_index=True)
    card_expiry = models.DateField(_("card valid until"), null=True, blank=True)
    # Care-provider permit: the RIZIV/INAMI or Flemish recognition number.
    recognition_number = models.CharField(_("recognition number"), max_length=20, blank=True)
    channel = models.CharField(_("applied"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"),
                                      help_text=_("The staff member who registered it on the holder's behalf."))
    renewal_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals",
                                   verbose_name=_("renewal of"))
    # Set once by the reminder task (a conditional UPDATE), so a reminder is never sent twice.
    reminder_sent_at = models.DateTimeField(_("renewal reminder sent"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["status", "valid_to"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def address_lines(self) -> list[str]:
        first = " ".join(part for part in (self.street, self.house_number) if part)
        if self.box:
            first = f"{first} {_('box')} {self.box}"
        second = " ".join(part for part in (self.postal_code, self.municipality) if part)
        return [line for line in (first, second) if line]

    # The Payable protocol (eloket/payments/payable.py).
    def payment_amount(self) -> Decimal:
        return self.price if self.status == PermitStatus.AWAITING_PAYMENT else Decimal("0.00")

    def payment_description(self) -> str:
        # The permit's number, never a plate: this line reaches Mollie and the payer's bank statement.
        return _("%(kind)s no. %(number)s") % {"kind": self.get_kind_display(), "number": self.pk}

    def payment_owner(self):
        return self.holder

    def payment_return_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:dashboard")

    def on_payment_paid(self, payment) -> None:
        from . import rules

        permit = Permit.objects.get(pk=self.pk)
        if permit.status == PermitStatus.AWAITING_PAYMENT:
            rules.mark_paid(permit)

    def on_payment_unsuccessful(self, payment) -> None:
        """Nothing changes: the permit keeps awaiting payment and can be paid again."""

    def on_payment_refunded(self, refund) -> None:
        """A refund follows a cancellation; the refund itself is in the payment's history."""


class PermitPlate(models.Model):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="plates", verbose_name=_("permit"))
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH, db_index=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")

    class Meta:
        verbose_name = _("number plate")
        verbose_name_plural = _("number plates")
        constraints = [models.UniqueConstraint(fields=["permit", "plate", "country"], name="unique_plate_per_permit")]

    def __str__(self):
        return self.plate_display

    def save(self, *args, **kwargs):
        self.plate = plates.normalize(self.plate)
        super().save(*args, **kwargs)

    @property
    def plate_display(self) -> str:
        return plates.display(self.plate, self.country)


def _document_path(instance, filename):
    # A random name: the citizen's file name (which may hold a plate or a name) never reaches the disk or a URL.
    return f"permits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class PermitDocumentKind(models.TextChoices):
    REGISTRATION_CERTIFICATE = "registration_certificate", _("Vehicle registration certificate")
    PERMANENT_USE = "permanent_use", _("Attest of permanent use (company or lease car)")
    AUTHORISATION = "authorisation", _("Power of attorney or insurance document naming you as driver")
    CARD_FRONT = "card_front", _("Disability parking card, front")
    CARD_BACK = "card_back", _("Disability parking card, back")
    RECOGNITION = "recognition", _("Recognition as a care provider")
    HOME_VISITS = "home_visits", _("Sworn statement of home visits")
    ANSWER = "answer", _("Attachment to an answer")


class PermitDocument(models.Model):
    """A file the citizen (or staff on their behalf) uploaded for a permit; served only through an owner-checked view."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="documents", verbose_name=_("permit"))
    kind = models.CharField(_("document"), max_length=30, choices=PermitDocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=5, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))

    class Meta:
        verbose_name = _("permit document")
        verbose_name_plural = _("permit documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.uploaded_at:%d/%m/%Y})" if self.uploaded_at else self.get_kind_display()

    @property
    def download_name(self) -> str:
        return f"{self.kind}-{self.pk}.{self.extension}"


class VisitorPeriod(models.Model):
    """A guest's plate parked on a resident address's yearly visitor hours; `minutes` is what it takes from the balance."""

    address_key = models.CharField(max_length=200, db_index=True, editable=False)
    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="visitor_periods",
                               verbose_name=_("resident card"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="visitor_periods", verbose_name=_("started by"))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="visitor_periods", verbose_name=_("zone"))
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), help_text=_("The planned end, or the moment it was stopped."))
    stopped_early = models.BooleanField(_("stopped early"), default=False)
    minutes = models.PositiveIntegerField(_("minutes taken from the balance"))
    year = models.PositiveSmallIntegerField(_("balance year"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("visitor period")
        verbose_name_plural = _("visitor periods")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["plate", "ends_at"]), models.Index(fields=["address_key", "year"])]

    def __str__(self):
        return f"{self.plate_display} {self.starts_at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        self.plate = plates.normalize(self.plate)
        super().save(*args, **kwargs)

    @property
    def plate_display(self) -> str:
        return plates.display(self.plate, self.country)


class PermitEvent(StatusEvent):
    """Append-only history of a permit: who moved it from which status to which, and why."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="events", verbose_name=_("permit"))
    from_status = models.CharField(_("from"), max_length=24, choices=PermitStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=PermitStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("permit event")
        verbose_name_plural = _("permit events")
