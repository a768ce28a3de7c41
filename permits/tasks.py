"""Celery tasks of permits, run daily by beat; both may run twice or at once without doing anything twice."""

from celery import shared_task

from . import renewal


@shared_task(name="permits.send_renewal_reminders", acks_late=True)
def send_renewal_reminders() -> int:
    return renewal.send_renewal_reminders()


@shared_task(name="permits.expire_permits", acks_late=True)
def expire_permits() -> int:
    return renewal.expire_due()
