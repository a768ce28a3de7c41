"""Reminders and escalation: each kind takes its steps after its terms, exactly once, and a disputed retribution never
goes to a dwangbevel."""

import datetime
import logging
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from eloket.city.models import Charge, ChargeCode, Term, TermCode
from eloket.documents.models import Document, DocumentKind
from eloket.notifications.models import OutboundMessage
from fines import escalation, numbers, tasks
from fines.models import CaseEvent, CaseKind, CaseStatus

from .conftest import HOLDER, days_ago

S = CaseStatus
pytestmark = pytest.mark.usefixtures("fines_city", "english")


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def letters_of(case, kind=None):
    documents = Document.objects.for_case(case)
    return documents.filter(kind=kind) if kind else documents


def state(case):
    case.refresh_from_db()
    return case.status, case.costs, case.due_date


@pytest.mark.django_db
class TestRetribution:
    def test_past_its_term_it_gets_a_reminder_with_the_reminder_cost_once(self, case_in):
        Charge.objects.filter(code=ChargeCode.REMINDER_COST).update(amount=Decimal("5.00"))
        case = case_in(CaseKind.RETRIBUTION, S.ISSUED, holder_email="jan@example.org")

        outcome = escalation.run()

        assert outcome.done == {"remind": 1, "formal_notice": 0, "to_collection": 0} and outcome.refused == []
        assert state(case) == (S.REMINDED, Decimal("5.00"), in_days(30))
        [letter] = letters_of(case)
        assert (letter.kind, letter.template) == (DocumentKind.REMINDER, "fines/letters/reminder.html")
        assert OutboundMessage.objects.get(template="fines/reminder").recipient == "jan@example.org"

        again = escalation.run()
        assert again.done == {"remind": 0, "formal_notice": 0, "to_collection": 0}
        assert state(case) == (S.REMINDED, Decimal("5.00"), in_days(30))
        assert case.events.count() == 1 and letters_of(case).count() == 1 and OutboundMessage.objects.count() == 1

    def test_the_registered_reminder_comes_after_the_reminder_term_with_its_costs(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, S.REMINDED, issued_on=days_ago(60), due_date=days_ago(1))

        assert escalation.run().done["formal_notice"] == 1
        assert state(case) == (S.FORMAL_NOTICE, Decimal("20.00"), in_days(30))
        assert letters_of(case).get().template == "fines/letters/formal_notice.html"
        assert escalation.run().done["formal_notice"] == 0
        assert case.events.count() == 1

    def test_no_registered_reminder_sooner_than_its_term_after_the_notice(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, S.REMINDED, issued_on=days_ago(20), due_date=days_ago(1))

        outcome = escalation.run()

        assert outcome.done["formal_notice"] == 0 and outcome.refused == []  # not yet: no refusal either
        assert state(case)[0] == S.REMINDED and not letters_of(case).exists()

    def test_undisputed_it_goes_to_collection_after_the_registered_reminder(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, S.FORMAL_NOTICE, costs=Decimal("20.00"))

        assert escalation.run().done["to_collection"] == 1
        assert state(case) == (S.COLLECTION, Decimal("20.00"), days_ago(1))
        assert "dwangbevel" in case.events.get().note
        assert letters_of(case).get().template == "fines/letters/collection.html"

    @pytest.mark.parametrize("status", [S.FORMAL_NOTICE, S.REJECTED])
    def test_disputed_it_never_goes_to_collection_and_waits_for_the_court_decision(self, case_in, status):
        case = case_in(CaseKind.RETRIBUTION, status, disputed=True, costs=Decimal("20.00"))

        outcome = escalation.run()

        assert outcome.done == {"remind": 0, "formal_notice": 0, "to_collection": 0} and outcome.refused == []
        assert state(case)[0] == status and not case.events.exists() and not letters_of(case).exists()
        assert list(escalation.awaiting_court()) == [case]

    def test_only_disputed_ones_past_their_term_wait_for_the_court(self, case_in):
        waiting = case_in(CaseKind.RETRIBUTION, S.FORMAL_NOTICE, disputed=True)
        case_in(CaseKind.RETRIBUTION, S.FORMAL_NOTICE, disputed=True, due_date=in_days(3))
        case_in(CaseKind.RETRIBUTION, S.FORMAL_NOTICE, disputed=False, due_date=in_days(3))
        case_in(CaseKind.GAS4, S.REJECTED, disputed=True)
        assert list(escalation.awaiting_court()) == [waiting]


