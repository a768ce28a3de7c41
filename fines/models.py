"""Cases: parking retributions (a fee under civil law) and GAS 4 / GAS 5 administrative fines.

One `Case` model holds the three kinds because they share the notice, the plate holder, the evidence and
the payment; the procedures differ and are kept apart by `kind` in rules.py (which statuses and steps a
kind may take). A case's status changes only through rules.py; every change is an append-only `CaseEvent`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.city.models import Gas4Category, Zone
from eloket.documents.models import private_storage
from eloket.history import StatusEvent
from eloket.translated import Translated


class CaseKind(models.TextChoices):
    RETRIBUTION = "retribution", _("Parking retribution")
    GAS4 = "gas4", _("GAS 4 fine (stopping and parking)")
    GAS5 = "gas5", _("GAS 5 fine (light speeding)")


class Offence(models.Model):
    """The catalogue: what was observed, under which kind and (GAS 4) which category decides the amount."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    gas4_category = models.PositiveSmallIntegerField(_("GAS 4 category"), choices=Gas4Category.choices, null=True,
                                                     blank=True)
    camera = models.BooleanField(_("recorded by an automatic camera"), default=False,
                                 help_text=_("C3 and F103 offences and GAS 5 are recorded by cameras."))
    description_nl = models.CharField(_("description (Dutch)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    description = Translated()

    class Meta:
        verbose_name = _("offence")
        verbose_name_plural = _("offences")
        ordering = ["kind", "gas4_category", "code"]

    def __str__(self):
        return f"{self.code}: {self.description}"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Report received")  # GAS: the official has the report, the notice is not sent yet
    ISSUED = "issued", _("Notice sent")
    PAID = "paid", _("Paid")
    DISPUTED = "disputed", _("Objection being handled")
    HEARING = "hearing", _("Oral hearing planned")
    REJECTED = "rejected", _("Objection rejected: to be paid")
    REMINDED = "reminded", _("Reminder sent")
    FORMAL_NOTICE = "formal_notice", _("Registered reminder sent")
    COLLECTION = "collection", _("Handed over for collection")
    COURT = "court", _("Before the court")
    DRIVER_NAMED = "driver_named", _("Driver named: closed for the holder")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.ISSUED, CaseStatus.DISPUTED, CaseStatus.HEARING, CaseStatus.REJECTED,
                 CaseStatus.REMINDED, CaseStatus.FORMAL_NOTICE)


class Source(models.TextChoices):
    ENFORCEMENT = "enforcement", _("Enforcement check")
    STAFF = "staff", _("Typed in by staff")
    IMPORT = "import", _("Imported file")


class ImportBatch(models.Model):
    """One CSV file from police or camera systems: imported whole or not at all."""

    file = models.FileField(_("file"), upload_to="fines/imports/%Y/", storage=private_storage)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported = models.BooleanField(_("imported"), default=False)
    errors = models.JSONField(_("errors per row"), default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.uploaded_at:%Y-%m-%d %H:%M} ({self.rows})"


class Case(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ISSUED,
                              db_index=True)
    # The printed number: year, sequence and a mod-97 check (numbers.py); the lookup key with the plate.
    notice_number = models.CharField(_("notice number"), max_length=12, unique=True)
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH, db_index=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")
    # The plate holder as the register gave it (DIV); a legal person has no birth date.
    holder_name = models.CharField(_("holder's name"), max_length=160)
    holder_is_company = models.BooleanField(_("holder is a legal person"), default=False)
    holder_birth_date = models.DateField(_("holder's date of birth"), null=True, blank=True)
    holder_street = models.CharField(_("street and number"), max_length=160)
    holder_postal_code = models.CharField(_("postal code"), max_length=10)
    holder_municipality = models.CharField(_("municipality"), max_length=80)
    holder_country = models.CharField(_("country of the address"), max_length=2, choices=COUNTRIES, default="BE")
    holder_email = models.EmailField(_("holder's email"), blank=True)
    # The account that keeps the case in Mijn loket (a citizen who looked it up, or the named driver).
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="cases", verbose_name=_("citizen account"))
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, related_name="cases", verbose_name=_("offence"))
    place = models.CharField(_("place"), max_length=200, help_text=_("Street and number, or a description of the place."))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("zone"))
    observed_at = models.DateTimeField(_("observed at"))
    observed_by = models.CharField(_("observed by"), max_length=120, blank=True,
                                   help_text=_("Agent number or camera identifier, never a name."))
    report_reference = models.CharField(_("report reference"), max_length=60, blank=True,
                                        help_text=_("The number of the police report or administrative report."))
    report_received_on = models.DateField(_("report received on"), null=True, blank=True)
    # GAS 5: the limit, the measured and the corrected speed (measured minus the tolerance), and the place.
    speed_limit = models.PositiveSmallIntegerField(_("speed limit (km/h)"), null=True, blank=True)
    measured_speed = models.PositiveSmallIntegerField(_("measured speed (km/h)"), null=True, blank=True)
    corrected_speed = models.PositiveSmallIntegerField(_("corrected speed (km/h)"), null=True, blank=True)
    inside_built_up_area = models.BooleanField(_("inside a built-up area"), null=True, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=7, decimal_places=2)
    costs = models.DecimalField(_("costs (EUR)"), max_digits=7, decimal_places=2, default=Decimal("0.00"))
    issued_on = models.DateField(_("notice sent on"), null=True, blank=True)
    due_date = models.DateField(_("pay before"), null=True, blank=True)
    objection_until = models.DateField(_("object before"), null=True, blank=True)
    driver_until = models.DateField(_("name the driver before"), null=True, blank=True)
    # A disputed retribution can never go to a dwangbevel (Decreet Lokaal Bestuur art. 177, 2°: undisputed claims only).
    disputed = models.BooleanField(_("disputed"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.STAFF)
    import_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                                     verbose_name=_("import"))
    driver_case_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="driver_cases", verbose_name=_("case of the holder"),
                                       help_text=_("For a case opened for the driver the holder named."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-observed_at"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.notice_number}"

    def save(self, *args, **kwargs):
        self.plate = plates.normalize(self.plate)
        super().save(*args, **kwargs)

    @property
    def plate_display(self) -> str:
        return plates.display(self.plate, self.country)

    @property
    def total(self) -> Decimal:
        return self.amount + self.costs

    @property
    def is_gas(self) -> bool:
        return self.kind in (CaseKind.GAS4, CaseKind.GAS5)

    # Payable: the Payable protocol (eloket/payments/payable.py); the rules live in rules.py.
    # The notice letter shows whether the case is paid, so its documents follow the payment state.
    documents_follow_payment_state = True

    def payment_amount(self) -> Decimal:
        """The amount and costs while the case can be paid; nothing once it is paid, closed or before the court."""
        from .rules import PAYABLE_STATUSES

        return self.total if self.status in PAYABLE_STATUSES else Decimal("0.00")

    def payment_description(self) -> str:
        from .numbers import display

        # The notice number, never the plate: this line reaches Mollie and bank statements.
        return _("%(kind)s %(number)s") % {"kind": self.get_kind_display(), "number": display(self.notice_number)}

    def payment_owner(self):
        """The account that keeps the case, or None: then only the browser that started the payment sees it."""
        return self.citizen

    def payment_return_url(self) -> str:
        from django.urls import reverse

        return reverse("fines:detail", args=[self.pk])

    def on_payment_paid(self, payment) -> None:
        from . import rules

        rules.record_payment(self, payment)

    def on_payment_unsuccessful(self, payment) -> None:
        """Nothing changes: the case stays open and can be paid again."""

    def on_payment_refunded(self, refund) -> None:
        """A refund follows a decision recorded on the case already; the refund itself is in the payment's history."""


def _evidence_path(instance, filename):
    # A random name: nothing of the plate or the case reaches the disk path or a URL.
    return f"fines/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    CAMERA = "camera", _("Camera record")
    REPORT = "report", _("Report")


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.PHOTO)
    file = models.FileField(_("file"), upload_to=_evidence_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=5, editable=False)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["taken_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class CaseEvent(StatusEvent):
    """Append-only history of a case: who moved it from which status to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


class NoticeCounter(models.Model):
    """The last notice sequence number of a year; taken under a row lock so two cases never share a number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("notice counter")
        verbose_name_plural = _("notice counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


# --- Objections, hearings, the named driver -----------------------------------------------------------------------

class ObjectionGround(models.TextChoices):
    SESSION = "session", _("I had a valid parking session or ticket")
    PERMIT = "permit", _("I had a valid resident card or other parking permit")
    DISABILITY = "disability", _("I had a valid disability parking card")
    METER = "meter", _("The parking meter was broken")
    PLATE = "plate", _("My number plate was read wrongly")
    OTHER = "other", _("Another reason")


# The grounds eloket can check against its own data (sessions, permits, disability registrations).
CHECKABLE_GROUNDS = (ObjectionGround.SESSION, ObjectionGround.PERMIT, ObjectionGround.DISABILITY)


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Being handled")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Objection(models.Model):
    """A retribution's bezwaar or a GAS fine's written defence (verweer); at most one is pending per case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections", verbose_name=_("case"))
    ground = models.CharField(_("ground"), max_length=12, choices=ObjectionGround.choices,
                              default=ObjectionGround.OTHER)
    explanation = models.TextField(_("explanation"), max_length=5000)
    hearing_requested = models.BooleanField(_("oral hearing requested"), default=False)
    contact_name = models.CharField(_("name"), max_length=160)
    contact_email = models.EmailField(_("email"))
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The language the citizen wrote in: the decision letter is made in it.
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    # What eloket's own data showed for the plate at the time of the observation: [{"kind", "label", "until"}].
    rights_found = models.JSONField(_("rights found in eloket"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                               name="fines_one_pending_objection_per_case")]

    def __str__(self):
        return _("Objection #%(pk)s") % {"pk": self.pk}


def _attachment_path(instance, filename):
    # A random name: the citizen's file name may hold personal data and never reaches the disk path.
    return f"fines/objections/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class ObjectionAttachment(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="attachments",
                                  verbose_name=_("objection"))
    file = models.FileField(_("file"), upload_to=_attachment_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=5, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    name = models.CharField(_("file name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name or f"#{self.pk}"


class Hearing(models.Model):
    """The oral hearing of a GAS defence: planned with a date and place, then its minutes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings", verbose_name=_("case"))
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="hearings",
                                  verbose_name=_("objection"))
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("planned by"))
    planned_at = models.DateTimeField(_("planned"), auto_now_add=True)
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(_("minutes recorded"), null=True, blank=True)
    # Set when the objection is accepted before the hearing: there is nothing left to defend.
    cancelled_at = models.DateTimeField(_("called off"), null=True, blank=True)

    class Meta:
        verbose_name = _("oral hearing")
        verbose_name_plural = _("oral hearings")
        ordering = ["starts_at"]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.place}"


