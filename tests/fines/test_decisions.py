"""The sanctioning official decides on objections: accept (cancelled, paid money goes back), reject (a new term, a
retribution stays disputed), the oral hearing of a GAS defence above € 70 and its minutes; each decision once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from eloket.city.models import TermCode
from eloket.city.reference import term_days
from eloket.documents.models import Document, DocumentKind
from eloket.notifications.models import OutboundMessage
from eloket.payments import start as payments_start
from eloket.payments.models import PaymentMethod, PaymentStatus, Refund
from fines import dates, decisions, rules
from fines.models import Case, CaseKind, CaseStatus, Hearing, Objection, ObjectionGround, ObjectionStatus
from tests.payments.online import choose_at_checkout, fixture_mollie, make_payment  # noqa: F401  fixtures

S = CaseStatus
CONTACT = "jan.claes@example.org"
HOUR = datetime.timedelta(hours=1)


def object_to(case: Case, *, hearing: bool = False, rights=(), ground=ObjectionGround.OTHER) -> Objection:
    """The holder's objection as the citizen side leaves it: the case disputed, one pending objection."""
    rules.dispute(case, "Bezwaar ingediend.")
    return Objection.objects.create(case=case, ground=ground, explanation="Ik stond er niet.", hearing_requested=hearing,
                                    contact_name="Jan Claes", contact_email=CONTACT, rights_found=list(rights))


def letters(case: Case, kind: str | None = None):
    documents = Document.objects.for_case(case)
    return documents.filter(kind=kind) if kind else documents


def emails_to(address: str):
    return OutboundMessage.objects.filter(recipient=address, channel="email")


def new_term() -> datetime.date:
    today = dates.today()
    return today + datetime.timedelta(days=term_days(TermCode.PAYMENT, today))


@pytest.fixture
def gas4(issue):
    """A GAS 4 fine of € 116 (category 2), issued through the rules."""
    case = issue("PAVEMENT")
    assert case.amount == Decimal("116.00")
    return case


# Accepting -------------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestAccept:
    def test_the_case_is_cancelled_the_decision_recorded_the_letter_and_email_requested(self, gas4, sofie):
        objection = object_to(gas4)

        decisions.accept(objection, "Het bord was niet zichtbaar.", sofie)

        gas4.refresh_from_db()
        objection.refresh_from_db()
        assert gas4.status == S.CANCELLED
        assert (objection.status, objection.decided_by, objection.decision_reason) == (
            ObjectionStatus.ACCEPTED, sofie, "Het bord was niet zichtbaar.")
        assert objection.decided_at is not None
        event = gas4.events.last()
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            S.DISPUTED, S.CANCELLED, sofie, "Het bord was niet zichtbaar.")
        assert letters(gas4, DocumentKind.DECISION).count() == 1
        assert emails_to(CONTACT).exists()
        assert not Refund.objects.exists()

    def test_a_reason_is_required(self, gas4, sofie, english):
        objection = object_to(gas4)

        with pytest.raises(rules.TransitionNotAllowed, match="Give the reasons for accepting"):
            decisions.accept(objection, "  ", sofie)

        objection.refresh_from_db()
        assert objection.status == ObjectionStatus.PENDING

    def test_paid_by_bank_transfer_is_marked_for_staff_to_pay_back(self, gas4, sofie, english):
        objection = object_to(gas4)
        payment = make_payment(gas4, method=PaymentMethod.TRANSFER, status=PaymentStatus.PAID, paid_at=timezone.now())
        gas4.on_payment_paid(payment)
        gas4.refresh_from_db()
        assert (gas4.status, gas4.disputed) == (S.PAID, True)

        decisions.accept(objection, "Geldige vergunning.", sofie)

        gas4.refresh_from_db()
        assert gas4.status == S.CANCELLED
        assert not Refund.objects.exists()
        assert gas4.events.last().note == "Geldige vergunning. € 116.00 to be transferred back by staff (paid by bank transfer)."

    def test_a_paid_case_without_a_recorded_payment_asks_staff_to_check(self, gas4, sofie, english):
        objection = object_to(gas4)
        rules.mark_paid(gas4, actor=sofie)

        decisions.accept(objection, "Geldige vergunning.", sofie)

        assert "check how it was paid" in Case.objects.get(pk=gas4.pk).events.last().note


@pytest.mark.django_db(transaction=True)
def test_accepting_after_an_online_payment_refunds_it_at_mollie(mollie, fines_city, media, issue, sofie, english):
    case = issue("PAVEMENT")
    objection = object_to(case)
    choose_at_checkout(payments_start.start(case).checkout_url, "paid")
    case.refresh_from_db()
    assert case.status == S.PAID

    decisions.accept(objection, "Er was een geldige parkeersessie.", sofie)

    refund = Refund.objects.get()
    assert (refund.amount, refund.requested_by) == (Decimal("116.00"), sofie) and refund.mollie_id
    assert refund.payment.object_id == case.pk
    assert refund.payment.content_type == ContentType.objects.get_for_model(Case)
    case.refresh_from_db()
    assert case.status == S.CANCELLED
    assert case.events.last().note.endswith("€ 116.00 refunded online.")


