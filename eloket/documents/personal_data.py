"""A citizen's letters, for the data export, and their deletion with the account.

A letter of a case the city must keep (a fine's notice) is unlinked by that app's provider first and stays with the
case; the letters left when this provider runs are the citizen's own (permit confirmations, payment requests) and go.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.anonymise import delete_with_files
from eloket.privacy.registry import Plan, Provider, Section, register

from .models import Document


def _path(document: Document) -> str:
    return f"letters/{timezone.localtime(document.created):%Y-%m-%d}-{document.kind}-{document.pk}.pdf"


def export_letters(user) -> Section:
    """One query."""
    documents = list(Document.objects.available().filter(owner=user).order_by("created", "pk"))
    return Section([{"title": document.title, "kind": document.get_kind_display(), "language": document.language,
                     "made": document.rendered_at, "file": _path(document)} for document in documents],
                   files=[(_path(document), document.file) for document in documents])


def plan_letters(user) -> Plan:
    if not Document.objects.filter(owner=user).exists():
        return Plan()
    return Plan(deleted=[_("Your letters in My counter, except those of a retribution or fine, which stay with the "
                           "case.")])


def erase_letters(user) -> dict:
    return {"letters deleted": delete_with_files(Document.objects.filter(owner=user), after_commit=True)}


# After the apps whose letters stay with their case (their providers unlink them first).
register(Provider("letters", gettext_lazy("Letters"), export=export_letters, erase=erase_letters, plan=plan_letters,
                  order=90))
