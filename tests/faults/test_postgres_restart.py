"""PostgreSQL restarted under load (issue 10, Faults): requests fail cleanly and the service recovers by itself.

A PostgreSQL of the test's own (initdb into a temporary folder, a free port, trust authentication) gets the test
database's schema, the demo city and a parking-app operator. gunicorn with the uvicorn worker and a Celery worker run
against it with DEBUG off, the web server with its connection pool (the default under ASGI) or without, while client
threads load a page, the operator API and the SMS gateway's endpoint. PostgreSQL is restarted (`pg_ctl restart -m
fast`), then stopped until every kind of request has been refused, and started again.

What must hold: every answer is a 2xx or the outage's 503 (page or JSON, with Retry-After), never a 500 or no answer;
every parking and SMS acknowledged is stored and processed once by the worker; after each outage every kind of request
succeeds again within RECOVERY_SECONDS and keeps succeeding, with nobody touching anything.
"""

import collections
import datetime
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from eloket import outage as db_outage
from parking_sessions import sms
from parking_sessions.models import Inbox, ParkingSession

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
POOL_TIMEOUT = 10.0  # settings.py's default: a request waits this long for a pooled connection, then gets the 503
ANSWER_SECONDS = POOL_TIMEOUT + 15  # the longest any answer may take on a busy two-core machine
RECOVERY_SECONDS = 10  # from PostgreSQL accepting connections again to every kind of request succeeding
STOPPED_SECONDS = 3  # PostgreSQL stays stopped at least this long, and until every kind of request was refused
START_SECONDS = 60
PAUSE = 0.05  # between one client's requests: load, not a benchmark on a shared machine
SMS_TOKEN, SMS_SECRET = "fault-gateway-token", "fault-gateway-secret"
KINDS = ("page", "parking", "sms")
ACKNOWLEDGED = 20  # POSTs acknowledged in all, at the least, before the load stops

pytestmark = [pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="PostgreSQL 15's server programs are needed"),
              pytest.mark.skipif(shutil.which("runuser") is None and os.geteuid() == 0, reason="runuser is needed"),
              pytest.mark.django_db]  # the test database's schema is copied into the private cluster


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.05)


# --- A PostgreSQL of our own ---------------------------------------------------------------------------

