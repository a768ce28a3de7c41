"""A conversation belongs to its citizen or guest: everybody else gets 404 on it, its files and its stream."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from chat import access, conversations
from chat.models import Conversation
from tests.files import jpeg_upload

from .helpers import guest_token, start, start_as_guest

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices(alice, topic, always_open, media):
    conversation, _token = conversations.open_conversation(topic=topic, body="Mijn vraag", user=alice,
                                                           upload=jpeg_upload())
    return conversation


def every_url(conversation):
    attachment = conversation.messages.get().attachments.get()
    pk = conversation.pk
    return [
        ("get", reverse("chat:detail", args=[pk])),
        ("post", reverse("chat:post", args=[pk])),
        ("get", reverse("chat:messages", args=[pk])),
        ("get", reverse("chat:status", args=[pk])),
        ("get", reverse("chat:events", args=[pk])),
        ("post", reverse("chat:close", args=[pk])),
        ("post", reverse("chat:transcript", args=[pk])),
        ("get", reverse("chat:attachment", args=[pk, attachment.pk])),
        ("delete", reverse("chat:detail", args=[pk])),
    ]


def test_alice_sees_her_conversation_and_its_file(client, alice, alices):
    client.force_login(alice)
    assert client.get(reverse("chat:detail", args=[alices.pk])).status_code == 200
    attachment = alices.messages.get().attachments.get()
    response = client.get(reverse("chat:attachment", args=[alices.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def test_bob_gets_404_on_everything_of_alices_conversation(client, bob, alices):
    client.force_login(bob)
    for method, url in every_url(alices):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    alices.refresh_from_db()
    assert alices.status == "waiting" and alices.messages.count() == 1


def test_an_anonymous_visitor_gets_404_on_everything_of_alices_conversation(client, alices):
    for method, url in every_url(alices):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_staff_do_not_see_a_citizens_conversation_on_the_citizen_side(client, carla, alices):
    client.force_login(carla)
    assert client.get(reverse("chat:detail", args=[alices.pk])).status_code == 404


def test_an_attachment_of_another_conversation_is_404_through_ones_own(client, alice, bob, alices, topic, media):
    bobs, _token = conversations.open_conversation(topic=topic, body="Van Bob", user=bob, upload=jpeg_upload())
    client.force_login(alice)
    other = bobs.messages.get().attachments.get()
    assert client.get(reverse("chat:attachment", args=[alices.pk, other.pk])).status_code == 404


def test_a_guest_sees_only_their_own_conversation(client, alices, topic):
    conversation = start_as_guest(client, topic)
    assert client.get(reverse("chat:detail", args=[conversation.pk])).status_code == 200
    assert client.get(reverse("chat:detail", args=[alices.pk])).status_code == 404
    other_guest = Client()
    assert other_guest.get(reverse("chat:detail", args=[conversation.pk])).status_code == 404
    start_as_guest(other_guest, topic, name="Hanne", email="hanne@example.org")
    assert other_guest.get(reverse("chat:detail", args=[conversation.pk])).status_code == 404


def test_a_guest_session_with_a_wrong_token_sees_nothing(client, topic, always_open):
    conversation = start_as_guest(client, topic)
    session = client.session
    session[access.SESSION_KEY] = {str(conversation.pk): "guessed"}
    session.save()
    assert client.get(reverse("chat:detail", args=[conversation.pk])).status_code == 404


def test_a_logged_in_citizen_does_not_see_a_guests_conversation(client, alice, topic, always_open):
    guest = Client()
    conversation = start_as_guest(guest, topic)
    client.force_login(alice)
    assert client.get(reverse("chat:detail", args=[conversation.pk])).status_code == 404


def test_the_guest_link_gives_a_new_browser_access_and_leads_to_the_clean_address(client, topic, always_open):
    conversation = start_as_guest(client, topic)
    link = access.guest_link(conversation)
    elsewhere = Client()
    response = elsewhere.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:detail", args=[conversation.pk])
    assert elsewhere.get(response["Location"]).status_code == 200
    # The freshest link wins: the first browser's token no longer matches.
    assert client.get(reverse("chat:detail", args=[conversation.pk])).status_code == 404
    assert guest_token(elsewhere, conversation) not in Conversation.objects.get().guest_token_hash


def test_an_expired_or_changed_guest_link_does_not_open_the_conversation(client, topic, always_open, settings):
    conversation = start_as_guest(Client(), topic)
    signed = signing.TimestampSigner(salt=access.LINK_SALT).sign(str(conversation.pk))
    assert client.get(reverse("chat:guest_link", args=[signed[:-2] + "xx"])).status_code == 404
    settings.CHAT_GUEST_LINK_DAYS = -1
    response = client.get(reverse("chat:guest_link", args=[signed]))
    assert response.status_code == 404
    assert "no longer works" in response.content.decode() or "werkt niet meer" in response.content.decode()


def test_a_guest_link_never_opens_a_citizens_conversation(client, alice, topic, always_open):
    conversation = start(alice, topic)
    signed = signing.TimestampSigner(salt=access.LINK_SALT).sign(str(conversation.pk))
    assert client.get(reverse("chat:guest_link", args=[signed])).status_code == 404
