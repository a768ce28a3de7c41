import datetime

import pytest
from django.utils import timezone

from eloket.city.models import Zone
from permits import rules
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus

pytestmark = pytest.mark.django_db


def permit(holder, zone, plate="1ABC123", kind=PermitKind.RESIDENT, status=PermitStatus.ACTIVE, days=(-10, 300)):
    today = timezone.localdate()
    p = Permit.objects.create(kind=kind, status=status, holder=holder, zone=zone,
                              valid_from=today + datetime.timedelta(days=days[0]),
                              valid_to=today + datetime.timedelta(days=days[1]) if days[1] is not None else None)
    PermitPlate.objects.create(permit=p, plate=plate)
    return p


@pytest.fixture
def zones(demo_city):
    return Zone.objects.get(code="R1"), Zone.objects.get(code="R2")


def test_rights_by_plate_zone_status_and_validity(alice, zones):
    r1, r2 = zones
    card = permit(alice, r1)
    disability = permit(alice, None, kind=PermitKind.DISABILITY, days=(-10, None))
    permit(alice, r1, status=PermitStatus.REVOKED)
    permit(alice, r1, days=(-400, -1))  # expired by date
    permit(alice, r1, days=(1, 300))  # not yet valid
    permit(alice, r1, plate="2XYZ999")
    assert rules.parking_rights("1-abc-123", r1) == [card, disability]
    assert rules.parking_rights("1ABC123", r2) == [disability]
    assert rules.parking_rights("9ZZZ999", r1) == []


@pytest.mark.parametrize("count", [1, 30])
def test_constant_number_of_queries(alice, zones, django_assert_num_queries, count):
    r1, _r2 = zones
    for _n in range(count):
        permit(alice, r1)
    with django_assert_num_queries(1):
        rights = rules.parking_rights("1ABC123", r1)
        assert [p.zone.code for p in rights] == ["R1"] * count
        assert all(p.holder.email for p in rights)
