"""One entry per time a staff member read personal data: who, when, which action, which row (model and id only)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import DOWNLOAD, EXPORT, VIEW


class Action(models.TextChoices):
    VIEW_PAGE = VIEW, _("Viewed the page")
    DOWNLOAD_FILE = DOWNLOAD, _("Downloaded a file")
    EXPORT_LIST = EXPORT, _("Exported a list")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # PROTECT: a staff member with entries is deactivated, never deleted, so the trail keeps who it was.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("staff member"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                     verbose_name=_("kind of data"))
    # The row's id only (a number or a uuid): never a name, a plate or a search term.
    object_id = models.CharField(_("id"), max_length=64, blank=True)
    label = models.CharField(_("what"), max_length=100, blank=True, help_text=_("For an export: which list."))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["actor", "-at"]), models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)
