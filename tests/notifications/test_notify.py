"""notify(): one row per channel in the caller's transaction, sent after commit, in the recipient's language."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from eloket.notifications import notify, sms, tasks
from eloket.notifications.dispatch import deliver
from eloket.notifications.models import Channel, MessageStatus, OutboundMessage

pytestmark = pytest.mark.django_db

TEMPLATE = "payments/request_created"


def test_an_email_goes_out_in_the_recipients_language_with_text_and_html(alice, request_context,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(alice, template=TEMPLATE, context=request_context)

    message.refresh_from_db()
    assert message.language == "nl" and message.channel == Channel.EMAIL
    assert message.status == MessageStatus.SENT and message.attempts == 1 and message.sent_at
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "15 maart 2031" in email.body and "1.234,50" in email.body  # Dutch dates and numbers
    assert email.subject == message.subject and "1.234,50" in email.subject
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html" and '<html lang="nl">' in html
    assert request_context["pay_url"] in email.body and request_context["pay_url"] in html


def test_a_citizen_who_prefers_english_gets_english(bob, request_context, django_capture_on_commit_callbacks):
    bob.preferred_language = "en"
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(bob, template=TEMPLATE, context=request_context)

    assert message.language == "en"
    [email] = mail.outbox
    assert email.subject == "Please pay € 1,234.50 to the city"
    assert "Pay before: March 15, 2031" in email.body
    assert "Dear Bob," in email.body


def test_text_parts_are_not_html_escaped_but_the_html_part_is(alice, request_context, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(alice, template=TEMPLATE, context=request_context)
    assert "Fish & chips permit" in message.body_text
    assert "Fish &amp; chips permit" in message.body_html


def test_nothing_is_sent_before_the_callers_transaction_commits(alice, request_context,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [message] = notify(alice, template=TEMPLATE, context=request_context, related=alice)
    assert len(callbacks) == 1
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.related == alice


def test_an_sms_goes_to_the_number_in_international_form(alice, request_context, sms_outbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(template=TEMPLATE, context=request_context, phone="0470 12 34 56", language="en",
                           channels=[Channel.SMS])

    [sent] = sms_outbox
    assert sent.to == "+32470123456" and message.recipient == "+32470123456"
    assert sent.sender == "eloket"
    assert sent.text == "eloket: please pay € 1,234.50 before 15/03/2031. Pay online: http://127.0.0.1:8000/betalen/verzoek/7/"
    assert message.subject == "" and message.body_html == ""


def test_both_channels_make_two_messages(alice, request_context, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        messages = notify(alice, template=TEMPLATE, context=request_context, channels=("email", "sms"))

    assert {message.channel for message in messages} == {"email", "sms"}
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1
    assert sms_outbox[0].to == alice.phone


def test_a_channel_without_an_address_is_skipped(alice, request_context, sms_outbox, django_capture_on_commit_callbacks):
    alice.phone = ""
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        messages = notify(alice, template=TEMPLATE, context=request_context, channels=("email", "sms"))
    assert [message.channel for message in messages] == ["email"]
    assert sms_outbox == []


def test_an_explicit_number_that_is_no_phone_number_is_refused(request_context):
    with pytest.raises(ValueError):
        notify(template=TEMPLATE, context=request_context, phone="call me", channels=["sms"])
    with pytest.raises(ValueError):
        notify(template=TEMPLATE, context=request_context, email="x@example.org", channels=["pigeon"])
    assert not OutboundMessage.objects.exists()


def test_a_message_is_sent_once_however_often_it_is_delivered(alice, request_context,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(alice, template=TEMPLATE, context=request_context)
    assert deliver(message.pk) is False
    assert tasks.send_message.delay(message.pk).get() is False
    assert len(mail.outbox) == 1


def test_a_message_another_worker_is_sending_is_left_alone(alice, request_context):
    [message] = notify(alice, template=TEMPLATE, context=request_context)
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now())
    assert deliver(message.pk) is False
    assert mail.outbox == []


def test_the_claim_of_a_worker_that_died_goes_stale_and_is_taken_over(alice, request_context):
    [message] = notify(alice, template=TEMPLATE, context=request_context)
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=30))
    assert deliver(message.pk) is True
    assert len(mail.outbox) == 1


def test_send_pending_picks_up_messages_whose_task_was_lost(alice, bob, request_context):
    [lost] = notify(alice, template=TEMPLATE, context=request_context)  # on_commit never runs in this test
    [young] = notify(bob, template=TEMPLATE, context=request_context)
    [waiting] = notify(bob, template=TEMPLATE, context=request_context)
    a_while_ago = timezone.now() - datetime.timedelta(minutes=2)
    OutboundMessage.objects.filter(pk__in=[lost.pk, waiting.pk]).update(created=a_while_ago)
    OutboundMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))

    assert tasks.send_pending.delay().get() == 1

    assert OutboundMessage.objects.get(pk=lost.pk).status == MessageStatus.SENT
    assert OutboundMessage.objects.get(pk=young.pk).status == MessageStatus.QUEUED
    assert OutboundMessage.objects.get(pk=waiting.pk).status == MessageStatus.QUEUED
    assert [email.to for email in mail.outbox] == [["alice@example.org"]]


def test_the_console_backend_never_prints_the_full_number(settings, capsys):
    settings.SMS_BACKEND = "console"
    sms.send_sms("+32470123456", "Hello")
    printed = capsys.readouterr().out
    assert "+32470123456" not in printed and "*********456" in printed and "Hello" in printed
