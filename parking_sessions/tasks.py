"""Celery tasks of parking sessions: process inbox rows (a drain of whatever waits, a batch, and the beat pick-up of
what was left behind) and deliver the replies to inbound SMS.

Each may run twice or at once: ingest claims rows and locks them, and a processed row is never processed again; a
reply is claimed before it is sent (eloket.notifications.dispatch.deliver).
"""

from celery import shared_task

from eloket.notifications import dispatch
from eloket.notifications.tasks import send_message

from . import ingest
from .enforcement_tasks import delete_old_checks_task  # noqa: F401  (so the worker registers it)


@shared_task(name="parking_sessions.drain_inbox", acks_late=True)
def drain_inbox() -> int:
    """Every row waiting (ingest.enqueue: the single POSTs and inbound SMS), in batches."""
    return ingest.drain()


@shared_task(name="parking_sessions.process_inbox", acks_late=True)
def process_inbox(inbox_id: int) -> bool:
    """One row: tasks queued before drains existed."""
    return ingest.process(inbox_id)


@shared_task(name="parking_sessions.process_inbox_ids", acks_late=True)
def process_inbox_ids(inbox_ids: list[int]) -> int:
    return ingest.process_batch(ids=inbox_ids, limit=len(inbox_ids))


@shared_task(name="parking_sessions.process_pending", acks_late=True)
def process_pending() -> int:
    """Beat (CELERY_BEAT_SCHEDULE "parking-sessions-inbox-pick-up"): rows whose task got lost or whose worker died."""
    return ingest.process_pending()


@shared_task(name="parking_sessions.send_replies", acks_late=True)
def send_replies(message_ids: list[int]) -> int:
    """The replies a batch of inbound SMS wrote: one task for them all instead of one each. Each is claimed and sent
    once by notifications' own deliver(); one the gateway refuses is retried with notifications' backoff."""
    sent = 0
    for message_id in message_ids:
        try:
            sent += dispatch.deliver(message_id)
        except dispatch.DeliveryFailed as failure:
            if not failure.final:
                send_message.apply_async((message_id,), countdown=failure.retry_in)
    return sent
