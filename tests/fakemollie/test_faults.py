"""Faults on purpose: the fake Mollie answers 500 or 503, or answers too late, for the next calls that match."""

import pytest
import requests
from django.core.exceptions import ValidationError
from django.urls import reverse
from mollie.api.error import RequestError, ResponseError

from eloket.fakemollie.models import FakeFault, FakePayment

from .conftest import API_KEY, payment_data
from .faulty import READ_TIMEOUT, fixture_mollie_faults  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db(transaction=True)

Kind = FakeFault.Kind


@pytest.mark.parametrize(("kind", "status", "title"), [(Kind.ERROR, 500, "Internal Server Error"),
                                                       (Kind.UNAVAILABLE, 503, "Service Unavailable")])
def test_an_error_fault_answers_in_mollies_error_shape_and_does_nothing(fake_site, mollie, mollie_faults, kind, status,
                                                                        title):
    fault = mollie_faults.add(kind, method="POST", path="^payments$", remaining=2)

    with pytest.raises(ResponseError) as caught:
        mollie.payments.create(payment_data())
    assert caught.value.status == status
    raw = requests.post(f"{fake_site.url}/fake-mollie/v2/payments", json=payment_data(),
                        headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert raw.status_code == status and raw.headers["Content-Type"] == "application/hal+json"
    body = raw.json()
    assert body["status"] == status and body["title"] == title and body["detail"]
    assert body["_links"]["documentation"]["href"].startswith("https://docs.mollie.com/")
    assert not FakePayment.objects.exists()

    assert mollie.payments.create(payment_data()).status == "open"  # the third call: the fault is used up
    fault.refresh_from_db()
    assert (fault.remaining, fault.used, fault.finished) == (0, 2, 2)


def test_a_slow_answer_does_the_work_and_the_client_times_out(fake_site, mollie, mollie_faults):
    fault = mollie_faults.add(Kind.SLOW_ANSWER, method="POST", path="^payments$")
    mollie.set_timeout((2, READ_TIMEOUT))

    with pytest.raises(RequestError) as caught:
        mollie.payments.create(payment_data(), idempotency_key="order-1")
    assert isinstance(caught.value.__context__, requests.ReadTimeout)
    created = FakePayment.objects.get()  # made before the answer was held: "maybe sent" really was sent
    assert created.status == "open"

    mollie_faults.wait()
    again = mollie.payments.create(payment_data(), idempotency_key="order-1")
    assert again.id == created.id and FakePayment.objects.count() == 1  # the same key gets the stored answer
    fault.refresh_from_db()
    assert (fault.used, fault.finished) == (1, 1)


def test_a_slow_start_holds_first_and_then_does_the_work(fake_site, mollie, mollie_faults):
    mollie_faults.add(Kind.SLOW_START, method="POST", path="^payments$")
    mollie.set_timeout((2, READ_TIMEOUT))

    with pytest.raises(RequestError):
        mollie.payments.create(payment_data())
    assert not FakePayment.objects.exists()  # still held
    mollie_faults.wait()
    assert FakePayment.objects.get().status == "open"  # created after the client gave up


def test_only_calls_of_the_method_and_path_get_the_fault(fake_site, mollie, mollie_faults):
    fault = mollie_faults.add(Kind.ERROR, method="GET", path=r"^payments/tr_\w+$", remaining=5)
    payment = mollie.payments.create(payment_data())  # a POST: not this fault's
    assert mollie.payments.list().count == 1  # GET /v2/payments: another path
    with pytest.raises(ResponseError) as caught:
        mollie.payments.get(payment.id)
    assert caught.value.status == 500
    fault.refresh_from_db()
    assert (fault.remaining, fault.used) == (4, 1)


def test_an_unauthenticated_call_is_refused_before_any_fault(fake_site, mollie_faults):
    fault = mollie_faults.add(Kind.ERROR)
    response = requests.get(f"{fake_site.url}/fake-mollie/v2/payments", timeout=5)
    assert response.status_code == 401
    fault.refresh_from_db()
    assert fault.remaining == 1 and fault.used == 0


def test_the_oldest_matching_fault_serves_first(fake_site, mollie, mollie_faults):
    first = mollie_faults.add(Kind.UNAVAILABLE, path="^payments$")
    second = mollie_faults.add(Kind.ERROR, path="^payments$")
    statuses = []
    for _ in range(3):
        try:
            mollie.payments.create(payment_data())
            statuses.append(201)
        except ResponseError as error:
            statuses.append(error.status)
    assert statuses == [503, 500, 201]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.used == second.used == 1


def test_a_fault_is_set_in_the_admin_and_a_broken_pattern_is_refused(client, fake_site):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:fakemollie_fakefault_add")
    form = {"kind": Kind.SLOW_ANSWER, "method": "POST", "path": "([", "remaining": "2", "hold_seconds": "12.0"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "Not a regular expression" in refused.content.decode()
    assert client.post(url, {**form, "path": "^payments$"}).status_code == 302
    fault = FakeFault.objects.get()
    assert (fault.kind, fault.method, fault.path, fault.remaining) == (Kind.SLOW_ANSWER, "POST", "^payments$", 2)
    with pytest.raises(ValidationError):
        FakeFault(kind=Kind.ERROR, path="*payments").full_clean()


def test_the_demo_sets_and_clears_faults_from_the_command_line():
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("fakemollie_fault", "slow_answer", "--method", "POST", "--path", "^payments$", "--times", "3",
                 stdout=out)
    fault = FakeFault.objects.get()
    assert (fault.kind, fault.method, fault.remaining, str(fault.hold_seconds)) == (Kind.SLOW_ANSWER, "POST", 3, "12.0")
    assert "do the work, then hold the answer" in out.getvalue()
    with pytest.raises(CommandError, match="Not a regular expression"):
        call_command("fakemollie_fault", "error", "--path", "([")
    call_command("fakemollie_fault", "--clear", stdout=out)
    assert not FakeFault.objects.exists()
