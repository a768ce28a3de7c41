"""Every citizen URL that names an object is refused to a second citizen and to an anonymous visitor with a 404.

The test walks the URL configuration: a new view that takes an object id fails here until it is listed below with
a way to find one of Alice's objects in the demo data, so no view can forget its ownership check unnoticed.
"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.files import image_bytes, png_upload

PNG_BYTES = image_bytes("PNG")

# URL trees that are not citizen pages: the admin (tests/security/test_staff_urls.py), the JSON API (its own
# credentials, tests/api), allauth's account pages, and the fake payment provider of the demo.
NOT_CITIZEN_PAGES = ("admin/", "api/", "account/", "fake-mollie/", "i18n/")

# Parameters that name no citizen's object.
NOT_OBJECTS = {
    "content:regulation": "a published regulation, public by design",
    "content:regulation_document": "a published regulation's PDF, public by design",
    "appointments:confirm_link": "a signed link from the citizen's email; tampering is tested in tests/appointments",
    "appointments:manage_link": "a signed link from the citizen's email; tampering is tested in tests/appointments",
    "chat:guest_link": "a signed link from the guest's email; tampering is tested in tests/chat",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name, pattern


def object_url_names() -> set[str]:
    """Names of citizen URL patterns that take a parameter."""
    names = set()
    for route, name, pattern in _walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        if any(route.startswith(prefix) for prefix in NOT_CITIZEN_PAGES):
            continue
        if pattern.pattern.converters or getattr(pattern.pattern.regex, "groups", 0):
            names.add(name)
    return names


# How to find (or make) one of Alice's objects for each URL; each returns the URL's keyword arguments.

def _permit(alice):
    return alice.permits.order_by("pk").first()


def _permit_document(alice):
    from permits.models import PermitDocument

    permit = _permit(alice)
    document = permit.documents.first() or PermitDocument.objects.create(
        permit=permit, kind="other", file=ContentFile(PNG_BYTES, name="x.png"), content_type="image/png",
        extension="png", size=len(PNG_BYTES), uploaded_by=alice)
    return {"pk": permit.pk, "document_pk": document.pk}


def _visit(alice):
    from permits.models import VisitorPeriod

    permit = _permit(alice)
    start = timezone.now() + datetime.timedelta(hours=1)
    period = VisitorPeriod.objects.filter(started_by=alice).first() or VisitorPeriod.objects.create(
        address_key="demo", permit=permit, started_by=alice, zone=permit.zone, plate="9ZZZ999", starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), minutes=120, year=start.year)
    return {"pk": period.pk}


def _case(alice):
    from fines.models import Case

    return Case.objects.filter(citizen=alice).order_by("pk").first()


def _objection_attachment(alice):
    from fines.models import Objection, ObjectionAttachment

    case = _case(alice)
    objection = case.objections.first() or Objection.objects.create(
        case=case, explanation="Ik had een bewonerskaart.", contact_name="Alice Peeters",
        contact_email=alice.email, submitted_by=alice, status="rejected")
    attachment = objection.attachments.first() or ObjectionAttachment.objects.create(
        objection=objection, file=ContentFile(PNG_BYTES, name="x.png"), content_type="image/png", extension="png",
        size=len(PNG_BYTES))
    return {"pk": case.pk, "objection_pk": objection.pk, "attachment_pk": attachment.pk}


def _payment_request(alice):
    from eloket.payments.models import PaymentRequest

    request = alice.payment_requests.first() or PaymentRequest.objects.create(
        citizen=alice, description="Duplicaat bewonerskaart", amount=Decimal("10.00"),
        due_date=timezone.localdate() + datetime.timedelta(days=30))
    return {"pk": request.pk}


def _payment(alice):
    from eloket.payments.models import Payment

    return {"token": Payment.objects.filter(owner=alice).order_by("pk").first().token}


def _document(alice):
    from eloket.documents.models import Document

    return {"token": Document.objects.filter(owner=alice).order_by("pk").first().token}


def _parking(alice):
    from parking_sessions.models import ParkingSession

    return {"uuid": ParkingSession.objects.filter(citizen=alice).order_by("pk").first().uuid}


def _appointment(alice):
    return {"pk": alice.appointments.order_by("pk").first().pk}


def _conversation(alice):
    from chat.models import Conversation, MessageAttachment

    conversation = Conversation.objects.filter(citizen=alice).order_by("pk").first()
    attachment = MessageAttachment.objects.filter(message__conversation=conversation).first()
    return conversation, attachment


OBJECT_URLS = {
    "accounts:vehicle_edit": lambda alice: {"pk": alice.vehicles.first().pk},
    "accounts:vehicle_delete": lambda alice: {"pk": alice.vehicles.first().pk},
    "payments:return": _payment,
    "payments:retry": _payment,
    "payments:request_detail": _payment_request,
    "payments:request_pay": _payment_request,
    "documents:download": _document,
    "permits:detail": lambda alice: {"pk": _permit(alice).pk},
    "permits:pay": lambda alice: {"pk": _permit(alice).pk},
    "permits:answer": lambda alice: {"pk": _permit(alice).pk},
    "permits:renew": lambda alice: {"pk": _permit(alice).pk},
    "permits:change_plate": lambda alice: {"pk": _permit(alice).pk},
    "permits:cancel": lambda alice: {"pk": _permit(alice).pk},
    "permits:document": _permit_document,
    "permits:visit_stop": _visit,
    "fines:detail": lambda alice: {"pk": _case(alice).pk},
    "fines:pay": lambda alice: {"pk": _case(alice).pk},
    "fines:keep": lambda alice: {"pk": _case(alice).pk},
    "fines:evidence": lambda alice: {"pk": _case(alice).pk, "evidence_pk": _case(alice).evidence.first().pk},
    "fines:document": lambda alice: {"pk": _case(alice).pk, "document_pk": _letter(alice)},
    "fines:object": lambda alice: {"pk": _case(alice).pk},
    "fines:attachment": _objection_attachment,
    "fines:name_driver": lambda alice: {"pk": _case(alice).pk},
    "parking:detail": _parking,
    "parking:pay": _parking,
    "parking:extend": _parking,
    "parking:stop": _parking,
    "parking:cancel": _parking,
    "appointments:detail": _appointment,
    "appointments:verify": _appointment,
    "appointments:reschedule": _appointment,
    "appointments:cancel": _appointment,
    "appointments:ics": _appointment,
    "privacy:download": lambda alice: _data_export(alice),
}


def _data_export(alice):
    from eloket.privacy.models import DataExport

    made = DataExport.objects.create(owner=alice, status="ready")
    made.file.save("export.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    return {"token": made.token}


def _letter(alice):
    from fines import notices

    return notices.letters_of(_case(alice)).first().pk


@pytest.fixture
def demo_world(db, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the letters are rendered after commit
        call_command("seed_demo_city", verbosity=0)
    users = get_user_model().objects
    return users.get(email="alice@example.org"), users.get(email="bob@example.org")


def test_every_citizen_url_with_a_parameter_is_checked_here():
    unlisted = object_url_names() - set(OBJECT_URLS) - set(NOT_OBJECTS) - set(CHAT_URLS)
    assert not unlisted, f"add these URLs to OBJECT_URLS (or NOT_OBJECTS with the reason): {sorted(unlisted)}"
    stale = (set(OBJECT_URLS) | set(NOT_OBJECTS) | set(CHAT_URLS)) - object_url_names()
    assert not stale, f"these URLs no longer exist: {sorted(stale)}"


def _refused(client, url, *, anonymous: bool) -> list[str]:
    """404 for the method(s) the view takes; a 405 for the other one says nothing about the object, and neither does
    sending an anonymous visitor to the login page first."""
    codes = {}
    login = resolve_url(settings.LOGIN_URL)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        login_first = anonymous and response.status_code == 302 and response["Location"].startswith(login)
        codes[method] = 404 if login_first else response.status_code
    if 404 in codes.values() and set(codes.values()) <= {404, 405}:
        return []
    return [f"{method.upper()} {code}" for method, code in codes.items()]


def test_a_second_citizen_and_an_anonymous_visitor_get_404_on_every_object_url(demo_world, client):
    alice, bob = demo_world
    urls = {name: reverse(name, kwargs=find(alice)) for name, find in OBJECT_URLS.items()}
    urls.update(_chat_urls(alice))

    client.force_login(alice)
    reachable = {name: client.get(url).status_code for name, url in urls.items() if name.endswith(("detail", "ics"))}
    assert all(code == 200 for code in reachable.values()), reachable  # the URLs are right: Alice sees her own

    failures = {}
    for who in ("bob", "anonymous"):
        client.logout()
        if who == "bob":
            client.force_login(bob)
        for name, url in urls.items():
            problems = _refused(client, url, anonymous=who == "anonymous")
            if problems:
                failures[f"{who} {name}"] = problems
    assert not failures, failures


CHAT_URLS = {"chat:detail", "chat:post", "chat:messages", "chat:status", "chat:events", "chat:close",
             "chat:transcript", "chat:attachment"}


def _chat_urls(alice) -> dict:
    from chat import conversations
    from chat.models import Topic

    conversation, attachment = _conversation(alice)
    if attachment is None:
        conversation, _token = conversations.open_conversation(topic=Topic.objects.first(), body="Hallo", user=alice,
                                                               upload=png_upload())
        conversation, attachment = _conversation(alice)
    urls = {name: reverse(name, kwargs={"pk": conversation.pk}) for name in CHAT_URLS - {"chat:attachment"}}
    urls["chat:attachment"] = reverse("chat:attachment", kwargs={"pk": conversation.pk, "attachment_pk": attachment.pk})
    return urls
