"""Celery tasks of payments. Each is idempotent: the effect claims come from flow.py."""

from celery import shared_task

from . import flow


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def run_payment_effect(payment_id: int) -> bool:
    return flow.run_effect(payment_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def run_refund_effect(refund_id: int) -> bool:
    return flow.run_refund_effect(refund_id)


@shared_task(ignore_result=True)
def reconcile_open_payments() -> dict:
    """Beat task: fetch payments and refunds Mollie's webhooks may have missed; re-run lost effects."""
    from django.core.cache import cache

    from . import sync

    # Safe to run twice (every step is idempotent); the lock only saves Mollie calls when runs overlap.
    if not cache.add("payments:reconcile:lock", 1, timeout=9 * 60):
        return {"skipped": 1}
    try:
        return sync.reconcile()
    finally:
        cache.delete("payments:reconcile:lock")
