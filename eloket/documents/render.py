"""Making documents: ask for one, render it in a Celery task, make it again when its case changes.

Other apps call `request_document` when a case needs a letter and `regenerate_for` when something
a letter shows has changed (a payment, a decision). Rendering happens after commit, in a worker:
the task claims the row with a conditional UPDATE, renders the template in the document's language,
and skips the PDF when the HTML is the same as last time.
"""

import datetime
import hashlib
import logging
import mimetypes
from base64 import b64encode
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .models import Document, DocumentStatus

logger = logging.getLogger(__name__)

# The print stylesheet and anything else a letter may load lives here; nothing else is fetched.
LETTERS_ASSETS = Path(__file__).resolve().parent / "static" / "documents" / "letters"
# A worker that holds a claim longer than this is presumed dead; another may take the row over.
STALE_CLAIM = datetime.timedelta(minutes=10)


class Busy(Exception):
    """Another worker is rendering this document right now."""


def letters_base_url() -> str:
    return LETTERS_ASSETS.as_uri() + "/"


def _url_fetcher(allowed_root: Path):
    """WeasyPrint's fetcher limited to data: URIs and files under one folder: no network, no other files."""
    from weasyprint.urls import URLFetcher

    root = allowed_root.resolve()

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlparse(url).path)).resolve()
                if path.is_relative_to(root):
                    return super().fetch(url, headers)
            raise ValueError(f"Letters only load their own files, not {url[:80]}")

    return LocalOnlyFetcher(allowed_protocols={"data", "file"})


def html_to_pdf(html: str, base_url: str | None = None, *, lang: str | None = None) -> bytes:
    """An accessible PDF (PDF/UA-1: tagged, with title and language) of an HTML page.

    WeasyPrint is imported here, not at module level: web processes never pay for loading it.
    Relative links resolve against `base_url` (the letters' asset folder by default).
    """
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per step and page otherwise
    from weasyprint import HTML

    base_url = base_url or letters_base_url()
    root = Path(url2pathname(urlparse(base_url).path)) if base_url.startswith("file:") else LETTERS_ASSETS
    page = HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher(root)).render(pdf_variant="pdf/ua-1")
    if lang:
        page.metadata.lang = lang
    return page.write_pdf(pdf_variant="pdf/ua-1")


def _dotted_path(builder: str | Callable) -> str:
    path = builder if isinstance(builder, str) else f"{builder.__module__}.{builder.__qualname__}"
    import_string(path)  # fail in the caller, not later in a worker
    return path


def request_document(*, owner, case, kind: str, template: str, context_builder: str | Callable, title,
                     language: str | None = None) -> Document:
    """Create a document for a case and render it after the caller's transaction commits.

    `context_builder(document) -> dict` gives the template its data; pass the function or its dotted
    path. `title` may be a lazy translation: it is stored in the document's language, which is the
    owner's preferred language unless given.
    """
    get_template(template)
    language = language or (owner.preferred_language if owner is not None else settings.LANGUAGE_CODE)
    with translation.override(language):
        title = str(title)
    document = Document.objects.create(
        owner=owner, content_type=ContentType.objects.get_for_model(case), object_id=case.pk, kind=kind,
        title=title[:200], template=template, context_builder=_dotted_path(context_builder), language=language,
    )
    _render_after_commit(document.pk)
    return document


def regenerate_for(case, *, force: bool = False) -> int:
    """Render the documents of a case again after commit; unchanged ones keep their file and version.

    Permits, fines and payments call this when something their letters show has changed.
    Returns how many documents were scheduled.
    """
    content_type = ContentType.objects.get_for_model(case)
    return regenerate_documents(content_type_id=content_type.pk, object_id=case.pk, force=force)


def regenerate_documents(*, content_type_id: int, object_id: int, force: bool = False) -> int:
    """regenerate_for when only the case's type and id are at hand (a signal on a related row)."""
    documents = Document.objects.filter(content_type_id=content_type_id, object_id=object_id)
    return render_again(documents, force=force)


def render_again(documents, *, force: bool = True) -> int:
    """Schedule documents (a queryset) to be rendered again; used by the admin action."""
    ids = list(documents.values_list("pk", flat=True))
    for document_id in ids:
        _render_after_commit(document_id, force=force)
    return len(ids)


