"""Celery tasks of notifications: send one message (retrying with backoff), pick up lost ones (beat)."""

from celery import shared_task

from . import dispatch


@shared_task(bind=True, acks_late=True, max_retries=dispatch.MAX_ATTEMPTS)
def send_message(self, message_id: int) -> bool:
    try:
        return dispatch.deliver(message_id)
    except dispatch.DeliveryFailed as exc:
        if exc.final:
            return False  # the row says failed, with the error; staff may send it again from the admin
        raise self.retry(countdown=exc.retry_in, exc=exc) from exc


@shared_task(acks_late=True)
def send_pending() -> int:
    """Beat (CELERY_BEAT_SCHEDULE "retry-unsent-notifications"): queued messages nobody is sending."""
    ids = dispatch.pending_ids()
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)
