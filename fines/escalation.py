"""Reminders and escalation, run daily by Celery beat (domain.md 1.5, 2.4 and 2.6).

Retribution: after the payment term a reminder (with the city's reminder cost); once the reminder's term has passed and
the registered-notice term since the notice is reached, the registered reminder (with its administrative costs); after
that term an undisputed retribution goes to collection (dwangbevel). A disputed one never does: it waits for the
official's decision to go to court (`awaiting_court`). GAS: a reminder with a new term after the payment term (also after
a rejected defence), then collection.

Each case is taken in its own transaction through rules.py, whose row lock and re-check make every step happen once,
however often or concurrently this runs; the step's letter and email are made in the same transaction.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from eloket.city.models import TermCode

from . import dates, notices, rules
from .issuing import GAS_KINDS
from .models import Case, CaseKind, CaseStatus

logger = logging.getLogger(__name__)
S = CaseStatus
RETRIBUTION = CaseKind.RETRIBUTION
# rules.py transition -> the letter it sends (fines.notices.after_step)
LETTERS = {"remind": "reminder", "formal_notice": "formal_notice", "to_collection": "collection"}


@dataclass
class Outcome:
    """What one run did: how many cases took each step, and the steps refused (case id, step, reason)."""

    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LETTERS, 0))
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def due_for_reminder(today: datetime.date) -> QuerySet:
    """Past the payment term: a notified retribution, or a GAS fine notified or whose defence was rejected."""
    return Case.objects.filter(due_date__lt=today).filter(
        Q(kind=RETRIBUTION, status=S.ISSUED) | Q(kind__in=GAS_KINDS, status__in=[S.ISSUED, S.REJECTED]))


def due_for_formal_notice(today: datetime.date) -> QuerySet:
    """Retributions past the reminder's term; whether the registered-notice term is reached is checked per case."""
    return Case.objects.filter(kind=RETRIBUTION, status=S.REMINDED, due_date__lt=today)


def due_for_collection(today: datetime.date) -> QuerySet:
    """Past the last term: an undisputed retribution after its registered reminder, a GAS fine after its reminder."""
    return Case.objects.filter(due_date__lt=today).filter(
        Q(kind=RETRIBUTION, status=S.FORMAL_NOTICE, disputed=False) | Q(kind__in=GAS_KINDS, status=S.REMINDED))


def awaiting_court(today: datetime.date | None = None) -> QuerySet:
    """Disputed retributions past their term that can only be collected through the justice of the peace.

    They are never sent to a dwangbevel; the sanctioning official decides to take them to court (rules.to_court).
    """
    today = today or dates.today()
    return Case.objects.filter(kind=RETRIBUTION, disputed=True, status__in=[S.FORMAL_NOTICE, S.REJECTED],
                               due_date__lt=today).order_by("due_date", "pk")


FINDERS = {"remind": due_for_reminder, "formal_notice": due_for_formal_notice, "to_collection": due_for_collection}


def _registered_notice_reached(case: Case, today: datetime.date) -> bool:
    """The registered reminder comes no sooner than the city's term after the first notice (Genk: 30 calendar days)."""
    days = dates.term(TermCode.REGISTERED_NOTICE, case.issued_on, rules.TransitionNotAllowed)
    return today >= case.issued_on + datetime.timedelta(days=days)


def _still_due(name: str, case: Case, today: datetime.date) -> bool:
    """Checked again under the row lock: another run, a payment or an objection may have come first."""
    if not FINDERS[name](today).filter(pk=case.pk).exists():
        return False
    return name != "formal_notice" or _registered_notice_reached(case, today)


def take(name: str, case_pk: int, today: datetime.date) -> bool:
    """Take one step for one case with its letter, in one transaction; False when the case is no longer due.

    Raises rules.TransitionNotAllowed when the step is refused (a term or charge missing from the reference data).
    """
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("offence", "citizen").get(pk=case_pk)
        if not _still_due(name, case, today):
            return False
        case = getattr(rules, name)(case)
        notices.after_step(case, LETTERS[name])
    return True


def run(today: datetime.date | None = None) -> Outcome:
    """Take every due step once. A refused case (missing reference data) is logged and does not stop the others."""
    today = today or dates.today()
    outcome = Outcome()
    for name, finder in FINDERS.items():
        for case_pk in list(finder(today).order_by("pk").values_list("pk", flat=True)):
            try:
                if take(name, case_pk, today):
                    outcome.done[name] += 1
            except rules.TransitionNotAllowed as refusal:
                # The case id and the reason only: no plate, name or notice number in the logs.
                logger.warning("Escalation of case %s refused (%s): %s", case_pk, name, refusal.message)
                outcome.refused.append((case_pk, name, str(refusal.message)))
    logger.info("Escalation on %s: %s; %d refused", today.isoformat(), outcome.done, len(outcome.refused))
    return outcome
