"""Every status change: allowed only from the right status, for the right kind, at the right time, with an event."""

import itertools

import pytest

from fines import numbers, rules
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, EvidenceKind
from tests.files import jpeg_upload

from .conftest import HOLDER, days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DRIVER = {"name": "Els Claes", "is_company": False, "birth_date": None, "street": "Dorpsstraat 3", "postal_code": "3500",
          "municipality": "Hasselt", "country": "BE", "email": "els@example.org"}
ARGS = {"dispute": ("The meter was broken.",), "plan_hearing": ("Town hall, room 2, 3 June at 10:00.",),
        "accept_objection": ("The session was valid.",), "reject_objection": ("The photos are clear.",),
        "cancel": ("The plate was misread.",), "name_driver": (DRIVER,)}


def call(name, case, actor=None):
    return getattr(rules, name)(case, *ARGS.get(name, ()), actor=actor)


COMBINATIONS = list(itertools.product(rules.TRANSITIONS, CaseStatus.values, CaseKind.values))
ILLEGAL = [(name, status, kind) for name, status, kind in COMBINATIONS if status not in rules.allowed_from(name, kind)]
LEGAL = [(name, status, kind) for name, status, kind in COMBINATIONS if status in rules.allowed_from(name, kind)]


def dated_for(name, kind):
    """Facts that let a legal step through: a retribution goes to court only when disputed."""
    return {"disputed": True} if name in ("to_court", "accept_objection") else {}


@pytest.mark.parametrize(("name", "status", "kind"), ILLEGAL)
def test_every_illegal_transition_is_refused(case_in, name, status, kind):
    case = case_in(kind, status)
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        call(name, case)
    assert str(caught.value.message)
    assert not rules.may(case, name)
    case.refresh_from_db()
    assert case.status == status
    assert not CaseEvent.objects.exists() and Case.objects.count() == 1


@pytest.mark.parametrize(("name", "status", "kind"), LEGAL)
def test_every_allowed_transition_moves_and_writes_an_event(fines_city, media, case_in, sofie, name, status, kind):
    case = case_in(kind, status, **dated_for(name, kind))
    assert rules.may(case, name)
    call(name, case, actor=sofie)
    case.refresh_from_db()
    assert case.status == rules.TRANSITIONS[name][1]
    event = CaseEvent.objects.get(case=case)
    assert (event.from_status, event.to_status, event.actor) == (status, case.status, sofie)
    assert event.note


def test_the_kinds_keep_their_own_procedures():
    assert rules.allowed_from("formal_notice", CaseKind.GAS4) == frozenset()
    assert rules.allowed_from("to_court", CaseKind.GAS5) == frozenset()
    assert rules.allowed_from("plan_hearing", CaseKind.RETRIBUTION) == frozenset()
    assert rules.allowed_from("name_driver", CaseKind.RETRIBUTION) == frozenset()
    assert rules.allowed_from("to_collection", CaseKind.RETRIBUTION) == {CaseStatus.FORMAL_NOTICE}
    assert rules.allowed_from("to_collection", CaseKind.GAS4) == {CaseStatus.REMINDED}


def test_a_kind_refusal_names_the_kind(case_in):
    with pytest.raises(rules.TransitionNotAllowed) as caught:
        rules.plan_hearing(case_in(CaseKind.RETRIBUTION, CaseStatus.DISPUTED), "Tomorrow.")
    assert caught.value.message == "Parking retribution: you cannot plan an oral hearing for this kind of case."


@pytest.mark.usefixtures("fines_city")
class TestTheDisputeBlock:
    """Decreet Lokaal Bestuur art. 177, 2°: a dwangbevel only for an undisputed retribution."""

    def test_a_disputed_retribution_never_goes_to_dwangbevel(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE, disputed=True)
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.to_collection(case)
        assert "disputed, so it cannot be collected by a dwangbevel" in caught.value.message
        assert "177, 2°" in caught.value.message
        assert not rules.may(case, "to_collection")
        assert rules.to_court(case).status == CaseStatus.COURT

    def test_an_undisputed_one_is_collected_not_taken_to_court(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE)
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.to_court(case)
        assert "not disputed" in caught.value.message
        assert rules.to_collection(case).status == CaseStatus.COLLECTION

    def test_a_rejected_objection_keeps_the_retribution_disputed(self, issue, sofie):
        case = issue("RETRIBUTION")
        rules.dispute(case, "I had a valid session.", actor=sofie)
        rules.reject_objection(case, "No session was registered for the plate.", actor=sofie)
        assert (case.status, case.disputed) == (CaseStatus.REJECTED, True)
        Case.objects.filter(pk=case.pk).update(due_date=days_ago(1), issued_on=days_ago(60))
        rules.remind(case)
        Case.objects.filter(pk=case.pk).update(due_date=days_ago(1))
        rules.formal_notice(case)
        Case.objects.filter(pk=case.pk).update(due_date=days_ago(1))
        with pytest.raises(rules.TransitionNotAllowed):
            rules.to_collection(case)
        assert rules.to_court(case).status == CaseStatus.COURT
        assert list(case.events.values_list("to_status", flat=True)) == [
            "issued", "disputed", "rejected", "reminded", "formal_notice", "court"]

    def test_a_rejected_gas_objection_is_decided_and_goes_on_to_collection(self, case_in):
        case = rules.reject_objection(case_in(CaseKind.GAS4, CaseStatus.DISPUTED, disputed=True), "Clear photos.")
        assert not case.disputed
        Case.objects.filter(pk=case.pk).update(due_date=days_ago(1))
        rules.remind(case)
        Case.objects.filter(pk=case.pk).update(due_date=days_ago(1))
        assert rules.to_collection(case).status == CaseStatus.COLLECTION

    def test_collection_waits_for_the_last_term(self, case_in):
        case = case_in(CaseKind.RETRIBUTION, CaseStatus.FORMAL_NOTICE, due_date=days_ago(-3))
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.to_collection(case)
        assert "The payment term runs until" in caught.value.message


