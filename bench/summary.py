"""The one table of bench/run: every figure of bench.py (results.json) and of the data report (report.json), each beside
its target from the issues with met or MISSED, and a note that names the figures that fall short. Prints the table and
writes it to table.md in the results folder (bench/results/, or BENCH_RESULTS).

    .venv/bin/python bench/summary.py

A report.json older than results.json (bench/run --no-report) is shown as such, with its date.
"""

import datetime
import json
import os
import sys
from pathlib import Path

RESULTS = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).resolve().parent / "results")

# Issue 6 "Speed"; issue 9 (the report renders in under a second); issue 2 (a page's query count is the same with small
# and large data); ../shared/design.md ("WeasyPrint ... 100 pages in about 3 s here"); parkkihubi's README.
TARGET_CHECK_QUERIES = 3
TARGET_BATCH_MS = 250
TARGET_POST_QUERIES = 3
TARGET_INGEST_PER_SECOND = 1000
TARGET_REPORT_MS = 1000
# design.md's figure for WeasyPrint: one document of 100 pages in about 3 s. No issue sets a rate for letters.
DESIGN_PDF_PAGES_PER_SECOND = 100 / 3
PARKKIHUBI = {"post_queries": 8, "post_ms": (17, 50), "check_queries": 8, "check_ms": 33}

MET, MISSED, P50_ONLY, ERRORS = "met", "MISSED", "met at p50, not p95", "ERRORS"
SHORT = (MISSED, P50_ONLY, ERRORS)


def faster(ratio: float) -> str:
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x SLOWER"


def under(p50: float, p95: float, limit: float) -> str:
    return MET if p95 < limit else (P50_ONLY if p50 < limit else MISSED)


class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []

    def row(self, measure: str, result: str, target: str = "", verdict: str | bool | None = None) -> None:
        if isinstance(verdict, bool):
            verdict = MET if verdict else MISSED
        self.rows.append((measure, result, target, verdict or ""))

    def section(self, title: str) -> None:
        self.rows.append((f"**{title}**", "", "", ""))

    def short(self) -> list[str]:
        return [f"{measure.strip()} ({verdict})" for measure, _result, _target, verdict in self.rows
                if verdict in SHORT or "SLOWER" in verdict]

    def markdown(self) -> str:
        header = ("Measure", "Result", "Target", "")
        width = [max(len(r[i]) for r in [*self.rows, header]) for i in range(4)]
        lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, width, strict=True)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in width) + "|"]
        lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) + " |" for r in self.rows]
        return "\n".join(lines)


# --- The parking APIs and ingestion (issue 6) -----------------------------------------------------------------------

def _latency(m: dict) -> str:
    return f"p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms"


def _rate(m: dict) -> str:
    return f"{m['per_second']:.0f} req/s; {_latency(m)}" + (f"; {m['errors']} errors" if m["errors"] else "")


