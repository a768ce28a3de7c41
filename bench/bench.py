"""eloket's speed benchmarks (issue 6 "Speed", issue 10 "Speed (bench/)"): run through bench/run.

One run: a separate PostgreSQL database (eloket_bench) migrated and seeded with the demo city, a week of data (seed.py)
and the citizens who use the portal (citizens.py); in-process measurements with Django's test client (SQL queries per
request, server time of the APIs and of the citizen pages); gunicorn with the uvicorn worker, as the Dockerfile runs
it, measured over HTTP (load.py's client threads for the APIs, wrk or load.py for the pages: pages.py); a real Celery
worker draining inbox rows from Redis; notice letters rendered by one worker process (pdfs.py); memory from /proc.
Writes every figure to bench/results/results.json (BENCH_RESULTS chooses another folder); summary.py makes the table.
"""

import argparse
import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SERVER = BENCH / "server"  # bench_settings.py, the settings module of every process of the run
RESULTS = Path(os.environ.get("BENCH_RESULTS") or BENCH / "results")
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(SERVER))

import load  # noqa: E402  (bench/load.py)
from processes import LoadWatch, busy_processes, children, free_port, memory, say, stop  # noqa: E402

REDIS_MARKER = "eloket-bench:owner"


# --- Setup -------------------------------------------------------------------------------------------

def create_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def claim_redis(url: str):
    """The benchmark's broker and cache live in their own Redis database, emptied before and after the run; refuse
    one that holds someone else's keys."""
    import redis

    client = redis.Redis.from_url(url)
    if client.dbsize() and not client.exists(REDIS_MARKER):
        sys.exit(f"Redis database {url} holds keys that are not the benchmark's: choose another with --redis.")
    client.flushdb()
    client.set(REDIS_MARKER, "bench/run")
    return client


# --- In-process measurements (Django's test client, same settings as the server) ---------------------------

class InProcess:
    def __init__(self, seeded, sms_token: str, sms_secret: str):
        from django.test import Client

        self.client = Client()
        self.seeded = seeded
        self.sms_token, self.sms_secret = sms_token, sms_secret

    def get(self, path, headers):
        return self.client.get(path, secure=True, headers=headers)

    def post(self, path, body: bytes, headers):
        return self.client.post(path, data=body, content_type="application/json", secure=True, headers=headers)

    @staticmethod
    def queries(call):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            response = call()
        return response, [query["sql"] for query in context.captured_queries]

    @staticmethod
    def timed(call, runs: int, after=None) -> list[float]:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
            if after is not None:
                after()  # not timed
        return times


def forget_bench_checks() -> None:
    """Delete the checks this run logged. A batch logs its 1,000 checks, and the next batch of the same plates would
    find them as earlier sightings: every repetition would read 1,000 rows more than a real round does."""
    from django.db import connection

    from parking_sessions.models import Check

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Check._meta.db_table} WHERE created > %s", [BENCH_CHECKS_SINCE[0]])


BENCH_CHECKS_SINCE: list = []  # when seeding ended: the logged checks after it are the benchmark's own


def ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered) * 1000,
            "p95": ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))] * 1000,
            "min": ordered[0] * 1000, "max": ordered[-1] * 1000, "n": len(ordered)}


