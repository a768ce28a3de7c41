"""Turning inbox rows into sessions, exactly once per row.

A row is first claimed by a committed conditional UPDATE (`claimed_at`), then processed in a transaction that locks
it, runs the handler of its kind and sets `processed_at` together with whatever the handler wrote. Two workers that
hold the same row wait for each other on the lock and the second finds it processed; `ParkingSession.inbox` is unique
besides, so a row can never make two sessions. A worker that dies leaves its rows claimed and unprocessed: the beat
pick-up claims them again once the claim is `stale_after()` old.

A handler is `handler(inbox_row, batch) -> None`. SMS and new operator parkings share the Batch of their chunk
(batch.py): what they read is read once for the chunk, what they write is written with one statement per kind. A
handler raises SessionRefused, before it adds anything to the batch, for a message that can never succeed: the row is
then processed with the reason in `error` and never retried. Any other exception rolls back the chunk, which is run
again row by row (each in a savepoint): the failing row's writes are rolled back and it is left to be retried, up to
MAX_ATTEMPTS claims. A handler may run more than once before its row is processed, so its effects outside the
database go through transaction.on_commit.

Single rows (every POST and SMS) are not given a task each: a drain task claims whatever waits (enqueue()).
"""

import datetime
import functools
import itertools
import logging
import time
import traceback
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerUnavailable

from .batch import Batch
from .models import Inbox, InboxKind
from .refusals import SessionRefused

logger = logging.getLogger(__name__)

# A handler is `handler(inbox_row, batch)`; these kinds share their chunk's Batch, the others run alone.
HANDLERS = {
    InboxKind.SMS: "parking_sessions.sms.apply",
    InboxKind.PARKING_CREATE: "parking_sessions.operators.apply_create",
    InboxKind.PARKING_UPDATE: "parking_sessions.operators.apply_update",
    InboxKind.PARKING_DELETE: "parking_sessions.operators.apply_delete",
}
BATCHED = frozenset({InboxKind.SMS, InboxKind.PARKING_CREATE})
BATCH_SIZE = 500  # rows claimed at once by a batch or the pick-up
CHUNK_SIZE = 100  # rows committed together: one commit per row would cap the throughput at the disk's fsync rate
MAX_ATTEMPTS = 5  # claims before a failing row is set aside (processed, with its error) for staff to look at
# The pick-up leaves young rows to the task enqueued for them, so both do not race for every row.
MIN_AGE = datetime.timedelta(seconds=5)
PICK_UP_SECONDS = 50  # a drain, or one beat run, stops claiming after this (a beat run sooner: pick_up_seconds())
DRAIN_FLAG = "parking_sessions:inbox:drain-waiting"
# A drain enqueued but not started within this time is presumed lost (its worker died): the next row enqueues one.
DRAIN_FLAG_SECONDS = 5


def pick_up_seconds() -> float:
    """How long one beat pick-up goes on claiming: it stops before the next run is due (settings' interval)."""
    return min(PICK_UP_SECONDS, getattr(settings, "PARKING_INBOX_PICK_UP_SECONDS", 60.0) * 5 / 6)


def stale_after() -> datetime.timedelta:
    """How old a claim must be before another worker may take the row over (its worker is presumed dead)."""
    return datetime.timedelta(seconds=getattr(settings, "PARKING_INBOX_STALE_SECONDS", 60))


# --- Enqueueing ----------------------------------------------------------------------------------

def enqueue(inbox_id: int) -> None:
    """Have the row processed by a worker once the caller's transaction commits (at once outside a transaction).

    Every single POST and inbound SMS comes here, so rows are not given a task each: a drain task takes whatever waits
    then, and a request enqueues one only when none is waiting to start (a flag in the cache, set with SET NX).
    """
    # robust: a broker that is down must not fail the request after its commit; the beat pick-up finds the row.
    transaction.on_commit(drain_soon, robust=True)


def drain_soon() -> None:
    """Enqueue a drain unless one is waiting to start already (it takes the rows committed up to its start)."""
    from .tasks import drain_inbox

    try:
        waiting = not cache.add(DRAIN_FLAG, 1, DRAIN_FLAG_SECONDS)
    except Exception:  # noqa: BLE001  (no cache: a task per row, as safe and only slower)
        waiting = False
    if not waiting and not _send(drain_inbox):
        cache.delete(DRAIN_FLAG)  # nothing was enqueued: the next row must not count on this drain


