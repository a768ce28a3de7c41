"""bench/: the one table bench/run prints from a run's figures, and the page load sending each citizen's own request.

The benchmark itself runs for minutes against its own database; these tests check the parts that decide what its
table says (summary.py) and that both load tools (wrk with pages.lua, and load.py's threads) send every request of a
page's list with its cookie and count an unexpected answer as an error, against a small HTTP server.
"""

import copy
import http.server
import importlib.util
import json
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary():
    return _module("bench_summary", BENCH / "summary.py")


@pytest.fixture(scope="module")
def pages():
    """bench/pages.py, which imports its sibling load.py by its plain name, as bench.py runs it."""
    sys.path.insert(0, str(BENCH))
    try:
        return _module("bench_pages", BENCH / "pages.py")
    finally:
        sys.path.remove(str(BENCH))
        sys.modules.pop("load", None)


def _memory(rss: float) -> dict:
    return {"pid": 1, "rss_mib": rss, "pss_mib": rss * 0.8}


RESULTS = {
    "info": {"started": "2026-11-29T04:26:41+00:00", "host": "vm", "cpus": 2, "python": "3.11.7",
             "load_at_start": [1.06, 1.0, 1.0], "load_samples": {"min": 1.03, "max": 1.9, "mean": 1.32}},
    "inproc": {
        "check_single": {"queries_warm": 2, "queries_cold": 7, "p50": 2.47, "p95": 2.9},
        "check_batch": {"queries": 2, "answers": {"session": 398}, "view": {"p50": 103.0, "p95": 227.0},
                        "check_many": {"p50": 79.0}, "one_query_load": {"p50": 30.0}},
        "operator_post": {"queries_warm": 1, "queries_with_key": 1, "queries_retry": 2, "queries_cold": 2,
                          "p50": 1.68, "p95": 2.05},
    },
    "http": {
        "check_single": {"p50": 4.7, "p95": 5.6},
        "check_single_concurrent": {"clients": 20, "per_second": 227.0, "p50": 83.1, "p95": 114.0, "errors": 0},
        "check_batch": {"p50": 101.6, "p95": 203.8},
        "operator_post": {"p50": 4.9, "p95": 7.3},
        "operator_post_concurrent": {"clients": 20, "per_second": 174.0, "p50": 109.6, "p95": 192.7, "errors": 0},
        "sms_inbound": {"p50": 5.6, "p95": 7.3},
        "sms_inbound_concurrent": {"clients": 20, "per_second": 161.0, "p50": 118.5, "p95": 218.1, "errors": 0},
    },
    "ingest": {"batch_tasks": {"rows": 5000, "rows_per_second": 3078.0, "seconds": 1.6, "sessions": 5000, "refused": 0}},
    "pages_inproc": {
        "home": {"label": "Home page /", "compared": False, "queries_least": 0, "queries_most": 0, "p50": 2.0},
        "dashboard": {"label": "Mijn loket /mijn-loket/", "compared": True, "queries_least": 17, "queries_most": 17,
                      "p50": 19.0},
    },
    "pages_http": {
        "tool": "wrk", "clients": 20,
        "home": {"per_second": 135.0, "p50": 138.0, "p95": 215.0, "errors": 0},
        "dashboard": {"per_second": 30.0, "p50": 583.0, "p95": 789.0, "errors": 0},
    },
    "pdfs": {"notices": 50, "pages": 100, "seconds": 2.5, "notices_per_second": 20.0, "pages_per_second": 40.0,
             "first_seconds": 0.9, "steady_notices_per_second": 30.6,
             "kib_per_notice": 39.0, "worker_memory": {"main": _memory(136), "children": [_memory(174)]},
             "in_process": {"notices": 10, "pages": 20, "notices_per_second": 18.0, "pages_per_second": 36.0,
                            "p50_ms": 55.0, "html_p50_ms": 20.0}},
    "web_memory": {"master": _memory(29), "workers": [_memory(148)]},
    "worker_memory": {"main": _memory(135), "children": [_memory(120), _memory(121)]},
}

