"""Writing the audit trail. An entry names the row by its model and id, never by what it holds."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Action, AuditEntry

logger = logging.getLogger(__name__)


def _target(target) -> tuple[ContentType | None, str]:
    """(content type, id) of a row, a model class, or a (model, id) pair; (None, "") for a plain label."""
    if isinstance(target, models.Model):
        return ContentType.objects.get_for_model(target, for_concrete_model=False), str(target.pk)
    if isinstance(target, tuple):
        model, pk = target
        return ContentType.objects.get_for_model(model, for_concrete_model=False), str(pk)
    if isinstance(target, type) and issubclass(target, models.Model):
        return ContentType.objects.get_for_model(target, for_concrete_model=False), ""
    return None, ""


def record(request, target, action: str, label: str = "") -> AuditEntry | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return None
    if action not in Action.values:
        raise ValueError(f"Unknown audit action: {action}")
    content_type, object_id = _target(target)
    if content_type is None and not label:
        label = str(target)[:100]
    return AuditEntry.objects.create(actor=user, action=action, content_type=content_type, object_id=object_id[:64],
                                     label=label[:100])
