"""Permits in the admin: work queues, search, decisions with a reason, documents, registering on a citizen's behalf."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eloket.accounts import roles
from eloket.city.models import Zone
from eloket.payments.models import Payment, PaymentMethod, PaymentStatus
from permits import rules, uploads
from permits.models import (
    Channel,
    Permit,
    PermitDocumentKind,
    PermitEvent,
    PermitKind,
    PermitPlate,
    PermitStatus,
    VisitorPeriod,
)
from tests.factories import StaffFactory
from tests.files import jpeg_upload, pdf_upload, png_upload
from tests.i18n import en

pytestmark = pytest.mark.django_db
S = PermitStatus
CHANGELIST = "admin:permits_permit_changelist"
ADDRESS = {"street": "Molenstraat", "house_number": "12", "postal_code": "3600", "municipality": "Genk"}


def make(holder, status, kind=PermitKind.RESIDENT, plate="1ABC001", **fields):
    permit = Permit.objects.create(kind=kind, status=status, holder=holder, **fields)
    PermitPlate.objects.create(permit=permit, plate=plate)
    return permit


def listed(client, **params):
    response = client.get(en(CHANGELIST), params)
    assert response.status_code == 200
    return [permit.pk for permit in response.context["cl"].result_list]


def grant(user, *labels):
    for label in labels:
        app_label, codename = label.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def action_url(name, permit):
    return en(f"admin:permits_permit_{name}", permit.pk)


@pytest.fixture
def queues(permit_city, alice, bob, carla):
    today = timezone.localdate()
    answered = make(alice, S.IN_REVIEW, plate="1ANS001")
    rules.request_more_info(answered, "Which car is it?", actor=carla)
    rules.answer_more_info(answered, "The grey one.", actor=alice)
    paid = make(bob, S.IN_REVIEW, plate="1PAY001")
    PermitEvent.objects.create(permit=paid, from_status=S.AWAITING_PAYMENT, to_status=S.IN_REVIEW, note="Paid.")
    return {
        "applied": make(alice, S.APPLIED, plate="1APP001"),
        "care": make(bob, S.IN_REVIEW, kind=PermitKind.CARE_PROVIDER, plate="1CAR001"),
        "answered": answered,
        "paid": paid,
        "disability": make(bob, S.IN_REVIEW, kind=PermitKind.DISABILITY, plate="1DIS001", card_number="1234567800"),
        "waiting": make(alice, S.MORE_INFO_REQUESTED, plate="1WAI001"),
        "unpaid": make(bob, S.AWAITING_PAYMENT, plate="1UNP001"),
        "expiring": make(alice, S.ACTIVE, plate="1EXP001", valid_from=today - datetime.timedelta(days=300),
                         valid_to=today + datetime.timedelta(days=10)),
        "later": make(bob, S.ACTIVE, plate="1LAT001", valid_from=today, valid_to=today + datetime.timedelta(days=200)),
        "rejected": make(alice, S.REJECTED, plate="1REJ001"),
    }


@pytest.mark.parametrize(("queue", "expected"), [
    ("review", {"applied", "care", "answered", "paid"}),
    ("answers", {"answered"}),
    ("disability", {"disability"}),
    ("waiting", {"waiting"}),
    ("payment", {"unpaid"}),
    ("expiring", {"expiring"}),
])
def test_each_work_queue_lists_its_permits(client, carla, queues, queue, expected):
    client.force_login(carla)

    assert set(listed(client, queue=queue)) == {queues[name].pk for name in expected}


def test_a_search_within_a_work_queue(client, carla, queues):
    client.force_login(carla)

    assert listed(client, queue="answers", q="1-ans-001") == [queues["answered"].pk]
    assert listed(client, queue="answers", q="1-app-001") == []


def test_the_queues_show_how_many_permits_wait(client, carla, queues):
    client.force_login(carla)

    page = client.get(en(CHANGELIST)).content.decode()

    assert "Applications to review (4)" in page
    assert "Answers waiting (1)" in page
    assert "Disability registrations to verify (1)" in page
    assert "Expiring within 30 days (1)" in page


def test_review_queues_put_the_oldest_application_first(client, carla, queues):
    Permit.objects.filter(pk=queues["paid"].pk).update(created=timezone.now() - datetime.timedelta(days=5))
    Permit.objects.filter(pk=queues["care"].pk).update(created=timezone.now() - datetime.timedelta(days=3))
    client.force_login(carla)

    assert listed(client, queue="review")[:2] == [queues["paid"].pk, queues["care"].pk]


def test_filters_by_kind_status_zone_and_channel(client, carla, queues):
    zone = Zone.objects.get(code="R1")
    Permit.objects.filter(pk=queues["later"].pk).update(zone=zone, channel=Channel.COUNTER)
    client.force_login(carla)

    assert listed(client, kind__exact=PermitKind.DISABILITY) == [queues["disability"].pk]
    assert listed(client, status__exact=S.REJECTED) == [queues["rejected"].pk]
    assert listed(client, zone__id__exact=zone.pk) == [queues["later"].pk]
    assert listed(client, channel__exact=Channel.COUNTER) == [queues["later"].pk]


@pytest.mark.parametrize("term", ["1-abc-123", "Molenstraat 12", "3600", "Peeters", "alice@example.org",
                                  "12 3456 7800", "1234567800"])
def test_search_by_plate_address_name_email_and_card_number(client, carla, alice, bob, term):
    wanted = make(alice, S.ACTIVE, kind=PermitKind.DISABILITY, plate="1ABC123", card_number="1234567800", **ADDRESS)
    make(bob, S.ACTIVE, plate="2XYZ999", street="Stationsstraat", house_number="4", postal_code="3500")
    client.force_login(carla)

    assert listed(client, q=term) == [wanted.pk]


def test_a_plate_search_stays_within_the_chosen_filter(client, carla, alice):
    make(alice, S.ACTIVE, plate="1ABC123")
    client.force_login(carla)

    assert listed(client, q="1-ABC-123", status__exact=S.REJECTED) == []


@pytest.fixture
def private_cache(settings):
    """A cache of this test's own: the city profile cached by a parallel test run cannot change the query count."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_the_changelist_runs_the_same_number_of_queries_for_1_and_30_permits(private_cache, client, carla, permit_city, alice):
    zone = Zone.objects.get(code="R1")
    client.force_login(carla)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(en(CHANGELIST)).status_code == 200
        return len(queries)

    make(alice, S.ACTIVE, zone=zone)
    count()  # warms the cached city profile
    one = count()
    for number in range(29):
        make(alice, S.APPLIED, plate=f"1QRY{number:03d}", zone=zone)
    assert count() == one


