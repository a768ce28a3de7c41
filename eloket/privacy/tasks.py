"""Celery tasks of the privacy app: building a data export, picking up lost ones, and the retention jobs."""

import random

from celery import shared_task

from . import export, retention

MAX_RETRIES = 3


@shared_task(bind=True, name="privacy.build_export", acks_late=True, max_retries=MAX_RETRIES)
def build_export(self, export_id: int) -> bool:
    try:
        return export.build(export_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries + random.randint(0, 30)) from exc


@shared_task(name="privacy.pick_up_exports", acks_late=True)
def pick_up_exports() -> int:
    """Beat: exports whose build task was lost are queued again (the build claims the row, so never twice)."""
    ids = export.pending_ids()
    for export_id in ids:
        build_export.delay(export_id)
    return len(ids)


@shared_task(name="privacy.retention", acks_late=True)
def run_retention(key: str) -> dict:
    """Beat, daily, once per data class (CELERY_BEAT_SCHEDULE "retention-<key>"); idempotent."""
    return retention.run(key)
