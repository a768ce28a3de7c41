"""Ingestion: every inbox row becomes what it asks for exactly once, whatever happens to the workers."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from eloket.city.models import Tariff, Zone, ZoneKind
from parking_sessions import ingest, operators, reference, tasks
from parking_sessions.models import Inbox, InboxKind, Operator, ParkingSession
from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    operators.forget_keys()
    reference.forget()
    yield
    reference.forget()


@pytest.fixture
def app4411(db):
    operator = Operator(code="4411", name="4411")
    operators.make_key(operator)
    return operator


def rows(operator: Operator, count: int, *, zone: str = "C1", start: int = 0, **fields) -> list[Inbox]:
    """Operator parkings as the API stores them (one INSERT), without enqueueing them."""
    made, now = [], timezone.now()
    for number in range(start, start + count):
        parking = operators.clean({"registration_number": f"T{number:05d}", "time_start": now - datetime.timedelta(minutes=5),
                                   "time_end": now + datetime.timedelta(minutes=55), "zone": zone, **fields})
        made.append(Inbox(kind=InboxKind.PARKING_CREATE, source=operators.source(operator), external_id=f"p{number}",
                          operator=operator, parking_id=uuid.uuid4(), payload=parking))
    return Inbox.objects.bulk_create(made)


def assert_exactly_one_session_each(count: int) -> None:
    assert Inbox.objects.filter(processed_at__isnull=True).count() == 0
    assert ParkingSession.objects.count() == count
    assert not ParkingSession.objects.values("inbox").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert set(ParkingSession.objects.values_list("uuid", flat=True)) == set(Inbox.objects.values_list("parking_id", flat=True))


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# --- Once ----------------------------------------------------------------------------------------

def test_a_row_is_processed_once(app4411, demo_city):
    [row] = rows(app4411, 1)

    assert ingest.process(row.pk) is True
    assert ingest.process(row.pk) is False
    assert ingest.process_batch(stale=datetime.timedelta(0)) == 0

    row.refresh_from_db()
    assert row.processed_at is not None and row.error == "" and row.attempts == 1
    assert ParkingSession.objects.get().inbox == row


def test_a_batch_processes_every_row(app4411, demo_city):
    rows(app4411, 250)

    assert ingest.process_batch() == 250

    assert_exactly_one_session_each(250)


def test_a_refused_row_keeps_its_reason_and_is_never_retried(app4411, demo_city):
    Zone.objects.create(code="C9", name_nl="Zonder tarief", kind=ZoneKind.PAID)
    [row] = rows(app4411, 1, zone="C9")

    assert ingest.process(row.pk) is True

    row.refresh_from_db()
    assert row.processed_at is not None
    assert row.error.startswith("no_tariff: ")
    assert not ParkingSession.objects.exists()
    assert ingest.process_batch(stale=datetime.timedelta(0)) == 0


def test_a_failing_row_stops_no_other_and_is_set_aside_after_its_attempts(app4411, demo_city):
    rows(app4411, 3)
    broken = Inbox.objects.create(kind=InboxKind.PARKING_CREATE, source="operator:4411", external_id="broken",
                                  operator=app4411, parking_id=uuid.UUID(int=1), payload={"zone": "C1"})

    assert ingest.process_batch() == 3

    broken.refresh_from_db()
    assert broken.processed_at is None and broken.claimed_at is not None
    assert broken.error == "KeyError (attempt 1)"
    assert ingest.process_batch() == 0  # its claim is fresh: it waits for the stale time
    for _attempt in range(2, ingest.MAX_ATTEMPTS + 1):
        ingest.process_batch(stale=datetime.timedelta(0))
    broken.refresh_from_db()
    assert broken.processed_at is not None
    assert broken.error == f"gave_up: KeyError (attempt {ingest.MAX_ATTEMPTS})"
    assert ParkingSession.objects.count() == 3


def test_the_pick_up_leaves_young_rows_to_their_task_and_takes_over_stale_claims(app4411, demo_city):
    young, lost, held, dead = rows(app4411, 4)
    Inbox.objects.filter(pk__in=[lost.pk, held.pk, dead.pk]).update(received_at=timezone.now() - datetime.timedelta(minutes=5))
    Inbox.objects.filter(pk=held.pk).update(claimed_at=timezone.now() - datetime.timedelta(seconds=10))
    Inbox.objects.filter(pk=dead.pk).update(claimed_at=timezone.now() - ingest.stale_after() - datetime.timedelta(seconds=1))

    assert tasks.process_pending() == 2

    processed = set(Inbox.objects.filter(processed_at__isnull=False).values_list("pk", flat=True))
    assert processed == {lost.pk, dead.pk}


def test_staff_can_process_a_refused_row_again(client, app4411, demo_city, django_capture_on_commit_callbacks):
    zone = Zone.objects.create(code="C9", name_nl="Nog zonder tarief", kind=ZoneKind.PAID)
    [row] = rows(app4411, 1, zone="C9")
    ingest.process(row.pk)
    tariff = Tariff.objects.get(zone__code="C1")  # the city adds the missing tariff: a copy of C1's
    hours = list(tariff.hours.all())
    tariff.pk, tariff.zone = None, zone
    tariff.save()
    for stretch in hours:
        stretch.pk, stretch.tariff = None, tariff
        stretch.save()
    client.force_login(StaffFactory(is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:parking_sessions_inbox_changelist"),
                               {"action": "process_again", "_selected_action": [row.pk]})

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.processed_at is not None and row.error == ""
    assert ParkingSession.objects.get().inbox == row


# --- Workers -------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_over_each_others_claims_make_each_session_once(demo_city):
    operator = Operator(code="4411", name="4411")
    operators.make_key(operator)
    rows(operator, 300)
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            ingest.process_batch(limit=300, stale=datetime.timedelta(0))  # every claim counts as stale: both take all
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert_exactly_one_session_each(300)


def test_a_real_worker_processes_a_batch_and_the_pick_up(celery_worker, demo_city):
    operator = Operator(code="4411", name="4411")
    operators.make_key(operator)
    enqueued = rows(operator, 300)
    left_behind = rows(operator, 50, start=300)
    Inbox.objects.filter(pk__in=[row.pk for row in left_behind]).update(
        received_at=timezone.now() - datetime.timedelta(minutes=2))

    ingest.enqueue_many([row.pk for row in enqueued])  # outside a transaction: sent at once
    tasks.process_pending.delay()

    assert wait_for(lambda: not Inbox.objects.filter(processed_at__isnull=True).exists())
    assert_exactly_one_session_each(350)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_doubles_nothing(demo_city):
    operator = Operator(code="4411", name="4411")
    operators.make_key(operator)
    total = 4000  # enough that the kill comes before the end, however fast a chunk goes
    rows(operator, total)
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "eloket.settings",
           "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"}
    worker = subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup(); from parking_sessions import ingest; "
                               f"ingest.process_batch(limit={total})"],
        cwd=Path(settings.BASE_DIR), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: Inbox.objects.filter(processed_at__isnull=False).count() >= ingest.CHUNK_SIZE, 60)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    processed = Inbox.objects.filter(processed_at__isnull=False).count()
    assert ingest.CHUNK_SIZE <= processed < total, "the kill came too late to test anything"
    assert Inbox.objects.filter(processed_at__isnull=True, claimed_at__isnull=False).count() == total - processed
    assert ParkingSession.objects.count() == processed  # the chunk in progress was rolled back whole
    assert ingest.process_pending(seconds=5) == 0  # the dead worker's claims are fresh: nobody takes them yet

    assert ingest.process_pending(min_age=datetime.timedelta(0), stale=datetime.timedelta(0)) == total - processed

    assert_exactly_one_session_each(total)
    assert Inbox.objects.filter(attempts=2).count() == total - processed  # claimed twice: by the dead worker, then us
