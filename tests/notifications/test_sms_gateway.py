"""The http SMS backend against a gateway on localhost: bearer token, JSON, retried when it fails."""

import pytest
from celery.exceptions import Retry

from eloket.notifications import dispatch, notify, tasks
from eloket.notifications.models import MessageStatus

from .gateway import FakeGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    def start(*statuses):
        fake = FakeGateway(statuses or (202,))
        settings.SMS_BACKEND = "http"
        settings.SMS_GATEWAY_URL = fake.url
        settings.SMS_GATEWAY_TOKEN = "s3cret-token"
        settings.SMS_SENDER = "Genk"
        return fake

    return start


def test_the_gateway_gets_json_with_a_bearer_token(gateway, request_context, django_capture_on_commit_callbacks):
    with gateway(202) as fake, django_capture_on_commit_callbacks(execute=True):
        [message] = notify(template="payments/request_created", context=request_context, phone="+32470123456",
                           language="nl", channels=["sms"])

    [call] = fake.requests
    assert call["headers"]["Authorization"] == "Bearer s3cret-token"
    assert call["headers"]["Content-Type"] == "application/json"
    assert call["json"] == {"to": "+32470123456", "from": "Genk", "text": message.body_text}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_gateway_error_is_retried_and_then_sent(gateway, request_context, django_capture_on_commit_callbacks):
    with gateway(500, 202) as fake:
        with django_capture_on_commit_callbacks(execute=True):  # the first try fails and asks to be retried
            [message] = notify(template="payments/request_created", context=request_context, phone="+32470123456",
                               language="nl", channels=["sms"])
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED and message.attempts == 1
        assert "500" in message.last_error and message.next_attempt_at

        tasks.send_message.apply(args=[message.pk], retries=1)  # the retry Celery scheduled

    assert len(fake.requests) == 2
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2 and message.last_error == ""


def test_a_message_the_gateway_keeps_refusing_ends_failed(gateway, request_context):
    with gateway(503) as fake:
        [message] = notify(template="payments/request_created", context=request_context, phone="+32470123456",
                           language="nl", channels=["sms"])
        for attempt in range(dispatch.MAX_ATTEMPTS - 1):
            with pytest.raises(Retry):
                tasks.send_message.apply(args=[message.pk], retries=attempt)
        assert tasks.send_message.apply(args=[message.pk], retries=dispatch.MAX_ATTEMPTS - 1).get() is False

    assert len(fake.requests) == dispatch.MAX_ATTEMPTS
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == dispatch.MAX_ATTEMPTS
    assert "503" in message.last_error
    assert "s3cret-token" not in message.last_error
