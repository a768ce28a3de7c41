"""Benchmark of the staff data report (issue 9): a year of a mid-size city, a million parking sessions, must render in
under a second on this machine.

One run: a separate PostgreSQL database (eloket_report_bench by default, dropped afterwards unless --keep), migrated and
seeded with the demo city; `generate_demo_year` writes the year (sessions from every channel, checks, cases, permits)
and summarises it; then, in process with Django's test client and DEBUG off: one direct pass over the parking sessions
(what the summaries spare the report), the full report page for the whole year, the same for one zone, a CSV figure and
the decision support's outcome page, each rendered several times (p50/p95) with its SQL query count. Prints a line per
figure and writes every figure to bench/results/report.json, where bench/summary.py finds them for the table of bench/run.

    .venv/bin/python bench/report.py [--sessions 1000000] [--renders 10] [--keep]
"""

import argparse
import datetime
import io
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results")
sys.path.insert(0, str(ROOT))
TARGET_MS = 1000


def say(message: str = "") -> None:
    print(message, flush=True)


def create_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function, repeat: int) -> dict:
    """p50/p95/min of `repeat` calls after one warm-up call, in milliseconds."""
    function()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "min_ms": round(min(times), 1), "runs": repeat}


def count_queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def city_admin():
    """A staff member of the city admin role with two-factor login, as the admin requires."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from eloket.accounts import roles
    from eloket.accounts.models import User

    user = User.objects.filter(email="bench-ida@stad.example").first()
    if user is None:  # a --measure-only run finds the one the first run made
        user = User.objects.create_user("bench-ida@stad.example", secrets.token_urlsafe(16), is_staff=True)
        user.groups.add(roles.sync_roles()[roles.CITY_ADMIN])
        TOTP.activate(user, generate_totp_secret())
    return user


def get(client, url: str, **params):
    response = client.get(url, params, secure=True)  # DEBUG off means HTTPS only, as behind the TLS proxy
    assert response.status_code == 200, (url, response.status_code)
    return response


def measure(args, year: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from insights.questionnaire import SESSION_KEY

    figures = {}
    period = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    client = Client()
    client.force_login(city_admin())

    say("  one direct pass over the parking sessions (heat map by weekday and hour, local time) ...")
    with connection.cursor() as cursor:
        def direct():
            cursor.execute(
                "SELECT EXTRACT(ISODOW FROM starts_at AT TIME ZONE 'Europe/Brussels'), "
                "EXTRACT(HOUR FROM starts_at AT TIME ZONE 'Europe/Brussels'), count(*) FROM parking_sessions_parkingsession "
                "WHERE starts_at >= %s AND starts_at < %s GROUP BY 1, 2", [f"{year}-01-01", f"{year + 1}-01-01"])
            cursor.fetchall()

        figures["direct_pass"] = timed(direct, 3)

    report = reverse("admin:insights_report_changelist")
    say(f"  the report page, whole year, all zones: {args.renders} renders ...")
    figures["report_year"] = timed(lambda: get(client, report, **period), args.renders)
    figures["report_year"]["queries"] = count_queries(lambda: get(client, report, **period))
    figures["report_year"]["kib"] = round(len(get(client, report, **period).content) / 1024)

    from eloket.city.models import Zone

    zone = str(Zone.objects.get(code="C1").pk)
    say("  the report page, whole year, zone C1 ...")
    figures["report_zone"] = timed(lambda: get(client, report, zones=zone, **period), args.renders)
    figures["report_zone"]["queries"] = count_queries(lambda: get(client, report, zones=zone, **period))

    csv = reverse("admin:insights_report_csv", args=["heat_map"])
    say("  a CSV figure (the heat map per zone) ...")
    figures["csv_heat_map"] = timed(lambda: get(client, csv, **period), args.renders)

    say("  the decision support's outcome with the year's figures ...")
    session = client.session
    session[SESSION_KEY] = {"organisation": ["concession"], "levy": ["retribution"], "technology": ["scan_car"],
                            "channels": ["sms", "apps"], "gas": ["no"]}
    session.save()
    outcome = reverse("admin:insights_questionnaire_outcome")
    figures["outcome"] = timed(lambda: get(client, outcome, **period), args.renders)
    figures["outcome"]["queries"] = count_queries(lambda: get(client, outcome, **period))
    return figures


def lines(figures: dict) -> list[str]:
    """One line per figure; bench/summary.py puts them in the table of bench/run, beside the target."""
    generation = figures["generation"]
    out = [f"Demo year: {generation['sessions']:,} sessions written in {generation['seconds']} s "
           f"(summarised in {generation['summary_seconds']} s)"]
    for key, label in (("direct_pass", "One direct pass over the sessions"), ("report_year", "Report page, whole year"),
                       ("report_zone", "Report page, zone C1"), ("csv_heat_map", "CSV of the heat map"),
                       ("outcome", "Decision support outcome")):
        found = figures[key]
        out.append(f"{label}: p50 {found['p50_ms']:.0f} ms, p95 {found['p95_ms']:.0f} ms"
                   + (f", {found['queries']} queries" if "queries" in found else "")
                   + ("" if key == "direct_pass" else f" (target < {TARGET_MS} ms)"))
    return out


def settings_storages() -> dict:
    from django.conf import settings

    return dict(settings.STORAGES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (superuser)")
    parser.add_argument("--db", default="eloket_report_bench", help="database to create and drop (default %(default)s)")
    parser.add_argument("--sessions", type=int, default=1_000_000, help="parking sessions in the year")
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1, help="the year (default: last)")
    parser.add_argument("--renders", type=int, default=10, help="timed renders per page (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--measure-only", action="store_true",
                        help="measure on the database a run with --keep left (no create, no generation; kept)")
    args = parser.parse_args()
    if "bench" not in args.db:
        parser.error("the database name must contain 'bench': it is dropped and created")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "eloket.settings", "DATABASE_URL": f"{args.pg}/{args.db}",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40), "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "CACHE_KEY_PREFIX": "eloket-report-bench"})
    for name in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        os.environ.pop(name, None)  # in process only: no broker, tasks inline, the local-memory cache
    info = {"started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"), "host": platform.node(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "load_at_start": os.getloadavg()}
    say(f"eloket data report benchmark, {info['started']}, {info['cpus']} CPUs, load {info['load_at_start'][0]:.2f}")
    figures: dict = {"info": info}
    args.keep = args.keep or args.measure_only
    import django

    try:
        if args.measure_only:
            django.setup()
            figures["generation"] = json.loads((RESULTS / "report.json").read_text())["generation"]
        else:
            say(f"\n[1/3] Database {args.db}: create, migrate, seed_demo_city --no-accounts")
            create_database(args.pg, args.db)
            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            call_command("seed_demo_city", no_accounts=True, stdout=io.StringIO())

            say(f"\n[2/3] generate_demo_year: {args.sessions:,} sessions in {args.year}")
            from insights.generate import generate_year

            figures["generation"] = generate_year(sessions=args.sessions, year=args.year, seed=1, log=say)
            say("  " + ", ".join(f"{name.replace('_', ' ')} {count:,}" for name, count in figures["generation"].items()))
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / "report.json").write_text(json.dumps(figures, indent=2, default=str))

        say("\n[3/3] Measuring in process (DEBUG off)")
        from django.test import override_settings

        # Static files as runserver serves them: the production manifest needs a collectstatic this run does not make.
        with override_settings(STORAGES={**settings_storages(), "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
            figures.update(measure(args, args.year))
        info["load_at_end"] = os.getloadavg()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.pg, args.db)
    say("\n" + "\n".join(lines(figures)))
    say(f"\nLoad average at start {info['load_at_start'][0]:.2f}, at end {info.get('load_at_end', (float('nan'),))[0]:.2f} "
        f"(2 cores, shared).")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
