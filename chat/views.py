"""The citizen's chat pages: start a conversation (office hours shown before typing), the conversation with its live
messages, posting (htmx or a plain POST), closing with the transcript, attachments, and the guest's email link.

A conversation is found through access.visible_conversation (404 for anybody else) before the method is checked.
New messages arrive through the event stream (live.py); `messages_after` is the polling fallback, and a plain reload
shows everything.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from eloket.documents.serving import private_file
from eloket.ratelimit import Limit

from . import access, hours, stream
from .conversations import ConversationRefused, close, open_conversation, post_message, send_transcript
from .display import CITIZEN, MessageView, Viewer, messages_context
from .forms import CloseForm, MessageForm, StartForm
from .models import OPEN_STATUSES, MessageAttachment, Status

FORM_METHODS = ("GET", "HEAD", "POST")
# Guests start conversations without an account: a browser address may start this many per hour.
OPENINGS = Limit("chat-open", max=10, seconds=3600)
# One conversation takes this many messages a minute; more is a script, not a person.
POSTINGS = Limit("chat-post", max=30, seconds=60)
# The polling fallback returns at most this many messages at once; the next poll fetches the rest.
POLL_BATCH = 100


def message_views(conversation, after: int = 0, limit: int | None = None) -> list[MessageView]:
    """The conversation's messages (after an id) in two queries, whatever their number."""
    rows = (conversation.messages.filter(pk__gt=after).select_related("author").prefetch_related("attachments")
            .order_by("pk"))
    if limit:
        rows = rows[:limit]
    return [MessageView.from_model(message, citizen_name=conversation.contact_name) for message in rows]


def _after(request) -> int:
    raw = request.GET.get("after", "")
    return int(raw) if raw.isascii() and raw.isdigit() else 0  # "²".isdigit(), but int() refuses it


# Starting ----------------------------------------------------------------------------------------------------------

@never_cache
def start(request):
    if request.method not in FORM_METHODS:
        return HttpResponseNotAllowed(FORM_METHODS)
    form = StartForm(request.POST if request.method == "POST" else None, request.FILES or None, user=request.user,
                     initial={"topic": request.GET.get("onderwerp")})
    status = 200
    if form.is_bound and form.is_valid():
        address = request.META.get("REMOTE_ADDR", "")
        if OPENINGS.blocked(address):
            form.add_error(None, _("Many conversations were started from your connection in the last hour. Please try "
                                   "again later, or call or email us."))
            status = 429
        else:
            try:
                conversation, token = open_conversation(
                    topic=form.cleaned_data["topic"], body=form.cleaned_data["body"],
                    upload=form.cleaned_data.get("attachment"), user=request.user,
                    guest_name=form.cleaned_data.get("guest_name", ""), guest_email=form.cleaned_data.get("guest_email", ""),
                    link=form.chosen_link(), language=get_language())
            except ConversationRefused as error:
                form.add_error(None, error.message)
            else:
                OPENINGS.hit(address)
                if token:
                    access.remember_guest(request, conversation, token)
                return redirect("chat:detail", pk=conversation.pk)
    ongoing = list(access.visible_conversations(request).filter(status__in=OPEN_STATUSES).select_related("topic")
                   .order_by("-created")[:3])
    return render(request, "chat/start.html", {"form": form, "hours": hours.chat_hours(),
                                               "schedule": hours.week_schedule(), "ongoing": ongoing}, status=status)


# One conversation --------------------------------------------------------------------------------------------------

def _page_context(request, conversation, form=None) -> dict:
    views = message_views(conversation)
    return {
        "conversation": conversation,
        "items": messages_context(views, Viewer(CITIZEN)),
        "last_id": views[-1].id if views else 0,
        "form": form or MessageForm(),
        "close_form": CloseForm(),
        "stream_url": reverse("chat:events", args=[conversation.pk]) if stream.enabled() else "",
        "poll_url": reverse("chat:messages", args=[conversation.pk]),
        "status_url": reverse("chat:status", args=[conversation.pk]),
        "hours": hours.chat_hours() if conversation.status == Status.WAITING else None,
        "poll_seconds": settings.CHAT_POLL_SECONDS,
    }


