"""The chat in the admin: the city edits topics, office hours and saved answers; a conversation is a read-only record."""

import pytest
from django.urls import reverse

from chat import conversations
from chat.models import OfficeHours

from .helpers import start

pytestmark = pytest.mark.django_db


def test_the_city_admin_keeps_topics_office_hours_and_saved_answers(client, ida):
    client.force_login(ida)
    for name in ("topic", "officehours", "savedanswer"):
        assert client.get(reverse(f"admin:chat_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:chat_{name}_add")).status_code == 200


def test_office_hours_must_close_after_they_open(client, ida, english):
    client.force_login(ida)
    response = client.post(reverse("admin:chat_officehours_add"), {"weekday": 0, "opens": "12:00", "closes": "09:00"})
    assert "The closing time must be after the opening time." in response.content.decode()
    assert not OfficeHours.objects.exists()


def test_counter_staff_keep_saved_answers_but_not_topics(client, carla):
    client.force_login(carla)
    assert client.get(reverse("admin:chat_savedanswer_add")).status_code == 200
    assert client.get(reverse("admin:chat_topic_add")).status_code == 403


def test_a_conversation_is_a_read_only_record_with_its_messages_and_history(client, carla, alice, topic, always_open,
                                                                          english):
    conversation = conversations.take(start(alice, topic, body="Mijn vraag"), carla)
    conversations.post_message(conversation, body="Mijn antwoord", author=carla, by_staff=True)
    client.force_login(carla)
    response = client.get(reverse("admin:chat_conversation_change", args=[conversation.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Mijn vraag" in text and "Mijn antwoord" in text and "Taken" in text
    assert reverse("admin:chat_console_conversation", args=[conversation.pk]) in text
    assert 'name="_save"' not in text
    assert client.post(reverse("admin:chat_conversation_delete", args=[conversation.pk])).status_code == 403
