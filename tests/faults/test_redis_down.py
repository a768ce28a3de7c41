"""Redis stopped (issue 10, Faults): pages still load, inbound SMS and operator parkings are still accepted, and they
become sessions, each SMS answered once, when Redis returns, without anybody doing anything.

Redis is a server of the test's own (`private_redis`), killed and started again on its port; it serves this process's
cache and Celery broker and a real Celery worker with its embedded beat, run as its own process as in production. The
SMS replies go over HTTP to a fake gateway, so each one sent is counted where it arrives.
"""

import datetime
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from eloket.notifications.models import OutboundMessage
from parking_sessions import ingest, operators, sms
from parking_sessions.models import Inbox, Operator, ParkingSession
from tests.factories import PASSWORD
from tests.notifications.gateway import FakeGateway

from .waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SMS_TOKEN, SMS_SECRET = "redis-fault-gateway-token", "redis-fault-gateway-secret"
ANSWER_SECONDS = 2.0  # the longest a page or a POST may take while Redis is down
# A POST while Redis hangs: the cache's socket timeout (1 s), then the publish's two attempts of 1 s each, and margin.
HUNG_POST_SECONDS = 5.0
PICK_UP_SECONDS = 2  # the worker's beat runs the inbox pick-up this often (60 s in production)
RECOVERY_SECONDS = 30  # from Redis accepting connections again to every stored row being a session
START_SECONDS = 60



def take_down(server, fault: str) -> None:
    """"stopped": killed, connections refused; "hung": frozen, connections accepted and never answered."""
    if fault == "stopped":
        server.stop(signal.SIGKILL)
    else:
        server.freeze()


def timed(call, *args, **kwargs):
    """The call's answer and the seconds it took."""
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


# --- Talking to the product as its clients do ----------------------------------------------------

@pytest.fixture
def sms_gateway(settings):
    """The SMS gateway's side: its token and signing key for inbound SMS, and a fake of it that receives the replies."""
    settings.SMS_INBOUND_TOKEN, settings.SMS_INBOUND_SECRET = SMS_TOKEN, SMS_SECRET
    with FakeGateway() as gateway:
        yield gateway


def post_sms(client, phone: str, body: str):
    raw = json.dumps({"message_id": uuid.uuid4().hex, "from": phone, "to": "4411", "body": body}).encode()
    return client.post("/api/v1/sms/inbound", data=raw, content_type="application/json",
                       headers={"Authorization": f"Bearer {SMS_TOKEN}", "X-Signature": sms.signature(raw, SMS_SECRET)})


def post_parking(client, key: str, plate: str):
    now = timezone.now()
    body = {"registration_number": plate, "zone": "C1", "time_start": (now - datetime.timedelta(minutes=5)).isoformat(),
            "time_end": (now + datetime.timedelta(minutes=55)).isoformat()}
    return client.post("/api/v1/operator/parking/", data=json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"ApiKey {key}")


def replies_to(row: Inbox) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(content_type=ContentType.objects.get_for_model(Inbox), object_id=row.pk))


# --- The worker ----------------------------------------------------------------------------------

@pytest.fixture
def worker(private_redis, sms_gateway, tmp_path, transactional_db, demo_city):
    """`celery worker -B` in its own process on the test database and the private Redis, as production runs it (with
    the inbox pick-up every PICK_UP_SECONDS), sending SMS to the fake gateway."""
    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_POOL", "ELOKET_SERVER", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "eloket.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                        f"/{db['NAME']}",
        "REDIS_URL": private_redis.url(), "CACHE_KEY_PREFIX": f"eloket-faultredis-{os.getpid()}",
        "PARKING_INBOX_PICK_UP_SECONDS": str(PICK_UP_SECONDS),
        "SMS_BACKEND": "http", "SMS_GATEWAY_URL": sms_gateway.url, "SMS_GATEWAY_TOKEN": "outbound-token",
    })
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "eloket", "worker", "-B", "-s", str(tmp_path / "beat-schedule"),
             "-l", "info", "-P", "solo", "-n", f"faultredis-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_for(lambda: process.poll() is not None or "ready." in log.read_text(), START_SECONDS)
        assert process.poll() is None, log.read_text()[-3000:]
        process.log = log
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]  # no task failed: the outage only delayed them
    assert "+3247" not in text and "1RDS" not in text, "a phone number or plate reached the worker's log"


