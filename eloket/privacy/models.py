"""A citizen's request for a copy of their data: a ZIP built by a Celery task, downloadable by them for a few days."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eloket.documents.models import private_storage


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def _export_path(instance, filename):
    # A random name: nothing of the citizen reaches the disk path.
    return f"privacy/exports/{uuid.uuid4().hex}.zip"


class DataExport(models.Model):
    # The public id used in the download URL, so exports cannot be enumerated.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports",
                              verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(_("file"), upload_to=_export_path, storage=private_storage, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    created = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set by the worker that builds it; a stale claim (a worker that died) is taken over by the beat pick-up.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["owner", "-created"]), models.Index(fields=["status", "created"])]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file)
