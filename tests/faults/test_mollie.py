"""Mollie timing out or answering 500: a clear message, nothing half-paid, reconciliation settles it later.

The citizen acts through the real pages (Django's test client); eloket's real Mollie client talks over HTTP to the
fake Mollie on the live server, which fails on purpose (`FakeFault`) at its HTTP boundary. Pages are in Dutch, the
default: each check compares with the catalogue's Dutch for the message, so it holds whatever the wording.
"""

import datetime
import html
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from eloket.fakemollie.models import FakeFault, FakePayment, FakeWebhookCall
from eloket.payments import flow, gateway, sync
from eloket.payments.models import Payment, PaymentEvent, PaymentStatus
from eloket.payments.start import EARLIER_UNCHECKED, MAYBE_STARTED
from eloket.payments.tasks import reconcile_open_payments
from fines import access, issuing
from fines.demo import seed_offences
from fines.models import CaseStatus
from permits.demo import seed_prices
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus
from tests.fakemollie.faulty import fixture_mollie_faults  # noqa: F401  fixtures
from tests.parking_sessions.web_helpers import fixture_car, fixture_paid_city  # noqa: F401  fixtures
from tests.payments.online import choose_at_checkout, fixture_mollie, path_of, post_webhook  # noqa: F401  fixtures

from .waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

Kind = FakeFault.Kind
CREATE = {"method": "POST", "path": "^payments$"}
FETCH = {"method": "GET", "path": r"^payments/tr_\w+$"}
HOLDER = {"name": "Jan Claes", "is_company": False, "birth_date": datetime.date(1980, 5, 1), "street": "Stadsplein 1",
          "postal_code": "3600", "municipality": "Genk", "country": "BE"}


def dutch(message) -> str:
    """The message as the Dutch page shows it (escaped), from the catalogue."""
    with translation.override("nl"):
        return html.escape(str(message))


def assert_dutch_page(text: str) -> None:
    title = gettext("Paying online is not possible right now")
    assert '<html lang="nl"' in text and dutch(title) in text


def age(payment: Payment, minutes: int) -> None:
    past = timezone.now() - datetime.timedelta(minutes=minutes)
    Payment.objects.filter(pk=payment.pk).update(created=past, updated=past)


@pytest.fixture
def fine(alice, demo_city, media):
    """A GAS 4 fine (€ 116) that Alice keeps in her account."""
    seed_offences()
    case = issuing.issue_case(offence="PAVEMENT", plate="1ABC123", holder=HOLDER, place="Stadsplein 4",
                              observed_at=timezone.now() - datetime.timedelta(days=2))
    access.keep_for(alice, case)
    return case


@pytest.fixture
def resident_card(alice, demo_city, media):
    """Alice's third resident card at her address, € 100, waiting for its payment."""
    seed_prices()
    permit = Permit.objects.create(kind=PermitKind.RESIDENT, status=PermitStatus.AWAITING_PAYMENT, holder=alice,
                                   price="100.00")
    PermitPlate.objects.create(permit=permit, plate="1ABC123")
    return permit


