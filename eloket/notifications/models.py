"""Outgoing email and SMS: one row per message and channel, written in the caller's transaction.

The row holds the rendered text, so what was sent can be shown later and a retry sends the same
words. A worker claims a queued row with a conditional UPDATE before it sends, and marks it sent
once; see dispatch.py. An email's files (an .ics invitation) are rows of OutboundAttachment, sent with it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMessage(models.Model):
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, help_text=_("Email address or phone number (+32...)."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="outbound_messages", verbose_name=_("user"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=6, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Not before this moment (backoff after a failure); empty means now.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set by the worker that sends, cleared when it is done; a stale claim may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                     verbose_name=_("about (type)"))
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    related = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["status", "created"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.template} ({self.get_status_display()})"


class OutboundAttachment(models.Model):
    """A file sent with an email, stored with the message so a retry sends the same file."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    filename = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.filename
