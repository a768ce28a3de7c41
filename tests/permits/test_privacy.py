"""A citizen sees and touches only their own permits: someone else's id is a 404, whatever the method."""

import pytest
from django.urls import reverse

from eloket.payments.models import Payment
from permits import rules, visitors
from permits.models import Permit, PermitStatus, VisitorPeriod
from tests.files import pdf_upload

from .helpers import apply, vehicle_of

pytestmark = pytest.mark.django_db

PERMIT_URLS = ["permits:detail", "permits:pay", "permits:answer", "permits:renew", "permits:change_plate",
               "permits:cancel"]
OPEN_URLS = ["permits:list", "permits:apply_resident", "permits:apply_disability", "permits:apply_care",
             "permits:visitors"]


@pytest.fixture
def alices(alice, carla, permit_city, media):
    """Alice's active resident card with a document and a running visitor period, and a pending application with a
    question waiting for her answer: every action is open to her."""
    card = rules.approve(apply(alice, "1ABC123"), carla)
    pending = apply(alice, "1DEF456")
    rules.request_more_info(pending, "Which car is it?", carla)
    period = visitors.start_visit(alice, plate="1GST001", minutes=60)
    return {"card": card, "pending": pending, "document": pending.documents.get(), "period": period}


def urls_of(objects) -> list[str]:
    urls = [reverse(name, args=[permit.pk]) for name in PERMIT_URLS for permit in (objects["card"], objects["pending"])]
    urls.append(reverse("permits:document", args=[objects["pending"].pk, objects["document"].pk]))
    urls.append(reverse("permits:visit_stop", args=[objects["period"].pk]))
    return urls


def snapshot():
    return (list(Permit.objects.order_by("pk").values_list("pk", "status", "updated")),
            list(VisitorPeriod.objects.values_list("pk", "ends_at", "minutes")), Payment.objects.count())


@pytest.mark.parametrize("method", ["get", "post"])
def test_bob_gets_404_on_every_url_of_alices_permits(client, bob, alices, method):
    vehicle_of(bob, "9BOB999")
    client.force_login(bob)
    before = snapshot()
    for url in urls_of(alices):
        response = getattr(client, method)(url, {"answer": "mine now", "attachment": pdf_upload()} if method == "post" else {})
        assert response.status_code == 404, url
    assert snapshot() == before


def test_bob_cannot_reach_alices_document_through_his_own_permit(client, bob, alices):
    bobs = apply(bob, "9BOB999", house_number="14")
    client.force_login(bob)
    response = client.get(reverse("permits:document", args=[bobs.pk, alices["document"].pk]))
    assert response.status_code == 404


def test_bob_does_not_see_alices_permits_or_visits_in_his_lists(client, bob, alices):
    client.force_login(bob)
    for url in (reverse("permits:list"), reverse("permits:visitors"), reverse("accounts:dashboard")):
        page = client.get(url).content.decode()
        assert "1-ABC-123" not in page and "1-GST-001" not in page, url
        assert reverse("permits:detail", args=[alices["card"].pk]) not in page, url


def test_alice_reaches_her_own(client, alice, alices):
    client.force_login(alice)
    assert client.get(reverse("permits:detail", args=[alices["pending"].pk])).status_code == 200
    assert client.get(reverse("permits:document", args=[alices["pending"].pk, alices["document"].pk])).status_code == 200
    assert client.get(reverse("permits:answer", args=[alices["pending"].pk])).status_code == 200
    assert Permit.objects.get(pk=alices["pending"].pk).status == PermitStatus.MORE_INFO_REQUESTED


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, alices, method):
    before = snapshot()
    for url in [reverse(name) for name in OPEN_URLS] + urls_of(alices):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url
    assert snapshot() == before
