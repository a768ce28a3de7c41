"""Matching a credit to what it pays, by its OGM only, and staff resolving what could not be matched.

A credit is booked only when its OGM belongs to a payable and the amount is exactly what is due.
Free text is never used to guess: only an OGM that passes its check digits counts (the parsers
already reduced the communication to such digits or to nothing).
"""

from django.db import transaction
from django.utils import timezone

from .. import flow, references
from ..models import BankTransaction, Payment, PaymentStatus, StructuredReference
from .common import Movement

Outcome = BankTransaction.Outcome
# The staff's work list: what the software did not book and a person has to look at.
TO_RESOLVE = [Outcome.WRONG_AMOUNT, Outcome.ALREADY_PAID, Outcome.UNKNOWN]


def _paid_but_effect_pending(reference: StructuredReference) -> bool:
    """A payment for this payable is paid but the payable has not been told yet (its task runs after commit)."""
    return Payment.objects.filter(
        content_type_id=reference.content_type_id, object_id=reference.object_id, status=PaymentStatus.PAID,
        effect_applied_at__isnull=True,
    ).exists()


def match(movement: Movement, *, note: str, actor=None) -> tuple[str, Payment | None]:
    """The outcome of one credit and, when it was booked, the transfer payment made for it.

    Call inside the import's transaction: the reference row stays locked until commit, so two
    imports carrying the same OGM cannot both book it.
    """
    if not movement.reference:
        return Outcome.UNKNOWN, None
    reference = StructuredReference.objects.select_for_update().filter(digits=movement.reference).first()
    if reference is None:
        return Outcome.UNKNOWN, None
    payable = references.payable_for(movement.reference)
    if payable is None:  # the reference outlived what it was made for
        return Outcome.UNKNOWN, None
    due = payable.payment_amount()
    if not due or _paid_but_effect_pending(reference):
        return Outcome.ALREADY_PAID, None
    if movement.amount != due:
        return Outcome.WRONG_AMOUNT, None
    payment = flow.record_transfer(payable, amount=movement.amount, booked_on=movement.booking_date, note=note,
                                   actor=actor)
    return Outcome.MATCHED, payment


def resolve(transaction_ids, *, note: str, actor) -> list[BankTransaction]:
    """Mark transactions of the work list as resolved by hand, with the note; others are left alone."""
    note = note.strip()
    if not note:
        raise ValueError("A note is required to resolve a bank transaction")
    who = (actor.get_full_name() or actor.get_username()) if actor is not None else ""
    stamp = f"[{timezone.localtime():%Y-%m-%d %H:%M}{', ' + who if who else ''}] {note}"
    with transaction.atomic():
        rows = list(BankTransaction.objects.select_for_update()
                    .filter(pk__in=list(transaction_ids), outcome__in=TO_RESOLVE).order_by("pk"))
        for row in rows:
            row.note = f"{row.note}\n{stamp}" if row.note else stamp
            row.outcome = Outcome.RESOLVED
            row.save(update_fields=["note", "outcome"])
    return rows
