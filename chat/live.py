"""Server-Sent Events: the async views that push new messages (and status and queue changes) to open pages.

Each stream checks access once, gives its database connection back (a stream lives for minutes), then listens on its
Redis channel with one connection (stream.listen) and sends each message as the HTML the page inserts, rendered for
this viewer and language. A comment every CHAT_HEARTBEAT_SECONDS keeps proxies from closing an idle stream; after
CHAT_STREAM_SECONDS the stream ends and the browser reconnects (and catches up), so no stream lives forever. When the
client goes away the task is cancelled and the Redis subscription is closed in stream.listen's `finally`.

The page falls back to polling when a stream cannot be had: without Redis, under a WSGI server (which cannot stream an
async response), or when Redis fails.
"""

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language
from redis.exceptions import RedisError

from . import access, stream
from .display import CITIZEN, STAFF, MessageView, Viewer, render_message
from .models import Conversation

logger = logging.getLogger(__name__)

# Milliseconds the browser waits before it reconnects a stream that ended.
RETRY_MS = 2000


def _give_back_connection() -> None:
    # Under a test's transaction the connection must stay; in a server the stream must not hold it for minutes.
    if not connection.in_atomic_block:
        connection.close()


def _sse(event: str, data: str) -> str:
    lines = [line for line in data.splitlines() if line.strip()] or [""]
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def _chunk(payload: dict, viewer: Viewer, language: str) -> str | None:
    kind = payload.get("type")
    if kind == "message":
        return _sse("message", render_message(MessageView.from_json(payload["message"]), viewer, language))
    if kind in ("status", "queue"):
        return _sse(kind, "changed")
    return None


async def _events(channels: list[str], viewer: Viewer, language: str):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.CHAT_STREAM_SECONDS
    try:
        async with contextlib.aclosing(stream.listen(channels, settings.CHAT_HEARTBEAT_SECONDS)) as events:
            async for payload in events:
                if payload is None:
                    yield ": heartbeat\n\n"
                elif payload.get("type") == "subscribed":
                    yield f"retry: {RETRY_MS}\n: listening\n\n"
                else:
                    chunk = _chunk(payload, viewer, language)
                    if chunk:
                        yield chunk
                if loop.time() >= deadline:
                    return
    except (RedisError, OSError) as error:
        # The page switches to polling on this event.
        logger.warning("A chat event stream could not listen: %s", type(error).__name__)
        yield _sse("unavailable", "poll")


def event_response(request, channels: list[str], viewer: Viewer):
    """The stream, or 204 where none can be had (no Redis, or a WSGI server): the page then polls."""
    if not stream.enabled() or not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)
    response = StreamingHttpResponse(_events(channels, viewer, get_language()), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx and similar proxies pass each event at once
    return response


def _citizen_conversation_id(request, pk: int) -> int:
    try:
        return access.visible_conversation(request, pk).pk
    finally:
        _give_back_connection()


async def conversation_events(request, pk: int):
    """The citizen's (or guest's) stream of one conversation; 404 for anybody else."""
    conversation_id = await sync_to_async(_citizen_conversation_id)(request, pk)
    return event_response(request, [stream.conversation_channel(conversation_id)], Viewer(CITIZEN))


def _answering_user_id(request) -> int:
    try:
        if not access.may_answer(request.user):
            raise PermissionDenied
        return request.user.pk
    finally:
        _give_back_connection()


def _staff_conversation_id(request, pk: int) -> tuple[int, int]:
    try:
        if not access.may_answer(request.user):
            raise PermissionDenied
        if not Conversation.objects.filter(pk=pk).exists():
            raise Http404
        return request.user.pk, pk
    finally:
        _give_back_connection()


async def console_conversation_events(request, pk: int):
    """A staff member's stream of one conversation (the console page)."""
    user_id, conversation_id = await sync_to_async(_staff_conversation_id)(request, pk)
    return event_response(request, [stream.conversation_channel(conversation_id)], Viewer(STAFF, user_id))


async def console_queue_events(request):
    """The console's queue: an event whenever a conversation starts, is taken, handed over or closed."""
    user_id = await sync_to_async(_answering_user_id)(request)
    return event_response(request, [stream.queue_channel()], Viewer(STAFF, user_id))