@never_cache
def detail(request, pk):
    conversation = access.visible_conversation(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(request, "chat/detail.html", _page_context(request, conversation))


def _refused(request, conversation, form, message: str | None = None):
    """The message was not accepted: htmx gets the reasons in the form's error box, a plain POST the page again."""
    if message:
        form.add_error(None, message)
    if request.htmx:
        response = HttpResponse(render_to_string("chat/_form_errors.html", {"form": form}, request=request))
        response["HX-Retarget"] = "#chat-form-errors"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "chat/detail.html", _page_context(request, conversation, form))


def post(request, pk):
    conversation = access.visible_conversation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MessageForm(request.POST, request.FILES or None)
    if not form.is_valid():
        return _refused(request, conversation, form)
    if POSTINGS.blocked(str(conversation.pk)):
        return _refused(request, conversation, form, _("You sent many messages in a short time. Wait a minute, then "
                                                       "send your message again."))
    try:
        message = post_message(conversation, body=form.cleaned_data["body"], upload=form.cleaned_data["attachment"],
                               author=request.user)
    except ConversationRefused as error:
        return _refused(request, conversation, form, error.message)
    POSTINGS.hit(str(conversation.pk))
    if request.htmx:
        view = message_views(conversation, after=message.pk - 1, limit=1)
        return render(request, "chat/_messages.html", {"items": messages_context(view, Viewer(CITIZEN))})
    return redirect(reverse("chat:detail", args=[conversation.pk]) + f"#chat-message-{message.pk}")


@never_cache
def messages_after(request, pk):
    """The polling fallback: the messages after `?after=<id>`, as list items."""
    conversation = access.visible_conversation(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    views = message_views(conversation, after=_after(request), limit=POLL_BATCH)
    return render(request, "chat/_messages.html", {"items": messages_context(views, Viewer(CITIZEN))})


@never_cache
def status(request, pk):
    """Who answers, or that the conversation closed; htmx asks for it when the stream says the status changed."""
    conversation = access.visible_conversation(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = render(request, "chat/_status.html", {
        "conversation": conversation, "hours": hours.chat_hours() if conversation.status == Status.WAITING else None})
    if request.GET.get("open") == "1" and not conversation.is_open:
        response["HX-Refresh"] = "true"  # closed meanwhile: the whole page changes (no message box any more)
    return response


def close_view(request, pk):
    conversation = access.visible_conversation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CloseForm(request.POST)
    transcript = form.is_valid() and form.cleaned_data["transcript"]
    try:
        close(conversation, user=request.user, transcript=transcript)
    except ConversationRefused as error:
        messages.info(request, error.message)
    else:
        if transcript:
            messages.success(request, _("The conversation is closed. We email it to %(email)s.") % {
                "email": conversation.contact_email})
        else:
            messages.success(request, _("The conversation is closed. Thank you."))
    return redirect("chat:detail", pk=conversation.pk)


def transcript_view(request, pk):
    """A conversation staff closed: the citizen asks for its transcript afterwards (once)."""
    conversation = access.visible_conversation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if send_transcript(conversation):
        messages.success(request, _("We email the conversation to %(email)s.") % {"email": conversation.contact_email})
    elif conversation.status != Status.CLOSED:
        messages.info(request, _("The conversation is still going on. Ask for it when you close the conversation."))
    else:
        messages.info(request, _("We emailed this conversation already."))
    return redirect("chat:detail", pk=conversation.pk)


def attachment(request, pk, attachment_pk):
    """A file of a conversation this browser may see, always as a download under a neutral name."""
    conversation = access.visible_conversation(request, pk)
    item = get_object_or_404(MessageAttachment, pk=attachment_pk, message__conversation=conversation)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return file_response(item)


def file_response(item: MessageAttachment, request=None):
    """An attachment as a download; a staff member's download is recorded in the audit trail."""
    return private_file(item.file, content_type=item.content_type, filename=f"{_('attachment')}-{item.pk}.{item.extension}",
                        what=f"chat attachment {item.pk}", request=request)


@never_cache
def guest_link(request, signed):
    """The link in an email to a guest: this browser gets access, then the conversation's clean address."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    conversation = access.open_guest_link(request, signed)
    if conversation is None:
        return render(request, "chat/link_invalid.html", status=404)
    return redirect("chat:detail", pk=conversation.pk)
