"""Redis pub/sub between the processes: a message or a status change is published after its transaction commits, and
each open event stream (live.py) listens on its conversation's channel, or the staff queue's.

Redis channels are shared by every database number of a server, so each name carries the database of REDIS_URL and
the cache prefix: two sites (or two test runs) on one Redis never hear each other. Without REDIS_URL (the laptop demo)
nothing is published and the pages poll instead. A failed publish is logged, never raised: the message is stored and
the other side's polling or reload shows it.
"""

import json
import logging
from collections.abc import AsyncIterator
from functools import cache
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def _namespace() -> str:
    database = (urlparse(settings.REDIS_URL).path or "/0").strip("/") or "0"
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "") or "eloket"
    return f"{prefix}:{database}:chat"


def conversation_channel(conversation_id: int) -> str:
    return f"{_namespace()}:conversation:{conversation_id}"


def queue_channel() -> str:
    return f"{_namespace()}:queue"


@cache
def _client(url: str):
    import redis

    # Short timeouts: a Redis that is down must not hold up the request that saved the message.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _publish(channel: str, payload: dict) -> None:
    try:
        _client(settings.REDIS_URL).publish(channel, json.dumps(payload))
    except Exception as error:  # redis raises its own and OS errors; the stored message is what counts
        logger.warning("A chat event was not published: %s", type(error).__name__)


def publish(channel: str, payload: dict) -> None:
    """Publish once the surrounding transaction commits (at once outside one)."""
    if enabled():
        transaction.on_commit(lambda: _publish(channel, payload), robust=True)


def message_posted(message_view) -> None:
    publish(conversation_channel(message_view.conversation_id), {"type": "message", "message": message_view.to_json()})


def status_changed(conversation_id: int) -> None:
    publish(conversation_channel(conversation_id), {"type": "status"})


def queue_changed() -> None:
    publish(queue_channel(), {"type": "queue"})


async def listen(channels: list[str], heartbeat: float) -> AsyncIterator[dict | None]:
    """Yield {"type": "subscribed"} once listening, then each payload published on the channels, or None after
    `heartbeat` seconds of silence.

    One Redis connection per listener: it is unsubscribed and closed in `finally`, also when the consumer goes away
    (the task is cancelled, or the generator is closed).
    """
    from redis import asyncio as aioredis

    client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(*channels)
        yield {"type": "subscribed"}
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=heartbeat)
            if message is None:
                yield None
                continue
            try:
                yield json.loads(message["data"])
            except (TypeError, ValueError):
                logger.warning("A chat event that is not JSON was ignored")
    finally:
        try:
            if pubsub.connection is not None:
                await pubsub.unsubscribe()
        finally:
            await pubsub.aclose()
            await client.aclose()
