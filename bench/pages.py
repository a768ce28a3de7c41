"""The busiest citizen pages under load (issue 10): 20 concurrent clients against gunicorn with the uvicorn worker, and
the SQL queries of each page counted in process.

The load tool is wrk (Debian's package) when it is installed, with pages.lua giving every request its own citizen's
cookie; otherwise load.py's standard-library client threads. Each result names the tool that measured it.

Which pages, and why these five: a letter or a sign sends people to the home page and the tariffs (everybody,
logged in or not); a retribution's letter sends its holder to the fine lookup, a POST with the notice number and the
plate answered with a redirect, and then to the case page it opens (counted as one page: one visit, two requests);
a logged-in citizen lands on Mijn loket after every login and payment, and opens the list of their parking sessions
most often of what it links to. Permits, appointments and chat are visited far less often (once a year, once a case).
"""

import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import load

BENCH = Path(__file__).resolve().parent
WRK_THREADS = 2  # pages.lua starts its two threads half the request list apart
WARMUP_SECONDS = 2


@dataclass
class Page:
    key: str
    label: str
    requests: list[tuple[str, str, str, str]]  # (method, path, cookie header, form body), sent in turn
    # The request of the citizen with the least data and of the one with the most (in-process query counts); the same
    # request where the page shows nothing that grows with a citizen's data.
    least: tuple[str, str, str, str]
    most: tuple[str, str, str, str]
    expect: int = 200


def pages(citizens) -> list[Page]:
    from citizens import csrf_secret
    from django.conf import settings
    from django.urls import reverse

    session = settings.SESSION_COOKIE_NAME
    home = ("GET", reverse("home"), "", "")
    tariffs = ("GET", reverse("city:tariffs"), "", "")
    lookups = []
    for number, plate in citizens.letters:  # a first visit: no cookie but the form's CSRF one
        secret = csrf_secret()
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": secret, "notice_number": number, "plate": plate})
        lookups.append(("POST", reverse("fines:lookup"), f"{settings.CSRF_COOKIE_NAME}={secret}", body))
    case_pages = [("GET", reverse("fines:detail", args=[pk]), f"{session}={key}", "") for pk, key in citizens.looked_up]

    def logged_in(path, key):
        return "GET", path, f"{session}={key}", ""

    dashboard, sessions = reverse("accounts:dashboard"), reverse("parking:list")
    return [
        Page("home", f"Home page {home[1]}", [home], home, home),
        Page("tariffs", f"Tariffs {tariffs[1]}", [tariffs], tariffs, tariffs),
        Page("fine_lookup", f"Fine lookup: POST {lookups[0][1]} (redirect to the case)", lookups, lookups[0],
             lookups[0], expect=302),
        Page("fine_case", "Fine lookup: the case page it opens /boetes/<id>/", case_pages, case_pages[0],
             case_pages[0]),
        Page("dashboard", f"Mijn loket {dashboard}", [logged_in(dashboard, key) for key in citizens.logged_in],
             logged_in(dashboard, citizens.least), logged_in(dashboard, citizens.most)),
        Page("sessions", f"Parking sessions {sessions}", [logged_in(sessions, key) for key in citizens.logged_in],
             logged_in(sessions, citizens.least), logged_in(sessions, citizens.most)),
    ]


# --- In process: queries and server time --------------------------------------------------------------------------

def _fetch(client, request, expect: int):
    method, path, cookie, body = request
    client.cookies.clear()
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    if method == "POST":
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded", secure=True)
    else:
        response = client.get(path, secure=True)
    if response.status_code != expect:
        raise RuntimeError(f"{method} {path} answered {response.status_code}, not {expect}")
    return response


def _profile(client, page: Page, path: Path) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    _fetch(client, page.most, page.expect)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(40)
    path.write_text(out.getvalue())


