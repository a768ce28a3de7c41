"""Information pages anyone can read: home, FAQ, regulations, contact, privacy and accessibility."""

import datetime

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import FaqCategory, FaqItem, Regulation, starts_like_pdf

# The dates the statements were last reviewed; change them whenever the text changes.
PRIVACY_STATEMENT_DATE = datetime.date(2026, 11, 28)
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 28)


def home(request):
    return render(request, "content/home.html")


@require_safe
def faq(request):
    """Published questions grouped by category, in the order of the category choices (one query)."""
    by_category: dict[str, list[FaqItem]] = {}
    for item in FaqItem.objects.published().order_by("order", "pk"):
        by_category.setdefault(item.category, []).append(item)
    groups = [
        {"key": value, "label": label, "items": by_category[value]}
        for value, label in FaqCategory.choices
        if value in by_category
    ]
    return render(request, "content/faq.html", {"groups": groups})


@require_safe
def regulations(request):
    items = Regulation.objects.published().only(
        "slug", "title_nl", "title_en", "summary_nl", "summary_en", "valid_from", "document")
    return render(request, "content/regulations.html", {"regulations": items})


@require_safe
def regulation(request, slug):
    item = get_object_or_404(Regulation.objects.published(), slug=slug)
    return render(request, "content/regulation.html", {"regulation": item})


@require_safe
def regulation_document(request, slug):
    """The official PDF of a published regulation, shown in the browser; never a public media URL."""
    item = get_object_or_404(Regulation.objects.published(), slug=slug)
    if not item.document or not item.document.name.lower().endswith(".pdf"):
        raise Http404
    try:
        handle = item.document.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    if not starts_like_pdf(handle):
        handle.close()
        raise Http404
    # The slug is [a-z0-9-] only, so the file name needs no escaping in the header.
    response = FileResponse(handle, content_type="application/pdf", as_attachment=False, filename=f"{item.slug}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def contact(request):
    return render(request, "content/contact.html")


@require_safe
def privacy(request):
    return render(request, "content/privacy.html", {"statement_date": PRIVACY_STATEMENT_DATE})


@require_safe
def accessibility(request):
    has_documents = Regulation.objects.published().exclude(document="").exists()
    return render(request, "content/accessibility.html", {
        "statement_date": ACCESSIBILITY_STATEMENT_DATE,
        "has_documents": has_documents,
        "site_address": request.build_absolute_uri("/"),
    })
