"""The staff console, inside the admin: the queue of waiting conversations with how long each has waited, and one
conversation with its messages, the linked permit or case, saved answers, taking, handing over and closing.

The pages live under the admin's address (ConversationAdmin.get_urls), so the admin login and the staff two-factor
rule apply; each also requires the chat permission (staff without it get 403). The event streams are async views
(live.py) that check the same. Every page runs a fixed number of queries, however many conversations or messages.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket import audit

from . import access, links, live, stream
from .conversations import ConversationRefused, close, hand_over, post_message, take
from .display import STAFF, Viewer, messages_context
from .forms import HandOverForm, MessageForm
from .models import OPEN_STATUSES, Conversation, MessageAttachment, SavedAnswer, Status
from .views import POLL_BATCH, file_response, message_views

# The queue shows at most this many open conversations; a city with more needs more staff, not a longer page.
QUEUE_SHOWN = 200


def answering(view):
    """Only staff who answer chats (the admin wrapper has checked login and staff already)."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not access.may_answer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return check


def queue_context(user) -> dict:
    """The open conversations in one query: waiting ones (longest first), the user's, and the colleagues'."""
    rows = list(Conversation.objects.filter(status__in=OPEN_STATUSES).select_related("topic", "citizen", "assigned_to")
                .order_by("created", "pk")[:QUEUE_SHOWN])
    return {
        "waiting": [row for row in rows if row.status == Status.WAITING],
        "mine": [row for row in rows if row.status == Status.ACTIVE and row.assigned_to_id == user.pk],
        "others": [row for row in rows if row.status == Status.ACTIVE and row.assigned_to_id != user.pk],
        "now": timezone.now(),
        "link_labels": {provider.key: provider.label for provider in links.providers()},
    }


def _console_conversation(pk) -> Conversation:
    return get_object_or_404(Conversation.objects.select_related("topic", "citizen", "assigned_to"), pk=pk)


