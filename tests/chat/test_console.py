"""The staff console in the admin: the queue with waiting times, taking, answering (saved answers too), handing over,
closing; only for staff with the chat permission; a fixed number of queries whatever the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chat import conversations
from chat.models import Conversation, Message, SavedAnswer, Status
from tests.files import pdf_upload

from .helpers import start

pytestmark = pytest.mark.django_db

QUEUE = "admin:chat_console"


def page(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def test_the_queue_shows_who_waits_and_for_how_long(client, carla, alice, topic, always_open, english):
    conversation = start(alice, topic)
    Conversation.objects.filter(pk=conversation.pk).update(created=timezone.now() - datetime.timedelta(minutes=7))
    client.force_login(carla)
    text = page(client, QUEUE).content.decode()
    assert "Waiting: 1 conversation" in text
    assert "Alice Peeters" in text and "Resident card" in text and "7\xa0minutes" in text
    assert reverse("admin:chat_console_conversation", args=[conversation.pk]) in text


def test_the_admin_index_leads_to_the_console_for_staff_who_answer(client, carla, erik):
    client.force_login(carla)
    assert reverse("admin:chat_console_changelist") in client.get(reverse("admin:index")).content.decode()
    response = client.get(reverse("admin:chat_console_changelist"))
    assert response.status_code == 302 and response["Location"] == reverse(QUEUE)
    client.force_login(erik)
    assert reverse("admin:chat_console_changelist") not in client.get(reverse("admin:index")).content.decode()


def test_a_citizen_is_sent_to_the_admin_login_and_staff_without_the_permission_are_refused(client, alice, erik, topic,
                                                                                          always_open):
    conversation = start(alice, topic)
    urls = [reverse(QUEUE), reverse("admin:chat_console_queue"),
            reverse("admin:chat_console_conversation", args=[conversation.pk]),
            reverse("admin:chat_console_messages", args=[conversation.pk]),
            reverse("admin:chat_console_status", args=[conversation.pk])]
    client.force_login(alice)
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(erik)
    for url in urls:
        assert client.get(url).status_code == 403, url
    for name in ("take", "reply", "hand_over", "close"):
        assert client.post(reverse(f"admin:chat_console_{name}", args=[conversation.pk])).status_code == 403
    assert Conversation.objects.get().status == Status.WAITING


def test_staff_take_a_conversation_and_answer_it(client, carla, alice, topic, always_open):
    conversation = start(alice, topic)
    client.force_login(carla)
    response = client.post(reverse("admin:chat_console_take", args=[conversation.pk]))
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.assigned_to == carla
    response = client.post(reverse("admin:chat_console_reply", args=[conversation.pk]), {"body": "Goeiedag Alice"})
    assert response.status_code == 302
    assert Message.objects.filter(by_staff=True, author=carla, body="Goeiedag Alice").exists()


def test_the_second_to_take_sees_who_took_it(client, carla, dirk, alice, topic, always_open, english):
    conversation = start(alice, topic)
    conversations.take(conversation, carla)
    client.force_login(dirk)
    response = client.post(reverse("admin:chat_console_take", args=[conversation.pk]), follow=True)
    assert "Carla" in response.content.decode() and "took this conversation already" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assigned_to == carla


def test_an_answer_with_htmx_comes_back_as_the_message_itself(client, carla, alice, topic, always_open):
    conversation = conversations.take(start(alice, topic), carla)
    client.force_login(carla)
    response = client.post(reverse("admin:chat_console_reply", args=[conversation.pk]), {"body": "Met htmx"},
                           headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200 and text.strip().startswith("<li") and "Met htmx" in text
    assert "chat-message--mine" in text


def test_a_saved_answer_fills_the_answer_box(client, carla, alice, topic, always_open):
    answer = SavedAnswer.objects.create(title="Welkom", body="Goeiedag, waarmee kan ik helpen?")
    conversation = conversations.take(start(alice, topic), carla)
    client.force_login(carla)
    text = page(client, "admin:chat_console_conversation", conversation.pk).content.decode()
    assert f"?answer={answer.pk}" in text
    text = page(client, "admin:chat_console_conversation", conversation.pk, answer=answer.pk).content.decode()
    assert "\nGoeiedag, waarmee kan ik helpen?</textarea>" in text
    fragment = client.get(reverse("admin:chat_console_conversation", args=[conversation.pk]), {"answer": answer.pk},
                          headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<section id="chat-reply"') and "Goeiedag, waarmee" in fragment


def test_staff_see_the_linked_permit_with_a_link_to_its_admin_page(client, carla, alice, topic, always_open):
    from permits.models import Permit

    permit = Permit.objects.create(kind="resident", holder=alice)
    conversation = start(alice, topic, link=("permit", permit.pk))
    client.force_login(carla)
    text = page(client, "admin:chat_console_conversation", conversation.pk).content.decode()
    assert reverse("admin:permits_permit_change", args=[permit.pk]) in text


def test_handing_over_sends_the_conversation_to_a_colleague(client, carla, dirk, alice, topic, always_open, english):
    conversation = conversations.take(start(alice, topic), carla)
    client.force_login(carla)
    text = page(client, "admin:chat_console_conversation", conversation.pk).content.decode()
    assert f'<option value="{dirk.pk}"\n>Dirk' in text and f'<option value="{carla.pk}"' not in text
    response = client.post(reverse("admin:chat_console_hand_over", args=[conversation.pk]),
                           {"colleague": dirk.pk, "note": "Vraag over GAS"}, follow=True)
    assert "Dirk" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assigned_to == dirk


def test_closing_from_the_console(client, carla, alice, topic, always_open):
    conversation = start(alice, topic)
    client.force_login(carla)
    response = client.post(reverse("admin:chat_console_close", args=[conversation.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(QUEUE)
    conversation.refresh_from_db()
    assert conversation.status == Status.CLOSED


def test_the_status_part_asks_for_a_reload_when_the_answer_box_comes_or_goes(client, carla, dirk, alice, topic,
                                                                             always_open):
    conversation = conversations.take(start(alice, topic), carla)
    client.force_login(dirk)
    url = reverse("admin:chat_console_status", args=[conversation.pk])
    assert "HX-Refresh" not in client.get(url, {"can_reply": "0"})
    conversations.hand_over(conversation, carla, dirk)
    assert client.get(url, {"can_reply": "0"})["HX-Refresh"] == "true"


def test_the_queue_runs_the_same_queries_for_one_or_many_conversations(client, carla, alice, bob, topic, always_open):
    client.force_login(carla)
    start(alice, topic)
    page(client, QUEUE)  # warms the cached city profile

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(client, QUEUE).status_code == 200
        return len(queries)

    few = count()
    for number in range(12):
        conversation = start(bob if number % 2 else alice, topic, link=None)
        if number % 3 == 0:
            conversations.take(conversation, carla)
    assert count() == few


def test_the_console_conversation_runs_the_same_queries_however_long_it_is(client, carla, alice, topic, always_open,
                                                                            media):
    conversation = conversations.take(start(alice, topic), carla)
    SavedAnswer.objects.create(title="Welkom", body="Goeiedag")
    client.force_login(carla)
    page(client, "admin:chat_console_conversation", conversation.pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(client, "admin:chat_console_conversation", conversation.pk).status_code == 200
        return len(queries)

    few = count()
    for number in range(10):
        conversations.post_message(conversation, body=f"Vraag {number}", author=alice,
                                   upload=pdf_upload() if number % 3 == 0 else None)
        conversations.post_message(conversation, body=f"Antwoord {number}", author=carla, by_staff=True)
    SavedAnswer.objects.create(title="Afsluiten", body="Tot ziens")
    assert count() == few


def test_staff_without_two_factor_login_are_sent_to_switch_it_on_first(client, db):
    from eloket.accounts import roles
    from tests.factories import UserFactory

    groups = roles.sync_roles()
    clerk = UserFactory(is_staff=True, email="nieuw@stad.example")
    clerk.groups.add(groups[roles.COUNTER])
    client.force_login(clerk)
    for url in (reverse(QUEUE), reverse("admin:chat_console_events")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url


def test_opening_a_conversation_in_the_console_is_written_in_the_audit_trail(client, carla, alice, topic, always_open):
    from eloket.audit.models import AuditEntry

    conversation = start(alice, topic)
    client.force_login(carla)
    page(client, QUEUE)
    assert not AuditEntry.objects.exists()  # the queue shows names, not the conversation
    page(client, "admin:chat_console_conversation", conversation.pk)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (carla, "view", str(conversation.pk))
    assert entry.content_type.model_class() is Conversation