class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder owned by the postgres user, listening on 127.0.0.1 and a free port."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="eloket-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgresql.log"
        self.port = _free_port()
        self.running = False

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(PG_BIN / program), *args]
        if os.geteuid() == 0:  # initdb refuses root: the server runs as postgres, in a folder postgres owns
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{program} {' '.join(args)}: {done.stdout}{done.stderr}{self._log_tail()}"

    def _log_tail(self) -> str:
        return self.log.read_text()[-2000:] if self.log.exists() else ""

    def _pg_ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", action, "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", *args)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()

    def start(self) -> None:
        self._pg_ctl("start")
        self.running = True

    def restart(self) -> None:
        """Fast shutdown (every connection ended, as for a minor version update) and start again."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")
        self.running = False

    def destroy(self) -> None:
        try:
            if self.running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def copy_of_test_database(self, name: str) -> None:
        """The test database as it is now (schema and committed rows), as database `name` in this cluster."""
        with self.connect("postgres") as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        test = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": test["PASSWORD"] or ""}
        dump = subprocess.Popen(
            [str(PG_BIN / "pg_dump"), "-h", test["HOST"] or "127.0.0.1", "-p", str(test["PORT"] or 5432), "-U",
             test["USER"], "--no-owner", "--no-privileges", test["NAME"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env)
        restore = subprocess.run(
            [str(PG_BIN / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h", "127.0.0.1",
             "-p", str(self.port), "-U", "postgres", "-d", name], stdin=dump.stdout, capture_output=True, text=True,
            timeout=120)
        dump.stdout.close()
        assert dump.wait(60) == 0, dump.stderr.read().decode()[-2000:]
        assert restore.returncode == 0, restore.stderr[-2000:]


@pytest.fixture(scope="module")
def cluster():
    private = PrivateCluster()
    try:
        private.create()
        yield private
    finally:
        private.destroy()


# --- The product's processes against it ---------------------------------------------------------------

def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process we started; SIGKILL to its own process group if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@dataclass
class Product:
    port: int
    database: str
    operator_key: str
    web_log: Path
    worker_log: Path


SEED = """
import django
django.setup()
from django.core.management import call_command
from parking_sessions import operators
from parking_sessions.models import Operator
call_command("seed_demo_city", no_accounts=True, verbosity=0)
print(operators.make_key(Operator(code="faultpg", name="Fault test parking app")))
"""


@pytest.fixture(scope="module")
def city(cluster, django_db_setup, tmp_path_factory):
    """A database in the private cluster with the test database's schema, the demo city and a parking-app operator
    (seeded there, so the test database keeps nothing), and the environment the product's processes run with."""
    folder = tmp_path_factory.mktemp("postgres-restart")
    database = "eloket_restart"
    cluster.copy_of_test_database(database)
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_POOL", "ELOKET_SERVER", "CONN_MAX_AGE", "CELERY_TASK_ALWAYS_EAGER",
                          "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings", "PYTHONPATH": str(ROOT),
        "FAULT_STATIC_ROOT": str(folder / "static"), "MEDIA_ROOT": str(folder / "media"),
        "DATABASE_URL": cluster.url(database), "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": f"eloket-pgrestart-{os.getpid()}", "SECRET_KEY": "fault-test-" + secrets.token_urlsafe(32),
        "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "SMS_INBOUND_TOKEN": SMS_TOKEN, "SMS_INBOUND_SECRET": SMS_SECRET,
        "SMS_BACKEND": "console", "EMAIL_URL": "consolemail://", "DATABASE_POOL_TIMEOUT": str(POOL_TIMEOUT),
        # Rows a worker claimed when the database went away are taken over after this (60 s in production).
        "PARKING_INBOX_STALE_SECONDS": "5",
    })
    for step in ([sys.executable, "-c", SEED], [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]):
        done = subprocess.run(step, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        if step[1] == "-c":
            operator_key = done.stdout.strip().splitlines()[-1]
    return database, operator_key, env


@pytest.fixture(params=["pool", "no pool"])
def product(request, city, tmp_path):
    """The web server and a Celery worker on the city's database, as the Dockerfile and docker-compose.yml run them:
    the web server with its connection pool (the default under ASGI), or without (DATABASE_POOL=0)."""
    database, operator_key, env = city
    port = _free_port()
    env = {**env, "SITE_URL": f"http://127.0.0.1:{port}", "DATABASE_POOL": "1" if request.param == "pool" else "0"}
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    with web_log.open("w") as web_out, worker_log.open("w") as worker_out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "eloket.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--graceful-timeout", "5", "--access-logfile", "-",
             "--no-control-socket"],  # its default path is shared by every gunicorn of this user
            cwd=ROOT, env=env, stdout=web_out, stderr=subprocess.STDOUT, start_new_session=True)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "eloket", "worker", "-l", "info", "-c", "1", "-n",
             f"pgrestart-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=worker_out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def healthy() -> bool:
            assert web.poll() is None, web_log.read_text()[-3000:]
            assert worker.poll() is None, worker_log.read_text()[-3000:]
            try:
                return _get(port, "/health/").status == 200 and "ready" in worker_log.read_text()
            except OSError:
                return False

        _wait_until(healthy, START_SECONDS, "the web server and the worker starting")
        yield Product(port, database, operator_key, web_log, worker_log)
    finally:
        _stop(web)
        _stop(worker)


def _get(port: int, path: str) -> http.client.HTTPResponse:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        client.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = client.getresponse()
        response.read()
        return response
    finally:
        client.close()


# --- Client load ---------------------------------------------------------------------------------------

