"""Turning inbox rows into sessions, exactly once per row.

A row is first claimed by a committed conditional UPDATE (`claimed_at`), then processed in a transaction that locks
it, runs the handler of its kind and sets `processed_at` together with whatever the handler wrote. Two workers that
hold the same row wait for each other on the lock and the second finds it processed; `ParkingSession.inbox` is unique
besides, so a row can never make two sessions. A worker that dies leaves its rows claimed and unprocessed: the beat
pick-up claims them again once the claim is `stale_after()` old.

A handler is `handler(inbox_row) -> None`. It raises SessionRefused for a message that can never succeed: the row is
then processed with the reason in `error` and never retried. Any other exception rolls back what the handler wrote and
leaves the row to be retried, up to MAX_ATTEMPTS claims. A handler may run more than once before its row is processed
(its chunk is rolled back and run again when another row fails), so its effects outside the database go through
transaction.on_commit.
"""

import datetime
import functools
import logging
import time
import traceback
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Inbox, InboxKind
from .refusals import SessionRefused

logger = logging.getLogger(__name__)

HANDLERS = {
    InboxKind.SMS: "parking_sessions.sms.apply",
    InboxKind.PARKING_CREATE: "parking_sessions.operators.apply_create",
    InboxKind.PARKING_UPDATE: "parking_sessions.operators.apply_update",
    InboxKind.PARKING_DELETE: "parking_sessions.operators.apply_delete",
}
BATCH_SIZE = 500  # rows claimed at once by a batch or the pick-up
CHUNK_SIZE = 100  # rows committed together: one commit per row would cap the throughput at the disk's fsync rate
MAX_ATTEMPTS = 5  # claims before a failing row is set aside (processed, with its error) for staff to look at
# The pick-up leaves young rows to the task enqueued for them, so both do not race for every row.
MIN_AGE = datetime.timedelta(seconds=5)
PICK_UP_SECONDS = 50  # one beat run stops claiming after this, before the next run is due


def stale_after() -> datetime.timedelta:
    """How old a claim must be before another worker may take the row over (its worker is presumed dead)."""
    return datetime.timedelta(seconds=getattr(settings, "PARKING_INBOX_STALE_SECONDS", 60))


# --- Enqueueing ----------------------------------------------------------------------------------

def enqueue(inbox_id: int) -> None:
    """Process the row in a worker once the caller's transaction commits (at once outside a transaction)."""
    from .tasks import process_inbox

    # robust: a broker that is down must not fail the request after its commit; the beat pick-up finds the row.
    transaction.on_commit(lambda: process_inbox.delay(inbox_id), robust=True)


def enqueue_many(inbox_ids: Iterable[int]) -> None:
    """Process many rows after commit, as a few batch tasks rather than one task per row."""
    from .tasks import process_inbox_ids

    ids = list(inbox_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        transaction.on_commit(functools.partial(process_inbox_ids.delay, ids[start:start + BATCH_SIZE]), robust=True)


# --- Claiming and processing ---------------------------------------------------------------------

def claim(*, ids: Iterable[int] | None = None, limit: int = BATCH_SIZE, min_age: datetime.timedelta | None = None,
          stale: datetime.timedelta | None = None) -> list[int]:
    """Claim up to `limit` unprocessed rows nobody holds (or whose claim is stale); rows locked by another claim are
    skipped, not waited for. Commits when called outside a transaction, so a worker that dies keeps its claims."""
    now = timezone.now()
    stale = stale_after() if stale is None else stale
    rows = Inbox.objects.filter(processed_at__isnull=True).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale))
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if min_age is not None:
        rows = rows.filter(received_at__lt=now - min_age)
    with transaction.atomic():
        claimed = list(rows.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:limit])
        if claimed:
            Inbox.objects.filter(pk__in=claimed).update(claimed_at=now, attempts=F("attempts") + 1)
    return claimed


def process(inbox_id: int) -> bool:
    """Process one row. False when there was nothing to do: processed already, held by another worker, or failed."""
    return process_batch(ids=[inbox_id], limit=1) == 1


