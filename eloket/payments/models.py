"""Payments: online through Mollie or by bank transfer with a structured communication (OGM).

A `Payment` pays for one payable object (any model that follows `payable.Payable`). Its status
follows Mollie's; every change is an append-only `PaymentEvent`. The payable's effect runs once,
claimed through `effect_applied_at` (see flow.py).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CENT = Decimal("0.01")


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorised")
    PAID = "paid", _("Paid")
    CANCELED = "canceled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


FINAL_STATUSES = {PaymentStatus.PAID, PaymentStatus.CANCELED, PaymentStatus.EXPIRED, PaymentStatus.FAILED}
UNSUCCESSFUL_STATUSES = {PaymentStatus.CANCELED, PaymentStatus.EXPIRED, PaymentStatus.FAILED}


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Online (Bancontact and others)")
    TRANSFER = "transfer", _("Bank transfer")


class Payment(models.Model):
    # The public id: used in URLs instead of the sequential key, so payments cannot be enumerated.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="payments", verbose_name=_("payer"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    payable = GenericForeignKey("content_type", "object_id")
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2, validators=[MinValueValidator(CENT)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    description = models.CharField(_("description"), max_length=255)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.ONLINE)
    status = models.CharField(_("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.OPEN,
                              db_index=True)
    mollie_id = models.CharField(_("Mollie id"), max_length=40, unique=True, null=True, blank=True)
    checkout_url = models.URLField(_("checkout URL"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Set once, by a conditional UPDATE, when the payable's effect for the final status has run.
    effect_applied_at = models.DateTimeField(null=True, blank=True, editable=False)
    amount_refunded = models.DecimalField(_("amount refunded"), max_digits=9, decimal_places=2, default=Decimal("0.00"))
    # Mollie did not answer our create call, so it may hold this payment without our knowing its id (sync.py finds it).
    maybe_at_mollie = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["created"], condition=models.Q(maybe_at_mollie=True), name="payment_maybe_at_mollie"),
        ]
        constraints = [
            # One open online payment per payable at a time: nothing is charged twice.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(status__in=["open", "pending", "authorized"], method="online"),
                name="one_unfinished_payment_per_payable",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.description} (€ {self.amount}, {self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def mollie_amount(self) -> dict:
        return {"currency": self.currency, "value": f"{self.amount:.2f}"}


class PaymentEvent(models.Model):
    """Append-only history of a payment: status changes, webhook calls, refunds, staff actions."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        REFUND = "refund", pgettext_lazy("payment event", "Refund")
        ERROR = "error", _("Error")
        NOTE = "note", _("Note")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              verbose_name=_("by"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True, help_text=_("webhook, return page, reconcile, admin, bank"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Payment events are append-only")
        super().save(*args, **kwargs)


class RefundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2, validators=[MinValueValidator(CENT)])
    reason = models.CharField(_("reason"), max_length=255)
    status = models.CharField(_("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.QUEUED)
    mollie_id = models.CharField(_("Mollie id"), max_length=40, unique=True, null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     verbose_name=_("requested by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Set once when the payable has been told about this refund.
    effect_applied_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created"]

    def __str__(self):
        return f"€ {self.amount} ({self.get_status_display()})"


def format_ogm(digits: str) -> str:
    """The printed form of a structured communication: +++123/4567/89002+++."""
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


class StructuredReference(models.Model):
    """The Belgian structured communication (OGM/VCS) of one payable, unique across the city."""

    digits = models.CharField(_("structured communication"), max_length=12, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    payable = GenericForeignKey("content_type", "object_id")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("structured communication")
        verbose_name_plural = _("structured communications")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_reference_per_payable")]

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        return format_ogm(self.digits)


class PaymentRequestStatus(models.TextChoices):
    OPEN = "open", _("To pay")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentRequest(models.Model):
    """A sum the counter asks a citizen to pay (a duplicate, an administrative fee): the simplest payable."""

    # Its letter shows whether it is paid, so documents re-render it when its payment state changes.
    documents_follow_payment_state = True

    # Empty once the citizen deleted their account (a settled request stays for the accounts, eloket.privacy).
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                related_name="payment_requests", verbose_name=_("citizen"))
    description = models.CharField(_("what it is for"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2, validators=[MinValueValidator(CENT)])
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=PaymentRequestStatus.choices,
                              default=PaymentRequestStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.description} (€ {self.amount})"

    # The Payable protocol (payable.py).
    def payment_amount(self) -> Decimal:
        return self.amount if self.status == PaymentRequestStatus.OPEN else Decimal("0.00")

    def payment_description(self) -> str:
        return self.description

    def payment_owner(self):
        return self.citizen

    def payment_return_url(self) -> str:
        from django.urls import reverse

        return reverse("payments:request_detail", args=[self.pk])

    def on_payment_paid(self, payment) -> None:
        from django.utils import timezone

        PaymentRequest.objects.filter(pk=self.pk, status=PaymentRequestStatus.OPEN).update(
            status=PaymentRequestStatus.PAID, paid_at=payment.paid_at or timezone.now())

    def on_payment_unsuccessful(self, payment) -> None:
        """Nothing changes: the request stays open and can be paid again."""

    def on_payment_refunded(self, refund) -> None:
        """A refund leaves the request paid; the refund itself is in the payment's history."""


class BankStatement(models.Model):
    """An uploaded bank statement (CODA or CAMT.053); each credit line becomes a BankTransaction."""

    class Format(models.TextChoices):
        CODA = "coda", "CODA"
        CAMT053 = "camt053", "CAMT.053"

    file = models.FileField(_("file"), upload_to="bank/%Y/")
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # The statement's own identity (account + sequence), so the same statement is never booked twice.
    identifier = models.CharField(_("statement"), max_length=80, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    verbose_name=_("uploaded by"))
    uploaded = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-uploaded"]

    def __str__(self):
        return self.identifier


class BankTransaction(models.Model):
    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Matched and booked")
        WRONG_AMOUNT = "wrong_amount", _("Reference known, amount differs")
        ALREADY_PAID = "already_paid", _("Reference known, already paid")
        UNKNOWN = "unknown", _("Unknown or missing reference")
        RESOLVED = "resolved", _("Resolved by staff")

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="transactions")
    line = models.PositiveIntegerField(_("line"))
    booking_date = models.DateField(_("booking date"))
    amount = models.DecimalField(_("amount"), max_digits=11, decimal_places=2)
    reference = models.CharField(_("structured communication"), max_length=12, blank=True)
    free_text = models.CharField(_("communication"), max_length=255, blank=True)
    counterparty_name = models.CharField(_("from"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("from account"), max_length=34, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_transaction")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["statement", "line"]
        constraints = [models.UniqueConstraint(fields=["statement", "line"], name="one_row_per_statement_line")]

    def __str__(self):
        return f"{self.booking_date} € {self.amount} {self.reference or self.free_text[:30]}"
