"""Celery tasks of parking sessions: process inbox rows (one, a batch, and the beat pick-up of what was left behind).

Each may run twice or at once: ingest claims rows and locks them, and a processed row is never processed again.
"""

from celery import shared_task

from . import ingest
from .enforcement_tasks import delete_old_checks_task  # noqa: F401  (so the worker registers it)


@shared_task(name="parking_sessions.process_inbox", acks_late=True)
def process_inbox(inbox_id: int) -> bool:
    return ingest.process(inbox_id)


@shared_task(name="parking_sessions.process_inbox_ids", acks_late=True)
def process_inbox_ids(inbox_ids: list[int]) -> int:
    return ingest.process_batch(ids=inbox_ids, limit=len(inbox_ids))


@shared_task(name="parking_sessions.process_pending", acks_late=True)
def process_pending() -> int:
    """Beat (CELERY_BEAT_SCHEDULE "parking-sessions-inbox-pick-up"): rows whose task got lost or whose worker died."""
    return ingest.process_pending()
