import itertools

import pytest

from permits import rules
from permits.models import Permit, PermitEvent, PermitKind, PermitStatus

from .helpers import apply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ARGS = {"reject": ("No proof of domicile.",), "request_more_info": ("Which car is it?",), "revoke": ("Moved out.",),
        "answer_more_info": ("It is my own car.",)}


def call(name, permit, actor=None):
    return getattr(rules, name)(permit, *ARGS.get(name, ()), actor=actor)


ILLEGAL = [(name, status) for name, status in itertools.product(rules.TRANSITIONS, PermitStatus.values)
           if status not in rules.TRANSITIONS[name][0]]
LEGAL = [(name, status) for name, status in itertools.product(rules.TRANSITIONS, PermitStatus.values)
         if status in rules.TRANSITIONS[name][0]]


def make_permit(user, status):
    return Permit.objects.create(kind=PermitKind.RESIDENT, status=status, holder=user)


@pytest.mark.parametrize(("name", "status"), ILLEGAL)
def test_every_illegal_transition_is_refused(alice, name, status):
    permit = make_permit(alice, status)
    with pytest.raises(rules.TransitionNotAllowed) as error:
        call(name, permit)
    assert str(error.value.message)
    permit.refresh_from_db()
    assert permit.status == status
    assert not PermitEvent.objects.filter(permit=permit).exists()


@pytest.mark.parametrize(("name", "status"), LEGAL)
def test_every_allowed_transition_moves_and_writes_an_event(demo_city, alice, carla, name, status):
    permit = make_permit(alice, status)
    call(name, permit, actor=carla)
    assert permit.status == rules.TRANSITIONS[name][1]
    event = PermitEvent.objects.get(permit=permit)
    assert (event.from_status, event.to_status, event.actor) == (status, permit.status, carla)


def test_refusal_message_is_translated(alice):
    permit = make_permit(alice, PermitStatus.REJECTED)
    with pytest.raises(rules.TransitionNotAllowed) as error:
        rules.approve(permit)
    assert "Afgewezen" in str(error.value.message) or "afgewezen" in str(error.value.message)


def test_reasons_are_required(alice):
    permit = make_permit(alice, PermitStatus.ACTIVE)
    with pytest.raises(rules.TransitionNotAllowed):
        rules.revoke(permit, "  ")
    with pytest.raises(rules.TransitionNotAllowed):
        rules.reject(make_permit(alice, PermitStatus.IN_REVIEW), "")


def test_full_flow_appends_events(permit_city, alice, carla):
    from eloket.city.models import Cap, CapCode

    Cap.objects.filter(code=CapCode.RESIDENT_CARDS_PER_ADDRESS).update(value=3)
    apply(alice, "1ABC001")
    apply(alice, "1ABC002")
    permit = apply(alice, "1ABC003")  # third card: € 100 a year
    assert permit.status == PermitStatus.AWAITING_PAYMENT
    rules.mark_paid(permit)
    rules.request_more_info(permit, "Send the registration certificate.", actor=carla)
    rules.answer_more_info(permit, "Uploaded.", actor=alice)
    rules.approve(permit, actor=carla)
    assert permit.status == PermitStatus.ACTIVE
    assert permit.valid_from and permit.valid_to and permit.valid_to > permit.valid_from
    rules.revoke(permit, "Moved out of the zone.", actor=carla)
    steps = list(permit.events.values_list("from_status", "to_status", "note"))
    assert [(a, b) for a, b, _n in steps] == [
        ("", "awaiting_payment"), ("awaiting_payment", "in_review"), ("in_review", "more_info_requested"),
        ("more_info_requested", "in_review"), ("in_review", "active"), ("active", "revoked")]
    assert steps[2][2] == "Send the registration certificate." and steps[-1][2] == "Moved out of the zone."


def test_events_are_append_only(demo_city, alice):
    permit = make_permit(alice, PermitStatus.APPLIED)
    rules.approve(permit)
    event = permit.events.get()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.parametrize("name", list(rules.TRANSITIONS))
def test_may_agrees_with_the_transition_table(alice, name):
    for status in PermitStatus.values:
        permit = Permit(kind=PermitKind.RESIDENT, status=status, holder=alice)
        assert rules.may(permit, name) is (status in rules.TRANSITIONS[name][0])


def test_a_stale_copy_cannot_skip_the_check(demo_city, alice):
    permit = make_permit(alice, PermitStatus.APPLIED)
    stale = Permit.objects.get(pk=permit.pk)
    rules.reject(permit, "No proof of domicile.")
    with pytest.raises(rules.TransitionNotAllowed):
        rules.approve(stale)  # the copy still says "applied"; the row lock sees "rejected"
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REJECTED and permit.events.count() == 1