class ConsoleViews:
    """Mixed into ConversationAdmin: the console's pages get their URLs under the admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def staff(view):
            return wrap(answering(view))

        return [
            path("console/", staff(self.queue_view), name="chat_console"),
            path("console/queue/", staff(self.queue_part), name="chat_console_queue"),
            path("console/events/", live.console_queue_events, name="chat_console_events"),
            path("console/<int:pk>/", staff(self.conversation_view), name="chat_console_conversation"),
            path("console/<int:pk>/messages/", staff(self.messages_part), name="chat_console_messages"),
            path("console/<int:pk>/status/", staff(self.status_part), name="chat_console_status"),
            path("console/<int:pk>/events/", live.console_conversation_events, name="chat_console_conversation_events"),
            path("console/<int:pk>/take/", staff(self.take_view), name="chat_console_take"),
            path("console/<int:pk>/reply/", staff(self.reply_view), name="chat_console_reply"),
            path("console/<int:pk>/hand-over/", staff(self.hand_over_view), name="chat_console_hand_over"),
            path("console/<int:pk>/close/", staff(self.close_view), name="chat_console_close"),
            path("console/<int:pk>/attachments/<int:attachment_pk>/", staff(self.attachment_view),
                 name="chat_console_attachment"),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})

    # The queue --------------------------------------------------------------------------------------------------

    def queue_view(self, request):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return self._page(request, "admin/chat/console/queue.html", _("Live chat"), **queue_context(request.user),
                          stream_url=reverse("admin:chat_console_events") if stream.enabled() else "")

    def queue_part(self, request):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return TemplateResponse(request, "admin/chat/console/_queue.html", queue_context(request.user))

    # One conversation -------------------------------------------------------------------------------------------

    def _status_context(self, request, conversation: Conversation) -> dict:
        mine = conversation.status == Status.ACTIVE and conversation.assigned_to_id == request.user.pk
        return {"conversation": conversation, "mine": mine, "can_reply": mine,
                "hand_over_form": HandOverForm(staff=request.user, colleagues=access.answering_staff()
                                               .exclude(pk=request.user.pk)) if mine else None}

    def conversation_view(self, request, pk, form=None):
        conversation = _console_conversation(pk)
        if request.method not in ("GET", "HEAD") and form is None:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if form is None:
            audit.record(request, conversation, audit.VIEW)
        views = message_views(conversation)
        status = self._status_context(request, conversation)
        answer = request.GET.get("answer", "")
        saved = list(SavedAnswer.objects.all())
        if form is None:
            chosen = next((item for item in saved if str(item.pk) == answer), None)
            form = MessageForm(initial={"body": chosen.body} if chosen else None, label=_("Your answer"))
        context = {
            **status,
            "items": messages_context(views, Viewer(STAFF, request.user.pk)),
            "last_id": views[-1].id if views else 0,
            "events": list(conversation.events.select_related("actor", "assigned_to")),
            "link": {"label": links.label(conversation.link_kind),
                     "text": links.describe(conversation.link_kind, conversation.link_id),
                     "url": links.admin_url(conversation.link_kind, conversation.link_id)}
            if conversation.link_kind else None,
            "saved_answers": saved,
            "form": form,
            "stream_url": reverse("admin:chat_console_conversation_events", args=[pk]) if stream.enabled() else "",
            "poll_url": reverse("admin:chat_console_messages", args=[pk]),
            "status_url": reverse("admin:chat_console_status", args=[pk]),
            "now": timezone.now(),
            "poll_seconds": settings.CHAT_POLL_SECONDS,
        }
        title = _("Conversation about %(topic)s") % {"topic": conversation.topic.name}
        if request.htmx and request.GET.get("answer"):
            # A saved answer chosen with JavaScript: only the reply box changes, with the text in it.
            return TemplateResponse(request, "admin/chat/console/_reply.html", context)
        return self._page(request, "admin/chat/console/conversation.html", title, **context)

    def messages_part(self, request, pk):
        conversation = _console_conversation(pk)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        after = request.GET.get("after", "")
        views = message_views(conversation, after=int(after) if after.isascii() and after.isdigit() else 0,
                              limit=POLL_BATCH)
        return TemplateResponse(request, "chat/_messages.html",
                                {"items": messages_context(views, Viewer(STAFF, request.user.pk))})

    def status_part(self, request, pk):
        conversation = _console_conversation(pk)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        status = self._status_context(request, conversation)
        response = TemplateResponse(request, "admin/chat/console/_status.html", {**status, "now": timezone.now()})
        if request.GET.get("can_reply") in ("0", "1") and (request.GET["can_reply"] == "1") != status["can_reply"]:
            response["HX-Refresh"] = "true"  # the reply box comes or goes: the whole page changes
        return response

    # Acting -------------------------------------------------------------------------------------------------------

    def _back(self, conversation):
        return redirect("admin:chat_console_conversation", pk=conversation.pk)

    def take_view(self, request, pk):
        conversation = _console_conversation(pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            take(conversation, request.user)
        except ConversationRefused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You answer this conversation now."))
        return self._back(conversation)

    def reply_view(self, request, pk):
        conversation = _console_conversation(pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = MessageForm(request.POST, request.FILES or None, label=_("Your answer"))
        if form.is_valid():
            try:
                message = post_message(conversation, body=form.cleaned_data["body"],
                                       upload=form.cleaned_data["attachment"], author=request.user, by_staff=True)
            except ConversationRefused as error:
                form.add_error(None, error.message)
            else:
                if request.htmx:
                    view = message_views(conversation, after=message.pk - 1, limit=1)
                    return TemplateResponse(request, "chat/_messages.html",
                                            {"items": messages_context(view, Viewer(STAFF, request.user.pk))})
                if conversation.mode == "message":
                    messages.success(request, _("Your answer is sent by email too."))
                return redirect(reverse("admin:chat_console_conversation", args=[pk]) + f"#chat-message-{message.pk}")
        if request.htmx:
            response = HttpResponse(render_to_string("chat/_form_errors.html", {"form": form}, request=request))
            response["HX-Retarget"] = "#chat-form-errors"
            response["HX-Reswap"] = "innerHTML"
            return response
        return self.conversation_view(request, pk, form=form)

    def hand_over_view(self, request, pk):
        conversation = _console_conversation(pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = HandOverForm(request.POST, staff=request.user, colleagues=access.answering_staff().exclude(pk=request.user.pk))
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
            return self._back(conversation)
        try:
            hand_over(conversation, request.user, form.cleaned_data["colleague"], form.cleaned_data["note"])
        except ConversationRefused as error:
            messages.error(request, error.message)
            return self._back(conversation)
        colleague = form.cleaned_data["colleague"]
        messages.success(request, _("%(name)s answers this conversation now.") % {
            "name": colleague.get_full_name() or colleague.email})
        return redirect("admin:chat_console")

    def close_view(self, request, pk):
        conversation = _console_conversation(pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            close(conversation, user=request.user)
        except ConversationRefused as error:
            messages.error(request, error.message)
            return self._back(conversation)
        messages.success(request, _("The conversation is closed."))
        return redirect("admin:chat_console")

    def attachment_view(self, request, pk, attachment_pk):
        conversation = _console_conversation(pk)
        item = get_object_or_404(MessageAttachment, pk=attachment_pk, message__conversation=conversation)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return file_response(item, request)