def explain(sql: str, path: Path) -> None:
    """EXPLAIN ANALYZE of a query as the view ran it (its parameters are inline in the captured text)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        path.write_text("\n".join(row[0] for row in cursor.fetchall()) + "\n")


def profile(call, path: Path, lines: int = 30) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write("=== by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(lines)
    out.write("=== by own time ===\n")
    stats.sort_stats("tottime").print_stats(lines)
    path.write_text(out.getvalue())


# --- Request bodies ----------------------------------------------------------------------------------

def check_path(question: dict) -> str:
    return "/api/v1/enforcement/check?" + urllib.parse.urlencode(question)


def operator_body(rng: random.Random) -> bytes:
    from seed import belgian_plate

    now = datetime.datetime.now(datetime.UTC)
    start = now - datetime.timedelta(minutes=rng.randint(0, 3))
    return json.dumps({  # the shape of parkkihubi's own example, in a zone of the demo city
        "location": {"type": "Point", "coordinates": [5.5001, 50.9655]},
        "registration_number": belgian_plate(rng), "time_start": start.isoformat(),
        "time_end": (start + datetime.timedelta(minutes=rng.choice([60, 90, 120]))).isoformat(),
        "domain": "GNK", "zone": rng.choice(["C1", "C2"])}).encode()


def sms_body(rng: random.Random, run: str, index: int) -> bytes:
    from seed import belgian_plate

    return json.dumps({"message_id": f"bench-{run}-{index}", "from": f"+3247{rng.randint(0, 9_999_999):07d}",
                       "to": "4411", "body": f"{rng.choice(['C1', 'C2'])} {belgian_plate(rng)}"}).encode()


# --- The run -----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--db", default="eloket_bench", help="database name (must contain 'bench'; default %(default)s)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (superuser)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="a Redis database of its own")
    parser.add_argument("--sessions", type=int, default=100_000, help="parking sessions to seed (default %(default)s)")
    parser.add_argument("--requests", type=int, default=500, help="sequential requests per measure (default %(default)s)")
    parser.add_argument("--concurrent", type=int, default=1000,
                        help="requests per concurrent measure (and per page with --page-tool load.py)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent client threads (default %(default)s)")
    parser.add_argument("--batches", type=int, default=30, help="batch checks of 1,000 plates over HTTP")
    parser.add_argument("--ingest", type=int, default=5000, help="inbox rows per ingestion measure")
    parser.add_argument("--web-workers", type=int, default=1,
                        help="gunicorn workers (default %(default)s, as the Dockerfile's command)")
    parser.add_argument("--web-conn-max-age", default="0",
                        help="CONN_MAX_AGE of the web server with --no-web-pool (default %(default)s, as Django advises "
                             "under ASGI; 60 leaks a connection per request there)")
    parser.add_argument("--no-web-pool", action="store_true",
                        help="run the web server without its database connection pool (DATABASE_POOL=0)")
    parser.add_argument("--page-tool", choices=("auto", "wrk", "load.py"), default="auto",
                        help="load tool of the citizen pages: auto is wrk when installed, else load.py")
    parser.add_argument("--page-seconds", type=float, default=20,
                        help="seconds of load per citizen page with wrk (default %(default)s)")
    parser.add_argument("--page-renders", type=int, default=30,
                        help="in-process renders per citizen page (default %(default)s)")
    parser.add_argument("--pdfs", type=int, default=50, help="notices rendered by one worker process (default %(default)s)")
    parser.add_argument("--pdfs-in-process", type=int, default=10,
                        help="of those, rendered again in this process (default %(default)s)")
    parser.add_argument("--seed-only", action="store_true", help="create and seed the database, keep it, stop there")
    args = parser.parse_args()
    args.keep = args.keep or args.seed_only
    if "bench" not in args.db:
        parser.error("the database name must contain 'bench': it is dropped and created")

    # Stopped by a signal (Ctrl-C, or SIGTERM from whatever runs it), the run still stops its servers and workers and
    # drops its database in `finally`; a background job's inherited "ignore SIGINT" is overridden for the same reason.
    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    sms_token, sms_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    scratch = Path(tempfile.mkdtemp(prefix="eloket-bench-"))  # collected static files and rendered PDFs
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench_settings",  # eloket.settings with STATIC_ROOT in the scratch folder
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SERVER), os.environ.get("PYTHONPATH", "")])),
        "BENCH_STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "REDIS_URL": args.redis,
        "CACHE_KEY_PREFIX": "eloket-bench",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),  # production mode: DEBUG off, secure defaults
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SMS_INBOUND_TOKEN": sms_token,
        "SMS_INBOUND_SECRET": sms_secret,
        "SMS_BACKEND": "console",
        "EMAIL_URL": "consolemail://",
    })
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)

    watch = LoadWatch()
    watch.start()
    info = {"started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"), "host": platform.node(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "load_at_start": os.getloadavg(),
            "busy_at_start": busy_processes(), "options": vars(args)}
    say(f"eloket benchmarks, {info['started']}, {info['cpus']} CPUs, load average {info['load_at_start'][0]:.2f}")
    for line in info["busy_at_start"]:
        say(f"  busy: {line}")

    redis_client = claim_redis(args.redis)
    figures: dict = {"info": info}
    processes: list[subprocess.Popen] = []  # every server and worker this run started, stopped in `finally`

    def start_worker(name: str, concurrency: int | None = None) -> subprocess.Popen:
        log = (RESULTS / ("celery.log" if name == "bench" else f"celery-{name}.log")).open("w")
        worker = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "eloket", "worker", "-l", "info", "-n", f"{name}@%h",
             *(["--concurrency", str(concurrency)] if concurrency else [])],
            cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(worker)
        if name != "bench":  # ingestion() waits for its own worker, to count the rows it takes before answering
            wait_for_worker(worker, name)
        return worker

    try:
        say(f"\n[1/8] Database {args.db}: create, migrate, seed_demo_city --no-accounts; collectstatic")
        create_database(args.pg, args.db)
        import django

        django.setup()
        # The server's log lines (INFO: every inbox row) go to a file, not between the figures.
        import logging

        driver_log = (RESULTS / "driver.log").open("w")
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(driver_log)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed_demo_city", no_accounts=True, stdout=io.StringIO())
        call_command("collectstatic", interactive=False, verbosity=0)

        say("[2/8] Realistic data")
        import citizens
        import seed

        started = time.perf_counter()
        seeded = seed.seed(sessions=args.sessions, log=say)
        people = citizens.seed(log=say)
        from django.utils import timezone

        BENCH_CHECKS_SINCE.append(timezone.now())
        figures["data"] = {**seeded.counts, "reference_time": seeded.reference_time.isoformat(),
                           "citizens": people.counts, "seconds": round(time.perf_counter() - started, 1)}
        say(f"  {seeded.counts}\n  {people.counts}\n  in {figures['data']['seconds']} s; checks ask about "
            f"{seeded.reference_time:%a %d %b %H:%M}")

        if args.seed_only:
            (RESULTS / "seeded.json").write_text(json.dumps({"operator_key": seeded.operator_key,
                                                             "device_token": seeded.device_token,
                                                             "checks": seeded.checks}, indent=1))
            return 0
        say("[3/8] In-process: queries per request and server time of the APIs")
        figures["inproc"] = in_process(seeded, sms_token, sms_secret)

        say("[4/8] In-process: queries and server time of the citizen pages")
        import pages

        page_list = pages.pages(people)
        figures["pages_inproc"] = pages.in_process(page_list, renders=args.page_renders, profiles=RESULTS)

        say(f"[5/8] gunicorn + uvicorn worker on 127.0.0.1:{port}: the APIs and the pages over HTTP")
        web_log = (RESULTS / "gunicorn.log").open("w")
        web = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "eloket.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--graceful-timeout", "30",
             "--workers", str(args.web_workers)],
            cwd=ROOT, env={**os.environ, "CONN_MAX_AGE": args.web_conn_max_age,
                           **({"DATABASE_POOL": "0"} if args.no_web_pool else {})}, stdout=web_log,
            stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(web)
        figures["web_conn_max_age"] = args.web_conn_max_age
        figures["web_pool"] = not args.no_web_pool
        figures["http"] = over_http(port, seeded, sms_token, sms_secret, args)
        figures["pages_http"] = pages.over_http(port, page_list, tool=args.page_tool, clients=args.clients,
                                                seconds=args.page_seconds, total=args.concurrent)
        figures["web_memory"] = {"master": memory(web.pid), "workers": [memory(pid) for pid in children(web.pid)]}
        stop(web, "gunicorn")

        say("[6/8] Celery worker: ingestion rate")
        worker = start_worker("bench")
        figures["ingest"] = ingestion(worker, seeded, args)
        figures["worker_memory"] = {"main": memory(worker.pid), "children": [memory(pid) for pid in children(worker.pid)]}
        stop(worker, "celery worker", timeout=60)

        say(f"[7/8] PDF notices: {args.pdfs} through one Celery worker process, then in this process")
        import pdfs

        figures["pdfs"] = pdfs.through_worker(start_worker, people.case_ids[:args.pdfs])
        figures["pdfs"]["in_process"] = pdfs.in_process(figures["pdfs"].pop("document_ids")[:args.pdfs_in_process])

        say("[8/8] In-process ingestion (one process, no Celery) and its profile")
        figures["ingest"]["in_process"] = ingestion_in_process(seeded, args)
    except BaseException as error:
        figures["failed"] = f"{type(error).__name__}: {error}"[:500]
        raise
    finally:
        for process in processes:
            stop(process, Path(process.args[0]).name)
        watch.running = False
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001  (django may not be set up when the run failed early)
            pass
        if args.keep:
            say(f"\nKept database {args.db} (drop it with: dropdb -h 127.0.0.1 -U postgres {args.db})")
        else:
            drop_database(args.pg, args.db)
        redis_client.flushdb()
        shutil.rmtree(scratch, ignore_errors=True)
        info["load_samples"] = {"min": min(watch.samples), "max": max(watch.samples),
                                "mean": statistics.fmean(watch.samples)} if watch.samples else {}
        info["load_at_end"] = os.getloadavg()
        info["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        (RESULTS / "results.json").write_text(json.dumps(figures, indent=2, default=str))
    say(f"\nAll figures: {RESULTS / 'results.json'}; profiles and server logs in {RESULTS}/. "
        "bench/summary.py prints the table (bench/run does, after the data report).")
    return 0


def wait_for_worker(worker: subprocess.Popen, name: str, timeout: float = 60) -> None:
    from eloket.celery import app

    deadline = time.monotonic() + timeout
    while not app.control.ping(destination=[f"{name}@{socket.gethostname()}"], timeout=1):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker {name} did not start: see its log in {RESULTS}")


def in_process(seeded, sms_token, sms_secret) -> dict:
    from parking_sessions import devices, enforcement, operators, reference

    runner = InProcess(seeded, sms_token, sms_secret)
    device = {"Authorization": f"Bearer {seeded.device_token}"}
    app = {"Authorization": f"ApiKey {seeded.operator_key}"}
    questions = seeded.checks
    out: dict = {}

    # Single check: cold (reference data and token not cached yet), then warm.
    reference.forget()
    devices.forget()
    response, cold = runner.queries(lambda: runner.get(check_path(questions[0]), device))
    assert response.status_code == 200, response.content
    response, warm = runner.queries(lambda: runner.get(check_path(questions[1]), device))
    assert response.status_code == 200, response.content
    index = iter(range(2, 10**9))
    times = runner.timed(lambda: runner.get(check_path(questions[next(index) % 1000]), device), 300)
    out["check_single"] = {"queries_warm": len(warm), "queries_cold": len(cold), "sql_warm": warm, **ms(times)}
    explain(next(q for q in warm if "UNION" in q.upper()), RESULTS / "explain-check-single.txt")
    say(f"  check, single: {len(warm)} queries warm ({len(cold)} cold), view {ms(times)['p50']:.2f} ms p50")

    # Batch of 1,000: each repetition starts from the seeded check log (forget_bench_checks).
    forget_bench_checks()
    body = json.dumps({"checks": questions}).encode()
    response, sql = runner.queries(lambda: runner.post("/api/v1/enforcement/check", body, device))
    assert response.status_code == 200 and len(response.json()["results"]) == 1000, response.content[:500]
    answers = response.json()["results"]
    rights = {}
    for answer in answers:
        key = answer["right"] or ("grace" if answer["grace_until"] else "none")
        rights[key] = rights.get(key, 0) + 1
    forget_bench_checks()
    explain(next(q for q in sql if "UNION" in q.upper()), RESULTS / "explain-check-batch.txt")
    times = runner.timed(lambda: runner.post("/api/v1/enforcement/check", body, device), 20, forget_bench_checks)
    items = [enforcement.item(q["plate"], zone=q["zone"], at=datetime.datetime.fromisoformat(q["time"]))
             for q in questions]
    from parking_sessions.models import Device

    scan_car = devices.device_for(seeded.device_token) or Device.objects.first()
    core = runner.timed(lambda: enforcement.check_many(items, device=scan_car), 20, forget_bench_checks)
    load_only = runner.timed(lambda: enforcement._load(items), 20)
    decide = runner.timed(lambda: enforcement.check_many(items), 20)  # without the log insert
    profile(lambda: runner.post("/api/v1/enforcement/check", body, device), RESULTS / "profile-check-batch.txt")
    forget_bench_checks()
    out["check_batch"] = {"queries": len(sql), "sql": sql, "answers": rights, "view": ms(times),
                          "check_many": ms(core), "one_query_load": ms(load_only), "check_many_no_log": ms(decide)}
    say(f"  check, batch of 1,000: {len(sql)} queries, view {ms(times)['p50']:.0f} ms p50 "
        f"(check_many {ms(core)['p50']:.0f} ms, of which the query {ms(load_only)['p50']:.0f} ms, the log insert "
        f"{ms(core)['p50'] - ms(decide)['p50']:.0f} ms); answers {rights}")

    # Operator POST parking/: without a key, with a new key, and a retry of that key.
    rng = random.Random(10)
    operators.forget_keys()
    response, cold = runner.queries(lambda: runner.post("/api/v1/operator/parking/", operator_body(rng), app))
    assert response.status_code == 201, response.content
    response, plain = runner.queries(lambda: runner.post("/api/v1/operator/parking/", operator_body(rng), app))
    assert response.status_code == 201, response.content
    retry_body, retry_key = operator_body(rng), {**app, "Idempotency-Key": str(uuid.uuid4())}
    response, keyed = runner.queries(lambda: runner.post("/api/v1/operator/parking/", retry_body, retry_key))
    assert response.status_code == 201, response.content
    response, retried = runner.queries(lambda: runner.post("/api/v1/operator/parking/", retry_body, retry_key))
    assert response.status_code == 201, response.content
    bodies = [operator_body(rng) for _ in range(300)]
    index = iter(range(10**9))
    times = runner.timed(lambda: runner.post("/api/v1/operator/parking/", bodies[next(index)],
                                             {**app, "Idempotency-Key": str(uuid.uuid4())}), 300)
    out["operator_post"] = {"queries_warm": len(plain), "queries_with_key": len(keyed), "queries_retry": len(retried),
                            "queries_cold": len(cold), "sql_warm": plain, "sql_retry": retried, **ms(times)}
    say(f"  operator POST: {len(plain)} queries ({len(keyed)} with Idempotency-Key, {len(retried)} for a retry, "
        f"{len(cold)} cold), view {ms(times)['p50']:.2f} ms p50")

    # SMS inbound (no query target; for the record).
    from parking_sessions import sms

    bodies = [sms_body(rng, "inproc", n) for n in range(301)]

    def sms_call(raw):
        return runner.post("/api/v1/sms/inbound", raw, {"Authorization": f"Bearer {sms_token}",
                                                        "X-Signature": sms.signature(raw, sms_secret)})

    response, sql = runner.queries(lambda: sms_call(bodies[0]))
    assert response.status_code == 202, response.content
    index = iter(range(1, 10**9))
    times = runner.timed(lambda: sms_call(bodies[next(index)]), 300)
    out["sms_inbound"] = {"queries": len(sql), "sql": sql, **ms(times)}
    say(f"  SMS inbound: {len(sql)} queries, view {ms(times)['p50']:.2f} ms p50")
    return out


def over_http(port: int, seeded, sms_token: str, sms_secret: str, args) -> dict:
    from parking_sessions import sms

    deadline = time.monotonic() + 60
    while True:
        try:
            probe = load.run("127.0.0.1", port, lambda i: ("GET", "/health/", None, {"X-Forwarded-Proto": "https"}), 1)
            if probe.statuses.get(200):
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer /health/ within 60 s: see bench/results/gunicorn.log")
        time.sleep(0.5)

    proxy = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of it says
    device = {**proxy, "Authorization": f"Bearer {seeded.device_token}"}
    app = {**proxy, "Authorization": f"ApiKey {seeded.operator_key}", "Content-Type": "application/json"}
    questions = seeded.checks
    out: dict = {}

    def measure(name, request, total, clients=1, expect=(200,), warmup=20):
        if warmup:  # requests of their own (a new parking, a new message id), not counted
            load.run("127.0.0.1", port, lambda i: request(10**6 + i), warmup, 1, expect)
        result = load.run("127.0.0.1", port, request, total, clients, expect)
        out[name] = {"n": result.count, "clients": clients, "p50": result.p50, "p95": result.p95,
                     "per_second": result.per_second, "errors": result.errors, "statuses": dict(result.statuses)}
        say(f"  {name}: {result.count} requests, {clients} client(s): p50 {result.p50:.1f} ms, p95 {result.p95:.1f} ms, "
            f"{result.per_second:.0f}/s, {result.errors} errors {dict(result.statuses)}")
        return result

    def check(i):
        return "GET", check_path(questions[i % len(questions)]), None, device

    measure("check_single", check, args.requests)
    measure("check_single_concurrent", check, args.concurrent, args.clients)

    batch = json.dumps({"checks": questions}).encode()
    batch_request = ("POST", "/api/v1/enforcement/check", batch, {**device, "Content-Type": "application/json"})
    forget_bench_checks()
    load.run("127.0.0.1", port, lambda i: batch_request, 2)  # warm-up
    results = []
    for _ in range(args.batches):  # one at a time, each from the seeded check log
        forget_bench_checks()
        results.append(load.run("127.0.0.1", port, lambda i: batch_request, 1))
    forget_bench_checks()
    merged = load.Result(latencies=[x for r in results for x in r.latencies], wall=sum(r.wall for r in results))
    for r in results:
        merged.statuses.update(r.statuses)
        merged.errors += r.errors
    out["check_batch"] = {"n": merged.count, "clients": 1, "p50": merged.p50, "p95": merged.p95,
                          "per_second": merged.per_second, "errors": merged.errors, "statuses": dict(merged.statuses)}
    say(f"  check_batch: {merged.count} requests: p50 {merged.p50:.1f} ms, p95 {merged.p95:.1f} ms, "
        f"{merged.errors} errors {dict(merged.statuses)}")

    def post(i):  # a new parking each time, as an app sends them; made before the clock starts (load.run)
        return "POST", "/api/v1/operator/parking/", operator_body(random.Random(i)), {
            **app, "Idempotency-Key": f"bench-http-{i}"}

    measure("operator_post", post, args.requests, expect=(201,))
    measure("operator_post_concurrent", lambda i: post(args.requests + i), args.concurrent, args.clients,
            expect=(201,))

    def inbound(i):  # a new message; the gateway signs it before it sends
        raw = sms_body(random.Random(i), "http", i)
        return "POST", "/api/v1/sms/inbound", raw, {**proxy, "Authorization": f"Bearer {sms_token}",
                                                    "X-Signature": sms.signature(raw, sms_secret),
                                                    "Content-Type": "application/json"}

    measure("sms_inbound", inbound, args.requests, expect=(202,))
    measure("sms_inbound_concurrent", lambda i: inbound(args.requests + i), args.concurrent, args.clients,
            expect=(202,))
    return out


def _ingest_rows(seeded, run: int, count: int, only: str = "") -> list[int]:
    """`count` inbox rows as the APIs store them, alternating: an operator parking in a paid zone (during paid hours,
    so it is priced) and an SMS start from its own phone."""
    from seed import belgian_plate

    from parking_sessions import operators
    from parking_sessions.models import Inbox, InboxKind, Operator

    rng = random.Random(run)
    operator = Operator.objects.get(code="bench")
    rows = []
    for n in range(count):
        plate = belgian_plate(rng)
        if only == "operator" or (only != "sms" and n % 2 == 0):
            start = seeded.reference_time - datetime.timedelta(minutes=rng.randint(0, 240))
            parking = operators.clean({"registration_number": plate, "time_start": start,
                                       "time_end": start + datetime.timedelta(minutes=rng.choice([30, 60, 90, 120])),
                                       "zone": rng.choice(["C1", "C2"]), "domain": "GNK"})
            parking_id = uuid.uuid4()
            rows.append(Inbox(kind=InboxKind.PARKING_CREATE, source=operators.source(operator),
                              external_id=str(parking_id), operator=operator, parking_id=parking_id, payload=parking))
        else:
            message_id = f"ingest-{run}-{n}"
            phone = f"+324{run}{n:07d}"  # a phone of its own: no two messages wait for each other's lock
            rows.append(Inbox(kind=InboxKind.SMS, source="sms", external_id=message_id, payload={
                "message_id": message_id, "from": phone, "to": "4411",
                "body": f"{rng.choice(['C1', 'C2'])} {plate}"}))
    return [row.pk for row in Inbox.objects.bulk_create(rows, batch_size=1000)]


def _wait_processed(ids: list[int], timeout: float) -> bool:
    from parking_sessions.models import Inbox

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Inbox.objects.filter(pk__gte=min(ids), pk__lte=max(ids), processed_at__isnull=True).exists():
            return True
        time.sleep(0.1)
    return False


def _outcome(ids: list[int], started: datetime.datetime) -> dict:
    from django.db.models import Count, Max, Q

    from eloket.notifications.models import MessageStatus, OutboundMessage
    from parking_sessions.models import Inbox, ParkingSession

    rows = Inbox.objects.filter(pk__in=ids)
    summary = rows.aggregate(last=Max("processed_at"), processed=Count("pk", filter=Q(processed_at__isnull=False)),
                             refused=Count("pk", filter=~Q(error="")))
    seconds = (summary["last"] - started).total_seconds() if summary["last"] else float("nan")
    replies = OutboundMessage.objects.filter(object_id__in=ids, content_type__model="inbox")
    sent = replies.aggregate(last=Max("sent_at"), sent=Count("pk", filter=Q(status=MessageStatus.SENT)))
    return {"rows": len(ids), "processed": summary["processed"], "refused": summary["refused"],
            "sessions": ParkingSession.objects.filter(inbox_id__in=ids).count(), "seconds": seconds,
            "rows_per_second": len(ids) / seconds if seconds == seconds and seconds > 0 else float("nan"),
            "replies_sent": sent["sent"],
            "replies_done_seconds": (sent["last"] - started).total_seconds() if sent["last"] else None}


def _wait_replies(timeout: float = 120) -> None:
    from eloket.notifications.models import MessageStatus, OutboundMessage

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and OutboundMessage.objects.filter(status=MessageStatus.QUEUED).exists():
        time.sleep(0.2)


def ingestion(worker: subprocess.Popen, seeded, args) -> dict:
    from django.utils import timezone

    from eloket.celery import app
    from parking_sessions.models import Inbox
    from parking_sessions.tasks import process_inbox_ids

    name = f"bench@{socket.gethostname()}"
    out: dict = {}
    backlog = list(Inbox.objects.filter(processed_at__isnull=True).values_list("pk", flat=True))
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=1):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not start: see bench/results/celery.log")
    started = timezone.now()

    # The rows the HTTP runs accepted (ingest.enqueue, as every single operator POST or inbound SMS: drain tasks),
    # queued before the worker started. Counted from the moment it answers; rows it did before are left out.
    done_before = Inbox.objects.filter(pk__in=backlog, processed_at__isnull=False).count()
    if backlog and not _wait_processed(backlog, 900):
        raise RuntimeError("the worker did not drain the HTTP runs' rows in 15 minutes")
    _wait_replies()
    outcome = _outcome(backlog, started)
    counted = len(backlog) - done_before
    outcome["rows_counted"] = counted
    outcome["rows_per_second"] = counted / outcome["seconds"] if outcome["seconds"] > 0 else float("nan")
    out["row_tasks"] = outcome
    say(f"  {len(backlog)} rows of the HTTP runs (drains): {outcome['rows_per_second']:.0f} rows/s {outcome}")

    # Single rows enqueued one by one while the worker runs, as a flood of single POSTs and SMS would (ingest.enqueue:
    # a drain task only when none waits to start).
    from parking_sessions import ingest

    ids = _ingest_rows(seeded, 2, args.ingest)
    started = timezone.now()
    for row_id in ids:
        ingest.enqueue(row_id)  # outside a transaction: at once
    _wait_processed(ids, 600)
    _wait_replies()
    out["row_flood"] = _outcome(ids, started)
    say(f"  {args.ingest} rows enqueued one by one: {out['row_flood']['rows_per_second']:.0f} rows/s {out['row_flood']}")

    # Batch tasks of 500 rows (ingest.enqueue_many: the operator batch endpoint; the beat pick-up claims 500 too).
    ids = _ingest_rows(seeded, 1, args.ingest)
    started = timezone.now()
    for start in range(0, len(ids), 500):
        process_inbox_ids.delay(ids[start:start + 500])
    _wait_processed(ids, 600)
    _wait_replies()
    out["batch_tasks"] = _outcome(ids, started)
    say(f"  {args.ingest} rows as tasks of 500: {out['batch_tasks']['rows_per_second']:.0f} rows/s {out['batch_tasks']}")
    return out


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (from /proc: the server runs on this host)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingestion_in_process(seeded, args) -> dict:
    """process_batch in this process: rows per second, and the CPU time a row costs here and in its PostgreSQL backend.
    On a shared machine the wall time depends on the others; the CPU time much less, so it also says what two idle
    cores could do (2 / CPU seconds per row, leaving out Celery's and Redis's share)."""
    from django.utils import timezone

    from parking_sessions import ingest

    out: dict = {}
    for run, kind, count in ((3, "", args.ingest), (5, "operator", 1000), (6, "sms", 1000)):
        ids = _ingest_rows(seeded, run, count, only=kind)
        started, cpu, backend = timezone.now(), time.process_time(), _backend_cpu()
        while ingest.process_batch(limit=ingest.BATCH_SIZE, ids=ids):
            pass
        python_ms, postgres_ms = ((time.process_time() - cpu) / count * 1000, (_backend_cpu() - backend) / count * 1000)
        result = {**_outcome(ids, started), "cpu_ms_per_row_python": python_ms, "cpu_ms_per_row_postgres": postgres_ms,
                  "rows_per_second_on_two_idle_cores": 2000 / (python_ms + postgres_ms)}
        if kind:
            out[kind] = result
        else:
            out.update(result)
        say(f"  {count} {kind or 'mixed'} rows, ingest.process_batch in this process: {result['rows_per_second']:.0f} "
            f"rows/s; CPU per row {python_ms:.2f} ms here + {postgres_ms:.2f} ms in PostgreSQL")
    ids = _ingest_rows(seeded, 4, 1000)
    profile(lambda: ingest.process_batch(limit=1000, ids=ids), RESULTS / "profile-ingest.txt", lines=40)
    return out


if __name__ == "__main__":
    sys.exit(main())
