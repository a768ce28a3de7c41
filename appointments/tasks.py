"""Celery tasks of appointments, run by beat; each may run twice or at once without doing anything twice."""

from celery import shared_task

from . import booking, reminders


@shared_task(name="appointments.send_reminders", acks_late=True)
def send_reminders() -> int:
    return reminders.send_reminders()


@shared_task(name="appointments.expire_unconfirmed", acks_late=True)
def expire_unconfirmed() -> int:
    """Guest bookings not confirmed within booking.confirm_within() give their place back."""
    return booking.expire_unconfirmed()
