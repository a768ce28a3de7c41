"""Celery tasks of the chat: the wait alert (beat, every minute)."""

from celery import shared_task

from . import alerts


@shared_task(name="chat.send_wait_alerts", acks_late=True)
def send_wait_alerts() -> int:
    """Beat (CELERY_BEAT_SCHEDULE "chat-wait-alerts"): alert the team about conversations waiting too long."""
    return alerts.send_wait_alerts()
