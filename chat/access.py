"""Who may see a conversation: the citizen whose it is, a guest holding its token in their session, staff who answer.

A guest's token is random and kept only in their session; the database keeps its sha256. The email to a guest carries a
signed link instead (django.core.signing, valid CHAT_GUEST_LINK_DAYS): opening it gives this browser a fresh token and
redirects to the conversation's clean address, so no token stays in a URL. The freshest link wins: an older guest
session loses access. Anybody else gets a 404, whatever the method.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from .models import ANSWER_PERMISSION, Conversation

SESSION_KEY = "chat_guest"
# A browser keeps the access of its last few guest conversations.
REMEMBERED = 10
LINK_SALT = "chat.guest-link"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh guest token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def remember_guest(request, conversation: Conversation, token: str) -> None:
    held = {key: value for key, value in request.session.get(SESSION_KEY, {}).items() if key != str(conversation.pk)}
    request.session[SESSION_KEY] = dict(list({str(conversation.pk): token, **held}.items())[:REMEMBERED])


def _guest_tokens(request) -> dict[int, str]:
    held = request.session.get(SESSION_KEY, {}) if hasattr(request, "session") else {}
    return {int(key): value for key, value in held.items() if str(key).isdigit() and isinstance(value, str)}


def visible_conversations(request):
    """The conversations this request may see as a citizen or guest, as a queryset."""
    allowed = Q(pk__in=[])
    for pk, token in _guest_tokens(request).items():
        allowed |= Q(pk=pk, citizen__isnull=True, guest_token_hash=token_hash(token))
    if request.user.is_authenticated:
        allowed |= Q(citizen=request.user)
    return Conversation.objects.filter(allowed)


def visible_conversation(request, pk: int) -> Conversation:
    conversation = visible_conversations(request).select_related("topic", "assigned_to", "citizen").filter(pk=pk).first()
    if conversation is None:
        raise Http404
    return conversation


def may_answer(user) -> bool:
    """Staff who answer chats: active staff with the chat permission (the counter role has it)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(ANSWER_PERMISSION))


def answering_staff():
    """Every active staff member holding the chat permission through a role or directly (superusers are not the team
    unless their role gives it), as a queryset."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(content_type__app_label="chat", codename="answer_conversation")
    return (get_user_model().objects.filter(is_active=True, is_staff=True)
            .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)).distinct()
            .order_by("first_name", "last_name", "pk"))


def guest_link(conversation: Conversation) -> str:
    """The address in an email to a guest that gives the browser that opens it access to the conversation."""
    signed = signing.TimestampSigner(salt=LINK_SALT).sign(str(conversation.pk))
    with translation.override(conversation.language):
        return settings.SITE_URL + reverse("chat:guest_link", args=[signed])


def conversation_link(conversation: Conversation) -> str:
    """The address in an email: the page itself for a citizen (after login), a guest link for a guest."""
    if conversation.is_guest:
        return guest_link(conversation)
    with translation.override(conversation.language):
        return settings.SITE_URL + reverse("chat:detail", args=[conversation.pk])


def open_guest_link(request, signed: str) -> Conversation | None:
    """Give this browser access to the guest conversation the link names; None for a bad or expired link."""
    try:
        pk = signing.TimestampSigner(salt=LINK_SALT).unsign(signed, max_age=settings.CHAT_GUEST_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    conversation = Conversation.objects.filter(pk=int(pk), citizen__isnull=True).first()
    if conversation is None:
        return None
    token, hashed = new_token()
    Conversation.objects.filter(pk=conversation.pk).update(guest_token_hash=hashed)
    remember_guest(request, conversation, token)
    return conversation