def enqueue_many(inbox_ids: Iterable[int]) -> None:
    """Process many rows after commit, as a few batch tasks rather than one task per row."""
    from .tasks import process_inbox_ids

    ids = list(inbox_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        transaction.on_commit(functools.partial(_send, process_inbox_ids, ids[start:start + BATCH_SIZE]), robust=True)


def _send(task, *args) -> bool:
    """Publish a task; False when the broker cannot be reached. The rows are stored, so one line in the log says so
    (not a traceback for every request of an outage) and the beat pick-up processes them once the broker is back."""
    try:
        task.delay(*args)
    except BrokerUnavailable as error:
        logger.warning("%s not enqueued, the broker is unavailable (%s): the pick-up will process its rows",
                       task.name, type(error).__name__)
        return False
    return True


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
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction and connection.vendor == "postgresql":
            # Committed without waiting for the disk: a claim lost in a database crash only lets another worker take
            # its rows, whose processing is idempotent. One fsync less per drain round.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
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
    """Process claimed rows, CHUNK_SIZE per transaction. A chunk first runs set-based: its rows share one Batch (their
    look-ups read once, their sessions and replies written with one statement each) and are marked processed in one
    UPDATE. When any row in it fails, the chunk is rolled back whole and run again row by row, each in a savepoint, so
    a bad row stops no other."""
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
        rows = list(Inbox.objects.select_for_update(of=("self",)).select_related("operator")
                    .filter(pk__in=ids, processed_at__isnull=True).order_by("pk"))
        if careful:
            return sum(apply(row) for row in rows)
        batch = Batch(rows)
        outcome: dict[int, str] = {}  # row id -> error ("" when acted on) of the rows the UPDATE below marks
        done = 0
        for row in rows:
            if row.kind not in BATCHED:
                # Changes to an operator's parking read and write their session themselves, in a savepoint.
                batch.flush()
                done += apply(row)
                batch.forget()
                continue
            try:
                _handler(row.kind)(row, batch)
            except SessionRefused as refusal:  # raised before the handler added anything to the batch
                outcome[row.pk] = _refusal_text(refusal)
            else:
                outcome[row.pk] = ""
        batch.flush()
        _mark_processed(outcome)
        return done + len(outcome)


def _mark_processed(outcome: dict[int, str]) -> None:
    """One UPDATE for the chunk's rows, each with its own error text (empty when acted on)."""
    if not outcome:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":  # the SQLite demo
        for error, group in itertools.groupby(sorted(outcome.items(), key=lambda item: item[1]), key=lambda item: item[1]):
            Inbox.objects.filter(pk__in=[pk for pk, _error in group]).update(processed_at=now, error=error)
        return
    table, quote = Inbox._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote('processed_at')} = %s, {quote('error')} = outcome.error "
            f"FROM unnest(%s::bigint[], %s::text[]) AS outcome(id, error) WHERE {quote(table)}.{quote('id')} = outcome.id",
            [now, list(outcome), list(outcome.values())])


def process_pending(seconds: float | None = None, *, min_age: datetime.timedelta = MIN_AGE,
                    stale: datetime.timedelta | None = None) -> int:
    """The beat pick-up: rows whose task got lost (older than `min_age`) and rows of workers that died (stale claims)."""
    deadline = time.monotonic() + (pick_up_seconds() if seconds is None else seconds)
    done = 0
    while time.monotonic() < deadline:
        claimed = claim(min_age=min_age, stale=stale)
        if not claimed:
            break
        done += run(claimed)
    return done


def drain(seconds: float = PICK_UP_SECONDS) -> int:
    """The drain task: every row waiting now or while it runs, in batches, until none is left or time is up."""
    # Cleared before the first claim: a row committed from now on enqueues another drain, so none is left behind.
    cache.delete(DRAIN_FLAG)
    deadline = time.monotonic() + seconds
    done = 0
    while True:
        claimed = claim()
        if not claimed:
            return done
        done += run(claimed)
        if time.monotonic() >= deadline:
            drain_soon()  # another drain goes on; this worker is free for other tasks meanwhile
            return done


@functools.cache
def _handler(kind: str):
    return import_string(HANDLERS[kind])


def apply(row: Inbox) -> bool:
    """Run the handler of a row that the caller has locked in its transaction and that is not processed yet, alone
    (with a Batch of its own), in a savepoint.

    True when the row is now processed (acted on, or refused for good); False when it failed and will be retried.
    Operators' update handlers call this for a parking's create row that no worker has processed yet.
    """
    try:
        with transaction.atomic():
            batch = Batch([row])
            _handler(row.kind)(row, batch)
            batch.flush()
    except SessionRefused as refusal:
        _finish(row, _refusal_text(refusal))
        return True
    except Exception as error:  # a bug or a lost connection: roll back this row only, and retry it later
        # The exception's text may quote a plate or phone number: log its type and where it happened, not the text.
        logger.error("Inbox row %s failed (%s) at:\n%s", row.pk, type(error).__name__,
                     "".join(traceback.format_tb(error.__traceback__)))
        _failed(row, error)
        return False
    _finish(row)
    return True


def _refusal_text(refusal: SessionRefused) -> str:
    return f"{refusal.code}: {refusal.message}"[:1000]


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