# Rejecting -------------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestReject:
    def test_a_new_term_from_today_a_letter_and_an_email(self, gas4, sofie):
        objection = object_to(gas4)

        decisions.reject(objection, "De foto toont het voertuig op het voetpad.", sofie)

        gas4.refresh_from_db()
        objection.refresh_from_db()
        assert (gas4.status, gas4.due_date, gas4.disputed) == (S.REJECTED, new_term(), False)
        assert (objection.status, objection.decided_by) == (ObjectionStatus.REJECTED, sofie)
        assert letters(gas4, DocumentKind.DECISION).count() == 1
        assert emails_to(CONTACT).exists()

    def test_a_rejected_retribution_stays_disputed_and_never_goes_to_collection(self, case_in, sofie, fines_city, english):
        case = case_in(CaseKind.RETRIBUTION, S.ISSUED, issued_on=dates.today() - datetime.timedelta(days=90))
        objection = object_to(case)

        decisions.reject(objection, "Geen geldig ticket gevonden.", sofie)

        case.refresh_from_db()
        assert (case.status, case.disputed, case.due_date) == (S.REJECTED, True, new_term())
        # Unpaid after the new term: the reminders go on, but collection by dwangbevel stays closed.
        Case.objects.filter(pk=case.pk).update(due_date=dates.today() - datetime.timedelta(days=1))
        decisions.take_step(case, "remind", sofie)
        Case.objects.filter(pk=case.pk).update(due_date=dates.today() - datetime.timedelta(days=1))
        decisions.take_step(case, "formal_notice", sofie)
        Case.objects.filter(pk=case.pk).update(due_date=dates.today() - datetime.timedelta(days=1))
        case.refresh_from_db()
        assert case.status == S.FORMAL_NOTICE
        assert not rules.may(case, "to_collection")
        with pytest.raises(rules.TransitionNotAllowed, match="disputed"):
            decisions.take_step(case, "to_collection", sofie)
        assert rules.may(case, "to_court")

    def test_a_paid_case_stays_paid_and_the_history_says_the_objection_was_rejected(self, gas4, sofie, english):
        objection = object_to(gas4)
        gas4.on_payment_paid(make_payment(gas4, status=PaymentStatus.PAID, paid_at=timezone.now()))

        decisions.reject(objection, "Het verkeersbord was duidelijk.", sofie)

        gas4.refresh_from_db()
        objection.refresh_from_db()
        assert gas4.status == S.PAID and objection.status == ObjectionStatus.REJECTED
        event = gas4.events.last()
        assert (event.from_status, event.to_status, event.actor) == (S.PAID, S.PAID, sofie)
        assert event.note == "Het verkeersbord was duidelijk. The objection is rejected; the case was paid and stays paid."
        assert letters(gas4, DocumentKind.DECISION).count() == 1
        assert not Refund.objects.exists()

    def test_a_holder_who_asked_for_a_hearing_is_heard_before_a_rejection(self, gas4, sofie, english):
        objection = object_to(gas4, hearing=True)

        with pytest.raises(rules.TransitionNotAllowed, match="plan it and record its minutes"):
            decisions.reject(objection, "Nee.", sofie)
        hearing = decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis, zaal 2", sofie)
        with pytest.raises(rules.TransitionNotAllowed, match="Record the minutes"):
            decisions.reject(objection, "Nee.", sofie)
        Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - HOUR)
        decisions.record_minutes(hearing, "De houder verscheen niet.", sofie)

        decisions.reject(objection, "Niet verschenen; de foto is duidelijk.", sofie)

        gas4.refresh_from_db()
        assert gas4.status == S.REJECTED


# Deciding once -----------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestOnce:
    def test_a_second_decision_is_refused(self, gas4, sofie, english):
        objection = object_to(gas4)
        stale = Objection.objects.get(pk=objection.pk)
        decisions.accept(objection, "Aanvaard.", sofie)

        with pytest.raises(rules.TransitionNotAllowed, match="decided already"):
            decisions.accept(stale, "Aanvaard.", sofie)
        with pytest.raises(rules.TransitionNotAllowed, match="decided already"):
            decisions.reject(stale, "Toch niet.", sofie)

        assert gas4.events.filter(to_status=S.CANCELLED).count() == 1
        assert letters(gas4, DocumentKind.DECISION).count() == 1
        assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_one_moment_decide_once(fines_city, media, issue, sofie):
    case = issue("PAVEMENT")
    objection = object_to(case)
    barrier = threading.Barrier(2)
    outcomes = []

    def click(decide):
        try:
            barrier.wait(timeout=10)
            decide(Objection.objects.get(pk=objection.pk), "Beslist.", sofie)
            outcomes.append("decided")
        except rules.TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(decide,)) for decide in (decisions.accept, decisions.reject)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["decided", "refused"]
    assert Objection.objects.get(pk=objection.pk).status != ObjectionStatus.PENDING
    assert letters(case, DocumentKind.DECISION).count() == 1


