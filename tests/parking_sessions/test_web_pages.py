"""The citizen's parking pages: start with the price first, pay through the fake Mollie, the session's page with its
running cost, extend and stop, and every session on the citizen's plates in "Mijn loket". Nobody else's session is
ever shown: another citizen gets 404 on every URL of it, whatever the method."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eloket.accounts.models import Vehicle
from eloket.city.templatetags.city_format import duration
from eloket.payments.models import Payment
from parking_sessions import pricing, sessions, web
from parking_sessions.models import Channel, ParkingSession, SessionStatus
from tests.i18n import en
from tests.payments.online import choose_at_checkout, fixture_mollie  # noqa: F401  fixtures

from .web_helpers import (  # noqa: F401  fixtures
    PLATE,
    fixture_car,
    fixture_paid_city,
    operator,
    paid_without_mollie,
    zone,
)

S = SessionStatus
HOUR = datetime.timedelta(hours=1)
ACTION_URLS = ("parking:detail", "parking:pay", "parking:extend", "parking:stop", "parking:cancel")


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def now():
    return timezone.now()


def start_data(car, zone_code="C1", **extra):
    return {"zone": zone_code, "vehicle": car.pk, **extra}


def running_paid(alice, car, hours=2):
    """Alice's C1 session of `hours` from now, paid (without Mollie) and running."""
    session = web.start(alice, zone("C1"), car, now() + hours * HOUR)
    paid_without_mollie(session)
    session.refresh_from_db()
    return session


def text(response) -> str:
    return response.content.decode()


# --- Starting ------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestStarting:
    def test_the_start_page_offers_paid_and_blue_zones_her_vehicles_and_the_zone_pages(self, as_alice, demo_city,
                                                                                      car, english):
        page = text(as_alice.get(en("parking:start")))
        assert "C1 Centre: paid zone, €\u00a02.00 per hour, 1 hour free once a day" in page
        assert "B1 Blue zone Winterslag: blue zone, free with a digital parking disc, at most 2 hours" in page
        assert 'value="R1"' not in page
        assert f'href="{en("city:zone_finder")}"' in page and f'href="{en("city:tariffs")}"' in page
        assert "1-ABC-123 (grey Peugeot 208)" in page
        # Radio groups are fieldsets with a legend; the time input has its label.
        assert page.count("<legend") >= 4 and 'for="id_end_time"' in page
        assert re.search(rf'name="vehicle" value="{car.pk}"[^>]*checked', page)  # her only vehicle is chosen

    def test_without_a_vehicle_it_asks_to_add_one_first(self, as_alice, demo_city, english):
        page = text(as_alice.get(en("parking:start")))
        assert "You have not added a vehicle to your account yet" in page and 'name="zone"' not in page

    def test_the_price_is_shown_before_anything_starts_and_is_the_quote(self, as_alice, paid_city, car, english):
        response = as_alice.post(en("parking:start"), start_data(car, duration="120"))
        assert response.status_code == 200 and "parking_sessions/confirm.html" in [t.name for t in response.templates]
        preview = response.context["preview"]
        quote = pricing.quote(zone("C1"), preview.starts_at, preview.ends_at, plate=PLATE)
        assert preview.amount == quote.amount and preview.amount > 0
        assert preview.ends_at - preview.starts_at == 2 * HOUR
        page = text(response)
        assert f"Start and pay €\u00a0{preview.amount}" in page
        assert f"{duration(preview.free_minutes)} of it is free" in page and preview.free_minutes >= 60
        assert f'name="amount" value="{preview.amount}"' in page
        assert not ParkingSession.objects.exists()

    def test_the_free_hour_starts_at_once_without_a_payment(self, as_alice, paid_city, car, english):
        response = as_alice.post(en("parking:start"), start_data(car, duration="60", amount="0.00", confirm="1"))
        session = ParkingSession.objects.get()
        assert response.status_code == 302 and response["Location"] == en("parking:detail", session.uuid)
        assert (session.status, session.price, session.citizen, session.channel) == (S.ACTIVE, 0, session.citizen, "web")
        assert not Payment.objects.exists()
        page = text(as_alice.get(response["Location"]))
        assert "There is nothing to pay" in page and "Running" in page

    def test_a_price_that_changed_is_shown_again_before_starting(self, as_alice, paid_city, car, english):
        response = as_alice.post(en("parking:start"), start_data(car, duration="120", amount="0.50", confirm="1"))
        assert response.status_code == 200 and response.context["price_changed"]
        assert "The price changed since you looked" in text(response)
        assert not ParkingSession.objects.exists()

    def test_a_blue_zone_sets_the_disc_and_shows_until_when_it_is_valid(self, as_alice, demo_city, car, english):
        preview = as_alice.post(en("parking:start"), start_data(car, "B1")).context["preview"]
        assert preview.is_disc and preview.amount == 0
        response = as_alice.post(en("parking:start"), start_data(car, "B1", amount="0", confirm="1"))
        session = ParkingSession.objects.get()
        assert session.is_disc and session.status == S.ACTIVE
        # The arrival rounded up to the next half hour.
        assert session.starts_at.minute % 30 == 0
        assert session.created - datetime.timedelta(minutes=1) < session.starts_at <= session.created + sessions.DISC_STEP
        page = text(as_alice.get(response["Location"]))
        local = timezone.localtime
        assert "Time on the parking disc" in page and local(session.starts_at).strftime("%H:%M") in page
        assert "Valid until" in page and local(session.ends_at).strftime("%H:%M") in page

    def test_what_is_missing_is_listed_at_the_top_with_links_to_the_fields(self, as_alice, paid_city, car, english):
        page = text(as_alice.post(en("parking:start"), start_data(car)))
        assert "Please correct the following:" in page
        assert 'href="#id_duration_0">How long do you park?: Choose how long you park.' in page
        page = text(as_alice.post(en("parking:start"), {"zone": "XX", "vehicle": "999999", "duration": "until"}))
        assert 'href="#id_zone_0"' in page and 'href="#id_vehicle_0"' in page
        page = text(as_alice.post(en("parking:start"), start_data(car, duration="600")))
        assert "maximum stay" in page and not ParkingSession.objects.exists()

    def test_an_unpaid_session_for_the_vehicle_is_linked_from_the_refusal(self, as_alice, paid_city, alice, car,
                                                                          english):
        unpaid = web.start(alice, zone("C1"), car, now() + 2 * HOUR)
        page = text(as_alice.post(en("parking:start"), start_data(car, "C2", duration="60")))
        assert "waiting for its payment" in page and en("parking:detail", unpaid.uuid) in page


