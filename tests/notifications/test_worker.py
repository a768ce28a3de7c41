"""With a real Celery worker: a message enqueued more than once is sent exactly once."""

import time

from django.core import mail

from eloket.notifications import dispatch, notify, tasks
from eloket.notifications.models import MessageStatus, OutboundMessage


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_duplicate_enqueue_sends_the_email_once(celery_worker, alice, request_context, monkeypatch):
    claims = []
    real_claim = dispatch._claim

    def counting_claim(message_id):
        claimed = real_claim(message_id)
        claims.append(claimed)
        return claimed

    monkeypatch.setattr(dispatch, "_claim", counting_claim)

    [message] = notify(alice, template="payments/request_created", context=request_context)  # enqueued on commit
    tasks.send_message.delay(message.pk)  # a duplicate, as after a redelivery or a beat run
    tasks.send_message.delay(message.pk)

    assert wait_for(lambda: len(claims) == 3), f"the worker handled {len(claims)} of 3 tasks"
    assert OutboundMessage.objects.get(pk=message.pk).status == MessageStatus.SENT
    assert len([claim for claim in claims if claim]) == 1
    assert [email.to for email in mail.outbox] == [["alice@example.org"]]
