"""The wait alert: a live conversation nobody took within the configured minutes alerts the team by email, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from chat import alerts, conversations
from chat.models import Conversation
from chat.tasks import send_wait_alerts
from eloket.notifications.models import OutboundMessage

from .helpers import start

pytestmark = pytest.mark.django_db


def waited(conversation, minutes):
    Conversation.objects.filter(pk=conversation.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_conversation_waiting_too_long_alerts_staff_who_answer_once(alice, carla, dirk, erik, ida, topic, always_open,
                                                                      settings, english,
                                                                      django_capture_on_commit_callbacks):
    settings.CHAT_WAIT_ALERT_MINUTES = 5
    conversation = start(alice, topic)
    waited(conversation, 6)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_wait_alerts.delay().get() == 1
        assert send_wait_alerts.delay().get() == 0
    assert sorted(message.to[0] for message in mail.outbox) == [carla.email, dirk.email]
    assert "wacht al 6 minuten" in mail.outbox[0].subject
    assert f"/admin/chat/conversation/console/{conversation.pk}/" in mail.outbox[0].body
    assert Conversation.objects.get().alerted_at is not None


def test_no_alert_before_the_time_nor_for_taken_or_left_messages(alice, carla, topic, always_open, settings):
    settings.CHAT_WAIT_ALERT_MINUTES = 10
    fresh = start(alice, topic)
    waited(fresh, 9)
    taken = start(alice, topic)
    waited(taken, 30)
    conversations.take(taken, carla)
    message = start(alice, topic)
    Conversation.objects.filter(pk=message.pk).update(mode="message")
    waited(message, 60)
    assert alerts.send_wait_alerts() == 0
    assert not OutboundMessage.objects.exists()


def test_the_alert_time_comes_from_the_settings(alice, carla, topic, always_open, settings):
    conversation = start(alice, topic)
    waited(conversation, 2)
    settings.CHAT_WAIT_ALERT_MINUTES = 1
    assert alerts.send_wait_alerts() == 1


def test_the_beat_schedule_runs_the_alert_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["chat-wait-alerts"]
    assert entry == {"task": "chat.send_wait_alerts", "schedule": 60.0}
