"""Celery tasks of fines: the daily escalation (beat) and the merged print batches. Each may run twice or at once
without doing anything twice: escalation goes through the rules' row lock, a print batch is claimed first."""

from celery import shared_task

from . import escalation, printing


@shared_task(name="fines.escalate_cases", acks_late=True)
def escalate_cases() -> dict:
    """Daily: reminders, registered reminders and collection of the cases past their term."""
    outcome = escalation.run()
    return {"done": outcome.done, "refused": len(outcome.refused)}


@shared_task(name="fines.print_notices", acks_late=True)
def print_notices(batch_id: int) -> bool:
    return printing.make(batch_id)


@shared_task(name="fines.pick_up_print_batches", acks_late=True)
def pick_up_print_batches() -> int:
    """Every few minutes: print batches whose task got lost are sent again; stopped ones are failed."""
    return printing.pick_up()
