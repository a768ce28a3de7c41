"""A Celery worker killed in the middle of ingestion (SIGKILL to its whole process group, as an out-of-memory kill
or a pulled plug would do): nothing lost, nothing doubled, and a new worker finishes the work by itself."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from parking_sessions import operators
from parking_sessions.models import Inbox, InboxKind, Operator, ParkingSession

from .waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000  # enough that the kill comes before the end, however fast the first worker goes
PICK_UP_SECONDS = 2
STALE_SECONDS = 3  # a claim older than this belongs to a dead worker


def start_worker(name: str, redis_url: str, directory: Path) -> tuple[subprocess.Popen, Path]:
    """`celery worker -B` with two pool processes, as production runs it, on the test database and a private Redis."""
    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_POOL", "ELOKET_SERVER", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "eloket.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                        f"/{db['NAME']}",
        "REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"eloket-killed-{os.getpid()}",
        "PARKING_INBOX_PICK_UP_SECONDS": str(PICK_UP_SECONDS), "PARKING_INBOX_STALE_SECONDS": str(STALE_SECONDS),
    })
    log = directory / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "eloket", "worker", "-B", "-s", str(directory / f"{name}.schedule"),
             "-l", "info", "-P", "prefork", "-c", "2", "-n", f"{name}-{os.getpid()}@%h", "--without-gossip",
             "--without-mingle"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    assert wait_for(lambda: process.poll() is not None or "ready." in log.read_text(), 60), log.read_text()[-3000:]
    assert process.poll() is None, log.read_text()[-3000:]
    return process, log


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(10)


def left_behind(operator: Operator, count: int) -> None:
    """Operator parkings stored by the API a minute ago, whose tasks were lost: the beat pick-up's work."""
    now = timezone.now()
    rows = [Inbox(kind=InboxKind.PARKING_CREATE, source=operators.source(operator), external_id=f"k{number}",
                  operator=operator, parking_id=uuid.uuid4(),
                  payload=operators.clean({"registration_number": f"K{number:05d}", "zone": "C1",
                                           "time_start": now - datetime.timedelta(minutes=5),
                                           "time_end": now + datetime.timedelta(minutes=55)}))
            for number in range(count)]
    Inbox.objects.bulk_create(rows, batch_size=1000)
    Inbox.objects.update(received_at=now - datetime.timedelta(minutes=1))


def processed() -> int:
    return Inbox.objects.filter(processed_at__isnull=False).count()


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_killed_mid_ingestion_loses_and_doubles_nothing(private_redis, demo_city, tmp_path):
    operator = Operator.objects.create(code="4411", name="4411")
    operators.make_key(operator)
    left_behind(operator, ROWS)

    first, first_log = start_worker("first", private_redis.url(), tmp_path)
    try:
        assert wait_for(lambda: processed() >= 100, 60), first_log.read_text()[-3000:]
    finally:
        kill_group(first)
    done_by_first = processed()
    assert done_by_first < ROWS, "the kill came too late to test anything"
    claimed_by_the_dead = Inbox.objects.filter(processed_at__isnull=True, claimed_at__isnull=False).count()
    assert ParkingSession.objects.count() == done_by_first  # the chunk in progress was rolled back whole

    second, second_log = start_worker("second", private_redis.url(), tmp_path)
    try:
        assert wait_for(lambda: processed() == ROWS, 120), second_log.read_text()[-3000:]
        time.sleep(PICK_UP_SECONDS * 2)  # two more pick-ups find nothing to do again
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            kill_group(second)

    assert ParkingSession.objects.count() == ROWS
    assert not ParkingSession.objects.values("inbox").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert set(ParkingSession.objects.values_list("uuid", flat=True)) == set(Inbox.objects.values_list("parking_id",
                                                                                                      flat=True))
    # The rows the dead worker had claimed were taken over once, after their claims went stale.
    assert Inbox.objects.filter(attempts__gt=2).count() == 0
    assert Inbox.objects.filter(attempts=2).count() >= claimed_by_the_dead
    assert "Traceback" not in second_log.read_text(), second_log.read_text()[-3000:]
