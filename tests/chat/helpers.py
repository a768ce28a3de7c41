"""Steps the chat tests share: start a conversation as alice or a guest, and the guest's session in a test client."""

from django.urls import reverse

from chat import access
from chat.conversations import open_conversation


def start(user, topic, body="Hoe vraag ik een bewonerskaart aan?", **kwargs):
    conversation, _token = open_conversation(topic=topic, body=body, user=user, **kwargs)
    return conversation


def start_as_guest(client, topic, body="Mag ik hier parkeren?", name="Gert Gast", email="gert@example.org"):
    """A guest starts through the page, so the token lands in this client's session."""
    response = client.post(reverse("chat:start"), {"topic": topic.pk, "guest_name": name, "guest_email": email,
                                                   "body": body})
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    from chat.models import Conversation

    return Conversation.objects.get(pk=pk)


def guest_token(client, conversation) -> str:
    return client.session[access.SESSION_KEY][str(conversation.pk)]
