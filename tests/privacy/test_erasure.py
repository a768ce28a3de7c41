"""A citizen deletes their account: what the law makes the city keep is kept and unlinked, the rest is gone."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from appointments.models import Appointment, AppointmentStatus
from chat.models import Conversation, Message, MessageAttachment
from eloket.accounts.models import Vehicle
from eloket.documents.models import Document
from eloket.notifications.models import OutboundMessage
from eloket.payments.models import Payment, PaymentRequest, PaymentRequestStatus
from eloket.privacy import erasure
from eloket.privacy.anonymise import MARKER
from eloket.privacy.models import DataExport
from fines.models import Case, Objection
from parking_sessions.models import ParkingSession
from permits.models import Permit, PermitDocument, PermitPlate, PermitStatus, VisitorPeriod
from tests.factories import PASSWORD

from .helpers import log_in

pytestmark = pytest.mark.django_db
User = get_user_model()


def delete(client, **data):
    with TestCase.captureOnCommitCallbacks(execute=True):  # files go and the email is sent after commit
        return client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on", **data})


def stored_names(world):
    return {
        "evidence": world["evidence"].file.name, "attachment": world["attachment"].file.name,
        "permit document": world["card"].documents.get().file.name, "request letter": world["request_letter"].file.name,
        "case letter": world["case_letter"].file.name,
        "chat": MessageAttachment.objects.get(message__conversation=world["conversation"]).file.name,
    }


def test_the_page_says_what_is_deleted_and_what_is_kept(client, alice, world, english):
    log_in(client, alice)
    page = client.get(reverse("privacy:delete")).content.decode()
    assert "Your profile" in page and "Your vehicles (1)" in page
    assert "Your retributions and fines (2) stay with the city" in page
    assert "Your payments stay in the city&#x27;s accounts" in page
    assert "Your permits and applications that still run (1) end now" in page
    assert 'name="password"' in page


def test_deleting_keeps_and_unlinks_what_the_law_keeps_and_deletes_the_rest(client, alice, world, media):
    files = stored_names(world)
    log_in(client, alice)
    response = delete(client)
    assert response.status_code == 302 and response["Location"] == reverse("privacy:deleted")

    # The account and what hangs on it.
    assert not User.objects.filter(email="alice@example.org").exists()
    assert not Vehicle.objects.filter(plate="1ABC123").exists()
    assert not EmailAddress.objects.filter(email="alice@example.org").exists()

    # Cases stay for their procedure, unlinked, with the holder's details on the case; so do their letters.
    for case in (world["open_case"], world["paid_case"]):
        case.refresh_from_db()
        assert case.citizen_id is None and case.holder_name == "Alice Peeters" and case.plate == "1ABC123"
    assert Objection.objects.get(pk=world["objection"].pk).contact_email == "alice@example.org"
    assert (media / files["evidence"]).exists() and (media / files["attachment"]).exists()
    case_letter = Document.objects.get(pk=world["case_letter"].pk)
    assert case_letter.owner_id is None and (media / files["case letter"]).exists()

    # Payments stay in the accounts, unlinked; a settled payment request too.
    assert Payment.objects.get(pk=world["case_payment"].pk).owner_id is None
    assert PaymentRequest.objects.get(pk=world["request"].pk).citizen_id is None

    # The permit ended and is anonymised: no holder, address, plates, documents or letters.
    card = Permit.objects.get(pk=world["card"].pk)
    assert card.status == PermitStatus.CANCELLED and card.holder_id is None
    assert card.street == MARKER and card.house_number == "" and card.address_key == ""
    assert all(plate.startswith("#") for plate in PermitPlate.objects.filter(permit=card).values_list("plate", flat=True))
    assert not PermitDocument.objects.filter(permit=card).exists() and not (media / files["permit document"]).exists()
    period = VisitorPeriod.objects.get(pk=world["period"].pk)
    assert period.started_by_id is None and period.plate.startswith("#")

    # The citizen's own letters go; parking sessions stay for scan cars, unlinked.
    assert not Document.objects.filter(pk=world["request_letter"].pk).exists()
    assert not (media / files["request letter"]).exists()
    assert ParkingSession.objects.get(pk=world["session"].pk).citizen_id is None

    # The appointment to come is cancelled and anonymised; the chat is anonymised, its photo deleted.
    appointment = Appointment.objects.get(pk=world["appointment"].pk)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert (appointment.name, appointment.email, appointment.phone, appointment.answers) == (MARKER, "", "", {})
    conversation = Conversation.objects.get(pk=world["conversation"].pk)
    assert conversation.citizen_id is None and conversation.status == "closed"
    assert set(Message.objects.filter(conversation=conversation).values_list("body", flat=True)) <= {MARKER, ""}
    assert not MessageAttachment.objects.filter(message__conversation=conversation).exists()
    assert not (media / files["chat"]).exists()

    # Nothing queued or sent to her stays, except the confirmation of the deletion itself.
    assert list(OutboundMessage.objects.filter(recipient="alice@example.org").values_list("template", flat=True)) == [
        "privacy/account_deleted"]
    assert [message.to for message in mail.outbox if "account" in message.subject.lower() or "verwijderd" in
            message.subject.lower()] == [["alice@example.org"]]

    # Bob's case is untouched.
    assert Case.objects.get(pk=world["bob_case"].pk).holder_name == "Bob Janssens"


def test_the_result_page_tells_what_the_city_keeps_and_the_citizen_is_logged_out(client, alice, world, english):
    log_in(client, alice)
    response = delete(client)
    page = client.get(response["Location"]).content.decode()
    assert "Your account is deleted" in page and "Your retributions and fines (2) stay with the city" in page
    assert client.get(reverse("accounts:dashboard")).status_code == 302  # logged out
    assert client.get(reverse("privacy:deleted"))["Location"] == reverse("home")  # shown once


def test_a_wrong_password_or_no_confirmation_deletes_nothing(client, alice, world, english):
    log_in(client, alice)
    response = delete(client, password="not-my-password")
    assert response.status_code == 200 and "This is not your password." in response.content.decode()
    response = delete(client, confirm="")
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
    assert Case.objects.filter(citizen=alice).count() == 2


def test_guessing_the_password_is_stopped(client, alice, world, english):
    log_in(client, alice)
    for _attempt in range(5):
        delete(client, password="guess")
    response = delete(client)  # even the right one, for a quarter of an hour
    assert "Too many wrong passwords" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_an_unpaid_payment_request_must_be_settled_first(client, alice, world, english):
    PaymentRequest.objects.filter(pk=world["request"].pk).update(status=PaymentRequestStatus.OPEN)
    log_in(client, alice)
    page = client.get(reverse("privacy:delete")).content.decode()
    assert "You still have a payment request to pay" in page and 'name="password"' not in page
    response = delete(client)
    assert response.status_code == 403
    assert User.objects.filter(pk=alice.pk).exists()


def test_staff_cannot_delete_their_own_account_here(client, carla, english):
    log_in(client, carla)
    page = client.get(reverse("privacy:delete")).content.decode()
    assert "Staff accounts are closed by the city administrator" in page and 'name="password"' not in page
    assert delete(client).status_code == 403
    assert User.objects.filter(pk=carla.pk).exists()
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_account(carla)


def test_a_refusal_half_way_changes_nothing(alice, world, monkeypatch):
    """A provider that fails rolls the whole deletion back: the account and its links are as before."""
    from eloket.privacy import registry

    def failing(user):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry._providers, "zz-failing", registry.Provider("zz-failing", "x", export=lambda user: None,
                                                                             erase=failing, order=999))
    with pytest.raises(RuntimeError):
        erasure.erase_account(alice)
    assert User.objects.filter(pk=alice.pk).exists()
    assert Permit.objects.get(pk=world["card"].pk).holder_id == alice.pk
    assert Case.objects.filter(citizen=alice).count() == 2
    assert world["card"].documents.exists()


def test_her_data_exports_go_with_the_account(client, alice, world, media):
    from django.core.files.base import ContentFile

    made = DataExport.objects.create(owner=alice, status="ready")
    made.file.save("x.zip", ContentFile(b"PK"), save=True)
    name = made.file.name
    log_in(client, alice)
    delete(client)
    assert not DataExport.objects.exists() and not (media / name).exists()


def test_bob_cannot_delete_alices_account(client, alice, bob, world):
    log_in(client, bob)
    delete(client)  # deletes Bob's own account, never Alice's
    assert User.objects.filter(pk=alice.pk).exists() and not User.objects.filter(pk=bob.pk).exists()
