"""What a logged-in citizen can link an appointment to: one of their permits, or one of the cases they keep.

The permits and fines apps are looked up by name when needed (django.apps), never imported: appointments stands
alone, and a city without one of those apps simply offers nothing to link. Each list is one query.
"""

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

from .models import Topic

SHOWN = 20


@dataclass(frozen=True)
class Linkable:
    kind: str
    pk: int
    label: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.pk}"


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _permits(user) -> list[Linkable]:
    permit = _model("permits", "Permit")
    if permit is None:
        return []
    # Pending and active permits: an expired or refused one is history, a visit is about one still running.
    holding = importlib.import_module("permits.models").HOLDING_STATUSES
    rows = permit.objects.filter(holder=user, status__in=holding).order_by("-created")[:SHOWN]
    return [Linkable(Topic.Link.PERMIT, row.pk, _("%(kind)s no. %(number)s (%(status)s)") % {
        "kind": row.get_kind_display(), "number": row.pk, "status": row.get_status_display()}) for row in rows]


def _notice(number: str) -> str:
    return f"{number[:4]}-{number[4:10]}-{number[10:]}" if len(number) == 12 else number


def _cases(user) -> list[Linkable]:
    case = _model("fines", "Case")
    if case is None:
        return []
    rows = case.objects.filter(citizen=user).exclude(status="cancelled").order_by("-observed_at")[:SHOWN]
    return [Linkable(Topic.Link.CASE, row.pk, _("%(kind)s %(number)s (%(status)s)") % {
        "kind": row.get_kind_display(), "number": _notice(row.notice_number), "status": row.get_status_display()})
            for row in rows]


def linkables(user, topic: Topic) -> list[Linkable]:
    """What this citizen may link for this topic (empty for a guest or a topic that links nothing)."""
    if user is None or not user.is_authenticated or not topic.links_to:
        return []
    if topic.links_to == Topic.Link.PERMIT:
        return _permits(user)
    if topic.links_to == Topic.Link.CASE:
        return _cases(user)
    return []


def describe(kind: str, pk: int | None, user=None) -> str:
    """A line naming the linked item (for the citizen's page: only when it is theirs), or ""."""
    if not kind or pk is None:
        return ""
    if kind == Topic.Link.PERMIT:
        model, owner = _model("permits", "Permit"), "holder"
    elif kind == Topic.Link.CASE:
        model, owner = _model("fines", "Case"), "citizen"
    else:
        return ""
    if model is None:
        return ""
    filters = {"pk": pk} if user is None else {"pk": pk, owner: user}
    row = model.objects.filter(**filters).first()
    if row is None:
        return ""
    if kind == Topic.Link.PERMIT:
        return _("%(kind)s no. %(number)s") % {"kind": row.get_kind_display(), "number": row.pk}
    return f"{row.get_kind_display()} {_notice(row.notice_number)}"