# The oral hearing --------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestHearing:
    def test_planned_for_a_gas_defence_above_70_euro_that_asked_for_it(self, gas4, sofie):
        objection = object_to(gas4, hearing=True)
        before = letters(gas4).count()
        starts_at = timezone.now() + datetime.timedelta(days=14)

        hearing = decisions.plan_hearing(objection, starts_at, "Stadhuis, zaal 2", sofie)

        gas4.refresh_from_db()
        assert gas4.status == S.HEARING
        assert (hearing.case, hearing.objection, hearing.starts_at, hearing.place, hearing.planned_by) == (
            gas4, objection, starts_at, "Stadhuis, zaal 2", sofie)
        assert "Stadhuis, zaal 2" in gas4.events.last().note
        assert letters(gas4).count() == before + 1

    def test_not_at_or_below_70_euro(self, issue, sofie, english):
        case = issue("E1")
        assert case.amount == Decimal("58.00")
        objection = object_to(case, hearing=True)

        with pytest.raises(rules.TransitionNotAllowed, match="above € 70"):
            decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis", sofie)

        assert not Hearing.objects.exists()
        case.refresh_from_db()
        assert case.status == S.DISPUTED

    def test_not_for_a_retribution(self, issue, sofie, english):
        objection = object_to(issue("RETRIBUTION"), hearing=True)

        with pytest.raises(rules.TransitionNotAllowed, match="only possible for a GAS fine"):
            decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis", sofie)

    def test_not_when_the_holder_did_not_ask(self, gas4, sofie, english):
        objection = object_to(gas4, hearing=False)

        with pytest.raises(rules.TransitionNotAllowed, match="did not ask"):
            decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis", sofie)

    def test_not_in_the_past_and_not_twice(self, gas4, sofie, english):
        objection = object_to(gas4, hearing=True)

        with pytest.raises(rules.TransitionNotAllowed, match="in the future"):
            decisions.plan_hearing(objection, timezone.now() - HOUR, "Stadhuis", sofie)
        with pytest.raises(rules.TransitionNotAllowed, match="place"):
            decisions.plan_hearing(objection, timezone.now() + HOUR, " ", sofie)
        decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis", sofie)
        with pytest.raises(rules.TransitionNotAllowed):
            decisions.plan_hearing(objection, timezone.now() + 2 * HOUR, "Stadhuis", sofie)

        assert Hearing.objects.count() == 1

    def test_the_minutes_after_the_hearing_once(self, gas4, sofie, english):
        objection = object_to(gas4, hearing=True)
        hearing = decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis", sofie)

        with pytest.raises(rules.TransitionNotAllowed, match="not taken place yet"):
            decisions.record_minutes(hearing, "Vroeg.", sofie)
        Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - HOUR)
        with pytest.raises(rules.TransitionNotAllowed, match="Write the minutes"):
            decisions.record_minutes(hearing, "", sofie)
        decisions.record_minutes(hearing, "De houder legde een foto voor van het ticket.", sofie)
        with pytest.raises(rules.TransitionNotAllowed, match="recorded already"):
            decisions.record_minutes(hearing, "Nog eens.", sofie)

        hearing.refresh_from_db()
        assert hearing.minutes == "De houder legde een foto voor van het ticket." and hearing.held_at is not None
        event = gas4.events.last()
        assert (event.from_status, event.to_status, event.actor) == (S.HEARING, S.HEARING, sofie)
        assert event.note == "The oral hearing was held; its minutes are in the file."
        assert "ticket" not in event.note  # the minutes stay in the file, out of the citizen's history


@pytest.mark.django_db
def test_accepting_calls_off_the_planned_hearing_and_says_so(gas4, sofie, english):
    from eloket.documents import render

    objection = object_to(gas4, hearing=True)
    starts_at = timezone.now() + datetime.timedelta(days=14)
    hearing = decisions.plan_hearing(objection, starts_at, "Stadhuis, zaal 2", sofie)

    decisions.accept(objection, "Het bord ontbrak.", sofie)

    hearing.refresh_from_db()
    assert hearing.cancelled_at is not None and hearing.held_at is None
    day = dates.in_words(timezone.localtime(starts_at).date())
    assert f"The oral hearing of {day} is called off." in gas4.events.last().note
    with pytest.raises(rules.TransitionNotAllowed, match="called off"):
        decisions.record_minutes(hearing, "Niemand kwam.", sofie)
    decision = letters(gas4, DocumentKind.DECISION).get()
    decision.language = "en"
    assert "no longer takes place: you do not have to come" in " ".join(render.build_html(decision).split())
    assert "gaat niet meer door" in emails_to(CONTACT).order_by("pk").last().body_text  # the holder's language


@pytest.mark.django_db
def test_a_held_hearing_is_not_called_off_by_the_acceptance(gas4, sofie):
    objection = object_to(gas4, hearing=True)
    hearing = decisions.plan_hearing(objection, timezone.now() + HOUR, "Stadhuis", sofie)
    Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - HOUR)
    decisions.record_minutes(hearing, "De houder verscheen.", sofie)

    decisions.accept(objection, "Overtuigend.", sofie)

    hearing.refresh_from_db()
    assert hearing.cancelled_at is None and hearing.held_at is not None