def api_rows(t: Table, f: dict) -> None:
    inproc, http = f.get("inproc", {}), f.get("http", {})
    single, batch, post = inproc.get("check_single"), inproc.get("check_batch"), inproc.get("operator_post")
    if not (single or http):
        return
    t.section("Enforcement check, operator API, SMS (issue 6)")
    if single:
        t.row("Check, single: SQL queries per request (warm)", f"{single['queries_warm']} ({single['queries_cold']} cold)",
              f"<= {TARGET_CHECK_QUERIES}", single["queries_warm"] <= TARGET_CHECK_QUERIES)
        t.row("Check, single: server time in process", f"p50 {single['p50']:.2f} ms, p95 {single['p95']:.2f} ms")
    if "check_single" in http:
        t.row("Check, single: latency over HTTP, sequential", _latency(http["check_single"]),
              f"parkkihubi ~{PARKKIHUBI['check_ms']} ms, {PARKKIHUBI['check_queries']} queries",
              faster(PARKKIHUBI["check_ms"] / http["check_single"]["p50"]))
        t.row(f"Check, single: {http['check_single_concurrent']['clients']} concurrent clients",
              _rate(http["check_single_concurrent"]))
    if batch:
        t.row("Check, batch of 1,000: server time in process (view)",
              f"p50 {batch['view']['p50']:.0f} ms, p95 {batch['view']['p95']:.0f} ms", f"< {TARGET_BATCH_MS} ms",
              under(batch["view"]["p50"], batch["view"]["p95"], TARGET_BATCH_MS))
        t.row("  of which check_many (query, decisions, log insert)", f"p50 {batch['check_many']['p50']:.0f} ms; "
              f"the one query {batch['one_query_load']['p50']:.0f} ms")
        t.row("Check, batch of 1,000: SQL queries", str(batch["queries"]))
    if "check_batch" in http:
        m = http["check_batch"]
        t.row("Check, batch of 1,000: over HTTP, sequential", _latency(m), f"< {TARGET_BATCH_MS} ms",
              under(m["p50"], m["p95"], TARGET_BATCH_MS))
    if post:
        t.row("Operator POST parking/: SQL queries (warm)", f"{post['queries_warm']} ({post['queries_with_key']} with "
              f"Idempotency-Key, {post['queries_retry']} retry, {post['queries_cold']} cold)",
              f"<= {TARGET_POST_QUERIES}; parkkihubi {PARKKIHUBI['post_queries']}",
              max(post["queries_warm"], post["queries_with_key"], post["queries_retry"]) <= TARGET_POST_QUERIES)
        t.row("Operator POST: server time in process", f"p50 {post['p50']:.2f} ms, p95 {post['p95']:.2f} ms")
    if "operator_post" in http:
        low, high = PARKKIHUBI["post_ms"]
        p50 = http["operator_post"]["p50"]
        t.row("Operator POST: latency over HTTP, sequential", _latency(http["operator_post"]),
              f"parkkihubi {low}-{high} ms", f"{low / p50:.1f}-{faster(high / p50)}")
        t.row(f"Operator POST: {http['operator_post_concurrent']['clients']} concurrent clients",
              _rate(http["operator_post_concurrent"]))
    if "sms_inbound" in http:
        t.row("SMS inbound accept: latency over HTTP, sequential", _latency(http["sms_inbound"]))
        t.row(f"SMS inbound: {http['sms_inbound_concurrent']['clients']} concurrent clients",
              _rate(http["sms_inbound_concurrent"]))


def ingestion_rows(t: Table, f: dict) -> None:
    ingest = f.get("ingest", {})
    if not ingest:
        return
    t.section("Celery ingestion (issue 6)")
    for key, label in (("batch_tasks", "tasks of 500 rows"), ("row_flood", "single rows enqueued one by one"),
                       ("row_tasks", "single rows, the HTTP runs' backlog")):
        if key in ingest:
            m = ingest[key]
            t.row(f"Celery ingestion, 1 worker (2 processes), {label}",
                  f"{m['rows_per_second']:.0f} rows/s ({m.get('rows_counted', m['rows'])} rows in {m['seconds']:.1f} s; "
                  f"{m['sessions']} sessions, {m['refused']} refused)", f">= {TARGET_INGEST_PER_SECOND} rows/s",
                  m["rows_per_second"] >= TARGET_INGEST_PER_SECOND)
    if "in_process" in ingest:
        m = ingest["in_process"]
        t.row("Ingestion in one process (process_batch, no Celery)", f"{m['rows_per_second']:.0f} rows/s"
              + (f"; operator rows alone {m['operator']['rows_per_second']:.0f}/s, SMS rows alone "
                 f"{m['sms']['rows_per_second']:.0f}/s" if "sms" in m else ""))
        if "cpu_ms_per_row_python" in m:
            t.row("  CPU per row (Python + its PostgreSQL backend), mixed / operator / SMS", " / ".join(
                f"{x['cpu_ms_per_row_python'] + x['cpu_ms_per_row_postgres']:.2f} ms" for x in (m, m["operator"], m["sms"])))
            t.row("  what that CPU time allows on 2 idle cores", " / ".join(
                f"{x['rows_per_second_on_two_idle_cores']:.0f}" for x in (m, m["operator"], m["sms"])) + " rows/s")


# --- Citizen pages and PDFs (issue 10) ------------------------------------------------------------------------------

