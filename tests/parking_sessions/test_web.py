"""The rules of the citizen's web sessions (parking_sessions/web.py): the price before starting, the free first hour,
the digital parking disc, paying before a session counts, extending within the maximum stay, and stopping early with
what was paid for the time not parked going back."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from eloket.payments import start as payments_start
from eloket.payments.models import Payment, PaymentStatus, Refund
from parking_sessions import pricing, sessions, web
from parking_sessions.models import Channel, ParkingSession, SessionStatus
from parking_sessions.refusals import SessionRefused
from tests.payments.online import choose_at_checkout, fixture_mollie  # noqa: F401  fixtures

from .web_helpers import (  # noqa: F401  fixtures
    PLATE,
    fixture_car,
    fixture_paid_city,
    paid_without_mollie,
    tuesday,
    zone,
)

S = SessionStatus
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def payments_of(session):
    return Payment.objects.filter(content_type=ContentType.objects.get_for_model(ParkingSession), object_id=session.pk)


def paid_session(alice, car, start, hours=2):
    """A C1 session of `hours` from `start`, paid (without Mollie) and active."""
    session = web.start(alice, zone("C1"), car, start + hours * HOUR, start)
    paid_without_mollie(session)
    session.refresh_from_db()
    assert session.status == S.ACTIVE
    return session


@pytest.mark.django_db
class TestThePriceBeforeStarting:
    def test_the_price_shown_is_the_quote_and_what_the_session_costs(self, paid_city, alice, car):
        now, end = tuesday(10), tuesday(12)
        preview = web.preview(alice, zone("C1"), car, end, now)
        quote = pricing.quote(zone("C1"), now, end, plate=PLATE)
        # Two hours at € 2 an hour, the first hour free: one hour to pay.
        assert preview.amount == quote.amount == Decimal("2.00")
        assert (preview.free_minutes, preview.paid_minutes) == (60, 120)
        assert (preview.starts_at, preview.ends_at) == (now, end)
        session = web.start(alice, zone("C1"), car, end, now)
        assert session.price == preview.amount and session.payment_amount() == Decimal("2.00")

    def test_with_the_free_hour_a_session_is_active_at_once_without_a_payment(self, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, tuesday(11), tuesday(10))
        assert (session.status, session.price, session.payment_amount()) == (S.ACTIVE, Decimal("0.00"), Decimal("0.00"))
        assert not payments_of(session).exists()

    def test_the_free_hour_is_used_once_per_day_whatever_the_channel(self, paid_city, alice, car):
        sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.SMS, starts_at=tuesday(8),
                               ends_at=tuesday(8, 45), phone="+32470111222")
        preview = web.preview(alice, zone("C1"), car, tuesday(11), tuesday(10))
        # 15 free minutes were left after the SMS session: 45 minutes to pay, charged per started half hour.
        assert (preview.free_minutes, preview.amount) == (15, Decimal("2.00"))

    def test_a_stay_past_the_maximum_is_refused(self, paid_city, alice, car):
        with pytest.raises(SessionRefused) as refused:
            web.preview(alice, zone("C1"), car, tuesday(14), tuesday(10))
        assert refused.value.code == "max_duration" and "13:00" in refused.value.message

    def test_the_end_is_a_duration_or_a_time_later_today(self):
        now = tuesday(10, 7)
        assert web.end_for(now, minutes=90) == tuesday(11, 37)
        assert web.end_for(now, until=datetime.time(12, 30)) == tuesday(12, 30)
        for until in (datetime.time(10, 7), datetime.time(9, 0)):
            with pytest.raises(SessionRefused) as refused:
                web.end_for(now, until=until)
            assert refused.value.code == "invalid_time_end"

    def test_only_her_own_vehicle(self, paid_city, alice, bob, car):
        with pytest.raises(SessionRefused) as refused:
            web.start(bob, zone("C1"), car, tuesday(11), tuesday(10))
        assert refused.value.code == "invalid_plate" and not ParkingSession.objects.exists()

    def test_only_paid_and_blue_zones_are_started_here(self, paid_city, alice, car):
        with pytest.raises(SessionRefused) as refused:
            web.preview(alice, zone("R1"), car, tuesday(11), tuesday(10))
        assert refused.value.code == "unknown_zone"

    def test_a_session_already_running_for_the_plate_in_the_zone_is_not_bought_twice(self, paid_city, alice, car):
        sessions.start_session(plate=PLATE, zone=zone("C1"), channel=Channel.APP, starts_at=tuesday(9, 30))
        with pytest.raises(SessionRefused) as refused:
            web.preview(alice, zone("C1"), car, tuesday(11), tuesday(10))
        assert refused.value.code == "already_running"
        own = web.start(alice, zone("C2"), car, tuesday(11), tuesday(10))
        with pytest.raises(web.Blocked) as blocked:
            web.preview(alice, zone("C2"), car, tuesday(11), tuesday(10, 30))
        assert blocked.value.session == own


@pytest.mark.django_db
class TestTheDigitalParkingDisc:
    def test_a_blue_zone_starts_a_free_disc_at_once(self, demo_city, alice, car):
        session = web.start(alice, zone("B1"), car, None, tuesday(10, 5))
        # The disc shows the next half hour after the arrival, and is valid for two hours from then.
        assert session.is_disc and session.status == S.ACTIVE and session.price == Decimal("0.00")
        assert (session.starts_at, session.ends_at) == (tuesday(10, 30), tuesday(12, 30))
        assert session.payment_amount() == Decimal("0.00") and not payments_of(session).exists()

    def test_the_two_hours_count_only_the_regulated_hours(self, demo_city, alice, car):
        session = web.start(alice, zone("B1"), car, None, tuesday(17, 10))
        # 17:30 to 18:00, then from 9:00 the next morning: valid until 10:30 on Wednesday.
        assert session.starts_at == tuesday(17, 30)
        assert session.ends_at == tuesday(10, 30) + datetime.timedelta(days=1)

    def test_a_second_disc_while_one_runs_is_refused(self, demo_city, alice, car):
        first = web.start(alice, zone("B1"), car, None, tuesday(10, 5))
        with pytest.raises(web.Blocked) as blocked:
            web.start(alice, zone("B1"), car, None, tuesday(10, 10))
        assert blocked.value.code == "already_running" and blocked.value.session == first


@pytest.mark.django_db
class TestPayingBeforeItCounts:
    def test_a_paid_session_waits_for_its_payment_and_becomes_active_once(self, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, tuesday(12), tuesday(10))
        assert session.status == S.AWAITING_PAYMENT
        assert ParkingSession.objects.get(pk=session.pk).status == S.AWAITING_PAYMENT
        payment = paid_without_mollie(session)
        session.refresh_from_db()
        assert session.status == S.ACTIVE and session.payment_amount() == Decimal("0.00")
        session.on_payment_paid(payment)  # a replay changes nothing
        session.refresh_from_db()
        assert session.status == S.ACTIVE

    def test_what_the_checkout_says_names_the_zone_and_period_but_never_the_plate(self, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, tuesday(12), tuesday(10))
        description = session.payment_description()
        assert "C1" in description and "10:00" in description and "12:00" in description
        assert PLATE not in description and "1-ABC-123" not in description
        assert session.payment_owner() == alice
        assert session.payment_return_url().endswith(f"/parkeren/{session.uuid}/")

    def test_a_payment_cancelled_at_the_checkout_cancels_the_session(self, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, tuesday(12), tuesday(10))
        failed = Payment(status=PaymentStatus.CANCELED, mollie_id="tr_gone")
        session.on_payment_unsuccessful(failed)
        session.refresh_from_db()
        assert session.status == S.CANCELLED and session.payment_amount() == Decimal("0.00")

    def test_a_payment_that_never_reached_the_payment_service_leaves_it_to_pay_again(self, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, tuesday(12), tuesday(10))
        session.on_payment_unsuccessful(Payment(status=PaymentStatus.FAILED, mollie_id=None))
        session.refresh_from_db()
        assert session.status == S.AWAITING_PAYMENT and session.payment_amount() == Decimal("2.00")

    def test_one_unpaid_session_per_vehicle_at_a_time(self, paid_city, alice, car):
        unpaid = web.start(alice, zone("C1"), car, tuesday(12), tuesday(10))
        with pytest.raises(web.Blocked) as blocked:
            web.start(alice, zone("C2"), car, tuesday(12), tuesday(10, 1))
        assert blocked.value.code == "unpaid_session" and blocked.value.session == unpaid
        assert web.cancel_unpaid(alice, unpaid)
        assert web.start(alice, zone("C2"), car, tuesday(12), tuesday(10, 1)).zone.code == "C2"

    def test_nothing_is_due_once_the_period_is_over(self, paid_city, alice, car):
        now = datetime.datetime.now(tz=datetime.UTC) - 3 * HOUR
        session = web.start(alice, zone("C1"), car, now + 2 * HOUR, now)
        assert session.status == S.AWAITING_PAYMENT and session.price > 0
        assert session.payment_amount() == Decimal("0.00")

    def test_someone_else_cannot_cancel_it(self, paid_city, alice, bob, car):
        session = web.start(alice, zone("C1"), car, tuesday(12), tuesday(10))
        assert not web.cancel_unpaid(bob, session)
        session.refresh_from_db()
        assert session.status == S.AWAITING_PAYMENT


@pytest.mark.django_db
class TestExtending:
    def test_the_choices_stay_within_the_maximum_and_show_their_quote(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10))
        choices = web.extension_choices(web.stay_of(session), tuesday(10, 30))
        # The stay began at 10:00 and may last 3 hours: from 12:00 at most one more hour.
        assert [choice.minutes for choice in choices] == [30, 60]
        for choice in choices:
            assert choice.starts_at == tuesday(12)
            assert choice.amount == pricing.quote(zone("C1"), choice.starts_at, choice.ends_at, plate=PLATE).amount
        assert [choice.amount for choice in choices] == [Decimal("1.00"), Decimal("2.00")]

    def test_an_extension_within_the_maximum_follows_on_and_is_paid_the_same_way(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10))
        follow_on = web.extend(alice, session, 60, tuesday(10, 30))
        assert (follow_on.starts_at, follow_on.ends_at) == (tuesday(12), tuesday(13))
        assert (follow_on.status, follow_on.price, follow_on.channel) == (S.AWAITING_PAYMENT, Decimal("2.00"), "web")
        assert web.stay_of(session).sessions == [session, follow_on]
        assert web.stay_of(follow_on).sessions == [session, follow_on]
        paid_without_mollie(follow_on)
        stay = web.stay_of(session)
        assert stay.ends_at == tuesday(13) and stay.is_running(tuesday(12, 30))
        assert not web.can_extend(stay, tuesday(10, 30))  # 13:00 is the maximum

    def test_an_extension_past_the_maximum_is_refused(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10))
        with pytest.raises(SessionRefused) as refused:
            web.extend(alice, session, 90, tuesday(10, 30))
        assert refused.value.code == "max_duration"
        assert ParkingSession.objects.count() == 1

    def test_an_unpaid_extension_comes_first(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10))
        unpaid = web.extend(alice, session, 30, tuesday(10, 30))
        with pytest.raises(web.Blocked) as blocked:
            web.extend(alice, session, 30, tuesday(10, 31))
        assert blocked.value.session == unpaid

    def test_an_ended_session_or_a_disc_is_not_extended(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10))
        with pytest.raises(SessionRefused):
            web.extend(alice, session, 30, tuesday(12, 5))
        disc = web.start(alice, zone("B1"), car, None, tuesday(10))
        with pytest.raises(SessionRefused) as refused:
            web.extend(alice, disc, 30, tuesday(10, 30))
        assert refused.value.code == "not_extendable"


@pytest.mark.django_db
class TestStoppingEarly:
    def test_stopping_charges_the_time_parked_and_gives_back_the_rest(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10))
        assert web.refund_if_stopped(web.stay_of(session), tuesday(11, 10)) == Decimal("1.00")
        refund = web.stop(alice, session, tuesday(11, 10))
        session.refresh_from_db()
        # 70 minutes, 60 of them free: one started half hour (€ 1) of the € 2 paid.
        assert (session.status, session.ends_at, session.price, refund) == (S.ENDED, tuesday(11, 10), Decimal("1.00"),
                                                                            Decimal("1.00"))
        with pytest.raises(SessionRefused) as refused:
            web.stop(alice, session, tuesday(11, 20))
        assert refused.value.code == "not_running"

    def test_stopping_a_stay_ends_its_extensions_too(self, paid_city, alice, car):
        session = paid_session(alice, car, tuesday(10), hours=1.5)
        paid_extension = web.extend(alice, session, 30, tuesday(10, 15))
        paid_without_mollie(paid_extension)
        unpaid_extension = web.extend(alice, session, 30, tuesday(10, 20))
        refund = web.stop(alice, session, tuesday(10, 50))
        first, second, third = (ParkingSession.objects.get(pk=s.pk) for s in (session, paid_extension, unpaid_extension))
        assert (first.status, first.ends_at, first.price) == (S.ENDED, tuesday(10, 50), Decimal("0.00"))
        assert (second.status, second.starts_at, second.ends_at, second.price) == (S.ENDED, tuesday(11, 30),
                                                                                  tuesday(11, 30), Decimal("0.00"))
        assert third.status == S.CANCELLED
        assert refund == Decimal("1.00") + Decimal("1.00")

    def test_a_disc_stops_with_nothing_to_refund(self, demo_city, alice, car):
        disc = web.start(alice, zone("B1"), car, None, tuesday(10, 5))
        assert web.stop(alice, disc, tuesday(11)) == Decimal("0.00")
        disc.refresh_from_db()
        assert (disc.status, disc.ends_at) == (S.ENDED, tuesday(11))

    def test_only_its_owner_stops_it(self, paid_city, alice, bob, car):
        session = paid_session(alice, car, tuesday(10))
        with pytest.raises(SessionRefused):
            web.stop(bob, session, tuesday(11))
        session.refresh_from_db()
        assert session.status == S.ACTIVE


@pytest.mark.django_db(transaction=True)
class TestThroughTheFakeMollie:
    """The real Mollie client against the fake Mollie API over HTTP; the webhook applies the outcome."""

    def test_paid_at_the_checkout_the_session_becomes_active(self, mollie, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, datetime.datetime.now(tz=datetime.UTC) + 2 * HOUR)
        assert session.status == S.AWAITING_PAYMENT and session.price > 0
        payment = payments_start.start(session, user=alice)
        assert payment.amount == session.price
        choose_at_checkout(payment.checkout_url, "paid")
        session.refresh_from_db()
        assert session.status == S.ACTIVE

    def test_cancelled_at_the_checkout_the_session_is_cancelled(self, mollie, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, datetime.datetime.now(tz=datetime.UTC) + 2 * HOUR)
        choose_at_checkout(payments_start.start(session, user=alice).checkout_url, "canceled")
        session.refresh_from_db()
        assert session.status == S.CANCELLED

    def test_stopping_early_refunds_the_time_not_parked_through_mollie(self, mollie, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, datetime.datetime.now(tz=datetime.UTC) + 2 * HOUR)
        choose_at_checkout(payments_start.start(session, user=alice).checkout_url, "paid")
        paid = session.price
        # Stopped within the free first hour: the stay costs nothing, all of it goes back.
        assert web.stop(alice, session, session.starts_at + 20 * MINUTE) == paid
        refund = Refund.objects.get()
        assert (refund.amount, refund.requested_by, refund.payment.object_id) == (paid, alice, session.pk)
        assert refund.mollie_id
        session.refresh_from_db()
        assert session.price == Decimal("0.00")

    def test_paid_after_it_was_cancelled_it_all_goes_back(self, mollie, paid_city, alice, car):
        session = web.start(alice, zone("C1"), car, datetime.datetime.now(tz=datetime.UTC) + 2 * HOUR)
        checkout = payments_start.start(session, user=alice).checkout_url
        assert web.cancel_unpaid(alice, session)
        choose_at_checkout(checkout, "paid")
        session.refresh_from_db()
        assert session.status == S.CANCELLED
        refund = Refund.objects.get()
        assert refund.amount == session.price and refund.mollie_id