# Decisions ------------------------------------------------------------------------------------------------------------

def test_the_change_page_offers_only_what_the_status_allows(client, carla, alice):
    permit = make(alice, S.IN_REVIEW)
    client.force_login(carla)

    page = client.get(en("admin:permits_permit_change", permit.pk)).content.decode()

    for name in ("approve", "reject", "more_info", "cancel"):
        assert action_url(name, permit) in page
    assert action_url("revoke", permit) not in page
    assert 'name="_save"' not in page  # the permit itself changes only through the decisions


def test_counter_staff_approve_an_application(client, carla, alice, permit_city):
    permit = make(alice, S.IN_REVIEW, **ADDRESS)
    client.force_login(carla)
    page = client.get(action_url("approve", permit))
    assert page.status_code == 200 and "1-ABC-001" in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()

    response = client.post(action_url("approve", permit), {"note": "Documents checked."}, follow=True)

    permit.refresh_from_db()
    assert permit.status == S.ACTIVE and permit.valid_from == timezone.localdate()
    event = permit.events.last()
    assert (event.actor, event.note) == (carla, "Documents checked.")
    assert response.redirect_chain[-1][0] == en("admin:permits_permit_change", permit.pk)
    assert "The permit is approved and active." in response.content.decode()


@pytest.mark.parametrize(("name", "status", "to_status"), [
    ("reject", S.IN_REVIEW, S.REJECTED),
    ("more_info", S.APPLIED, S.MORE_INFO_REQUESTED),
    ("revoke", S.ACTIVE, S.REVOKED),
])
def test_a_reason_is_required_and_kept(client, carla, alice, permit_city, name, status, to_status):
    permit = make(alice, status)
    client.force_login(carla)

    refused = client.post(action_url(name, permit), {"note": "   "})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    permit.refresh_from_db()
    assert permit.status == status

    client.post(action_url(name, permit), {"note": "Moved out of the zone."})
    permit.refresh_from_db()
    assert permit.status == to_status
    assert permit.events.last().note == "Moved out of the zone."


