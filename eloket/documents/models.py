"""Letters and other PDFs the city makes for a case: one row per document, rendered by a Celery task.

A document belongs to a case (any model, through a generic link) and usually to a citizen. It is
rendered from a template in its own language; a re-render that would produce the same letter is
skipped (`content_hash`), otherwise the version goes up and the file is replaced.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def private_storage():
    """A "private" storage when the deployment configures one (a bucket without public access), else the
    default one: MEDIA_ROOT, which no URL serves. Files reach people only through the download view."""
    from django.core.files.storage import default_storage, storages

    return storages["private"] if "private" in settings.STORAGES else default_storage


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    PAYMENT_REQUEST = "payment_request", _("Payment request")
    REMINDER = "reminder", _("Reminder")
    DECISION = "decision", _("Decision")
    CONFIRMATION = "confirmation", _("Confirmation")
    RECEIPT = "receipt", _("Receipt")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be made")
    RENDERED = "rendered", _("Ready")
    FAILED = "failed", _("Failed")


class DocumentQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(content_type=ContentType.objects.get_for_model(case), object_id=case.pk)

    def available(self):
        """Documents with a file to download (a failed re-render keeps the previous file)."""
        return self.filter(version__gte=1).exclude(file="")


class Document(models.Model):
    # The public id used in download URLs, so documents cannot be enumerated.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="documents", verbose_name=_("owner"),
                              help_text=_("Empty for a letter to someone without an account."))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("case type"))
    object_id = models.PositiveBigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    template = models.CharField(_("template"), max_length=200)
    context_builder = models.CharField(_("context builder"), max_length=200,
                                       help_text=_("Dotted path of the function that gives the template its data."))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", storage=private_storage, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING,
                              db_index=True)
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("How many times a file was made."))
    # sha256 of the HTML the context renders to: the same letter is not made again.
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Set by the worker that renders, cleared when it is done; a stale claim may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["owner", "-created"]),
        ]

    def __str__(self):
        return self.title

    @property
    def filename(self) -> str:
        return f"{slugify(self.title) or 'document'}.pdf"

    @property
    def is_available(self) -> bool:
        return self.version >= 1 and bool(self.file)
