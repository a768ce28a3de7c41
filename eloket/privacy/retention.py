"""Retention: one job per data class, run daily by beat, each with its period in a setting.

Apps register their jobs in their own `retention.py` (found at start-up, like the personal-data providers); the beat
schedule names the job by key (`CELERY_BEAT_SCHEDULE`, task `privacy.retention`). A job works in batches, may run
twice or at once without doing anything twice, and logs counts only, never what it anonymised.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    key: str
    setting: str  # the setting holding the period, e.g. RETENTION_CASE_YEARS
    unit: str  # "days" or "years"
    # run(cutoff) anonymises or deletes what ended before the cutoff; returns {what: count}.
    run: Callable[[datetime.datetime], dict]
    # The shortest period the job accepts, whatever the setting says (a check's day, an objection term).
    minimum: int = 1

    def period(self) -> int:
        return max(self.minimum, int(getattr(settings, self.setting)))

    def cutoff(self, now: datetime.datetime | None = None) -> datetime.datetime:
        now = now or timezone.now()
        if self.unit == "years":
            return now - relativedelta(years=self.period())
        return now - datetime.timedelta(days=self.period())


_jobs: dict[str, Job] = {}


def register(job: Job) -> Job:
    _jobs[job.key] = job
    return job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.key)


def job(key: str) -> Job:
    return _jobs[key]


def run(key: str, now: datetime.datetime | None = None) -> dict:
    """Run one job for the period before now; returns and logs the counts."""
    chosen = job(key)
    counts = chosen.run(chosen.cutoff(now))
    logger.info("Retention %s (%s %s): %s", key, chosen.period(), chosen.unit,
                ", ".join(f"{what} {count}" for what, count in counts.items()) or "nothing to do")
    return counts
