"""A logged-in citizen may link the appointment to one of her permits or cases, and only to her own."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Topic
from fines.demo import seed_offences
from fines.models import Case, CaseKind, Offence
from fines.numbers import make
from permits.models import Permit, PermitKind, PermitStatus

from .helpers import book_logged_in, free_times, go_to_slot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def kept_case(alice):
    """A retribution Alice keeps in Mijn loket."""
    seed_offences()
    return Case.objects.create(
        kind=CaseKind.RETRIBUTION, notice_number=make(2026, 123), plate="1ABC123", holder_name="Alice Peeters",
        holder_street="Stadsplein 1", holder_postal_code="3600", holder_municipality="Genk", citizen=alice,
        offence=Offence.objects.get(code="RETRIBUTION"), place="Markt 1", observed_at=timezone.now(),
        amount=Decimal("20.00"))


@pytest.fixture
def permits(alice, bob):
    mine = Permit.objects.create(kind=PermitKind.RESIDENT, holder=alice, status=PermitStatus.ACTIVE)
    old = Permit.objects.create(kind=PermitKind.RESIDENT, holder=alice, status=PermitStatus.EXPIRED)
    his = Permit.objects.create(kind=PermitKind.RESIDENT, holder=bob, status=PermitStatus.ACTIVE)
    return mine, old, his


def test_she_links_her_permit_and_sees_it_on_the_appointment(client, alice, location, topic, permits):
    mine, old, his = permits
    client.force_login(alice)
    assert client.post(reverse("appointments:book"), {"topic": topic.pk})["Location"] == reverse(
        "appointments:questions")
    form = client.get(reverse("appointments:questions")).content.decode()
    assert f'value="permit:{mine.pk}"' in form
    assert f'value="permit:{old.pk}"' not in form and f'value="permit:{his.pk}"' not in form

    appointment = book_logged_in(client, topic, free_times(location, topic)[0].starts_at, link=f"permit:{mine.pk}")

    assert (appointment.link_kind, appointment.link_id) == (Topic.Link.PERMIT, mine.pk)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert f"Resident card no. {mine.pk}" in page


def test_someone_elses_permit_cannot_be_posted(client, alice, topic, permits):
    _mine, _old, his = permits
    client.force_login(alice)
    client.post(reverse("appointments:book"), {"topic": topic.pk})
    response = client.post(reverse("appointments:questions"), {"link": f"permit:{his.pk}"})
    assert response.status_code == 200 and "Choose one of the items in the list" in response.content.decode()


def test_a_guest_is_not_asked_to_link_anything(client, topic, permits):
    response = go_to_slot(client, topic)
    assert response["Location"] == reverse("appointments:slot")  # straight to the time: nothing to ask or link


def test_she_links_a_case_she_keeps(client, alice, location, fine_topic, kept_case):
    case = kept_case
    client.force_login(alice)
    form = client.post(reverse("appointments:book"), {"topic": fine_topic.pk}, follow=True).content.decode()
    assert f'value="case:{case.pk}"' in form
    appointment = book_logged_in(client, fine_topic, free_times(location, fine_topic)[0].starts_at,
                                 link=f"case:{case.pk}")
    assert (appointment.link_kind, appointment.link_id) == (Topic.Link.CASE, case.pk)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert "2026-000123-" in page
