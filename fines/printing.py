"""Printing notices for the post: the notice letters of many cases merged into one PDF, made by a Celery task.

Staff choose the cases in the admin (admin_print.py); `start_batch` writes a PrintBatch and queues the task after
commit. The task claims the batch with a conditional UPDATE (queued -> rendering), so two workers never make it twice,
counts `done` after each letter, and stores the file in the private storage. A beat task sends batches whose task got
lost, and fails a batch whose worker stopped, so staff are never left waiting.
"""

import datetime
import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eloket.documents import render
from eloket.documents.models import Document, DocumentKind

from . import letters
from .models import Case, PrintBatch, PrintStatus

logger = logging.getLogger(__name__)

# Every letter's layout stays in memory until the merged file is written (about 3 MB a letter, 0.2 s to lay out):
# 100 letters keep a worker well under 500 MB; a larger selection is printed in several batches.
MAX_CASES = 100
# A batch still queued after this was not picked up (its task got lost): the beat task sends it again.
LOST_AFTER = datetime.timedelta(minutes=2)
# A batch still being made after this has lost its worker (100 letters take well under a minute).
STOPPED_AFTER = datetime.timedelta(hours=2)


class TooMany(Exception):
    pass


def start_batch(user, cases) -> PrintBatch:
    """A batch of the chosen cases' notices, in postal-code order for the post; made by a worker after commit."""
    ordered = list(cases.order_by("holder_country", "holder_postal_code", "notice_number").values_list("pk", flat=True))
    if len(ordered) > MAX_CASES:
        raise TooMany(_("Choose at most %(max)d cases for one print batch; you chose %(count)d.") % {
            "max": MAX_CASES, "count": len(ordered)})
    with transaction.atomic():
        batch = PrintBatch.objects.create(created_by=user, case_ids=ordered, total=len(ordered))
        _send_after_commit(batch.pk)
    return batch


def _send_after_commit(batch_id: int) -> None:
    from .tasks import print_notices

    # robust: a broker that is down must not undo the clerk's request; the beat task picks the batch up.
    transaction.on_commit(lambda: print_notices.delay(batch_id), robust=True)


def notice_document(case: Case) -> Document:
    """The case's notice letter; a case issued without one gets the same letter, made in memory for printing."""
    document = (Document.objects.for_case(case).filter(kind=DocumentKind.NOTICE, template=letters.template_of("notice"))
                .order_by("-created", "-pk").first())
    if document is None:
        language = letters.language_of(case)
        with translation.override(language):
            title = str(letters.title_of(case, "notice"))
        document = Document(owner=case.citizen, case=case, kind=DocumentKind.NOTICE, language=language, title=title,
                            template=letters.template_of("notice"),
                            context_builder="fines.letters.notice_context", created=timezone.now())
    return document


def render_letter(document: Document):
    """A notice letter laid out by WeasyPrint (its pages, not yet a file), the way documents.render makes a PDF."""
    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    html = render.build_html(document)
    base_url = render.letters_base_url()
    return HTML(string=html, base_url=base_url, url_fetcher=render._url_fetcher(render.LETTERS_ASSETS)).render(
        pdf_variant="pdf/ua-1")


def claim(batch_id: int) -> bool:
    return bool(PrintBatch.objects.filter(pk=batch_id, status=PrintStatus.QUEUED).update(
        status=PrintStatus.RENDERING, done=0, error=""))


def make(batch_id: int) -> bool:
    """Make the merged PDF of a queued batch; False when another worker has it (or had it) already."""
    if not claim(batch_id):
        return False
    mine = PrintBatch.objects.filter(pk=batch_id, status=PrintStatus.RENDERING)
    batch = PrintBatch.objects.get(pk=batch_id)
    try:
        pdf = _merged_pdf(batch, mine)
        if pdf is None:
            return False
        name = batch.file.field.generate_filename(batch, f"{uuid.uuid4().hex}.pdf")
        name = batch.file.storage.save(name, ContentFile(pdf))
        if not mine.update(status=PrintStatus.READY, file=name, finished_at=timezone.now()):
            batch.file.storage.delete(name)  # the batch was failed as stopped meanwhile: no file without its row
            return False
    except Exception as error:
        mine.update(status=PrintStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now())
        logger.error("Print batch %s failed: %s", batch_id, type(error).__name__)
        return False
    logger.info("Print batch %s is ready: %d letters", batch_id, batch.total)
    return True


def _merged_pdf(batch: PrintBatch, mine) -> bytes | None:
    cases = Case.objects.select_related("offence", "zone", "citizen").in_bulk(batch.case_ids)
    rendered = []
    for position, case_id in enumerate(batch.case_ids):
        case = cases.get(case_id)
        if case is not None:
            rendered.append(render_letter(notice_document(case)))
        # Counted only while the batch is still ours: a batch failed as stopped is left alone.
        if not mine.filter(done=position).update(done=F("done") + 1):
            return None
    if not rendered:
        raise ValueError("None of the chosen cases exists any more")
    pages = [page for letter in rendered for page in letter.pages]
    merged = rendered[0].copy(pages)
    merged.metadata.title = _("Notices for the post (%(count)d)") % {"count": len(rendered)}
    merged.metadata.lang = rendered[0].metadata.lang or "nl"
    return merged.write_pdf(pdf_variant="pdf/ua-1")


def pick_up(now: datetime.datetime | None = None) -> int:
    """Beat: send again the batches left queued, and fail the ones whose worker stopped. Returns how many were sent."""
    from .tasks import print_notices

    now = now or timezone.now()
    PrintBatch.objects.filter(status=PrintStatus.RENDERING, created__lt=now - STOPPED_AFTER).update(
        status=PrintStatus.FAILED, finished_at=now, error=_("The worker stopped before the file was ready. Print the cases "
                                                            "again."))
    lost = list(PrintBatch.objects.filter(status=PrintStatus.QUEUED, created__lt=now - LOST_AFTER)
                .values_list("pk", flat=True))
    for batch_id in lost:
        print_notices.delay(batch_id)
    return len(lost)
