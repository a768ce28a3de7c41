"""The wait alert: a live conversation nobody took within CHAT_WAIT_ALERT_MINUTES alerts the team, once.

The beat task runs every minute; each conversation is claimed with a conditional UPDATE on `alerted_at`, so two
workers (or a task run twice) send one alert. The team is every active staff member holding the chat permission
through a role or directly; a superuser who answers chats holds it through the counter role like anyone else.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import access, notices
from .models import Conversation, Mode, Status


def overdue(now: datetime.datetime | None = None):
    """Live conversations waiting longer than the alert time that have not alerted yet."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(minutes=settings.CHAT_WAIT_ALERT_MINUTES)
    return Conversation.objects.filter(status=Status.WAITING, mode=Mode.LIVE, alerted_at__isnull=True, created__lte=limit)


def send_wait_alerts(now: datetime.datetime | None = None) -> int:
    """Alert the team about each overdue conversation once; returns how many conversations alerted."""
    now = now or timezone.now()
    ids = list(overdue(now).order_by("created").values_list("pk", flat=True))
    if not ids:
        return 0
    staff = list(access.answering_staff())
    alerted = 0
    for pk in ids:
        with transaction.atomic():
            claimed = Conversation.objects.filter(pk=pk, status=Status.WAITING, alerted_at__isnull=True).update(
                alerted_at=now)
            if not claimed:
                continue
            conversation = Conversation.objects.select_related("topic").get(pk=pk)
            waited = max(1, int((now - conversation.created).total_seconds() // 60))
            notices.wait_alert(conversation, staff, waited)
            alerted += 1
    return alerted