@pytest.mark.django_db(transaction=True)
class TestPayingThroughTheFakeMollie:
    def test_confirming_goes_to_the_checkout_and_once_paid_the_session_runs(self, client, alice, mollie, paid_city,
                                                                            car):
        client.force_login(alice)
        data = start_data(car, duration="120")
        amount = client.post(reverse("parking:start"), data).context["preview"].amount
        response = client.post(reverse("parking:start"), {**data, "amount": str(amount), "confirm": "1"})
        session = ParkingSession.objects.get()
        assert session.status == S.AWAITING_PAYMENT and session.price == amount
        # The same POST goes on to the session's pay URL, where the payments app sends it to the checkout.
        assert response.status_code == 307 and response["Location"] == reverse("parking:pay", args=[session.uuid])
        checkout = client.post(response["Location"], data)
        assert checkout.status_code == 302 and checkout["Location"].startswith(mollie.url + "/fake-mollie/checkout/tr_")
        assert Payment.objects.get().amount == amount
        choose_at_checkout(checkout["Location"], "paid")
        session.refresh_from_db()
        assert session.status == S.ACTIVE


# --- The session's page --------------------------------------------------------------------------

@pytest.mark.django_db
class TestTheSessionPage:
    def test_it_shows_the_running_cost_refreshed_every_30_seconds(self, as_alice, paid_city, alice, car, english):
        session = running_paid(alice, car)
        page = text(as_alice.get(en("parking:detail", session.uuid)))
        assert "Cost so far" in page and "Paid" in page and f"€\u00a0{session.price}" in page
        assert f'hx-get="{en("parking:detail", session.uuid)}" hx-trigger="every 30s"' in page
        assert en("parking:extend", session.uuid) in page and en("parking:stop", session.uuid) in page
        assert "you pay only for the time you parked" in page
        partial = as_alice.get(en("parking:detail", session.uuid), headers={"HX-Request": "true"})
        assert "<html" not in text(partial) and 'id="session-status"' in text(partial)

    def test_an_unpaid_session_offers_to_pay_or_cancel(self, as_alice, paid_city, alice, car, english):
        session = web.start(alice, zone("C1"), car, now() + 2 * HOUR)
        page = text(as_alice.get(en("parking:detail", session.uuid)))
        assert f"Pay €\u00a0{session.price} online" in page and en("parking:pay", session.uuid) in page
        assert as_alice.get(en("parking:pay", session.uuid)).status_code == 405
        response = as_alice.post(en("parking:cancel", session.uuid))
        assert response["Location"] == en("parking:detail", session.uuid)
        session.refresh_from_db()
        assert session.status == S.CANCELLED

    def test_extending_offers_only_what_the_maximum_allows_with_prices(self, as_alice, paid_city, alice, car, english):
        session = running_paid(alice, car)
        response = as_alice.get(en("parking:extend", session.uuid))
        assert [value for value, _label in response.context["form"].fields["minutes"].choices] == ["30", "60"]
        assert "€\u00a01.00" in text(response) and "€\u00a02.00" in text(response)
        refused = as_alice.post(en("parking:extend", session.uuid), {"minutes": "90"})
        assert refused.status_code == 200 and 'href="#id_minutes_0"' in text(refused)
        response = as_alice.post(en("parking:extend", session.uuid), {"minutes": "60"})
        follow_on = ParkingSession.objects.exclude(pk=session.pk).get()
        assert response.status_code == 307 and response["Location"] == en("parking:pay", follow_on.uuid)
        assert follow_on.starts_at == session.ends_at and follow_on.status == S.AWAITING_PAYMENT

    def test_stopping_says_what_goes_back_before_it_stops(self, as_alice, paid_city, alice, car, english):
        session = running_paid(alice, car)
        page = text(as_alice.get(en("parking:stop", session.uuid)))
        refund = web.refund_if_stopped(web.stay_of(session))
        assert refund == session.price and f"We refund €\u00a0{refund}" in page
        response = as_alice.post(en("parking:stop", session.uuid))
        assert response["Location"] == en("parking:detail", session.uuid)
        session.refresh_from_db()
        assert session.status == S.ENDED and session.price == Decimal("0.00")
        assert as_alice.get(en("parking:stop", session.uuid))["Location"] == en("parking:detail", session.uuid)

    def test_a_session_from_sms_on_her_plate_is_read_only(self, as_alice, paid_city, car, english):
        sms = sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS, phone="+32470111222")
        page = text(as_alice.get(en("parking:detail", sms.uuid)))
        assert "You started this session by SMS" in page
        assert en("parking:stop", sms.uuid) not in page and en("parking:extend", sms.uuid) not in page
        for name in ACTION_URLS[1:]:
            assert as_alice.post(en(name, sms.uuid)).status_code == 404

    def test_another_citizen_gets_404_on_every_url_whatever_the_method(self, client, paid_city, alice, bob, car):
        own = running_paid(alice, car)
        second_car = Vehicle.objects.create(owner=alice, plate="2XYZ999")
        unpaid = web.start(alice, zone("C1"), second_car, now() + HOUR + HOUR)
        on_plate = sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS, phone="+32470111222")
        # Bob registers the same plate: sessions tied to Alice's account still stay hers.
        Vehicle.objects.create(owner=bob, plate=PLATE)
        client.force_login(bob)
        for session in (own, unpaid):
            for name in ACTION_URLS:
                for method in (client.get, client.post):
                    assert method(reverse(name, args=[session.uuid])).status_code == 404, (name, method)
        for name in ACTION_URLS[1:]:
            assert client.post(reverse(name, args=[on_plate.uuid])).status_code == 404
        own.refresh_from_db()
        unpaid.refresh_from_db()
        assert (own.status, unpaid.status) == (S.ACTIVE, S.AWAITING_PAYMENT)

    def test_anonymous_visitors_are_sent_to_log_in(self, client, paid_city, alice, car):
        session = running_paid(alice, car)
        for name in ACTION_URLS:
            assert client.get(reverse(name, args=[session.uuid])).status_code == 302
        assert client.get(reverse("parking:start")).status_code == 302


