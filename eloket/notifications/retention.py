"""Retention of sent messages: emails and text messages older than RETENTION_NOTIFICATION_DAYS are deleted.

A message holds the recipient's address and words about their case; the case keeps its own history and letters, so the
copy of what was sent is needed only to answer questions about it for a while. Queued messages are never deleted here.
"""

import datetime

from eloket.privacy import retention
from eloket.privacy.anonymise import batches

from .models import MessageStatus, OutboundMessage


def delete_old(cutoff: datetime.datetime) -> dict:
    deleted = 0
    for ids in batches(OutboundMessage.objects.filter(created__lt=cutoff).exclude(status=MessageStatus.QUEUED)):
        deleted += OutboundMessage.objects.filter(pk__in=ids).delete()[1].get(OutboundMessage._meta.label, 0)
    return {"messages deleted": deleted}


retention.register(retention.Job("messages", "RETENTION_NOTIFICATION_DAYS", "days", delete_old))
