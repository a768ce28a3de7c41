"""Ingestion in batches (batch.py): a chunk of rows reads what it needs once and writes each kind of row with one
statement, with the outcome of processing its rows one at a time; single rows are taken by drains, not a task each."""

import datetime
import json
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eloket.city.models import Zone, ZoneKind
from eloket.notifications.models import MessageStatus, OutboundMessage
from parking_sessions import ingest, operators, pricing, tasks
from parking_sessions.models import Inbox, Operator, ParkingSession, SessionStatus

from .ingest_helpers import inbound, parking, tuesday

PHONE = "+32470111222"


@pytest.fixture
def app4411(db):
    operator = Operator(code="4411", name="4411")
    operators.make_key(operator)
    return operator


def queries_to_process(ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert ingest.process_batch(ids=ids) == len(ids)
    return len(captured.captured_queries)


def assert_priced_as_alone(session: ParkingSession) -> None:
    """The price one row processed alone would have given: the free period used by the plate's earlier sessions, read
    from the database (the rows are made in the order of their start, so "earlier" is the same set)."""
    alone = pricing.quote(session.zone, session.starts_at, session.ends_at, plate=session.plate, country=session.country,
                          exclude_session=session.pk, check_max=False)
    assert session.price == alone.amount


# --- One statement per kind, whatever the number of rows ---------------------------------------------------

def test_operator_rows_cost_the_same_queries_for_ten_as_for_a_hundred(app4411, demo_city):
    ten = [parking(app4411, f"1AAA{n:03d}", tuesday(10), 60).pk for n in range(10)]
    hundred = [parking(app4411, f"2BBB{n:03d}", tuesday(10), 60).pk for n in range(100)]

    assert queries_to_process(ten) == queries_to_process(hundred) <= 10  # the claim, then the chunk's few statements

    assert ParkingSession.objects.filter(inbox__in=ten + hundred).count() == 110


def test_sms_rows_cost_the_same_queries_for_ten_as_for_a_hundred(demo_city, django_capture_on_commit_callbacks,
                                                                 sms_outbox):
    ingest.process_batch(ids=[inbound("HELP", PHONE, tuesday(9)).pk])  # the city profile is cached from now on
    ten = [inbound(f"C1 1AAA{n:03d}", f"+3247000{n:04d}", tuesday(10)).pk for n in range(10)]
    hundred = [inbound(f"C2 2BBB{n:03d}", f"+3247100{n:04d}", tuesday(10)).pk for n in range(100)]

    with django_capture_on_commit_callbacks(execute=True):
        assert queries_to_process(ten) == queries_to_process(hundred) <= 14

    assert ParkingSession.objects.filter(inbox__in=ten + hundred, status=SessionStatus.ACTIVE).count() == 110
    replies = OutboundMessage.objects.filter(object_id__in=ten + hundred)
    assert replies.count() == 110 and not replies.exclude(status=MessageStatus.SENT).exists()
    assert len(sms_outbox) == 110  # the two chunks' replies, delivered by one task per chunk


def test_a_refused_row_keeps_its_reason_without_a_second_run_of_its_chunk(app4411, demo_city):
    Zone.objects.create(code="C9", name_nl="Zonder tarief", kind=ZoneKind.PAID)
    good = [parking(app4411, f"1AAA{n:03d}", tuesday(10), 60).pk for n in range(5)]
    baseline = queries_to_process(good)
    refused = parking(app4411, "1ZZZ999", tuesday(10), 60, zone="C9")
    more = [parking(app4411, f"2BBB{n:03d}", tuesday(10), 60).pk for n in range(5)]

    # No careful run row by row (three statements more per row): only the missing tariff is looked for in the database.
    assert queries_to_process([refused.pk, *more]) == baseline + 1

    refused.refresh_from_db()
    assert refused.processed_at is not None and refused.error.startswith("no_tariff: ")
    assert ParkingSession.objects.filter(inbox__in=good + more).count() == 10
    assert not ParkingSession.objects.filter(inbox=refused).exists()


# --- The same outcome as one row at a time ----------------------------------------------------------------

def test_each_row_counts_what_the_rows_before_it_in_its_chunk_did(app4411, demo_city,
                                                                  django_capture_on_commit_callbacks):
    # In start order: an SMS session 9:30-10:15 uses 45 of C1's free hour; the app's parking at 10:30 has 15 minutes
    # left, the one at 12:00 (two hours) none. All four rows are one chunk.
    ids = [inbound("C1 1-ABC-123", PHONE, tuesday(9, 30)).pk, inbound("Q", PHONE, tuesday(10, 15)).pk,
           parking(app4411, "1ABC123", tuesday(10, 30), 60).pk, parking(app4411, "1ABC123", tuesday(12), 120).pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert ingest.process_batch(ids=ids) == 4

    by_sms, first_app, second_app = ParkingSession.objects.filter(plate="1ABC123").order_by("starts_at")
    assert (by_sms.status, by_sms.ends_at) == (SessionStatus.ENDED, tuesday(10, 15))
    assert by_sms.price == 0 < first_app.price < second_app.price
    for session in (by_sms, first_app, second_app):
        assert_priced_as_alone(session)
    texts = list(OutboundMessage.objects.filter(object_id__in=ids[:2]).order_by("object_id")
                 .values_list("template", flat=True))
    assert texts == ["parking/sms_started", "parking/sms_stopped"]


def test_a_start_for_the_same_plate_in_one_chunk_ends_the_one_before(demo_city, django_capture_on_commit_callbacks):
    ids = [inbound("C1 1-ABC-123", PHONE, tuesday(10)).pk, inbound("C2 1-ABC-123", PHONE, tuesday(11, 30)).pk,
           inbound("Q", PHONE, tuesday(13)).pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert ingest.process_batch(ids=ids) == 3

    first, second = ParkingSession.objects.order_by("starts_at")
    assert (first.zone.code, first.status, first.ends_at) == ("C1", SessionStatus.ENDED, tuesday(11, 30))
    assert (second.zone.code, second.status, second.ends_at) == ("C2", SessionStatus.ENDED, tuesday(13))
    assert first.price > 0 and second.price > 0  # an hour and a half each, with each zone's own free hour
    for session in (first, second):
        assert_priced_as_alone(session)


def test_a_stop_in_a_later_chunk_finds_the_session_an_earlier_chunk_started(demo_city,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ingest.process_batch(ids=[inbound("C1 1-ABC-123", PHONE, tuesday(10)).pk])
        ingest.process_batch(ids=[inbound("Q 1ABC123", PHONE, tuesday(12)).pk])

    session = ParkingSession.objects.get()
    assert (session.status, session.ends_at) == (SessionStatus.ENDED, tuesday(12))
    assert_priced_as_alone(session)


# --- Drains instead of a task per row ---------------------------------------------------------------------

def test_a_row_committed_while_a_drain_waits_to_start_is_taken_by_that_drain(client, app4411, demo_city,
                                                                             django_capture_on_commit_callbacks):
    key = operators.make_key(app4411)
    assert cache.add(ingest.DRAIN_FLAG, 1, 60)  # a drain enqueued by an earlier request, not started yet
    body = {"registration_number": "1-ABC-123", "zone": "C1", "time_start": tuesday(10).isoformat(),
            "time_end": tuesday(11).isoformat()}

    with django_capture_on_commit_callbacks(execute=True):  # tasks run inline: one enqueued here would run now
        response = client.post("/api/v1/operator/parking/", json.dumps(body), content_type="application/json",
                               headers={"Authorization": f"ApiKey {key}"})
    assert response.status_code == 201
    row = Inbox.objects.get()
    assert row.processed_at is None  # no second drain was enqueued

    assert tasks.drain_inbox() == 1  # the waiting drain starts: it takes the row, and clears the flag first

    assert ParkingSession.objects.get().inbox == row
    assert cache.get(ingest.DRAIN_FLAG) is None


def test_a_drain_takes_every_row_that_waits(app4411, demo_city):
    ids = [parking(app4411, f"1AAA{n:03d}", tuesday(10), 60).pk for n in range(ingest.BATCH_SIZE + 20)]

    assert tasks.drain_inbox() == len(ids)

    assert not Inbox.objects.filter(processed_at__isnull=True).exists()


def test_a_drain_leaves_rows_held_by_a_live_worker(app4411, demo_city):
    held = parking(app4411, "1AAA001", tuesday(10), 60)
    free = parking(app4411, "1AAA002", tuesday(10), 60)
    assert ingest.claim(ids=[held.pk]) == [held.pk]  # another worker is processing it

    assert tasks.drain_inbox() == 1

    assert list(Inbox.objects.filter(processed_at__isnull=False).values_list("pk", flat=True)) == [free.pk]


@pytest.mark.django_db(transaction=True)
def test_many_single_posts_are_all_processed_by_a_real_worker(celery_worker, demo_city, client):
    key = operators.make_key(Operator(code="4411", name="4411"))
    started = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    for n in range(40):
        body = {"registration_number": f"1ABC{n:03d}", "zone": "C1", "time_start": started.isoformat(),
                "time_end": (started + datetime.timedelta(hours=1)).isoformat()}
        response = client.post("/api/v1/operator/parking/", json.dumps(body), content_type="application/json",
                               headers={"Authorization": f"ApiKey {key}", "Idempotency-Key": f"many-{n}"})
        assert response.status_code == 201

    deadline = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=10)
    while Inbox.objects.filter(processed_at__isnull=True).exists() and datetime.datetime.now(datetime.UTC) < deadline:
        time.sleep(0.05)
    assert not Inbox.objects.filter(processed_at__isnull=True).exists()
    assert ParkingSession.objects.count() == 40
    assert Inbox.objects.filter(error="").count() == 40