# --- All sessions on her plates ------------------------------------------------------------------

def make_sessions(alice, car, count: int, start: datetime.datetime) -> None:
    """`count` sessions on Alice's plate from SMS, apps and the web, some of them discs without an end."""
    app = operator()
    for index in range(count):
        at = start + index * HOUR
        kind = index % 4
        if kind == 0:
            sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS, phone="+32470111222", starts_at=at,
                                   ends_at=at + HOUR / 2)
        elif kind == 1:
            sessions.start_session(plate=PLATE, zone=zone("C2"), channel=Channel.APP, operator=app, starts_at=at)
        elif kind == 2:
            sessions.start_session(plate=PLATE, zone=zone("B1"), channel=Channel.SMS, phone="+32470111222", starts_at=at)
        else:
            sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.WEB, citizen=alice, starts_at=at,
                                   ends_at=at + HOUR / 2)


@pytest.mark.django_db
class TestAllSessions:
    def test_it_shows_sessions_on_her_plates_from_every_channel_and_not_others(self, as_alice, paid_city, alice, bob,
                                                                              car, english):
        start = now() - 10 * HOUR
        sms = sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS, phone="+32470111222",
                                     starts_at=start, ends_at=start + HOUR)
        app = sessions.start_session(plate="1-abc-123", zone=zone("C2"), channel=Channel.APP, operator=operator(),
                                     starts_at=start + HOUR)
        web_session = web.start(alice, zone("B1"), car, None)
        by_phone = sessions.start_session(plate="2XYZ999", zone=zone("C1"), channel=Channel.SMS, citizen=alice,
                                          phone="+32470111222", starts_at=start)
        other_plate = sessions.start_session(plate="9ZZZ999", zone=zone("C1"), channel=Channel.SMS, starts_at=start)
        dutch_twin = sessions.start_session(plate=PLATE, country="NL", zone=zone("C1"), channel=Channel.APP,
                                            operator=operator("yellowbrick", "Yellowbrick"), starts_at=start)
        bobs = sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS, citizen=bob, starts_at=start)
        before_the_car = sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS,
                                                starts_at=car.created - HOUR, ends_at=car.created - HOUR / 2)
        response = as_alice.get(en("parking:list"))
        shown = [row.session for row in response.context["rows"]]
        assert shown == sorted([sms, app, web_session, by_phone], key=lambda s: (s.starts_at, s.pk), reverse=True)
        for hidden in (other_plate, dutch_twin, bobs, before_the_car):
            assert hidden not in shown
        page = text(response)
        assert "App: EasyPark" in page and "(read only)" in page and "when it ends" in page
        assert page.count("(read only)") == 3

    def test_newest_first_twenty_to_a_page(self, as_alice, paid_city, alice, car):
        make_sessions(alice, car, 25, now() - 30 * HOUR)
        first = as_alice.get(reverse("parking:list")).context["rows"]
        second = as_alice.get(reverse("parking:list"), {"pagina": "2"}).context["rows"]
        starts = [row.session.starts_at for row in first + second]
        assert len(first) == 20 and len(second) == 5 and starts == sorted(starts, reverse=True)
        assert as_alice.get(reverse("parking:list"), {"pagina": "x'; --"}).status_code == 200

    def test_the_list_and_the_panel_run_a_fixed_number_of_queries(self, as_alice, paid_city, alice, car,
                                                                  django_assert_max_num_queries):
        make_sessions(alice, car, 4, now() - 100 * HOUR)
        as_alice.get(reverse("accounts:dashboard"))  # the city profile is cached from the first page on
        with CaptureQueriesContext(connection) as few:
            as_alice.get(reverse("parking:list"))
        with CaptureQueriesContext(connection) as few_panel:
            as_alice.get(reverse("accounts:dashboard"))
        make_sessions(alice, car, 40, now() - 90 * HOUR)
        Vehicle.objects.create(owner=alice, plate="2XYZ999")
        # Session and user, vehicles, count, page, and for discs without an end their tariffs, hours and holidays.
        with django_assert_max_num_queries(8):
            response = as_alice.get(reverse("parking:list"))
        assert len(response.context["rows"]) == 20
        with CaptureQueriesContext(connection) as many:
            as_alice.get(reverse("parking:list"))

        with CaptureQueriesContext(connection) as many_panel:
            dashboard = as_alice.get(reverse("accounts:dashboard"))
        assert len(many) == len(few)
        assert len(many_panel) == len(few_panel)
        assert len(re.findall(r'href="/parkeren/[0-9a-f-]{36}/"', dashboard.content.decode())) == 5

    def test_the_panel_links_to_starting_and_to_all_sessions(self, as_alice, paid_city, alice, car, english):
        running_paid(alice, car)
        page = text(as_alice.get(en("accounts:dashboard")))
        assert "Parking" in page and en("parking:start") in page and en("parking:list") in page
        assert "Running" in page


@pytest.mark.django_db
def test_junk_never_breaks_the_start_page(as_alice, paid_city, car):
    junk = {"zone": "💥" * 50, "vehicle": "-1", "duration": "'; drop table--", "end_time": "25:99", "amount": "NaN",
            "confirm": "1"}
    assert as_alice.post(reverse("parking:start"), junk).status_code == 200
    assert as_alice.post(reverse("parking:start"), {**start_data(car, duration="until"), "end_time": "nope"}
                         ).status_code == 200
    assert as_alice.post(reverse("parking:start"), start_data(car, duration="60", amount="sNaN", confirm="1")
                         ).status_code == 200
    assert not ParkingSession.objects.exists()