def process_batch(limit: int = BATCH_SIZE, *, ids: Iterable[int] | None = None, min_age: datetime.timedelta | None = None,
                  stale: datetime.timedelta | None = None) -> int:
    """Claim up to `limit` rows (of `ids` when given) and process them; returns how many were processed."""
    return run(claim(ids=ids, limit=limit, min_age=min_age, stale=stale))


def run(claimed: list[int]) -> int:
    """Process claimed rows, CHUNK_SIZE per transaction. A chunk first runs without a savepoint per row and marks its
    rows processed in one UPDATE (three statements less per row); when any row in it raises, the chunk is rolled back
    whole and run again with one savepoint per row, so a bad row stops no other."""
    done = 0
    for start in range(0, len(claimed), CHUNK_SIZE):
        chunk = claimed[start:start + CHUNK_SIZE]
        try:
            done += _run_chunk(chunk, careful=False)
        except Exception:  # the careful run below records (and logs) what went wrong, row by row
            done += _run_chunk(chunk, careful=True)
    return done


def _run_chunk(ids: list[int], *, careful: bool) -> int:
    with transaction.atomic():
        rows = (Inbox.objects.select_for_update(of=("self",)).select_related("operator")
                .filter(pk__in=ids, processed_at__isnull=True).order_by("pk"))
        if careful:
            return sum(apply(row) for row in rows)
        done = []
        for row in rows:
            _handler(row.kind)(row)
            done.append(row.pk)
        Inbox.objects.filter(pk__in=done).update(processed_at=timezone.now(), error="")  # one UPDATE for the chunk
        return len(done)


def process_pending(seconds: float = PICK_UP_SECONDS, *, min_age: datetime.timedelta = MIN_AGE,
                    stale: datetime.timedelta | None = None) -> int:
    """The beat pick-up: rows whose task got lost (older than `min_age`) and rows of workers that died (stale claims)."""
    deadline = time.monotonic() + seconds
    done = 0
    while time.monotonic() < deadline:
        claimed = claim(min_age=min_age, stale=stale)
        if not claimed:
            break
        done += run(claimed)
    return done


@functools.cache
def _handler(kind: str):
    return import_string(HANDLERS[kind])


def apply(row: Inbox) -> bool:
    """Run the handler of a row that the caller has locked in its transaction and that is not processed yet.

    True when the row is now processed (acted on, or refused for good); False when it failed and will be retried.
    Operators' update handlers call this for a parking's create row that no worker has processed yet.
    """
    try:
        with transaction.atomic():
            _handler(row.kind)(row)
    except SessionRefused as refusal:
        _finish(row, f"{refusal.code}: {refusal.message}")
        return True
    except Exception as error:  # a bug or a lost connection: roll back this row only, and retry it later
        # The exception's text may quote a plate or phone number: log its type and where it happened, not the text.
        logger.error("Inbox row %s failed (%s) at:\n%s", row.pk, type(error).__name__,
                     "".join(traceback.format_tb(error.__traceback__)))
        _failed(row, error)
        return False
    _finish(row)
    return True


def _finish(row: Inbox, error: str = "") -> None:
    row.processed_at = timezone.now()
    row.error = error[:1000]
    Inbox.objects.filter(pk=row.pk).update(processed_at=row.processed_at, error=row.error)


def _failed(row: Inbox, error: Exception) -> None:
    # The claim stays, so the row waits for the stale time before it is tried again.
    text = f"{type(error).__name__} (attempt {row.attempts})"
    if row.attempts >= MAX_ATTEMPTS:
        _finish(row, f"gave_up: {text}")
    else:
        row.error = text
        Inbox.objects.filter(pk=row.pk).update(error=text)


def reopen(rows) -> int:
    """Staff's "process again" for rows set aside or refused: unprocessed and unclaimed, picked up by the beat task."""
    return rows.filter(session__isnull=True).update(processed_at=None, claimed_at=None, attempts=0, error="")