def page_rows(t: Table, f: dict) -> None:
    http, inproc = f.get("pages_http", {}), f.get("pages_inproc", {})
    keys = [key for key in inproc if key in http] or list(inproc)
    if not keys:
        return
    t.section(f"Busiest citizen pages, {http.get('clients', '?')} concurrent clients, measured by {http.get('tool', '-')}")
    for key in keys:
        q = inproc[key]
        target, verdict, queries = "", None, f"{q['queries_most']} queries"
        if q.get("compared"):  # the page shows what grows with a citizen's data (issue 2: the count must not)
            target, verdict = "queries the same for little and much data", q["queries_least"] == q["queries_most"]
            queries = (f"{q['queries_least']} queries for little and much data" if verdict else
                       f"{q['queries_least']} queries for little data, {q['queries_most']} for much")
        result = f"{queries}; in process p50 {q['p50']:.0f} ms"
        if key in http:
            m = http[key]
            result = (f"{m['per_second']:.0f} req/s; p50 {m['p50']:.0f} ms, p95 {m['p95']:.0f} ms"
                      + (f"; {m['errors']} errors" if m["errors"] else "") + f"; {result}")
            if m["errors"]:
                verdict = ERRORS
        t.row(q["label"], result, target, verdict)


def pdf_rows(t: Table, f: dict) -> None:
    pdfs = f.get("pdfs")
    if not pdfs:
        return
    t.section("PDF notices (WeasyPrint, PDF/UA)")
    # A reference, not a target: each letter is a document of its own, with its own setup, photo and QR code.
    target = f"none; design.md: one 100-page document at {DESIGN_PDF_PAGES_PER_SECOND:.0f} pages/s"

    def pages(m):
        return f", {m['pages_per_second']:.1f} pages/s" if m.get("pages_per_second") else ""

    steady = (f"; the first after {pdfs['first_seconds']:.1f} s, then {pdfs['steady_notices_per_second']:.2f} "
              "notices/s" if "steady_notices_per_second" in pdfs else "")
    t.row("Notices per second, one Celery worker process", f"{pdfs['notices_per_second']:.2f} notices/s{pages(pdfs)} "
          f"({pdfs['notices']} notices, {pdfs['pages'] or '?'} pages, in {pdfs['seconds']:.1f} s{steady}; "
          f"{pdfs['kib_per_notice']:.0f} KiB each)", target)
    m = pdfs.get("in_process")
    if m:
        t.row("Notices in one process (render, no Celery)", f"{m['notices_per_second']:.2f} notices/s{pages(m)}; "
              f"p50 {m['p50_ms']:.0f} ms a notice, of which the HTML {m['html_p50_ms']:.0f} ms", target)


def memory_rows(t: Table, f: dict) -> None:
    if not any(key in f for key in ("web_memory", "worker_memory", "pdfs")):
        return
    t.section("Memory (after the runs)")
    if "web_memory" in f:
        t.row("Web: gunicorn uvicorn worker", ", ".join(
            f"RSS {w['rss_mib']:.0f} MiB (PSS {w['pss_mib']:.0f})" for w in f["web_memory"]["workers"])
            + f"; master RSS {f['web_memory']['master']['rss_mib']:.0f} MiB")

    def worker(m):
        return (f"RSS {m['main']['rss_mib']:.0f} + " + " + ".join(f"{k['rss_mib']:.0f}" for k in m["children"])
                + f" MiB (PSS total {m['main']['pss_mib'] + sum(k['pss_mib'] for k in m['children']):.0f} MiB)")

    if "worker_memory" in f:
        t.row("Celery worker after ingestion: main + pool processes", worker(f["worker_memory"]))
    if "worker_memory" in f.get("pdfs", {}):
        t.row("Celery worker after the PDFs: main + its one process", worker(f["pdfs"]["worker_memory"]))


# --- The data report (issue 9, bench/report.py) ----------------------------------------------------------------------

def _started(figures: dict | None) -> datetime.datetime | None:
    text = ((figures or {}).get("info") or {}).get("started")
    return datetime.datetime.fromisoformat(text) if text else None