def _render_after_commit(document_id: int, force: bool = False) -> None:
    from .tasks import render_document

    # robust: a broker that is down must not undo the caller's work; the pending row stays to be picked up.
    transaction.on_commit(lambda: render_document.delay(document_id, force=force), robust=True)


def pending_ids(limit: int = 500) -> list[int]:
    """Documents never rendered and not being rendered: their task got lost (a broker or worker died)."""
    now = timezone.now()
    return list(
        Document.objects.filter(status=DocumentStatus.PENDING, created__lt=now - datetime.timedelta(minutes=2))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .order_by("created").values_list("pk", flat=True)[:limit]
    )


def _claim(document_id: int) -> datetime.datetime | None:
    now = timezone.now()
    claimed = (
        Document.objects.filter(pk=document_id)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return now if claimed else None


def render(document_id: int, *, force: bool = False) -> bool:
    """Render one document now. Returns whether a new file was made.

    Raises Busy when another worker holds the row, and the rendering error otherwise (the claim is
    released first, so a retry can claim it again).
    """
    if not Document.objects.filter(pk=document_id).exists():
        logger.warning("Document %s no longer exists; nothing to render", document_id)
        return False
    claim = _claim(document_id)
    if claim is None:
        raise Busy(document_id)
    mine = Document.objects.filter(pk=document_id, claimed_at=claim)
    try:
        document = Document.objects.select_related("owner", "content_type").get(pk=document_id)
        html = build_html(document)
        digest = hashlib.sha256(html.encode()).hexdigest()
        if not force and document.is_available and digest == document.content_hash:
            mine.update(claimed_at=None, status=DocumentStatus.RENDERED, last_error="")
            return False
        pdf = html_to_pdf(html, letters_base_url(), lang=document.language)
        previous = document.file.name
        document.file.save(f"{document.token}-v{document.version + 1}.pdf", ContentFile(pdf), save=False)
        stored = mine.update(file=document.file.name, version=F("version") + 1, content_hash=digest,
                             status=DocumentStatus.RENDERED, rendered_at=timezone.now(), claimed_at=None, last_error="")
    except Exception as exc:
        mine.update(claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    if not stored:  # our claim went stale and another worker took over: its file counts, not ours
        document.file.storage.delete(document.file.name)
        return False
    if previous and previous != document.file.name:
        document.file.storage.delete(previous)
    return True


def mark_failed(document_id: int, error: BaseException) -> None:
    Document.objects.filter(pk=document_id).update(status=DocumentStatus.FAILED,
                                                   last_error=f"{type(error).__name__}: {error}"[:2000])
    logger.error("Document %s could not be rendered: %s", document_id, error)


def build_html(document: Document) -> str:
    """The document's HTML: its context builder's data on top of the shared letter context, in its language."""
    builder = import_string(document.context_builder)
    with translation.override(document.language):
        context = letter_context(document)
        context.update(builder(document))
        return render_to_string(document.template, context)


def letter_context(document: Document) -> dict:
    """What every letter shows: the city's letterhead, the letter's date and the recipient."""
    from eloket.city.reference import city_profile

    city = city_profile()
    owner = document.owner
    return {
        "document": document,
        "city": city,
        "logo_src": logo_data_uri(city),
        "letter_date": timezone.localdate(document.created),
        "our_reference": str(document.token).split("-")[0].upper(),
        "recipient": {
            "name": (owner.get_full_name() or owner.email) if owner else "",
            "address_lines": owner.address_lines if owner else [],
        },
        "site_url": settings.SITE_URL,
    }


def logo_data_uri(city) -> str:
    """The city's logo inlined as a data URI, whatever storage holds it; empty when there is none."""
    if city is None or not city.logo:
        return ""
    mime = mimetypes.guess_type(city.logo.name)[0]
    if mime not in {"image/png", "image/jpeg", "image/svg+xml", "image/gif"}:
        return ""
    try:
        with city.logo.open("rb") as logo:
            data = logo.read()
    except OSError:
        logger.warning("The city logo %s cannot be read; letters show the name instead", city.logo.name)
        return ""
    return f"data:{mime};base64,{b64encode(data).decode()}"