def test_cancelling_shows_the_refund_and_cancels(client, carla, alice, permit_city):
    permit = make(alice, S.ACTIVE, price=Decimal("100.00"), valid_from=timezone.localdate(),
                  valid_to=timezone.localdate() + datetime.timedelta(days=300))  # no payment recorded: nothing goes back
    client.force_login(carla)

    assert "Nothing is refunded." in client.get(action_url("cancel", permit)).content.decode()
    response = client.post(action_url("cancel", permit), {"note": ""}, follow=True)

    permit.refresh_from_db()
    assert permit.status == S.CANCELLED
    assert "The permit is cancelled." in response.content.decode()


def test_rejecting_a_paid_application_shows_what_goes_back(client, carla, alice, permit_city):
    permit = make(alice, S.IN_REVIEW, price=Decimal("100.00"))
    Payment.objects.create(content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk, owner=alice,
                           amount=Decimal("100.00"), description="Resident card", method=PaymentMethod.TRANSFER,
                           status=PaymentStatus.PAID, paid_at=timezone.now())
    client.force_login(carla)

    page = client.get(action_url("reject", permit)).content.decode()

    assert "The citizen gets € 100.00 back, to the account they paid from." in page


def test_an_illegal_step_is_refused_with_a_message(client, carla, alice):
    permit = make(alice, S.REJECTED)
    client.force_login(carla)

    response = client.post(action_url("approve", permit), {"note": ""}, follow=True)

    assert response.status_code == 200
    assert "This step is not possible for a permit whose status is “Rejected”." in response.content.decode()
    permit.refresh_from_db()
    assert permit.status == S.REJECTED


