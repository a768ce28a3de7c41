"""Celery tasks of documents. Rendering is idempotent: the row is claimed with a conditional UPDATE."""

import random

from celery import shared_task

from . import render

MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before the next try: 30 s, 1 min, 2 min ... at most 30 min, with some jitter."""
    return min(30 * 2**retries, 1800) + random.randint(0, 15)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def render_document(self, document_id: int, force: bool = False) -> bool:
    try:
        return render.render(document_id, force=force)
    except render.Busy:
        # Another worker renders it now; come back after it finished, in case our change came later.
        if self.request.retries >= self.max_retries:
            return False
        raise self.retry(countdown=60) from None
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            render.mark_failed(document_id, exc)
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(acks_late=True)
def render_pending() -> int:
    """Beat task: documents whose rendering task was lost. Schedule: eloket.documents.tasks.render_pending."""
    ids = render.pending_ids()
    for document_id in ids:
        render_document.delay(document_id)
    return len(ids)
