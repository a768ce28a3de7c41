"""The "Appointments" panel on Mijn loket: the citizen's own upcoming appointments, in one query."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from appointments import booking, panels
from eloket.accounts.dashboard import panels as registered

from .helpers import free_times

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def book_for(user, location, topic, moment):
    return booking.book(location, topic, moment, booking.Booker(citizen=user, name=user.get_full_name(),
                                                                 email=user.email))


def test_the_panel_lists_her_upcoming_appointments_only(client, alice, bob, location, topic):
    times = [slot.starts_at for slot in free_times(location, topic)]
    hers = book_for(alice, location, topic, times[0])
    cancelled = book_for(alice, location, topic, times[1])
    booking.cancel(cancelled)
    bobs = book_for(bob, location, topic, times[2])
    client.force_login(alice)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Appointments" in page and reverse("appointments:detail", args=[hers.pk]) in page
    assert reverse("appointments:detail", args=[cancelled.pk]) not in page
    assert reverse("appointments:detail", args=[bobs.pk]) not in page
    assert reverse("appointments:book") in page


def test_the_panel_takes_one_query_however_many_appointments(alice, location, topic, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = alice
    panel = next(item for item in registered() if item.key == "appointments")
    with django_assert_num_queries(1):
        assert panel.context(request)["appointments"] == []
    for slot in free_times(location, topic)[:7]:
        book_for(alice, location, topic, slot.starts_at)
    with django_assert_num_queries(1):
        shown = panel.context(request)["appointments"]
    assert len(shown) == panels.SHOWN_ON_PANEL
    assert [a.starts_at for a in shown] == sorted(a.starts_at for a in shown)


def test_the_dashboard_takes_the_same_number_of_queries_with_more_appointments(client, alice, location, topic):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = [slot.starts_at for slot in free_times(location, topic)]
    book_for(alice, location, topic, times[0])
    client.force_login(alice)
    client.get(reverse("accounts:dashboard"))  # warm the session and the city profile cache
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:dashboard"))
    for moment in times[1:5]:
        book_for(alice, location, topic, moment)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("accounts:dashboard"))
    assert len(five) == len(one)
