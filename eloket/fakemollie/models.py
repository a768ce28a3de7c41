"""The fake Mollie's state: payments, refunds, webhook attempts and idempotency keys, as raw as Mollie keeps them,
and the faults it answers with on purpose.

Everything lives in the database so every process (runserver, a Celery worker, pytest's live server) sees
the same payments. Nothing here knows about eloket's own payments: the fake stands alone, like Mollie.
"""

import re
import secrets
import string
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_ALPHABET = string.ascii_letters + string.digits


def _token(prefix: str, length: int = 10) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_payment_id() -> str:
    return _token("tr_")


def new_refund_id() -> str:
    return _token("re_")


class Mode(models.TextChoices):
    TEST = "test", "test"
    LIVE = "live", "live"


class FakePayment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CANCELED = "canceled", _("canceled")
        EXPIRED = "expired", _("expired")
        FAILED = "failed", _("failed")
        PAID = "paid", _("paid")

    id = models.CharField(primary_key=True, max_length=40, default=new_payment_id, editable=False)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.TEST)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    currency = models.CharField(max_length=3, default="EUR")
    value = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.CharField(max_length=255)
    # The method as the merchant asked it (a string, a list of methods, or null) and the one the payer used.
    requested_method = models.JSONField(null=True, blank=True)
    method = models.CharField(max_length=40, null=True, blank=True)
    metadata = models.JSONField(null=True, blank=True)
    redirect_url = models.CharField(max_length=2048)
    cancel_url = models.CharField(max_length=2048, blank=True)
    webhook_url = models.CharField(max_length=2048, blank=True)
    locale = models.CharField(max_length=10, blank=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="fakemollie_open_expiry")]
        verbose_name = "fake Mollie payment"

    def __str__(self):
        return f"{self.id} {self.currency} {self.value} {self.status}"


class FakeRefund(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        PENDING = "pending", "pending"
        PROCESSING = "processing", "processing"
        REFUNDED = "refunded", "refunded"
        FAILED = "failed", "failed"
        CANCELED = "canceled", "canceled"

    # Refunds in these states no longer count against the payment's amount.
    VOID = (Status.FAILED, Status.CANCELED)

    id = models.CharField(primary_key=True, max_length=40, default=new_refund_id, editable=False)
    payment = models.ForeignKey(FakePayment, on_delete=models.CASCADE, related_name="refunds")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3, default="EUR")
    value = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.CharField(max_length=255, blank=True)
    metadata = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "fake Mollie refund"

    def __str__(self):
        return f"{self.id} {self.currency} {self.value} {self.status}"


class FakeWebhookCall(models.Model):
    """One attempt to call a payment's webhookUrl, with what came back (or why nothing did)."""

    payment = models.ForeignKey(FakePayment, on_delete=models.CASCADE, related_name="webhook_calls")
    # The payment status that caused the call.
    event = models.CharField(max_length=10)
    url = models.CharField(max_length=2048)
    called_at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["called_at", "id"]
        verbose_name = "fake Mollie webhook call"

    def __str__(self):
        return f"{self.payment_id} {self.event} → {self.response_status or self.error}"


class FakeIdempotencyKey(models.Model):
    """An Idempotency-Key seen on a POST/PATCH/DELETE, with the successful answer it got, replayed for an hour."""

    key_owner = models.CharField(max_length=64)  # sha256 of the API key: keys are scoped per API key
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    # Empty while the first request is being handled.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key_owner", "key", "method", "path"], name="fakemollie_unique_idempotency_key"),
        ]
        verbose_name = "fake Mollie idempotency key"

    def __str__(self):
        return f"{self.method} {self.path} {self.key}"


class FakeFault(models.Model):
    """Mollie failing on purpose: the next `remaining` API calls that match the method and path get this fault.

    A row, not a setting, so the live server, runserver and a Celery worker all see the same switch (faults.py).
    """

    class Kind(models.TextChoices):
        ERROR = "error", "answer 500 Internal Server Error"
        UNAVAILABLE = "unavailable", "answer 503 Service Unavailable"
        SLOW_ANSWER = "slow_answer", "do the work, then hold the answer"
        SLOW_START = "slow_start", "hold, then do the work"

    class Method(models.TextChoices):
        GET = "GET", "GET"
        POST = "POST", "POST"
        PATCH = "PATCH", "PATCH"
        DELETE = "DELETE", "DELETE"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    method = models.CharField(max_length=6, choices=Method.choices, blank=True, help_text="Empty: every method.")
    path = models.CharField(
        max_length=200, blank=True,
        help_text=r"A regular expression searched in the path after /v2/: ^payments$ creates payments, "
                  r"^payments/tr_\w+$ is one payment, /refunds$ the refunds of a payment. Empty: every path.")
    remaining = models.PositiveIntegerField(default=1, help_text="How many more matching calls get this fault.")
    hold_seconds = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("12.0"),
        validators=[MinValueValidator(Decimal("0.0")), MaxValueValidator(Decimal("120.0"))],
        help_text="How long the slow kinds hold the call; longer than the client's read timeout (10 s unless "
                  "MOLLIE_READ_TIMEOUT says otherwise) makes it time out.")
    used = models.PositiveIntegerField(default=0, editable=False, help_text="Calls that got this fault.")
    finished = models.PositiveIntegerField(default=0, editable=False,
                                           help_text="Of those, calls whose handling has ended (a hold included).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "fake Mollie fault"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.method or 'any'} {self.path or '*'} ({self.remaining} left)"

    def clean(self):
        try:
            re.compile(self.path)
        except re.error as error:
            raise ValidationError({"path": f"Not a regular expression: {error}"}) from None

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        try:
            return re.search(self.path, path) is not None
        except re.error:
            return False
