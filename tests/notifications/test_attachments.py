"""Files sent with an email (an .ics invitation): stored with the message, sent with it, again on a retry."""

import pytest
from django.core import mail
from django.urls import reverse

from eloket.notifications import notify
from eloket.notifications.dispatch import deliver
from eloket.notifications.models import MessageStatus, OutboundAttachment, OutboundMessage

pytestmark = pytest.mark.django_db

TEMPLATE = "payments/request_created"
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_an_attachment_is_stored_with_the_email_and_sent_with_it(alice, request_context,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(alice, template=TEMPLATE, context=request_context,
                           attachments=[("afspraak.ics", ICS, "text/calendar; method=REQUEST"),
                                        ("bijlage.bin", b"\x00\xff", "application/octet-stream")])

    assert [a.filename for a in message.attachments.all()] == ["afspraak.ics", "bijlage.bin"]
    [email] = mail.outbox
    assert [(name, mimetype) for name, _content, mimetype in email.attachments] == [
        ("afspraak.ics", "text/calendar; method=REQUEST"), ("bijlage.bin", "application/octet-stream")]
    assert email.attachments[0][1] == ICS and email.attachments[1][1] == b"\x00\xff"
    [part] = [part for part in email.message().walk() if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST" and part.get_filename() == "afspraak.ics"


def test_an_sms_carries_no_attachment(alice, request_context, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        messages = notify(alice, template=TEMPLATE, context=request_context, channels=("email", "sms"),
                          attachments=[("afspraak.ics", ICS, "text/calendar")])
    by_channel = {message.channel: message for message in messages}
    assert by_channel["email"].attachments.count() == 1
    assert by_channel["sms"].attachments.count() == 0
    assert len(sms_outbox) == 1 and len(mail.outbox[0].attachments) == 1


def test_a_retry_sends_the_same_file(alice, request_context):
    [message] = notify(alice, template=TEMPLATE, context=request_context,
                       attachments=[("afspraak.ics", ICS, "text/calendar")])
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.QUEUED)
    assert deliver(message.pk) is True
    assert mail.outbox[0].attachments[0][1] == ICS


def test_a_message_without_attachments_sends_none(alice, request_context):
    [message] = notify(alice, template=TEMPLATE, context=request_context)
    deliver(message.pk)
    assert mail.outbox[0].attachments == []
    assert not OutboundAttachment.objects.exists()


def test_staff_see_the_attachment_names(client, alice, carla, request_context):
    [message] = notify(alice, template=TEMPLATE, context=request_context,
                       attachments=[("afspraak.ics", ICS, "text/calendar")])
    client.force_login(carla)
    page = client.get(reverse("admin:notifications_outboundmessage_change", args=[message.pk])).content.decode()
    assert "afspraak.ics" in page