def test_a_refusal_by_the_rules_is_shown_as_a_message(client, carla, alice, permit_city):
    expired = make(alice, S.IN_REVIEW, kind=PermitKind.DISABILITY, card_number="1234567800",
                   card_expiry=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(carla)

    response = client.post(action_url("approve", expired), {"note": ""}, follow=True)

    assert response.status_code == 200
    assert "The disability parking card has expired" in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == S.IN_REVIEW


def test_staff_without_the_change_permission_get_403_on_decisions(client, erik, alice):
    permit = make(alice, S.IN_REVIEW)
    viewer = grant(StaffFactory(), "permits.view_permit")
    for user in (erik, viewer):
        client.force_login(user)
        assert client.get(en("admin:permits_permit_change", permit.pk)).status_code == 200
        assert client.get(action_url("approve", permit)).status_code == 403
        assert client.post(action_url("reject", permit), {"note": "No."}).status_code == 403
        assert action_url("approve", permit) not in client.get(en("admin:permits_permit_change", permit.pk)).content.decode()
    permit.refresh_from_db()
    assert permit.status == S.IN_REVIEW


def test_staff_without_the_view_permission_get_403(client, alice):
    permit = make(alice, S.IN_REVIEW)
    client.force_login(StaffFactory())

    assert client.get(en(CHANGELIST)).status_code == 403
    assert client.get(en("admin:permits_permit_change", permit.pk)).status_code == 403


# Documents --------------------------------------------------------------------------------------------------------------

def test_staff_download_a_document_as_an_attachment(client, carla, alice, media):
    permit = make(alice, S.IN_REVIEW)
    document = uploads.attach(permit, PermitDocumentKind.REGISTRATION_CERTIFICATE, pdf_upload(), actor=alice)
    client.force_login(carla)
    url = en("admin:permits_permit_document", permit.pk, document.pk)
    assert url in client.get(en("admin:permits_permit_change", permit.pk)).content.decode()

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{document.download_name}"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_document_is_refused_without_the_permission_and_under_another_permit(client, carla, erik, alice, media):
    permit = make(alice, S.IN_REVIEW)
    other = make(alice, S.APPLIED, plate="1OTH001")
    document = uploads.attach(permit, PermitDocumentKind.REGISTRATION_CERTIFICATE, pdf_upload(), actor=alice)
    client.force_login(erik)
    assert client.get(en("admin:permits_permit_document", permit.pk, document.pk)).status_code == 403

    client.force_login(carla)
    assert client.get(en("admin:permits_permit_document", other.pk, document.pk)).status_code == 404


# Registering on the holder's behalf --------------------------------------------------------------------------------------

REGISTER = "admin:permits_permit_register_disability"


def registration(**changes):
    return {"holder_email": "ALICE@example.org", "channel": Channel.PHONE, "card_number": "12 3456 7800",
            "no_end_date": "on", "front": jpeg_upload(), "back": png_upload(), "plate_1": "1-xyz-123",
            "country_1": "BE", "plate_2": "", "country_2": "BE", **changes}


def test_counter_staff_register_a_disability_card_for_a_citizen(client, carla, alice, permit_city, media):
    client.force_login(carla)
    assert en(REGISTER) in client.get(en(CHANGELIST)).content.decode()
    assert client.get(en(REGISTER)).status_code == 200

    response = client.post(en(REGISTER), registration())

    permit = Permit.objects.get(kind=PermitKind.DISABILITY)
    assert response["Location"] == en("admin:permits_permit_change", permit.pk)
    assert (permit.holder, permit.registered_by, permit.channel) == (alice, carla, Channel.PHONE)
    assert (permit.status, permit.card_number, permit.card_expiry) == (S.IN_REVIEW, "1234567800", None)
    assert list(permit.plates.values_list("plate", flat=True)) == ["1XYZ123"]
    assert set(permit.documents.values_list("kind", flat=True)) == {PermitDocumentKind.CARD_FRONT,
                                                                     PermitDocumentKind.CARD_BACK}


@pytest.mark.parametrize(("changes", "message"), [
    ({"holder_email": "nobody@example.org"}, "There is no account with this email address."),
    ({"card_number": "12345"}, "exactly 10 digits"),
    ({"no_end_date": ""}, "Give the expiry date printed on the card, or tick “no end date”."),
    ({"plate_1": "!!"}, "A number plate has only letters and digits"),
])
def test_the_registration_form_explains_what_is_wrong(client, carla, alice, permit_city, media, changes, message):
    client.force_login(carla)

    response = client.post(en(REGISTER), registration(**changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Permit.objects.exists()


def test_only_staff_allowed_to_add_permits_register_on_behalf(client, erik):
    client.force_login(erik)

    assert client.get(en(REGISTER)).status_code == 403
    assert en(REGISTER) not in client.get(en(CHANGELIST)).content.decode()


# Visitor periods and roles ---------------------------------------------------------------------------------------------

def test_visitor_periods_are_listed_read_only_and_found_by_plate(client, erik, alice, permit_city):
    card = make(alice, S.ACTIVE)
    zone = Zone.objects.get(code="R1")
    now = timezone.now()
    period = VisitorPeriod.objects.create(address_key="3600|MOLENSTRAAT|12|", permit=card, started_by=alice, zone=zone,
                                          plate="1GST001", starts_at=now, ends_at=now + datetime.timedelta(hours=2),
                                          minutes=120, year=now.year)
    client.force_login(erik)

    response = client.get(en("admin:permits_visitorperiod_changelist"), {"q": "1-gst-001", "year": now.year})

    assert [row.pk for row in response.context["cl"].result_list] == [period.pk]
    assert client.get(en("admin:permits_visitorperiod_add")).status_code == 403
    change = client.get(en("admin:permits_visitorperiod_change", period.pk)).content.decode()
    assert 'name="_save"' not in change


def test_roles():
    counter, admin = roles.permissions_of(roles.COUNTER), roles.permissions_of(roles.CITY_ADMIN)
    enforcement = roles.permissions_of(roles.ENFORCEMENT)
    assert {"permits.view_permit", "permits.change_permit", "permits.view_permitplate", "permits.view_permitevent",
            "permits.view_permitdocument", "permits.view_visitorperiod"} <= counter
    assert "permits.change_permitplate" not in counter and "permits.delete_permit" not in counter
    assert {"permits.view_permitdocument", "permits.view_visitorperiod", "permits.change_residentcardprice"} <= admin
    assert {p for p in enforcement if p.startswith("permits.")} == {
        "permits.view_permit", "permits.view_permitplate", "permits.view_visitorperiod"}
    for label in {p for p in counter | admin | enforcement if p.startswith("permits.")}:
        assert Permission.objects.filter(content_type__app_label="permits", codename=label.split(".")[1]).exists(), label
