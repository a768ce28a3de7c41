"""The event stream under ASGI: it delivers to every listener, sends heartbeats, and leaves no Redis subscription
behind when the listeners go away. Each stream costs one Redis connection (see chat/stream.py)."""

import asyncio

import pytest
import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from chat import conversations, stream

from .asgi import Stream
from .helpers import start

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_of(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def closing(function):
    """Run ORM work in a worker thread (as an async caller must) and give its connection back afterwards."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return sync_to_async(run)


def subscribers(channel: str) -> int:
    return dict(redis.Redis.from_url(settings.REDIS_URL).pubsub_numsub(channel))[channel.encode()]


@pytest.fixture
def alices(alice, topic, always_open):
    return start(alice, topic)


def test_a_message_reaches_two_listeners_and_no_subscription_is_left_behind(alice, carla, alices):
    path = reverse("chat:events", args=[alices.pk])
    channel = stream.conversation_channel(alices.pk)
    conversations.take(alices, carla)
    cookie = cookie_of(alice)

    async def scenario():
        first, second = Stream(path, cookie), Stream(path, cookie)
        assert await first.open() == 200 and await second.open() == 200
        assert first.headers["content-type"].startswith("text/event-stream")
        assert first.headers["x-accel-buffering"] == "no"
        await first.read_until(": listening")
        await second.read_until(": listening")
        assert await sync_to_async(subscribers)(channel) == 2
        await closing(conversations.post_message)(alices, body="Goeiedag Alice", author=carla, by_staff=True)
        for listener in (first, second):
            text = await listener.read_until("Goeiedag Alice")
            assert "event: message\n" in text and 'data-message-id="' in text
        await first.disconnect()
        await second.disconnect()
        for _attempt in range(50):
            if await sync_to_async(subscribers)(channel) == 0:
                break
            await asyncio.sleep(0.05)
        assert await sync_to_async(subscribers)(channel) == 0

    asyncio.run(scenario())


def test_the_citizen_sees_a_staff_answer_in_her_language_with_the_staff_members_name(alice, carla, alices):
    path = "/en" + reverse("chat:events", args=[alices.pk])
    conversations.take(alices, carla)
    cookie = cookie_of(alice)

    async def scenario():
        listener = Stream(path, cookie)
        await listener.open()
        await listener.read_until(": listening")
        await closing(conversations.post_message)(alices, body="Hello", author=carla, by_staff=True)
        text = await listener.read_until("Hello")
        assert "Carla, city staff" in text
        await closing(conversations.post_message)(alices, body="Thanks", author=alice)
        text = await listener.read_until("Thanks")
        assert ">You<" in text
        await listener.disconnect()

    asyncio.run(scenario())


def test_a_status_change_is_announced_to_the_conversation(alice, carla, alices):
    path = reverse("chat:events", args=[alices.pk])
    cookie = cookie_of(alice)

    async def scenario():
        listener = Stream(path, cookie)
        await listener.open()
        await listener.read_until(": listening")
        await closing(conversations.take)(alices, carla)
        assert "event: status\ndata: changed\n\n" in await listener.read_until("event: status")
        await listener.disconnect()

    asyncio.run(scenario())


def test_a_quiet_stream_sends_heartbeats(alice, alices, settings):
    settings.CHAT_HEARTBEAT_SECONDS = 0.1
    cookie = cookie_of(alice)

    async def scenario():
        listener = Stream(reverse("chat:events", args=[alices.pk]), cookie)
        await listener.open()
        text = await listener.read_until(": heartbeat\n\n: heartbeat\n\n")
        assert text.startswith("retry: ")
        await listener.disconnect()

    asyncio.run(scenario())


def test_a_stream_ends_after_its_lifetime_and_unsubscribes(alice, alices, settings):
    settings.CHAT_HEARTBEAT_SECONDS = 0.1
    settings.CHAT_STREAM_SECONDS = 0.3
    cookie = cookie_of(alice)
    channel = stream.conversation_channel(alices.pk)

    async def scenario():
        listener = Stream(reverse("chat:events", args=[alices.pk]), cookie)
        await listener.open()
        await listener.read_until("heartbeat")
        while not listener.ended:
            message = await listener.communicator.receive_output(3)
            listener.ended = message["type"] == "http.response.body" and not message.get("more_body", False)
        await listener.communicator.wait(3)

    asyncio.run(scenario())
    assert subscribers(channel) == 0


def test_the_staff_queue_hears_a_new_conversation(carla, topic, alice, always_open):
    cookie = cookie_of(carla)
    channel = stream.queue_channel()

    async def scenario():
        listener = Stream(reverse("admin:chat_console_events"), cookie)
        assert await listener.open() == 200
        await listener.read_until(": listening")
        await closing(start)(alice, topic)
        assert "event: queue\n" in await listener.read_until("event: queue")
        await listener.disconnect()

    asyncio.run(scenario())
    assert subscribers(channel) == 0


def test_staff_see_their_own_answers_as_theirs_in_the_console_stream(alice, carla, alices):
    conversations.take(alices, carla)
    cookie = cookie_of(carla)

    async def scenario():
        listener = Stream(reverse("admin:chat_console_conversation_events", args=[alices.pk]), cookie)
        assert await listener.open() == 200
        await listener.read_until(": listening")
        await closing(conversations.post_message)(alices, body="Van Carla", author=carla, by_staff=True)
        text = await listener.read_until("Van Carla")
        assert "chat-message--mine" in text and f"/chat/conversation/console/{alices.pk}/attachments/" not in text
        await listener.disconnect()

    asyncio.run(scenario())


@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_nobody_else_can_listen_to_alices_conversation(request, who, alices):
    cookie = cookie_of(request.getfixturevalue("bob")) if who == "bob" else ""

    async def scenario():
        listener = Stream(reverse("chat:events", args=[alices.pk]), cookie)
        assert await listener.open() == 404
        await listener.communicator.wait(3)

    asyncio.run(scenario())
    assert subscribers(stream.conversation_channel(alices.pk)) == 0


def test_staff_without_the_chat_permission_cannot_listen(erik, alices):
    cookie = cookie_of(erik)

    async def scenario():
        for path in (reverse("admin:chat_console_events"),
                     reverse("admin:chat_console_conversation_events", args=[alices.pk])):
            listener = Stream(path, cookie)
            assert await listener.open() == 403
            await listener.communicator.wait(3)

    asyncio.run(scenario())


def test_when_redis_cannot_be_reached_the_stream_says_so_and_the_page_polls(alice, alices, settings):
    cookie = cookie_of(alice)
    settings.REDIS_URL = "redis://127.0.0.1:1/6"

    async def scenario():
        listener = Stream(reverse("chat:events", args=[alices.pk]), cookie)
        assert await listener.open() == 200
        assert "event: unavailable" in await listener.read_until("event: unavailable")
        await listener.communicator.wait(5)

    asyncio.run(scenario())


def test_a_server_that_cannot_stream_answers_no_content_and_the_page_polls(client, alice, alices):
    client.force_login(alice)
    assert client.get(reverse("chat:events", args=[alices.pk])).status_code == 204
