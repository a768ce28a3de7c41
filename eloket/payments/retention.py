"""Retention of payments: after RETENTION_PAYMENT_YEARS (the accounting period) the personal part goes.

The payment's amount, dates, status and what it paid for stay; its link to an account goes. A bank statement's lines
lose the payer's name, account and free communication, and the uploaded statement file is deleted.
"""

import datetime

from django.db import transaction

from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER, batches, delete_files

from .models import FINAL_STATUSES, BankStatement, BankTransaction, Payment


def anonymise_old(cutoff: datetime.datetime) -> dict:
    counts = {"payments": 0, "bank lines": 0, "statement files": 0}
    for ids in batches(Payment.objects.filter(status__in=FINAL_STATUSES, updated__lt=cutoff, owner__isnull=False)):
        counts["payments"] += Payment.objects.filter(pk__in=ids).update(owner=None, checkout_url="")
    for ids in batches(BankTransaction.objects.filter(booking_date__lt=cutoff.date()).exclude(counterparty_name=MARKER)):
        counts["bank lines"] += BankTransaction.objects.filter(pk__in=ids).update(
            counterparty_name=MARKER, counterparty_iban="", free_text="")
    for ids in batches(BankStatement.objects.filter(uploaded__lt=cutoff).exclude(file="")):
        with transaction.atomic():
            statements = BankStatement.objects.filter(pk__in=ids)
            counts["statement files"] += delete_files(statements)
            statements.update(file="")
    return counts


retention.register(retention.Job("payments", "RETENTION_PAYMENT_YEARS", "years", anonymise_old))