@dataclass
class Answer:
    kind: str
    key: str  # the Idempotency-Key or SMS message id of a POST
    started: float
    ended: float
    status: int | None  # None: no answer at all (refused, reset or timed out)
    problem: str
    retry_after: str | None
    content_type: str
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Load:
    """One thread per kind of request, each sending one request after another until stopped."""

    def __init__(self, port: int, operator_key: str):
        self.port, self.operator_key = port, operator_key
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(kind,), daemon=True) for kind in KINDS]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(ANSWER_SECONDS + 5)

    def _run(self, kind: str) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            self._send(kind, *getattr(self, kind)(number))
            self.stopping.wait(PAUSE)

    def page(self, number: int):
        return "", "GET", "/tarieven/", None, {}

    def parking(self, number: int):
        key = f"restart-{number}-{uuid.uuid4().hex[:8]}"
        start = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        body = json.dumps({"registration_number": f"1FPG{number % 1000:03d}", "zone": "C1",
                           "time_start": start.isoformat(), "time_end": (start + datetime.timedelta(hours=1)).isoformat()})
        headers = {"Authorization": f"ApiKey {self.operator_key}", "Idempotency-Key": key,
                   "Content-Type": "application/json"}
        return key, "POST", "/api/v1/operator/parking/", body.encode(), headers

    def sms(self, number: int):
        key = f"restart-sms-{number}-{uuid.uuid4().hex[:8]}"
        body = json.dumps({"message_id": key, "from": f"+3247{number % 10**7:07d}", "to": "4411",
                           "body": f"C1 1SMS{number % 1000:03d}"}).encode()
        headers = {"Authorization": f"Bearer {SMS_TOKEN}", "X-Signature": sms.signature(body, SMS_SECRET),
                   "Content-Type": "application/json"}
        return key, "POST", "/api/v1/sms/inbound", body, headers

    def _send(self, kind: str, key: str, method: str, path: str, body: bytes | None, headers: dict) -> None:
        started = time.monotonic()
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=ANSWER_SECONDS)
        try:
            client.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **headers})
            response = client.getresponse()
            content = response.read()
            answer = Answer(kind, key, started, time.monotonic(), response.status, "", response.getheader("Retry-After"),
                            response.getheader("Content-Type", ""), content[:3000])
        except OSError as error:  # refused, reset, or no answer within ANSWER_SECONDS
            answer = Answer(kind, key, started, time.monotonic(), None, repr(error), None, "", b"")
        finally:
            client.close()
        self.answers.append(answer)

    def succeeded_since(self, moment: float) -> bool:
        return {answer.kind for answer in list(self.answers) if answer.ok and answer.started >= moment} == set(KINDS)

    def acknowledged(self) -> set[str]:
        """The keys of the parkings and SMS the product said yes to."""
        return {answer.key for answer in list(self.answers) if answer.kind in ("parking", "sms") and answer.ok}

    def refused_since(self, moment: float) -> bool:
        return {answer.kind for answer in list(self.answers)
                if answer.status == 503 and answer.ended >= moment} == set(KINDS)


@dataclass
class Outage:
    name: str
    began: float  # PostgreSQL asked to stop
    back: float  # PostgreSQL accepts connections again

    def recovered(self, answers: list[Answer]) -> float:
        """Seconds from `back` until each kind of request had succeeded once, started after `back`."""
        firsts = [min(answer.ended for answer in answers if answer.kind == kind and answer.ok and answer.started >= self.back)
                  for kind in KINDS]
        return max(firsts) - self.back

    def refusals(self, answers: list[Answer], until: float) -> collections.Counter:
        """The 503s answered from the outage's start until `until` (the next outage), by kind of request."""
        return collections.Counter(answer.kind for answer in answers
                                   if answer.status == 503 and self.began <= answer.ended < until)


def _describe(answers: list[Answer]) -> str:
    counts = collections.Counter((answer.kind, answer.status) for answer in answers)
    odd = [answer for answer in answers if not answer.ok and answer.status != 503][:5]
    return f"{dict(counts)}; unexpected: {[(a.kind, a.status, a.problem, a.body[:300]) for a in odd]}"


# --- The test ------------------------------------------------------------------------------------------