def report_rows(t: Table, report: dict | None, results: dict) -> None:
    if not report or "generation" not in report:
        t.section("Data report on a million sessions (issue 9)")
        t.row("Data report", "not measured: bench/run runs it unless --no-report is given")
        return
    mine, theirs = _started(results), _started(report)
    earlier = mine is not None and theirs is not None and theirs < mine
    g = report["generation"]
    t.section(f"Data report on {g['sessions']:,} sessions (issue 9)"
              + (f", from an earlier run of {theirs:%Y-%m-%d %H:%M}" if earlier else ""))
    t.row("Demo year written (generate_demo_year, COPY)", f"{g['sessions']:,} sessions, {g['checks']:,} checks, "
          f"{g['cases']:,} cases, {g['permits']:,} permits in {g['seconds']} s; summarised in {g['summary_seconds']} s")
    if "direct_pass" in report:
        d = report["direct_pass"]
        t.row("One direct pass over the sessions (heat map only)", f"p50 {d['p50_ms']:.0f} ms, p95 {d['p95_ms']:.0f} ms")
    for key, label in (("report_year", "Report page, whole year, all zones"), ("report_zone", "Report page, zone C1"),
                       ("csv_heat_map", "CSV of one figure (heat map)"), ("outcome", "Decision support outcome")):
        if key in report:
            m = report[key]
            t.row(label, f"p50 {m['p50_ms']:.0f} ms, p95 {m['p95_ms']:.0f} ms"
                  + (f", {m['queries']} queries" if "queries" in m else ""), f"< {TARGET_REPORT_MS} ms",
                  under(m["p50_ms"], m["p95_ms"], TARGET_REPORT_MS))


# --- The whole ------------------------------------------------------------------------------------------------------

def _load_line(info: dict, what: str) -> str:
    samples = info.get("load_samples") or {}
    during = (f", during the run {samples['min']:.2f}-{samples['max']:.2f} (mean {samples['mean']:.2f})"
              if samples else "")
    return (f"{what} {info.get('started')} on {info.get('host')} ({info.get('cpus')} CPUs, Python {info.get('python')}); "
            f"1-minute load average at start {info.get('load_at_start', [0])[0]:.2f}{during}.")


def _sessions(count: int) -> str:
    return f"{count} session" + ("" if count == 1 else "s")


def table(results: dict, report: dict | None = None) -> str:
    t = Table()
    api_rows(t, results)
    ingestion_rows(t, results)
    page_rows(t, results)
    pdf_rows(t, results)
    report_rows(t, report, results)
    memory_rows(t, results)
    lines = [t.markdown(), ""]
    short = t.short()
    lines.append("Falls short: " + "; ".join(short) + "." if short else "Every figure with a target meets it.")
    if results.get("failed"):
        lines.append(f"The run stopped with an error ({results['failed']}): the figures above are those measured before.")
    info = results.get("info", {})
    if info:
        lines.append(_load_line(info, "Run"))
    if report and report.get("info"):
        lines.append(_load_line(report["info"], "Data report run"))
    data = results.get("data")
    if data:
        lines.append(f"Data: {data['sessions']:,} sessions in the week, {data['permits']:,} permits ({data['permit plates']:,} "
                     f"plates), {data['visitor periods']:,} visitor periods, {data['logged checks']:,} logged checks; "
                     f"checks ask about {data['reference_time']}.")
        people = data.get("citizens")
        if people:
            lines.append(f"Citizens: {people['citizens']:,} accounts with {people['vehicles']:,} vehicles and "
                         f"{people['their sessions']:,} sessions on their plates, {people['retributions']:,} "
                         f"retributions ({people['kept in Mijn loket']:,} kept in Mijn loket), "
                         f"{people['browser sessions']:,} browser sessions. Queries are counted for the citizen with "
                         f"the least data (one plate, {_sessions(people.get('their sessions, least', 0))}, no case) and "
                         f"the one with the most (two plates, {_sessions(people['their sessions, most'])}, a case).")
    batch = results.get("inproc", {}).get("check_batch")
    if batch:
        lines.append(f"Batch answers: {batch['answers']}.")
    return "\n".join(lines)


def _read(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def main() -> int:
    results = _read("results.json")
    if results is None:
        print(f"No {RESULTS / 'results.json'}: run bench/run (or bench/bench.py) first.", file=sys.stderr)
        return 1
    text = table(results, _read("report.json"))
    print("\n" + text)
    (RESULTS / "table.md").write_text(text + "\n")
    print(f"\nWritten to {RESULTS / 'table.md'}; every figure in results.json and report.json beside it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