def in_process(page_list: list[Page], renders: int, profiles: Path | None = None) -> dict:
    """Per page: the SQL queries of one request (warm: the second of two) for the citizen with the least and the most
    data, and the server time of `renders` requests through Django's test client (p50/p95 in ms); with `profiles`, a
    cProfile of one request per page written there (profile-page-<key>.txt)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out = {}
    for page in page_list:
        counts = {}
        for who, request in (("least", page.least), ("most", page.most)):
            _fetch(client, request, page.expect)
            with CaptureQueriesContext(connection) as captured:
                response = _fetch(client, request, page.expect)
            counts[who] = len(captured)
            counts[f"{who}_kib"] = round(len(response.content) / 1024, 1)
        times = []
        for n in range(renders):
            started = time.perf_counter()
            _fetch(client, page.requests[n % len(page.requests)], page.expect)
            times.append((time.perf_counter() - started) * 1000)
        if profiles is not None:
            _profile(client, page, profiles / f"profile-page-{page.key}.txt")
        ordered = sorted(times)
        out[page.key] = {"label": page.label, "compared": page.least != page.most,
                         "queries_least": counts["least"], "queries_most": counts["most"],
                         "kib_least": counts["least_kib"], "kib_most": counts["most_kib"],
                         "p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
                         "renders": renders}
        compared = f" ({counts['least']} with the least data, {counts['most']} with the most)" if page.least != page.most else ""
        print(f"  {page.label}: {counts['most']} queries{compared}; in process p50 {out[page.key]['p50']:.1f} ms", flush=True)
    return out


# --- Over HTTP: the load ------------------------------------------------------------------------------------------

def choose_tool(wanted: str = "auto") -> str:
    if wanted == "auto":
        return "wrk" if shutil.which("wrk") else "load.py"
    if wanted == "wrk" and not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    return wanted


def _wrk(port: int, page: Page, clients: int, seconds: float, folder: Path) -> dict:
    requests = folder / f"{page.key}.tsv"
    requests.write_text("".join("\t".join(request) + "\n" for request in page.requests))
    env = {**os.environ, "BENCH_WRK_REQUESTS": str(requests), "BENCH_WRK_EXPECT": str(page.expect),
           "BENCH_WRK_ORIGIN": f"https://127.0.0.1:{port}"}
    command = ["wrk", "-t", str(WRK_THREADS), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", str(BENCH / "pages.lua"), f"http://127.0.0.1:{port}"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((line for line in run.stdout.splitlines() if line.startswith("BENCH ")), None)
    if run.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stdout[-800:]} {run.stderr[-800:]}")
    found = json.loads(line[len("BENCH "):])
    socket_errors = found["connect"] + found["read"] + found["write"] + found["timeout"]
    return {"requests": found["requests"], "seconds": found["duration_us"] / 1e6,
            "per_second": found["requests"] / (found["duration_us"] / 1e6), "p50": found["p50_us"] / 1000,
            "p95": found["p95_us"] / 1000, "p99": found["p99_us"] / 1000, "max": found["max_us"] / 1000,
            "unexpected": found["unexpected"], "socket_errors": socket_errors,
            "errors": found["unexpected"] + socket_errors}


def _load_py(port: int, page: Page, clients: int, total: int) -> dict:
    def request(index):
        method, path, cookie, body = page.requests[index % len(page.requests)]
        headers = {"X-Forwarded-Proto": "https"}
        if cookie:
            headers["Cookie"] = cookie
        if method == "POST":
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://127.0.0.1:{port}"})
        return method, path, body.encode() if body else None, headers

    result = load.run("127.0.0.1", port, request, total, clients, expect=(page.expect,))
    return {"requests": result.count, "seconds": result.wall, "per_second": result.per_second, "p50": result.p50,
            "p95": result.p95, "p99": result.percentile(99), "max": max(result.latencies, default=0) * 1000,
            "errors": result.errors, "statuses": dict(result.statuses)}


def over_http(port: int, page_list: list[Page], *, tool: str = "auto", clients: int, seconds: float, total: int) -> dict:
    """Each page under `clients` concurrent clients after an uncounted warm-up: wrk for `seconds`, or load.py for
    `total` requests (`tool`: auto is wrk when it is installed)."""
    used = choose_tool(tool)
    out: dict = {"tool": used, "clients": clients}
    with tempfile.TemporaryDirectory(prefix="eloket-bench-pages-") as folder:
        for page in page_list:
            if used == "wrk":
                _wrk(port, page, clients, WARMUP_SECONDS, Path(folder))
                result = _wrk(port, page, clients, seconds, Path(folder))
            else:
                _load_py(port, page, clients, min(total, 20 * clients))
                result = _load_py(port, page, clients, total)
            out[page.key] = {"label": page.label, **result}
            print(f"  {page.label}, {clients} clients ({used}): {result['per_second']:.0f} req/s, p50 {result['p50']:.1f} "
                  f"ms, p95 {result['p95']:.1f} ms, {result['requests']} requests, {result['errors']} errors", flush=True)
    return out