class DriverDesignation(models.Model):
    """The holder of a GAS case names the driver in time: the holder's case closes, the driver's case opens."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="driver_designation",
                                verbose_name=_("case of the holder"))
    driver_case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="designated_by",
                                       verbose_name=_("case of the driver"))
    name = models.CharField(_("driver's name"), max_length=160)
    birth_date = models.DateField(_("driver's date of birth"))
    street = models.CharField(_("street and number"), max_length=160)
    postal_code = models.CharField(_("postal code"), max_length=10)
    municipality = models.CharField(_("municipality"), max_length=80)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")
    email = models.EmailField(_("driver's email"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("driver designation")
        verbose_name_plural = _("driver designations")

    def __str__(self):
        return self.name


# --- Printing notices for the post ---------------------------------------------------------------------------------

class PrintStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RENDERING = "rendering", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PrintBatch(models.Model):
    """Many notice letters merged into one PDF for the post, made by a Celery task that reports its progress."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("made by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    case_ids = models.JSONField(_("cases"), default=list)
    total = models.PositiveIntegerField(_("letters"), default=0)
    done = models.PositiveIntegerField(_("letters made"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=PrintStatus.choices, default=PrintStatus.QUEUED)
    file = models.FileField(_("file"), upload_to="fines/print/%Y/", storage=private_storage, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} ({self.total})"