REPORT = {
    "info": {"started": "2026-11-29T04:40:00+00:00", "host": "vm", "cpus": 2, "python": "3.11.7",
             "load_at_start": [1.2, 1.0, 1.0]},
    "generation": {"sessions": 1_000_000, "checks": 336_007, "cases": 32_000, "permits": 2_958, "seconds": 168,
                   "summary_seconds": 26},
    "report_year": {"p50_ms": 244.0, "p95_ms": 362.0, "queries": 19},
}


def _row(text: str, measure: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {measure}"))


def test_every_figure_meeting_its_target_says_so(summary):
    text = summary.table(RESULTS, REPORT)

    assert "Every figure with a target meets it." in text
    assert _row(text, "Celery ingestion, 1 worker (2 processes), tasks of 500 rows").rstrip(" |").endswith("met")
    assert "| Check, single: latency over HTTP, sequential" in text and "7.0x faster" in text
    assert "measured by wrk" in text


def test_a_figure_below_its_target_is_missed_and_named_in_the_note(summary):
    results = copy.deepcopy(RESULTS)
    results["ingest"]["batch_tasks"]["rows_per_second"] = 501.0

    text = summary.table(results, REPORT)

    assert "MISSED" in _row(text, "Celery ingestion, 1 worker (2 processes), tasks of 500 rows")
    assert "Falls short: Celery ingestion, 1 worker (2 processes), tasks of 500 rows (MISSED)." in text


def test_a_p95_over_the_limit_is_short_even_when_the_p50_is_under_it(summary):
    results = copy.deepcopy(RESULTS)
    results["inproc"]["check_batch"]["view"]["p95"] = 292.0

    text = summary.table(results, REPORT)

    assert "met at p50, not p95" in _row(text, "Check, batch of 1,000: server time in process")
    assert "Falls short: Check, batch of 1,000: server time in process (view) (met at p50, not p95)." in text


def test_a_page_whose_queries_grow_with_the_data_falls_short(summary):
    results = copy.deepcopy(RESULTS)
    results["pages_inproc"]["dashboard"]["queries_most"] = 21

    row = _row(summary.table(results, REPORT), "Mijn loket /mijn-loket/")

    assert "17 queries for little data, 21 for much" in row and "MISSED" in row


def test_a_page_answering_with_errors_under_load_falls_short(summary):
    results = copy.deepcopy(RESULTS)
    results["pages_http"]["home"]["errors"] = 3

    text = summary.table(results, REPORT)

    assert "3 errors" in _row(text, "Home page /") and "ERRORS" in _row(text, "Home page /")
    assert "Home page / (ERRORS)" in text


def test_pdf_notices_stand_beside_the_design_figure_without_a_verdict(summary):
    results = copy.deepcopy(RESULTS)
    results["pdfs"]["pages_per_second"] = 5.1

    row = _row(summary.table(results, REPORT), "Notices per second, one Celery worker process")

    assert "5.1 pages/s" in row and "one 100-page document at 33 pages/s" in row
    assert "MISSED" not in row and "met" not in row.split("|")[-2]
    assert "the first after 0.9 s, then 30.60 notices/s" in row


def test_a_report_from_an_earlier_run_is_marked_with_its_date(summary):
    report = copy.deepcopy(REPORT)
    report["info"]["started"] = "2026-11-28T22:10:00+00:00"

    text = summary.table(RESULTS, report)

    assert "Data report on 1,000,000 sessions (issue 9), from an earlier run of 2026-11-28 22:10" in text
    assert "met" in _row(text, "Report page, whole year, all zones")


def test_without_a_report_the_table_says_it_was_not_measured(summary):
    text = summary.table(RESULTS, None)

    assert "not measured" in _row(text, "Data report")


def test_a_run_that_failed_says_so_under_what_it_measured(summary):
    results = copy.deepcopy(RESULTS)
    results["failed"] = "RuntimeError: the PDF worker stopped"

    text = summary.table(results, REPORT)

    assert "The run stopped with an error (RuntimeError: the PDF worker stopped)" in text


def test_the_script_prints_the_table_and_writes_table_md(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps(RESULTS))
    (tmp_path / "report.json").write_text(json.dumps(REPORT))

    run = subprocess.run([sys.executable, str(BENCH / "summary.py")], env={"BENCH_RESULTS": str(tmp_path)},
                         capture_output=True, text=True, timeout=60)

    assert run.returncode == 0, run.stderr
    written = (tmp_path / "table.md").read_text()
    assert "| Report page, whole year, all zones" in written
    assert written.strip() in run.stdout


def test_the_script_refuses_without_results(tmp_path):
    run = subprocess.run([sys.executable, str(BENCH / "summary.py")], env={"BENCH_RESULTS": str(tmp_path)},
                         capture_output=True, text=True, timeout=60)

    assert run.returncode == 1 and "results.json" in run.stderr
    assert not (tmp_path / "table.md").exists()


# --- The load tools ------------------------------------------------------------------------------------------------

class _Citizens(http.server.BaseHTTPRequestHandler):
    """200 for a known session cookie behind the proxy's https header, 302 for a form POST from our own origin."""

    known = {"sessionid=alice", "sessionid=bob"}

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):  # noqa: N802  (the handler's protocol)
        cookie = self.headers.get("Cookie", "")
        self.server.seen.append(cookie)
        ok = cookie in self.known and self.headers.get("X-Forwarded-Proto") == "https"
        self._answer(200 if ok else 403)

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.server.seen.append(urllib.parse.parse_qs(body).get("plate", [""])[0])
        origin = f"https://127.0.0.1:{self.server.server_address[1]}"
        form = self.headers.get("Content-Type") == "application/x-www-form-urlencoded"
        self._answer(302 if form and self.headers.get("Origin") == origin else 400)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Citizens)
    httpd.daemon_threads = True
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _page(pages, requests, expect=200):
    return pages.Page("page", "A page", requests, requests[0], requests[0], expect=expect)