# --- Starting a payment while Mollie fails ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", [Kind.ERROR, Kind.UNAVAILABLE])
def test_paying_a_fine_while_mollie_answers_5xx_says_nothing_was_charged_and_works_again_later(
        client, alice, fine, mollie, mollie_faults, settings, kind):
    client.force_login(alice)
    pay_url = reverse("fines:pay", args=[fine.pk])
    mollie_faults.add(kind, **CREATE)

    response = client.post(pay_url)
    text = response.content.decode()
    assert response.status_code == 503  # our page, not an error page
    assert_dutch_page(text)
    assert dutch(MAYBE_STARTED) in text
    assert f'action="{pay_url}"' in text  # the same button, to try again
    failed = Payment.objects.get()
    assert failed.status == PaymentStatus.FAILED and failed.maybe_at_mollie and not failed.mollie_id
    assert not FakePayment.objects.exists()
    fine.refresh_from_db()
    assert fine.status == CaseStatus.ISSUED and fine.payment_amount() > 0

    detail = client.get(reverse("fines:detail", args=[fine.pk])).content.decode()
    assert f'action="{pay_url}"' in detail  # nothing in progress blocks paying

    again = client.post(pay_url)  # Mollie is healthy again
    assert again.status_code == 302 and again["Location"].startswith(mollie.url + "/fake-mollie/checkout/tr_")
    choose_at_checkout(again["Location"], "paid")
    fine.refresh_from_db()
    assert fine.status == CaseStatus.PAID
    assert fine.events.filter(to_status=CaseStatus.PAID).count() == 1

    age(failed, settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    assert sync.reconcile() == {"unanswered_not_at_mollie": 1}  # Mollie never made it: the flag is cleared
    failed.refresh_from_db()
    assert not failed.maybe_at_mollie and failed.status == PaymentStatus.FAILED


def test_an_earlier_payment_mollie_cannot_be_asked_about_is_not_replaced(client, alice, fine, mollie, mollie_faults):
    """She started paying, came back and presses "pay" again while Mollie's GET fails: she may have paid already."""
    client.force_login(alice)
    pay_url = reverse("fines:pay", args=[fine.pk])
    checkout = client.post(pay_url)["Location"]
    mollie_faults.add(Kind.ERROR, **FETCH)

    response = client.post(pay_url)
    text = response.content.decode()
    assert response.status_code == 503
    assert dutch(EARLIER_UNCHECKED) in text and dutch(gateway.UNAVAILABLE) not in text
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.OPEN and FakePayment.objects.count() == 1

    assert client.post(pay_url)["Location"] == checkout  # healthy again: the same checkout, not a second payment


# --- Mollie creates the payment but its answer never arrives -----------------------------------------------------

@pytest.mark.parametrize("kind", [Kind.SLOW_ANSWER, Kind.SLOW_START])
def test_a_payment_created_after_the_client_gave_up_is_never_charged_twice_and_reconciled(
        client, alice, resident_card, mollie, mollie_faults, settings, kind):
    client.force_login(alice)
    pay_url = reverse("permits:pay", args=[resident_card.pk])
    mollie_faults.add(kind, **CREATE)

    response = client.post(pay_url)
    text = response.content.decode()
    assert response.status_code == 503
    assert_dutch_page(text)
    assert dutch(MAYBE_STARTED) in text
    first = Payment.objects.get()
    assert first.status == PaymentStatus.FAILED and first.maybe_at_mollie and not first.mollie_id
    assert first.events.filter(kind=PaymentEvent.Kind.ERROR, note__contains="ReadTimeout").exists()

    mollie_faults.wait()  # Mollie did create it, for a checkout link nobody got
    orphan = FakePayment.objects.get()
    assert orphan.metadata == {"payment": str(first.token)} and orphan.status == "open"

    again = client.post(pay_url)  # at once: not blocked
    assert again.status_code == 302
    second = Payment.objects.exclude(pk=first.pk).get()
    assert second.mollie_id != orphan.id and again["Location"] == second.checkout_url
    choose_at_checkout(again["Location"], "paid")
    resident_card.refresh_from_db()
    assert resident_card.status != PermitStatus.AWAITING_PAYMENT
    assert resident_card.events.filter(from_status=PermitStatus.AWAITING_PAYMENT).count() == 1

    age(first, settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    assert reconcile_open_payments.delay().get() == {"unanswered_linked": 1}
    first.refresh_from_db()
    orphan.refresh_from_db()
    assert first.mollie_id == orphan.id and not first.maybe_at_mollie and first.status == PaymentStatus.FAILED
    assert orphan.status == "canceled"  # it can no longer be paid at Mollie either
    assert list(FakePayment.objects.filter(status="paid").values_list("id", flat=True)) == [second.mollie_id]
    assert sync.reconcile() == {}
    assert resident_card.events.filter(from_status=PermitStatus.AWAITING_PAYMENT).count() == 1


# --- The webhook arrives while Mollie cannot be asked -------------------------------------------------------------

@pytest.mark.parametrize("kind", [Kind.ERROR, Kind.SLOW_ANSWER])
def test_a_paid_parking_session_mollie_cannot_confirm_is_activated_once_by_reconciliation(
        client, alice, paid_city, car, mollie, mollie_faults, settings, celery_worker, kind):
    from parking_sessions.models import ParkingSession, SessionStatus

    client.force_login(alice)
    data = {"zone": "C1", "vehicle": car.pk, "duration": "120"}
    amount = client.post(reverse("parking:start"), data).context["preview"].amount
    to_pay = client.post(reverse("parking:start"), {**data, "amount": str(amount), "confirm": "1"})
    checkout = client.post(to_pay["Location"], data)["Location"]
    payment = Payment.objects.get()
    session = ParkingSession.objects.get()
    mollie_faults.add(kind, remaining=2, **FETCH)  # the webhook's fetch and the return page's

    back = choose_at_checkout(checkout, "paid")  # Mollie has it paid and calls the webhook at once
    call = FakeWebhookCall.objects.get(payment_id=payment.mollie_id)
    assert call.response_status == 503  # so Mollie calls again later
    payment.refresh_from_db()
    session.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and session.status == SessionStatus.AWAITING_PAYMENT

    page = client.get(path_of(back))
    text = page.content.decode()
    assert page.status_code == 200
    assert dutch(gettext("We are waiting for the bank")) in text
    assert dutch(gettext("We could not ask the payment service for the latest status just now; what you see may be "
                         "a few minutes old.")) in text
    assert 'hx-trigger="every 3s"' in text  # it keeps looking
    mollie_faults.wait()

    age(payment, settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    reconcile_open_payments.delay()  # the beat task, through the real worker
    assert wait_for(lambda: ParkingSession.objects.get(pk=session.pk).status == SessionStatus.ACTIVE)
    payment.refresh_from_db()
    applied_at = payment.effect_applied_at
    assert payment.status == PaymentStatus.PAID and applied_at
    assert payment.events.get(kind=PaymentEvent.Kind.STATUS, to_status=PaymentStatus.PAID).source == "reconcile"

    assert post_webhook(mollie, payment.mollie_id) == 200  # Mollie's retry now gets through
    time.sleep(0.5)  # time for a wrongly scheduled second effect to run
    payment.refresh_from_db()
    assert payment.effect_applied_at == applied_at and flow.run_effect(payment.pk) is False
    assert payment.events.filter(kind=PaymentEvent.Kind.STATUS).count() == 1
    assert ParkingSession.objects.get(pk=session.pk).status == SessionStatus.ACTIVE

    final = client.get(path_of(back)).content.decode()
    assert dutch(gettext("Thank you, your payment has been received")) in final

