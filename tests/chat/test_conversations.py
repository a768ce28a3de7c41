"""The rules of a conversation: live or message, posting, taking (one winner), handing over, closing, the transcript."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from chat import conversations
from chat.conversations import ConversationRefused
from chat.models import Action, Conversation, ConversationEvent, Message, Mode, Status
from eloket.notifications.models import OutboundMessage

from .helpers import start

pytestmark = pytest.mark.django_db


def test_during_office_hours_a_conversation_is_live_and_waits_with_its_first_message(alice, topic, always_open):
    conversation = start(alice, topic, body="  Hallo  ")
    assert (conversation.status, conversation.mode, conversation.citizen) == (Status.WAITING, Mode.LIVE, alice)
    assert list(conversation.messages.values_list("body", "by_staff")) == [("Hallo", False)]
    assert list(conversation.events.values_list("action", "to_status")) == [(Action.OPENED, Status.WAITING)]


def test_outside_office_hours_it_is_a_message_answered_by_email(alice, topic, never_open):
    assert start(alice, topic).mode == Mode.MESSAGE


def test_a_guest_gets_a_token_whose_hash_alone_is_stored(topic, always_open):
    conversation, token = conversations.open_conversation(topic=topic, body="Vraag", guest_name="Gert",
                                                          guest_email="gert@example.org")
    assert token and token not in conversation.guest_token_hash and len(conversation.guest_token_hash) == 64
    assert conversation.contact_email == "gert@example.org"


def test_a_guest_must_give_a_name_and_an_email(topic, always_open, english):
    with pytest.raises(ConversationRefused, match="name and email"):
        conversations.open_conversation(topic=topic, body="Vraag", guest_name="Gert")
    assert not Conversation.objects.exists()


def test_an_empty_message_is_refused(alice, topic, always_open, english):
    conversation = start(alice, topic)
    with pytest.raises(ConversationRefused, match="Write a message"):
        conversations.post_message(conversation, body="   ", author=alice)
    assert conversation.messages.count() == 1


def test_staff_answer_only_after_taking_the_conversation(alice, carla, topic, always_open, english):
    conversation = start(alice, topic)
    with pytest.raises(ConversationRefused, match="Take the conversation"):
        conversations.post_message(conversation, body="Goeiedag", author=carla, by_staff=True)
    conversations.take(conversation, carla)
    message = conversations.post_message(conversation, body="Goeiedag", author=carla, by_staff=True)
    assert message.by_staff and message.author == carla


def test_a_colleague_cannot_answer_a_conversation_someone_else_took(alice, carla, dirk, topic, always_open, english):
    conversation = start(alice, topic)
    conversations.take(conversation, carla)
    with pytest.raises(ConversationRefused, match="Carla .* answers this conversation"):
        conversations.post_message(conversation, body="Ik ook", author=dirk, by_staff=True)


def test_taking_records_who_and_when(alice, carla, topic, always_open):
    conversation = conversations.take(start(alice, topic), carla)
    assert conversation.status == Status.ACTIVE and conversation.assigned_to == carla and conversation.taken_at
    event = conversation.events.get(action=Action.TAKEN)
    assert (event.actor, event.from_status, event.to_status, event.assigned_to) == (carla, "waiting", "active", carla)


def test_the_second_staff_member_to_take_is_told_who_was_first(alice, carla, dirk, topic, always_open, english):
    conversation = start(alice, topic)
    conversations.take(conversation, carla)
    with pytest.raises(ConversationRefused, match="Carla .* took this conversation already"):
        conversations.take(conversation, dirk)
    assert ConversationEvent.objects.filter(action=Action.TAKEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_members_taking_at_the_same_moment_leave_one_winner(alice, carla, dirk, topic, always_open):
    conversation = start(alice, topic)
    barrier = threading.Barrier(2)
    outcome = {}

    def attempt(user):
        try:
            barrier.wait()
            conversations.take(conversation, user)
            outcome[user.first_name] = "took"
        except ConversationRefused:
            outcome[user.first_name] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in (carla, dirk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome.values()) == ["refused", "took"]
    winner = carla if outcome["Carla"] == "took" else dirk
    assert Conversation.objects.get().assigned_to == winner
    assert ConversationEvent.objects.filter(action=Action.TAKEN).count() == 1


def test_handing_over_passes_the_conversation_to_a_colleague(alice, carla, dirk, topic, always_open):
    conversation = conversations.take(start(alice, topic), carla)
    conversations.hand_over(conversation, carla, dirk, note="Hij kent dit dossier")
    conversation.refresh_from_db()
    assert conversation.assigned_to == dirk and conversation.status == Status.ACTIVE
    event = conversation.events.get(action=Action.HANDED_OVER)
    assert event.actor == carla and event.assigned_to == dirk and "Hij kent dit dossier" in event.note


def test_only_the_one_who_answers_hands_over_and_only_to_answering_staff(alice, carla, dirk, erik, topic, always_open,
                                                                        english):
    conversation = conversations.take(start(alice, topic), carla)
    with pytest.raises(ConversationRefused, match="Only the staff member who answers"):
        conversations.hand_over(conversation, dirk, carla)
    with pytest.raises(ConversationRefused, match="colleague who answers chats"):
        conversations.hand_over(conversation, carla, erik)  # enforcement does not answer chats
    with pytest.raises(ConversationRefused, match="colleague who answers chats"):
        conversations.hand_over(conversation, carla, alice)


def test_closing_ends_the_conversation_and_nobody_posts_after(alice, carla, topic, always_open, english):
    conversation = conversations.take(start(alice, topic), carla)
    conversations.close(conversation, user=alice)
    conversation.refresh_from_db()
    assert conversation.status == Status.CLOSED and conversation.closed_at
    assert conversation.events.get(action=Action.CLOSED).from_status == Status.ACTIVE
    with pytest.raises(ConversationRefused, match="closed"):
        conversations.post_message(conversation, body="Nog iets", author=alice)
    with pytest.raises(ConversationRefused, match="closed already"):
        conversations.close(conversation, user=carla)


def test_the_transcript_is_emailed_once_with_every_message(alice, carla, topic, always_open, django_capture_on_commit_callbacks):
    conversation = start(alice, topic, body="Mijn vraag")
    conversations.take(conversation, carla)
    conversations.post_message(conversation, body="Mijn antwoord", author=carla, by_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.close(conversation, user=alice, transcript=True)
    assert not conversations.send_transcript(conversation)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [alice.email]
    assert "Mijn vraag" in email.body and "Mijn antwoord" in email.body and "Carla" in email.body


def test_a_transcript_is_only_for_a_closed_conversation(alice, topic, always_open):
    conversation = start(alice, topic)
    assert not conversations.send_transcript(conversation)
    assert not OutboundMessage.objects.exists()


def test_an_answer_to_a_message_left_outside_hours_is_emailed_with_a_link(alice, carla, topic, never_open,
                                                                         django_capture_on_commit_callbacks):
    conversation = start(alice, topic)
    conversations.take(conversation, carla)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.post_message(conversation, body="U kunt dat online aanvragen.", author=carla, by_staff=True)
    assert len(mail.outbox) == 1
    assert "U kunt dat online aanvragen." in mail.outbox[0].body
    assert f"/chat/{conversation.pk}/" in mail.outbox[0].body


def test_live_answers_are_not_emailed(alice, carla, topic, always_open):
    conversation = conversations.take(start(alice, topic), carla)
    conversations.post_message(conversation, body="Live antwoord", author=carla, by_staff=True)
    assert not OutboundMessage.objects.exists()


def test_posting_keeps_the_last_activity(alice, topic, always_open):
    conversation = start(alice, topic)
    later = conversation.created + datetime.timedelta(minutes=3)
    conversations.post_message(conversation, body="En nog dit", author=alice, now=later)
    conversation.refresh_from_db()
    assert conversation.last_activity == later
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_history_rows_are_append_only(alice, topic, always_open):
    event = start(alice, topic).events.get()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()
