import pytest
from django.urls import reverse

from eloket.notifications import notify
from eloket.notifications.models import MessageStatus, OutboundMessage

pytestmark = pytest.mark.django_db

LIST = "admin:notifications_outboundmessage_changelist"


@pytest.mark.parametrize("persona", ["carla", "ida"])
def test_staff_see_the_outgoing_messages(client, alice, request_context, persona, request):
    notify(alice, template="payments/request_created", context=request_context)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(LIST), {"channel": "email", "status": "queued", "language": "nl", "q": "alice@"})
    assert response.status_code == 200
    assert "alice@example.org" in response.content.decode()


def test_a_citizen_is_refused_the_messages_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse(LIST))
    assert response.status_code == 302 and "login" in response["Location"]


def test_counter_staff_send_a_failed_message_again(client, alice, carla, request_context,
                                                   django_capture_on_commit_callbacks):
    from django.core import mail

    [failed] = notify(alice, template="payments/request_created", context=request_context)
    [sent] = notify(alice, template="payments/request_created", context=request_context)
    OutboundMessage.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED, attempts=6, last_error="timeout")
    OutboundMessage.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, attempts=1)

    client.force_login(carla)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(LIST), {"action": "send_again", "_selected_action": [failed.pk, sent.pk]})

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT and failed.attempts == 1
    assert len(mail.outbox) == 1


def test_the_city_administrator_may_look_but_not_send_again(client, alice, ida, request_context):
    notify(alice, template="payments/request_created", context=request_context)
    client.force_login(ida)
    page = client.get(reverse(LIST)).content.decode()
    assert "send_again" not in page
