"""Celery tasks of payments. Each is idempotent: the effect claims come from flow.py."""

from celery import shared_task

from . import flow


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def run_payment_effect(payment_id: int) -> bool:
    return flow.run_effect(payment_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def run_refund_effect(refund_id: int) -> bool:
    return flow.run_refund_effect(refund_id)