# --- Pages ---------------------------------------------------------------------------------------

PAGES = ["home", "city:tariffs", "content:faq", "content:privacy", "fines:lookup", "account_login"]
CITIZEN_PAGES = ["accounts:dashboard", "parking:list"]


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_pages_load_and_a_citizen_logs_in_while_redis_is_down(client, private_redis, demo_city, alice, caplog, fault):
    cache.set("warm", 1)  # the cache really is this Redis until it goes
    assert cache.get("warm") == 1
    assert client.get(reverse("home")).status_code == 200  # the process's first page, slow for reasons of its own
    take_down(private_redis, fault)

    answers = {}
    with caplog.at_level(logging.WARNING):
        for name in PAGES:
            answers[name] = timed(client.get, reverse(name))
        answers["fine lookup"] = timed(client.post, reverse("fines:lookup"),
                                       {"notice_number": "2026000001 01", "plate": "1-RDS-001"})
        answers["login"] = timed(client.post, reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD})
        for name in CITIZEN_PAGES:
            answers[name] = timed(client.get, reverse(name))

    for name, (response, seconds) in answers.items():
        expected = 302 if name == "login" else 200
        assert response.status_code == expected, (name, response.status_code)
        assert seconds < ANSWER_SECONDS, (name, seconds)
    assert answers["login"][0]["Location"] == reverse("accounts:dashboard")
    assert "Alice" in answers["accounts:dashboard"][0].content.decode()  # logged in, with Redis down
    assert "Cache unavailable" in caplog.text
    assert "Internal Server Error" not in caplog.text
    print(f"\nRedis {fault}: " + ", ".join(f"{name} {seconds:.2f} s" for name, (_response, seconds) in answers.items()))


def test_the_cache_raises_what_is_not_about_reaching_redis(private_redis):
    """Only connection errors are forgiven: a command Redis refuses is a bug and must still be seen."""
    cache.set("counter", "not a number")
    with pytest.raises(redis.ResponseError):
        cache.incr("counter")
    redis.Redis.from_url(private_redis.url()).rpush(cache.make_key("a-list"), "x")
    with pytest.raises(redis.ResponseError):  # WRONGTYPE
        cache.get("a-list")


def test_counting_without_redis_raises_at_once_and_locks_let_the_work_go_on(private_redis):
    private_redis.freeze()
    started = time.monotonic()
    assert cache.add("a-lock", 1, 60) is True  # one socket timeout, then Redis is left alone for a while
    assert cache.get("a-lock") is None and cache.get_many(["a-lock"]) == {} and not cache.has_key("a-lock")
    with pytest.raises(redis.ConnectionError):
        cache.incr("a-counter")
    assert time.monotonic() - started < ANSWER_SECONDS


# --- Inbound SMS and operator parkings -----------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # the requests commit, so what they enqueue after commit is really sent
@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_posts_are_accepted_and_stored_while_redis_is_down(client, private_redis, sms_gateway, demo_city, caplog,
                                                           fault):
    operator = Operator(code="faultredis", name="Fault test parking app")
    key = operators.make_key(operator)
    take_down(private_redis, fault)

    with caplog.at_level(logging.WARNING):
        sms_answer, sms_seconds = timed(post_sms, client, "+32470990001", "C1 1-RDS-001")
        parking_answer, parking_seconds = timed(post_parking, client, key, "1-RDS-002")

    assert sms_answer.status_code == 202, sms_answer.content
    assert parking_answer.status_code == 201, parking_answer.content
    limit = ANSWER_SECONDS if fault == "stopped" else HUNG_POST_SECONDS
    assert sms_seconds < limit and parking_seconds < limit, (sms_seconds, parking_seconds)
    stored = Inbox.objects.order_by("pk")
    assert [(row.kind, row.processed_at) for row in stored] == [("sms", None), ("parking_create", None)]
    # One line each in the log, not a traceback, and no number or plate.
    assert caplog.text.count("parking_sessions.drain_inbox not enqueued, the broker is unavailable") == 2
    assert "Traceback" not in caplog.text and "Error calling" not in caplog.text
    assert "+3247" not in caplog.text and "RDS" not in caplog.text
    print(f"\nRedis {fault}: SMS accepted in {sms_seconds:.2f} s, parking in {parking_seconds:.2f} s")


