"""Retention of the enforcement log: checks older than ENFORCEMENT_CHECK_RETENTION_DAYS are deleted every night.

A check is a plate seen at a place and time, personal data kept only as long as the city's regulation allows; the
grace period needs that day's checks only. Deleted in batches, so a large backlog never holds one long lock.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import Check

BATCH = 10_000


def delete_old_checks(*, now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Delete the checks logged before the retention period; returns how many."""
    # At least a day: the grace period starts at the day's first sighting, which only the log remembers.
    days = max(1, settings.ENFORCEMENT_CHECK_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted = 0
    while True:
        ids = list(Check.objects.filter(created__lt=cutoff).order_by("created").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += Check.objects.filter(pk__in=ids).delete()[0]


@shared_task(name="parking_sessions.delete_old_checks", acks_late=True)
def delete_old_checks_task() -> int:
    """Beat (CELERY_BEAT_SCHEDULE "parking-sessions-check-retention"), daily; running it twice deletes nothing twice."""
    return delete_old_checks()
