"""The "Documents" panel on Mijn loket: the citizen's letters, newest first, in one query."""

from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

from .models import Document

SHOWN = 20


def _documents(request):
    documents = (
        Document.objects.available().filter(owner=request.user)
        .only("token", "title", "kind", "created", "rendered_at", "version", "file")[:SHOWN]
    )
    return {"documents": list(documents)}


register(Panel("documents", _("Documents"), "documents/panels/documents.html", order=70, context=_documents))
