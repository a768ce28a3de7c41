import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from eloket.accounts.models import Vehicle
from eloket.city.models import Cap, CapCode
from eloket.notifications.models import OutboundMessage
from permits import pricing, renewal, rules
from permits.models import Permit

from .helpers import ADDRESS, apply, certificate


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media")
@pytest.mark.parametrize("existing", [0, 2])
def test_two_applications_for_the_last_place_at_one_moment(permit_city, alice, bob, existing):
    """The cap is 3; with 'existing' cards taken, the applicants race. Never more than 3 cards at the address."""
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
            rules.apply_for_resident_card(vehicle.owner, vehicle, documents=certificate(), **ADDRESS)
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
    assert Permit.objects.filter(address_key=pricing.address_key("Molenstraat", "12", "3600")).count() == cap


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media")
def test_two_workers_sending_reminders_at_once_remind_each_holder_once(permit_city, alice, bob):
    Cap.objects.filter(code=CapCode.RESIDENT_CARDS_PER_ADDRESS).update(value=10)
    ends = timezone.localdate() + datetime.timedelta(days=5)
    cards = [apply(owner, f"1REM{n:03d}", box=str(n)) for n, owner in enumerate([alice, bob] * 4)]
    Permit.objects.filter(pk__in=[card.pk for card in cards]).update(status="active", valid_to=ends)
    barrier = threading.Barrier(2)
    counts = []

    def worker():
        try:
            barrier.wait(timeout=10)
            counts.append(renewal.send_renewal_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(counts) == len(cards)
    reminders = OutboundMessage.objects.filter(template="permits/renewal_reminder", channel="email")
    assert sorted(reminders.values_list("object_id", flat=True)) == sorted(card.pk for card in cards)
