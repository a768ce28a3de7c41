"""Downloading a document: only its owner, or staff allowed to view documents; everyone else gets 404."""

import logging

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from eloket.documents.serving import private_file

from .models import Document

logger = logging.getLogger(__name__)


def may_download(user, document: Document) -> bool:
    if document.owner_id is not None and document.owner_id == user.pk:
        return True
    return user.is_staff and user.has_perm("documents.view_document") and is_mfa_enabled(user)


@require_safe
@login_required
def download(request, token):
    document = get_object_or_404(Document.objects.available(), token=token)
    if not may_download(request.user, document):
        raise Http404
    staff_reads = document.owner_id != request.user.pk
    if staff_reads:
        logger.info("Staff user %s opened document %s", request.user.pk, document.pk)
    return private_file(document.file, content_type="application/pdf", filename=document.filename, inline=True,
                        what=f"document {document.pk}", request=request if staff_reads else None)