@pytest.mark.django_db
class TestGas:
    @pytest.mark.parametrize("kind", [CaseKind.GAS4, CaseKind.GAS5])
    @pytest.mark.parametrize("status", [S.ISSUED, S.REJECTED])
    def test_past_its_term_it_gets_a_reminder_with_a_new_term_and_no_costs(self, case_in, kind, status):
        Charge.objects.filter(code=ChargeCode.REMINDER_COST).update(amount=Decimal("5.00"))
        case = case_in(kind, status)

        assert escalation.run().done["remind"] == 1
        assert state(case) == (S.REMINDED, Decimal("0.00"), in_days(30))  # a GAS amount is fixed by law
        assert letters_of(case, DocumentKind.REMINDER).count() == 1

    def test_after_the_reminder_term_it_goes_to_collection(self, case_in):
        case = case_in(CaseKind.GAS4, S.REMINDED)

        assert escalation.run().done["to_collection"] == 1
        assert state(case)[0] == S.COLLECTION
        assert letters_of(case).get().template == "fines/letters/collection.html"
        assert escalation.run().done["to_collection"] == 0 and case.events.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind, status, fields", [
    (CaseKind.RETRIBUTION, S.ISSUED, {"due_date": None}),
    (CaseKind.RETRIBUTION, S.ISSUED, {"due_date": "today"}),
    (CaseKind.GAS4, S.REMINDED, {"due_date": "today"}),
    (CaseKind.GAS4, S.DISPUTED, {}),
    (CaseKind.GAS4, S.HEARING, {}),
    (CaseKind.RETRIBUTION, S.DISPUTED, {}),
    (CaseKind.GAS5, S.PAID, {}),
    (CaseKind.GAS4, S.CANCELLED, {}),
    (CaseKind.GAS4, S.DRIVER_NAMED, {}),
    (CaseKind.RETRIBUTION, S.COLLECTION, {}),
    (CaseKind.RETRIBUTION, S.COURT, {}),
    (CaseKind.GAS4, S.RECEIVED, {}),
])
def test_nothing_happens_within_the_term_or_outside_the_procedure(case_in, kind, status, fields):
    if fields.get("due_date") == "today":
        fields["due_date"] = timezone.localdate()  # the last day to pay is still within the term
    case = case_in(kind, status, **fields)

    outcome = escalation.run()

    assert sum(outcome.done.values()) == 0 and outcome.refused == []
    assert state(case)[0] == status and not case.events.exists() and not letters_of(case).exists()


@pytest.mark.django_db
def test_missing_reference_data_refuses_that_case_and_not_the_others(case_in, caplog):
    Charge.objects.filter(code=ChargeCode.REGISTERED_NOTICE_COST).delete()
    refused = case_in(CaseKind.RETRIBUTION, S.REMINDED, issued_on=days_ago(60))
    reminded = case_in(CaseKind.GAS4, S.ISSUED)
    collected = case_in(CaseKind.GAS5, S.REMINDED)

    with caplog.at_level(logging.WARNING, logger="fines.escalation"):
        outcome = escalation.run()

    assert outcome.done == {"remind": 1, "formal_notice": 0, "to_collection": 1}
    [(case_pk, step, reason)] = outcome.refused
    assert (case_pk, step) == (refused.pk, "formal_notice")
    assert "Administrative cost of a registered notice" in reason and "reference data" in reason
    assert state(refused)[:2] == (S.REMINDED, Decimal("0.00"))
    assert not refused.events.exists() and not letters_of(refused).exists()  # nothing half-done
    assert state(reminded)[0] == S.REMINDED and state(collected)[0] == S.COLLECTION
    logged = caplog.text
    assert str(refused.pk) in logged
    for personal in (HOLDER["name"], refused.plate, refused.notice_number, numbers.display(refused.notice_number)):
        assert personal not in logged


@pytest.mark.django_db
def test_a_missing_registered_notice_term_is_refused_too(case_in):
    Term.objects.filter(code=TermCode.REGISTERED_NOTICE).delete()
    case = case_in(CaseKind.RETRIBUTION, S.REMINDED, issued_on=days_ago(60))

    [(case_pk, step, reason)] = escalation.run().refused

    assert (case_pk, step) == (case.pk, "formal_notice") and "Days before the registered notice" in reason
    assert state(case)[0] == S.REMINDED


@pytest.mark.django_db
def test_the_daily_task_runs_the_escalation(case_in):
    case = case_in(CaseKind.GAS4, S.ISSUED)
    result = tasks.escalate_cases.delay().get()
    assert result == {"done": {"remind": 1, "formal_notice": 0, "to_collection": 0}, "refused": 0}
    assert state(case)[0] == S.REMINDED
    assert {"task": "fines.escalate_cases", "schedule": 86400.0} in settings.CELERY_BEAT_SCHEDULE.values()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_take_each_step_once(case_in):
    cases = [case_in(CaseKind.GAS4, S.ISSUED) for _ in range(4)] + [case_in(CaseKind.RETRIBUTION, S.FORMAL_NOTICE)]
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def run():
        try:
            start.wait()
            outcomes.append(escalation.run())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == [] and len(outcomes) == 2
    assert sum(outcome.done["remind"] for outcome in outcomes) == 4
    assert sum(outcome.done["to_collection"] for outcome in outcomes) == 1
    assert all(outcome.refused == [] for outcome in outcomes)
    for case in cases:
        assert CaseEvent.objects.filter(case=case).count() == 1
        assert letters_of(case).count() == 1