def test_requests_fail_cleanly_and_everything_recovers_when_postgresql_restarts(cluster, product):
    load = Load(product.port, product.operator_key)
    outages: list[Outage] = []
    load.start()
    try:
        _wait_until(lambda: load.succeeded_since(0), 30, "every kind of request succeeding before the restart")

        began = time.monotonic()
        cluster.restart()
        outages.append(Outage("restart", began, time.monotonic()))
        _wait_until(lambda: load.succeeded_since(outages[-1].back), RECOVERY_SECONDS * 3, "recovery after the restart")

        began = time.monotonic()
        cluster.stop()
        _wait_until(lambda: time.monotonic() - began >= STOPPED_SECONDS and load.refused_since(began),
                    ANSWER_SECONDS + 10, "every kind of request refused while PostgreSQL is stopped")
        cluster.start()
        outages.append(Outage("stop", began, time.monotonic()))
        _wait_until(lambda: load.succeeded_since(outages[-1].back), RECOVERY_SECONDS * 3, "recovery after the start")
        settled = time.monotonic()
        _wait_until(lambda: time.monotonic() - settled > 1 and len(load.acknowledged()) >= ACKNOWLEDGED, 60,
                    f"a second of load after recovery, and {ACKNOWLEDGED} POSTs acknowledged in all")
    finally:
        load.stop()
    answers = load.answers

    # Every answer is a success or the outage's 503, within the bound; nothing hung, nothing was a 500.
    assert all(answer.ok or answer.status == 503 for answer in answers), _describe(answers)
    assert max(answer.ended - answer.started for answer in answers) < ANSWER_SECONDS
    for answer in (answer for answer in answers if answer.status == 503):
        assert answer.retry_after == str(db_outage.RETRY_AFTER_SECONDS)
        if answer.kind == "page":
            assert answer.content_type.startswith("text/html") and b'<html lang="nl"' in answer.body
        else:
            assert answer.content_type == "application/json"
            assert json.loads(answer.body)["code"] == "service_unavailable"

    # Recovery by itself, and for good: once every kind succeeded, nothing is refused until the next outage.
    ends = [outage.began for outage in outages[1:]] + [float("inf")]
    for outage, end in zip(outages, ends, strict=True):
        recovered = outage.back + outage.recovered(answers)
        assert outage.recovered(answers) <= RECOVERY_SECONDS, (outage.name, outage.recovered(answers))
        later = [answer for answer in answers if recovered < answer.started and answer.ended < end and not answer.ok]
        assert not later, (outage.name, _describe(later))

    # Nothing acknowledged is lost, and the worker processes all of it once the database is back.
    acknowledged = load.acknowledged()
    with cluster.connect(product.database) as db:
        stored = {row[0] for row in db.execute(f'SELECT external_id FROM "{Inbox._meta.db_table}" '
                                               "WHERE external_id = ANY(%s)", [list(acknowledged)])}
        assert stored == acknowledged, f"acknowledged but not stored: {sorted(acknowledged - stored)[:10]}"
        _wait_until_processed(db, acknowledged, 60)
        acted_on, sessions = db.execute(
            f'SELECT count(*) FILTER (WHERE inbox.error = \'\'), count(session.id) FROM "{Inbox._meta.db_table}" inbox '
            f'LEFT JOIN "{ParkingSession._meta.db_table}" session ON session.inbox_id = inbox.id '
            "WHERE inbox.external_id = ANY(%s)", [list(acknowledged)]).fetchone()
        assert acted_on == sessions == len(acknowledged)  # one session each: none refused, none given up, none twice

    # The 503s were logged in one line each, without personal data.
    web_log = product.web_log.read_text()
    assert web_log.count("Database unavailable, answered 503") == sum(answer.status == 503 for answer in answers)
    assert "Internal Server Error" not in web_log and "Traceback" not in web_log
    assert "1FPG" not in web_log and "1SMS" not in web_log and "+3247" not in web_log

    print(f"\n{len(answers)} answers: {dict(collections.Counter(answer.status for answer in answers))}")  # shown by -s
    for outage, end in zip(outages, ends, strict=True):
        print(f"{outage.name}: down {outage.back - outage.began:.1f} s, 503s {dict(outage.refusals(answers, end))}, "
              f"every kind succeeding again {outage.recovered(answers):.2f} s after PostgreSQL was back")


def _wait_until_processed(db: psycopg.Connection, keys: set[str], seconds: float) -> None:
    """Wait for the worker to process every row; meanwhile send, every few seconds, what Celery beat sends every minute:
    the pick-up of rows whose task failed when the database went away."""
    deadline, poked = time.monotonic() + seconds, 0.0
    with Celery(broker=settings.REDIS_URL, set_as_current=False) as beat:  # never the app shared tasks use
        while True:
            waiting = db.execute(f'SELECT count(*) FROM "{Inbox._meta.db_table}" WHERE external_id = ANY(%s) '
                                 "AND processed_at IS NULL", [list(keys)]).fetchone()[0]
            if not waiting:
                return
            assert time.monotonic() < deadline, f"{waiting} stored rows were not processed within {seconds} s"
            if time.monotonic() - poked > 5:
                beat.send_task("parking_sessions.process_pending")
                poked = time.monotonic()
            time.sleep(0.2)


def test_the_pool_replaces_a_connection_the_server_ended(cluster, city):
    """The check Django's pool runs on each connection it hands out (CONN_HEALTH_CHECKS): after a restart ended the
    pooled connection's server process, the next request gets a new connection instead of an error."""
    database, _key, env = city
    script = """
import json, django, psycopg
django.setup()
from django.db import connection

def request():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    connection.close()  # back into the pool, as at the end of a request
    return pid

first = request()
with psycopg.connect(URL, autocommit=True) as other:
    other.execute("SELECT pg_terminate_backend(%s, 5000)", [first])
second = request()
print(json.dumps({"first": first, "second": second}))
"""
    # The web server's settings (asgi.py sets ELOKET_SERVER), with one connection: the next request must get it.
    env = {**env, "ELOKET_SERVER": "asgi", "DATABASE_POOL_MIN": "1", "DATABASE_POOL_MAX": "1"}
    done = subprocess.run([sys.executable, "-c", f"URL = {cluster.url(database)!r}\n" + script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["second"] != outcome["first"]
