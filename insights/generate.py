"""The whole demo year in order: reference data checks, sessions and checks, cases, permits, then the summaries the
report reads (checks included, before the log's retention deletes them), and the retention itself."""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from parking_sessions.enforcement_tasks import delete_old_checks

from . import demo, demo_cases, rollup


def generate_year(*, sessions: int, year: int, seed: int = 1, now: datetime.datetime | None = None,
                  log=print) -> dict[str, int]:
    """Write the year and summarise it; returns the counts of what was written. All or nothing per part."""
    now = now or timezone.now()
    began = time.monotonic()
    with transaction.atomic():
        world = demo.prepare(sessions=sessions, year=year, seed=seed, now=now)
        demo.write_sessions_and_checks(world, sessions, log)
        demo_cases.write_cases(world, now, log)
        demo_cases.write_permits(world, now, log)
    log(f"  written in {time.monotonic() - began:.0f} s; summarising for the report ...")
    demo.analyse()
    summarising = time.monotonic()
    summary = rollup.refresh(world.days[0], world.days[-1], checks=True, now=now)
    world.counts["summary_rows"] = summary.session_rows
    world.counts["summary_seconds"] = round(time.monotonic() - summarising)
    # The check log keeps only its retention period; the summaries keep the counts (no plates).
    world.counts["old_checks_deleted"] = delete_old_checks(now=now)
    world.counts["seconds"] = round(time.monotonic() - began)
    return world.counts