class TestHearings:
    def test_only_above_seventy_euro(self, case_in):
        cheap = case_in(CaseKind.GAS4, CaseStatus.DISPUTED, amount="58.00")
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.plan_hearing(cheap, "Tomorrow.")
        assert caught.value.message == "An oral hearing is only possible for a fine above € 70.00; this one is € 58.00."
        assert rules.plan_hearing(case_in(CaseKind.GAS5, CaseStatus.DISPUTED, amount="108.00"), "Tomorrow.").status == (
            CaseStatus.HEARING)

    def test_after_the_hearing_the_official_decides(self, case_in):
        case = case_in(CaseKind.GAS4, CaseStatus.HEARING)
        assert rules.accept_objection(case, "The sign was hidden by a tree.").status == CaseStatus.CANCELLED


class TestPayingAndCancelling:
    def test_paying_during_an_objection_closes_the_case_as_paid(self, case_in):
        case = rules.mark_paid(case_in(CaseKind.GAS4, CaseStatus.DISPUTED, disputed=True))
        assert case.status == CaseStatus.PAID
        assert "Paid while the objection was being handled" in case.events.get().note

    def test_an_objection_to_a_paid_case_cannot_be_accepted_here(self, case_in):
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.accept_objection(case_in(CaseKind.RETRIBUTION, CaseStatus.PAID), "Valid session.")
        assert "has been paid" in caught.value.message and "refund the payment" in caught.value.message

    @pytest.mark.parametrize(("name", "args"), [("cancel", ("  ",)), ("dispute", ("",)), ("reject_objection", ("",)),
                                                ("accept_objection", (" ",)), ("plan_hearing", ("",))])
    def test_reasons_are_required(self, case_in, name, args):
        case = case_in(CaseKind.GAS4, CaseStatus.DISPUTED)
        with pytest.raises(rules.TransitionNotAllowed):
            getattr(rules, name)(case, *args)
        assert not CaseEvent.objects.exists()


class TestNamingTheDriver:
    def test_it_closes_the_holder_s_case_and_opens_one_for_the_driver(self, issue, sofie):
        holder_case = issue("GAS5", report_reference="PV 123", observed_by="Camera GE-04",
                            evidence=[(EvidenceKind.CAMERA, jpeg_upload(), None)])
        driver_case = rules.name_driver(holder_case, DRIVER, actor=sofie)

        assert holder_case.status == CaseStatus.DRIVER_NAMED
        note = holder_case.events.get(to_status=CaseStatus.DRIVER_NAMED).note
        assert numbers.display(driver_case.notice_number) in note and "Els" not in note
        assert driver_case.notice_number != holder_case.notice_number
        assert (driver_case.driver_case_of, driver_case.holder_name, driver_case.holder_email) == (
            holder_case, "Els Claes", "els@example.org")
        same = ("offence_id", "plate", "observed_at", "place", "report_reference", "observed_by", "speed_limit",
                "measured_speed", "corrected_speed", "inside_built_up_area", "amount")
        assert all(getattr(driver_case, field) == getattr(holder_case, field) for field in same)
        assert driver_case.status == CaseStatus.ISSUED and driver_case.driver_until is not None
        assert list(driver_case.evidence.values_list("file", flat=True)) == list(
            holder_case.evidence.values_list("file", flat=True))
        assert driver_case.events.get().note.startswith("Notice sent to the driver named by the holder of case")

    def test_a_minor_driver_gets_no_gas_case_and_nothing_changes(self, issue):
        holder_case = issue("PAVEMENT")
        with pytest.raises(rules.TransitionNotAllowed) as caught:
            rules.name_driver(holder_case, {**DRIVER, "birth_date": days_ago(16 * 365)})
        assert caught.value.message == ("No case can be opened for this driver: A minor cannot receive a GAS fine; the "
                                        "report goes to the public prosecutor.")
        holder_case.refresh_from_db()
        assert holder_case.status == CaseStatus.ISSUED and Case.objects.count() == 1

    def test_the_holder_cannot_name_a_driver_for_a_retribution(self, issue):
        with pytest.raises(rules.TransitionNotAllowed):
            rules.name_driver(issue("RETRIBUTION"), {**HOLDER, "name": "Someone else"})