def test_load_py_sends_each_citizen_s_cookie_in_turn(pages, server):
    page = _page(pages, [("GET", "/mijn-loket/", "sessionid=alice", ""), ("GET", "/mijn-loket/", "sessionid=bob", "")])

    result = pages._load_py(server.server_address[1], page, clients=4, total=40)

    assert result["requests"] == 40 and result["errors"] == 0
    assert server.seen.count("sessionid=alice") == 20 and server.seen.count("sessionid=bob") == 20


def test_load_py_counts_an_unexpected_answer_as_an_error(pages, server):
    page = _page(pages, [("GET", "/mijn-loket/", "sessionid=alice", ""), ("GET", "/mijn-loket/", "sessionid=eve", "")])

    result = pages._load_py(server.server_address[1], page, clients=2, total=10)

    assert result["errors"] == 5 and result["statuses"] == {200: 5, 403: 5}


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_wrk_sends_each_citizen_s_cookie_and_counts_unexpected_answers(pages, server, tmp_path):
    mixed = _page(pages, [("GET", "/mijn-loket/", "sessionid=alice", ""), ("GET", "/mijn-loket/", "sessionid=eve", "")])

    result = pages._wrk(server.server_address[1], mixed, clients=2, seconds=1, folder=tmp_path)

    assert result["requests"] > 0 and result["socket_errors"] == 0
    assert 0 < result["unexpected"] < result["requests"]
    assert {"sessionid=alice", "sessionid=eve"} <= set(server.seen)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_wrk_posts_the_lookup_form_from_the_site_s_origin(pages, server, tmp_path):
    body = urllib.parse.urlencode({"notice_number": "2026-000001-18", "plate": "1-ABC-123"})
    lookup = _page(pages, [("POST", "/boetes/opzoeken/", "csrftoken=x", body)], expect=302)

    result = pages._wrk(server.server_address[1], lookup, clients=2, seconds=1, folder=tmp_path)

    assert result["requests"] > 0 and result["errors"] == 0
    assert set(server.seen) == {"1-ABC-123"}
