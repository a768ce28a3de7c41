"""Alice's data in every area, made through each app's own functions where they exist, for the export and deletion."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.files import PDF, image_bytes, png_upload

PNG = image_bytes("PNG")
HOLDER = {"name": "Alice Peeters", "street": "Molenstraat 12", "postal_code": "3600", "municipality": "Genk"}


def stored(name: str, content: bytes = PNG) -> ContentFile:
    return ContentFile(content, name=name)


def make_case(citizen=None, *, status="issued", plate="1ABC123", sequence=1, **fields):
    """A GAS 4 case row as issuing leaves it, for the holder Alice."""
    from fines import numbers
    from fines.models import Case, Offence

    values = {"kind": "gas4", "status": status, "notice_number": numbers.make(2025, sequence), "plate": plate,
              "holder_name": HOLDER["name"], "holder_street": HOLDER["street"], "holder_postal_code": "3600",
              "holder_municipality": "Genk", "holder_email": "alice@example.org", "holder_birth_date":
              datetime.date(1985, 4, 2), "offence": Offence.objects.get(code="PAVEMENT"), "place": "Markt 1",
              "observed_at": timezone.now() - datetime.timedelta(days=20), "amount": Decimal("116.00"),
              "issued_on": timezone.localdate() - datetime.timedelta(days=10), "citizen": citizen}
    values.update(fields)
    return Case.objects.create(**values)


def with_evidence_and_objection(case, submitted_by=None):
    from fines.models import Evidence, Objection, ObjectionAttachment

    evidence = Evidence.objects.create(case=case, file=stored("e.png"), content_type="image/png", extension="png")
    objection = Objection.objects.create(case=case, explanation="Ik had een bewonerskaart voor 1-ABC-123.",
                                         contact_name="Alice Peeters", contact_email="alice@example.org",
                                         contact_phone="+32470000001", submitted_by=submitted_by, status="rejected",
                                         decision_reason="Geen kaart gevonden voor Alice.")
    attachment = ObjectionAttachment.objects.create(objection=objection, file=stored("a.png"), content_type="image/png",
                                                    extension="png", size=len(PNG), name="kaart-alice.png")
    return evidence, objection, attachment


def paid_payment(owner, payable, amount="116.00"):
    from eloket.payments.models import Payment, PaymentMethod, PaymentStatus

    return Payment.objects.create(owner=owner, content_type=ContentType.objects.get_for_model(payable),
                                  object_id=payable.pk, amount=Decimal(amount), description=f"Payment {payable.pk}",
                                  method=PaymentMethod.TRANSFER, status=PaymentStatus.PAID, paid_at=timezone.now())


def letter(owner, case, title="Letter"):
    from eloket.documents.models import Document, DocumentStatus

    document = Document(owner=owner, case=case, kind="notice", title=title, template="x.html", context_builder="x",
                        language="nl", status=DocumentStatus.RENDERED, version=1)
    document.file.save("letter.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def session_of(citizen, zone, *, plate="1ABC123", price="0.00", days_ago=1, status="ended", **fields):
    from parking_sessions.models import ParkingSession

    start = timezone.now() - datetime.timedelta(days=days_ago)
    return ParkingSession.objects.create(citizen=citizen, plate=plate, zone=zone, channel="web", starts_at=start,
                                         ends_at=start + datetime.timedelta(hours=1), status=status,
                                         price=Decimal(price), **fields)


@pytest.fixture
def world(alice, carla, demo_city, media):
    """Alice with a vehicle, an active resident card (its certificate and a visitor period), an open and a paid case
    (evidence, an objection with an attachment, a letter, a payment), a paid payment request, a parking session, an
    appointment to come and a chat conversation with a photo. Bob has a case of his own."""
    from appointments import booking
    from appointments.models import Location
    from chat import conversations
    from chat.models import Topic as ChatTopic
    from eloket.city.models import Zone
    from eloket.payments.models import PaymentRequest, PaymentRequestStatus
    from permits import rules, visitors
    from tests.permits.helpers import apply

    card = rules.approve(apply(alice, "1ABC123"), carla)
    period = visitors.start_visit(alice, plate="1GST001", minutes=60)
    open_case = make_case(alice, sequence=1)
    evidence, objection, attachment = with_evidence_and_objection(open_case, submitted_by=alice)
    paid_case = make_case(alice, status="paid", sequence=2)
    case_payment = paid_payment(alice, paid_case)
    case_letter = letter(alice, open_case, "Notice")
    request = PaymentRequest.objects.create(citizen=alice, description="Duplicaat bewonerskaart", amount=Decimal("10"),
                                            due_date=timezone.localdate(), status=PaymentRequestStatus.PAID)
    request_letter = letter(alice, request, "Payment request")
    zone = Zone.objects.order_by("pk").first()
    session = session_of(alice, zone)
    location = Location.objects.order_by("pk").first()
    topic = location.topics.order_by("pk").first()
    starts = _first_free_start(location, topic)
    appointment = booking.book(location, topic, starts, booking.Booker(
        citizen=alice, name="Alice Peeters", email=alice.email, phone="+32470000001", answers={"plate": "1ABC123"}))
    conversation, _token = conversations.open_conversation(topic=ChatTopic.objects.order_by("pk").first(),
                                                           body="Mijn kaart voor 1-ABC-123?", user=alice,
                                                           upload=png_upload())
    bob_case = make_case(None, sequence=3, plate="2XYZ789", holder_name="Bob Janssens")
    return {"card": card, "period": period, "open_case": open_case, "paid_case": paid_case, "evidence": evidence,
            "objection": objection, "attachment": attachment, "case_payment": case_payment, "case_letter": case_letter,
            "request": request, "request_letter": request_letter, "session": session, "zone": zone,
            "appointment": appointment, "conversation": conversation, "bob_case": bob_case}


def _first_free_start(location, topic) -> datetime.datetime:
    from appointments import slots

    first = timezone.localdate() + datetime.timedelta(days=3)
    return slots.free_slots(location, topic, first, 14)[0].starts_at
