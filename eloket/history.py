"""The append-only history row every case keeps (permits, fines): when, by whom, from which status to which, why.

A subclass adds the link to its case and the two status columns with its own choices.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusEvent(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_status or '-'}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)
