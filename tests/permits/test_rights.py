import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from eloket.city.models import CityProfile, Zone
from eloket.city.reference import city_profile
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus, VisitorPeriod
from permits.rights import ParkingRight, parking_rights

pytestmark = pytest.mark.django_db

PLATE = "1ABC123"


@pytest.fixture
def zones(demo_city):
    """C1 is paid, B1 blue, R1 and R2 resident zones."""
    return {zone.code: zone for zone in Zone.objects.filter(code__in=["C1", "B1", "R1", "R2"])}


def permit(holder, kind, zone=None, plate=PLATE, status=PermitStatus.ACTIVE, days=(-10, 300)):
    today = timezone.localdate()
    made = Permit.objects.create(
        kind=kind, status=status, holder=holder, zone=zone, address_key="3600|MOLENSTRAAT|12|",
        valid_from=today + datetime.timedelta(days=days[0]),
        valid_to=today + datetime.timedelta(days=days[1]) if days[1] is not None else None)
    PermitPlate.objects.create(permit=made, plate=plate)
    return made


def visitor_period(card, plate="2GST002", start=-30, minutes=120, zone=None):
    starts_at = timezone.now() + datetime.timedelta(minutes=start)
    return VisitorPeriod.objects.create(
        address_key=card.address_key, permit=card, started_by=card.holder, zone=zone or card.zone, plate=plate,
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=minutes), minutes=minutes,
        year=timezone.localtime(starts_at).year)


def kinds_by_zone(rights):
    return sorted((Zone.objects.get(pk=right.zone_id).code, right.kind) for right in rights)


def set_disability_free_in_paid_zones(value):
    CityProfile.objects.update(disability_free_in_paid_zones=value)
    cache.clear()  # the admin's save clears the cached profile; a queryset update does not


# --- the matrix: kind of permit x kind of zone ----------------------------------------------------------

def test_a_resident_card_holds_only_in_its_own_zone(alice, zones, english):
    card = permit(alice, PermitKind.RESIDENT, zones["R1"])
    rights = parking_rights("1-abc-123", zones.values())
    assert rights == [ParkingRight("resident", card.pk, zones["R1"].pk, card.valid_to, True, True,
                                   "Resident card for zone R1")]
    assert parking_rights(PLATE, zones["R2"]) == []
    assert parking_rights(PLATE, [zones["C1"], zones["B1"]]) == []


@pytest.mark.parametrize(("free_in_paid", "expected"), [
    (True, [("B1", "disability"), ("C1", "disability"), ("R1", "disability"), ("R2", "disability")]),
    (False, [("B1", "disability"), ("R1", "disability"), ("R2", "disability")]),
])
def test_a_disability_registration_follows_the_citys_decision_for_paid_zones(alice, zones, free_in_paid, expected):
    set_disability_free_in_paid_zones(free_in_paid)
    registration = permit(alice, PermitKind.DISABILITY, days=(-10, None))
    rights = parking_rights(PLATE, zones.values())
    assert kinds_by_zone(rights) == expected
    assert all(right.permit_id == registration.pk and right.free and right.unlimited for right in rights)
    assert all(right.valid_until is None for right in rights)


def test_a_care_provider_parks_in_paid_and_blue_zones_not_resident_zones(alice, zones):
    care = permit(alice, PermitKind.CARE_PROVIDER)
    rights = parking_rights(PLATE, zones.values())
    assert kinds_by_zone(rights) == [("B1", "care_provider"), ("C1", "care_provider")]
    assert all(right.permit_id == care.pk and right.free and right.unlimited for right in rights)
    assert all(right.valid_until == care.valid_to for right in rights)


def test_a_visitor_period_holds_in_its_zone_while_it_runs(alice, zones):
    card = permit(alice, PermitKind.RESIDENT, zones["R1"], plate="1RES001")
    period = visitor_period(card)
    [right] = parking_rights("2-gst-002", zones.values())
    assert (right.kind, right.permit_id, right.zone_id, right.valid_until) == ("visitor", card.pk, zones["R1"].pk,
                                                                               period.ends_at)
    assert right.free and not right.unlimited
    assert parking_rights("2GST002", zones["R2"]) == []


def test_a_visitor_period_holds_from_its_start_until_just_before_its_end(alice, zones):
    card = permit(alice, PermitKind.RESIDENT, zones["R1"], plate="1RES001")
    period = visitor_period(card, start=60)
    second = datetime.timedelta(seconds=1)
    assert parking_rights("2GST002", zones["R1"], at=period.starts_at - second) == []
    assert len(parking_rights("2GST002", zones["R1"], at=period.starts_at)) == 1
    assert len(parking_rights("2GST002", zones["R1"], at=period.ends_at - second)) == 1
    assert parking_rights("2GST002", zones["R1"], at=period.ends_at) == []


def test_a_visitor_period_ends_with_the_card_it_runs_on(alice, zones):
    card = permit(alice, PermitKind.RESIDENT, zones["R1"], plate="1RES001")
    visitor_period(card)
    Permit.objects.filter(pk=card.pk).update(status=PermitStatus.REVOKED)
    assert parking_rights("2GST002", zones["R1"]) == []


def test_a_scan_in_two_zones_at_once_gives_each_right_once(alice, zones):
    """A street in both a paid zone and a resident zone: the card holds in R1, the registration in both."""
    card = permit(alice, PermitKind.RESIDENT, zones["R1"])
    registration = permit(alice, PermitKind.DISABILITY, days=(-10, None))
    rights = parking_rights(PLATE, (zones["C1"], zones["R1"]))
    assert [(right.zone_id, right.permit_id) for right in rights] == [
        (zones["C1"].pk, registration.pk), (zones["R1"].pk, card.pk), (zones["R1"].pk, registration.pk)]


# --- status and validity ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "days"), [
    (PermitStatus.IN_REVIEW, (-10, 300)), (PermitStatus.REVOKED, (-10, 300)), (PermitStatus.EXPIRED, (-400, -1)),
    (PermitStatus.ACTIVE, (-400, -1)), (PermitStatus.ACTIVE, (1, 300)),
])
def test_only_an_active_permit_on_a_day_it_is_valid(alice, zones, status, days):
    permit(alice, PermitKind.CARE_PROVIDER, status=status, days=days)
    assert parking_rights(PLATE, zones.values()) == []


def test_the_first_and_last_valid_day_count(alice, zones):
    care = permit(alice, PermitKind.CARE_PROVIDER, days=(0, 0))
    today = timezone.localdate()
    morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 1)))
    evening = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    assert [right.permit_id for right in parking_rights(PLATE, zones["C1"], at=morning)] == [care.pk]
    assert [right.permit_id for right in parking_rights(PLATE, zones["C1"], at=evening)] == [care.pk]
    assert parking_rights(PLATE, zones["C1"], at=evening + datetime.timedelta(minutes=2)) == []


def test_another_plate_and_no_zones_give_nothing(alice, zones):
    permit(alice, PermitKind.DISABILITY, days=(-10, None))
    assert parking_rights("9ZZZ999", zones.values()) == []
    assert parking_rights(PLATE, []) == []


# --- a fixed number of queries ------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 50])
def test_two_queries_whatever_the_data(alice, zones, django_assert_num_queries, count):
    for _n in range(count):
        card = permit(alice, PermitKind.RESIDENT, zones["R1"])
        permit(alice, PermitKind.DISABILITY, days=(-10, None))
        visitor_period(card, plate=PLATE)
    city_profile()  # cached, as it is for every request after the first
    with django_assert_num_queries(2):
        rights = parking_rights(PLATE, zones.values())
    assert len(rights) == count * (1 + 4 + 1)
