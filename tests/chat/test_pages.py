"""The citizen's chat pages: office hours said before typing, starting as a citizen or a guest, the conversation page
with htmx and without JavaScript, closing with the transcript, and the Mijn loket panel."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chat import conversations
from chat.models import Conversation, Message, Mode, OfficeHours, Status
from tests.files import jpeg_upload

from .helpers import guest_token, start, start_as_guest

pytestmark = pytest.mark.django_db


def test_every_page_has_a_chat_link(client, english):
    assert f'href="{reverse("chat:start")}"' in client.get(reverse("home")).content.decode()


def test_during_office_hours_the_page_says_staff_answer_now(client, topic, always_open, english):
    text = client.get(reverse("chat:start")).content.decode()
    assert "We are online now." in text and "Start the conversation" in text


def test_outside_office_hours_the_page_says_so_before_the_form(client, topic, english):
    OfficeHours.objects.create(weekday=(datetime.date.today().weekday() + 2) % 7, opens=datetime.time(9),
                               closes=datetime.time(12))
    text = client.get(reverse("chat:start")).content.decode()
    assert "We are closed now." in text and "Leave a message and we answer by email from" in text
    assert text.index("We are closed now.") < text.index("<form class=\"utrecht-form")
    assert "Leave my message" in text


def test_a_guest_starts_a_conversation_with_a_name_and_an_email(client, topic, always_open):
    conversation = start_as_guest(client, topic, body="Waar parkeer ik?")
    assert conversation.citizen is None and conversation.guest_email == "gert@example.org"
    assert conversation.messages.get().body == "Waar parkeer ik?"
    assert guest_token(client, conversation)
    assert "Waar parkeer ik?" in client.get(reverse("chat:detail", args=[conversation.pk])).content.decode()


def test_a_guest_without_an_email_gets_the_errors_and_nothing_is_started(client, topic, always_open, english):
    response = client.post(reverse("chat:start"), {"topic": topic.pk, "guest_name": "Gert", "body": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Give your email address" in text and "Write your question." in text and "<title>Error:" in text
    assert not Conversation.objects.exists()


def test_a_citizen_starts_with_a_photo(client, alice, topic, always_open, media):
    client.force_login(alice)
    response = client.post(reverse("chat:start"), {"topic": topic.pk, "body": "Zie foto", "attachment": jpeg_upload()})
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("chat:detail", args=[conversation.pk])
    assert conversation.citizen == alice and conversation.messages.get().attachments.count() == 1


def test_a_citizen_links_one_of_her_own_permits_but_not_someone_elses(client, alice, bob, topic, always_open, english):
    from permits.models import Permit

    hers = Permit.objects.create(kind="resident", holder=alice)
    his = Permit.objects.create(kind="resident", holder=bob)
    client.force_login(alice)
    text = client.get(reverse("chat:start")).content.decode()
    assert f'value="permit:{hers.pk}"' in text and f'value="permit:{his.pk}"' not in text
    response = client.post(reverse("chat:start"), {"topic": topic.pk, "body": "Vraag", "link": f"permit:{his.pk}"})
    assert "Choose one of your own permits" in response.content.decode()
    client.post(reverse("chat:start"), {"topic": topic.pk, "body": "Vraag", "link": f"permit:{hers.pk}"})
    conversation = Conversation.objects.get()
    assert (conversation.link_kind, conversation.link_id) == ("permit", hers.pk)


def test_one_connection_may_start_only_so_many_conversations_an_hour(client, topic, always_open):
    for number in range(10):
        start_as_guest(client, topic, name=f"Gast {number}")
    response = client.post(reverse("chat:start"), {"topic": topic.pk, "guest_name": "Gast", "guest_email": "g@example.org",
                                                   "body": "Nog een"})
    assert response.status_code == 429
    assert Conversation.objects.count() == 10


def test_the_conversation_page_listens_to_the_stream_and_knows_how_to_poll(client, alice, topic, always_open):
    conversation = start(alice, topic)
    client.force_login(alice)
    text = client.get(reverse("chat:detail", args=[conversation.pk])).content.decode()
    assert f'sse-connect="{reverse("chat:events", args=[conversation.pk])}"' in text
    assert 'sse-swap="message"' in text and 'hx-ext="sse, chat"' in text
    assert f'hx-get="{reverse("chat:messages", args=[conversation.pk])}"' in text
    assert "<script>" not in text  # everything in static files (CSP)


def test_without_javascript_a_message_is_posted_and_the_page_shows_it(client, alice, topic, always_open):
    conversation = start(alice, topic)
    client.force_login(alice)
    response = client.post(reverse("chat:post", args=[conversation.pk]), {"body": "Nog een vraag"})
    message = Message.objects.latest("pk")
    assert response["Location"] == reverse("chat:detail", args=[conversation.pk]) + f"#chat-message-{message.pk}"
    assert "Nog een vraag" in client.get(reverse("chat:detail", args=[conversation.pk])).content.decode()


def test_with_htmx_the_posted_message_comes_back_alone(client, alice, topic, always_open):
    conversation = start(alice, topic)
    client.force_login(alice)
    response = client.post(reverse("chat:post", args=[conversation.pk]), {"body": "Via htmx"},
                           headers={"HX-Request": "true"})
    text = response.content.decode().strip()
    assert text.startswith('<li class="chat-message chat-message--mine"') and text.count("<li") == 1


def test_polling_returns_only_the_messages_after_the_last_one_shown(client, alice, carla, topic, always_open):
    conversation = conversations.take(start(alice, topic, body="Eerste"), carla)
    first = conversation.messages.get()
    conversations.post_message(conversation, body="Tweede", author=carla, by_staff=True)
    client.force_login(alice)
    text = client.get(reverse("chat:messages", args=[conversation.pk]), {"after": first.pk}).content.decode()
    assert "Tweede" in text and "Eerste" not in text


def test_the_status_part_asks_the_page_to_reload_once_the_conversation_is_closed(client, alice, carla, topic,
                                                                                 always_open):
    conversation = start(alice, topic)
    client.force_login(alice)
    url = reverse("chat:status", args=[conversation.pk])
    assert "HX-Refresh" not in client.get(url, {"open": "1"})
    conversations.close(conversation, user=carla)
    assert client.get(url, {"open": "1"})["HX-Refresh"] == "true"


def test_closing_with_the_transcript_emails_it(client, alice, carla, topic, always_open,
                                               django_capture_on_commit_callbacks, english):
    conversation = conversations.take(start(alice, topic, body="Mijn vraag"), carla)
    conversations.post_message(conversation, body="Mijn antwoord", author=carla, by_staff=True)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("chat:close", args=[conversation.pk]), {"transcript": "on"}, follow=True)
    text = response.content.decode()
    assert "The conversation is closed. We email it to alice@example.org." in text
    assert "Start a new conversation" in text and 'name="body"' not in text
    assert len(mail.outbox) == 1 and "Mijn antwoord" in mail.outbox[0].body
    response = client.post(reverse("chat:transcript", args=[conversation.pk]), follow=True)
    assert "We emailed this conversation already." in response.content.decode()
    assert len(mail.outbox) == 1


def test_after_staff_closed_the_citizen_asks_for_the_transcript_once(client, alice, carla, topic, always_open,
                                                                    django_capture_on_commit_callbacks):
    conversation = start(alice, topic)
    conversations.close(conversation, user=carla)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("chat:transcript", args=[conversation.pk]))
        client.post(reverse("chat:transcript", args=[conversation.pk]))
    assert len(mail.outbox) == 1
    assert Conversation.objects.get().transcript_sent_at is not None


def test_a_message_left_outside_hours_says_we_answer_by_email(client, alice, topic, never_open, english):
    conversation = start(alice, topic)
    assert conversation.mode == Mode.MESSAGE
    client.force_login(alice)
    text = client.get(reverse("chat:detail", args=[conversation.pk])).content.decode()
    assert "We received your message. We answer by email at alice@example.org" in text


def test_a_guest_gets_the_answer_by_email_with_a_link_that_opens_the_conversation(client, topic, carla, never_open,
                                                                                  django_capture_on_commit_callbacks):
    conversation = start_as_guest(client, topic)
    conversations.take(conversation, carla)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.post_message(conversation, body="Ja, dat mag.", author=carla, by_staff=True)
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["gert@example.org"] and "Ja, dat mag." in body
    from tests.accounts.helpers import link_in

    link = link_in(body, "/chat/terug/")
    from django.test import Client

    elsewhere = Client()
    response = elsewhere.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("chat:detail", args=[conversation.pk])
    assert "Ja, dat mag." in response.content.decode()


def test_the_conversation_page_runs_the_same_queries_however_long_it_is(client, alice, carla, topic, always_open, media):
    conversation = conversations.take(start(alice, topic), carla)
    client.force_login(alice)
    client.get(reverse("chat:detail", args=[conversation.pk]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("chat:detail", args=[conversation.pk])).status_code == 200
        return len(queries)

    few = count()
    for number in range(8):
        conversations.post_message(conversation, body=f"Vraag {number}", author=alice,
                                   upload=jpeg_upload() if number % 2 else None)
        conversations.post_message(conversation, body=f"Antwoord {number}", author=carla, by_staff=True)
    assert count() == few


def test_mijn_loket_lists_the_citizens_conversations_in_a_fixed_number_of_queries(client, alice, bob, topic,
                                                                                  always_open):
    start(alice, topic, body="Eerste")
    start(bob, topic, body="Van Bob")
    client.force_login(alice)
    client.get(reverse("accounts:dashboard"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("accounts:dashboard"))
        return len(queries), response.content.decode()

    few, text = count()
    assert 'id="panel-chat"' in text and text.count(reverse("chat:detail", args=[Conversation.objects.get(
        citizen=alice).pk])) == 1
    assert not any(reverse("chat:detail", args=[c.pk]) in text for c in Conversation.objects.filter(citizen=bob))
    for _number in range(7):
        conversations.close(start(alice, topic), user=alice)
    many, text = count()
    assert many == few


def test_an_ongoing_conversation_is_offered_again_on_the_start_page(client, alice, topic, always_open):
    conversation = start(alice, topic)
    client.force_login(alice)
    assert reverse("chat:detail", args=[conversation.pk]) in client.get(reverse("chat:start")).content.decode()
    conversations.close(conversation, user=alice)
    assert Conversation.objects.get().status == Status.CLOSED
    assert reverse("chat:detail", args=[conversation.pk]) not in client.get(reverse("chat:start")).content.decode()
