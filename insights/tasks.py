"""Celery tasks that keep the report's summaries fresh; both may run twice or at once (rollup locks the days)."""

import datetime

from celery import shared_task

from . import rollup


@shared_task(name="insights.refresh_recent", acks_late=True)
def refresh_recent() -> int:
    """Beat (CELERY_BEAT_SCHEDULE "insights-refresh-recent"), hourly: today and the two days before; returns the days."""
    return rollup.refresh_recent().days


@shared_task(name="insights.refresh_days", acks_late=True)
def refresh_days(first: str, last: str) -> int:
    """On demand from the report page: the local days first..last (ISO dates); returns the days summarised."""
    return rollup.refresh(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)).days