@pytest.mark.django_db(transaction=True)
def test_what_was_accepted_while_redis_was_down_becomes_sessions_once_it_returns(
        client, private_redis, worker, sms_gateway, demo_city):
    operator = Operator(code="faultredis", name="Fault test parking app")
    key = operators.make_key(operator)
    private_redis.stop(signal.SIGKILL)
    went_down = time.monotonic()

    phones = [f"+3247099{number:04d}" for number in range(3)]
    answers = [post_sms(client, phone, f"C1 1-RDS-{number:03d}") for number, phone in enumerate(phones)]
    answers += [post_parking(client, key, f"1-RDS-{number:03d}") for number in range(100, 103)]
    assert [answer.status_code for answer in answers] == [202] * 3 + [201] * 3
    rows = list(Inbox.objects.order_by("pk"))
    assert len(rows) == 6 and not any(row.processed_at for row in rows)

    time.sleep(max(0.0, 3 - (time.monotonic() - went_down)))  # down for a few seconds: the worker notices
    private_redis.start()
    back = time.monotonic()
    assert wait_for(lambda: not Inbox.objects.filter(processed_at__isnull=True).exists(), RECOVERY_SECONDS), \
        worker.log.read_text()[-3000:]
    processed_after = time.monotonic() - back
    assert wait_for(lambda: len(sms_gateway.requests) >= 3, RECOVERY_SECONDS)
    time.sleep(2 * PICK_UP_SECONDS)  # two more pick-ups: they must find nothing left to do

    rows = list(Inbox.objects.order_by("pk"))
    assert all(row.error == "" and row.attempts == 1 for row in rows), [(row.error, row.attempts) for row in rows]
    assert ParkingSession.objects.count() == 6
    assert sorted(ParkingSession.objects.values_list("inbox", flat=True)) == [row.pk for row in rows]
    assert sorted(ParkingSession.objects.values_list("plate", flat=True)) == [
        "1RDS000", "1RDS001", "1RDS002", "1RDS100", "1RDS101", "1RDS102"]
    for row in rows[:3]:
        assert [reply.status for reply in replies_to(row)] == ["sent"]
    assert sorted(request["json"]["to"] for request in sms_gateway.requests) == phones  # one reply each, no more

    # The worker reconnected by itself: a message now is taken by the drain task it gets from the broker, sooner
    # than the pick-up would (it leaves rows younger than ingest.MIN_AGE alone).
    answer = post_sms(client, "+32470990099", "C1 1-RDS-099")
    assert answer.status_code == 202
    row = Inbox.objects.get(pk=answer.json()["id"])
    assert wait_for(lambda: Inbox.objects.filter(pk=row.pk, processed_at__isnull=False).exists(), RECOVERY_SECONDS)
    row.refresh_from_db()
    assert row.processed_at - row.received_at < ingest.MIN_AGE, "taken by the pick-up, not by a task from the broker"
    assert wait_for(lambda: len(sms_gateway.requests) == 4, RECOVERY_SECONDS)
    print(f"\nRedis back: the {len(rows)} rows stored while it was down were sessions after {processed_after:.1f} s; "
          f"a new SMS was processed {(row.processed_at - row.received_at).total_seconds():.2f} s after it arrived")
