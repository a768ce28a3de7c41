import threading

import pytest
from django.db import connection

from eloket.accounts.models import Vehicle
from permits import rules
from permits.models import Permit

from .helpers import ADDRESS, apply


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [0, 2])
def test_two_applications_for_the_last_place_at_one_moment(permit_city, alice, bob, existing):
    """The cap is 3; with 'existing' cards taken, the applicants race. Never more than 3 cards at the address."""
    from eloket.city.models import Cap, CapCode

    cap = existing + 1
    Cap.objects.filter(code=CapCode.RESIDENT_CARDS_PER_ADDRESS).update(value=cap)
    for n in range(existing):
        apply(alice, f"1OLD00{n}")
    vehicles = [Vehicle.objects.create(owner=alice, plate="1ABC777"), Vehicle.objects.create(owner=bob, plate="1BOB777")]
    barrier = threading.Barrier(2)
    outcomes = []

    def applicant(vehicle):
        try:
            barrier.wait(timeout=10)
            rules.apply_for_resident_card(vehicle.owner, vehicle, **ADDRESS)
            outcomes.append("ok")
        except rules.NotEligible:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=applicant, args=(vehicle,)) for vehicle in vehicles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert Permit.objects.filter(address_key=rules.address_key("Molenstraat", "12", "3600")).count() == cap
