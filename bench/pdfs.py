"""PDF notices per second per worker (issue 10): the fines app's notice letter, PDF/UA through WeasyPrint, rendered by
one Celery worker process, then again in this process to split the time between the HTML and the PDF.

The letters are those of the seeded retributions (citizens.py), each with a camera-sized photo as its evidence (one
stored file that every case's evidence row points to, as fines.issuing.copy_evidence does), so each notice scales a
thumbnail, draws its EPC QR code and prints the OGM. They are requested as fines.notices.after_step requests them
(documents.render.request_document in one transaction; one render_document task each after the commit), without the
email. The clock runs from just before that transaction to the last document's rendered_at.
"""

import io
import random
import statistics
import time

from django.db import transaction
from django.utils import timezone
from processes import children, memory, say, stop


def _camera_photo() -> bytes:
    """A 1600 x 1200 JPEG with a camera's noise, about the size a warden's camera stores."""
    from PIL import Image

    rng = random.Random(7)
    noise = Image.effect_noise((1600, 1200), 48).convert("RGB")
    tint = Image.new("RGB", noise.size, (rng.randint(90, 140), rng.randint(90, 140), rng.randint(90, 140)))
    buffer = io.BytesIO()
    Image.blend(noise, tint, 0.6).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _add_evidence(case_ids: list[int]) -> None:
    from django.core.files.base import ContentFile

    from fines.models import Evidence, EvidenceKind

    taken = timezone.now()
    first = Evidence(case_id=case_ids[0], kind=EvidenceKind.PHOTO, content_type="image/jpeg", extension="jpg",
                     taken_at=taken)
    first.file.save("evidence", ContentFile(_camera_photo()), save=True)
    Evidence.objects.bulk_create([Evidence(case_id=pk, kind=EvidenceKind.PHOTO, content_type="image/jpeg",
                                           extension="jpg", file=first.file.name, taken_at=taken) for pk in case_ids[1:]])


def _request_notices(case_ids: list[int]) -> list[int]:
    from eloket.documents.render import request_document
    from fines import letters
    from fines.models import Case

    ids = []
    with transaction.atomic():
        for case in Case.objects.select_related("citizen").filter(pk__in=case_ids).order_by("pk"):
            document = request_document(
                owner=case.citizen, case=case, kind=letters.kind_of("notice"), template=letters.template_of("notice"),
                context_builder=letters.BUILDERS["notice"], title=letters.title_of(case, "notice"),
                language=letters.language_of(case))
            ids.append(document.pk)
    return ids


def _pages(documents) -> int | None:
    """Pages of the rendered files (pypdf, a development requirement; None without it)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    total = 0
    for document in documents:
        with document.file.open("rb") as handle:
            total += len(PdfReader(handle).pages)
    return total


def _wait_rendered(ids: list[int], worker, timeout: float) -> None:
    from eloket.documents.models import Document, DocumentStatus

    deadline = time.monotonic() + timeout
    while Document.objects.filter(pk__in=ids, status=DocumentStatus.PENDING).exists():
        if worker.poll() is not None:
            raise RuntimeError("the PDF worker stopped: see bench/results/celery-pdf.log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the PDF worker did not render {len(ids)} notices in {timeout:.0f} s")
        time.sleep(0.2)
    failed = Document.objects.filter(pk__in=ids, status=DocumentStatus.FAILED).count()
    if failed:
        raise RuntimeError(f"{failed} notices failed to render: see bench/results/celery-pdf.log")


def through_worker(start_worker, case_ids: list[int]) -> dict:
    """`start_worker(name, concurrency)` starts a Celery worker and returns its process once it answers a ping."""
    from django.db.models import Max, Min

    from eloket.documents.models import Document

    _add_evidence(case_ids)
    worker = start_worker("pdf", 1)
    try:
        started = timezone.now()
        ids = _request_notices(case_ids)
        _wait_rendered(ids, worker, timeout=60 + 30 * len(ids))
        documents = list(Document.objects.filter(pk__in=ids))
        times = Document.objects.filter(pk__in=ids).aggregate(first=Min("rendered_at"), last=Max("rendered_at"))
        seconds = (times["last"] - started).total_seconds()
        pages = _pages(documents)
        out = {"notices": len(ids), "seconds": seconds, "notices_per_second": len(ids) / seconds,
               # The first includes the worker process loading WeasyPrint and the fonts, once in its life.
               "first_seconds": (times["first"] - started).total_seconds(),
               "steady_notices_per_second": (len(ids) - 1) / max((times["last"] - times["first"]).total_seconds(), 1e-6),
               "pages": pages, "pages_per_second": pages / seconds if pages else None,
               "kib_per_notice": sum(document.file.size for document in documents) / len(documents) / 1024,
               "worker_memory": {"main": memory(worker.pid), "children": [memory(pid) for pid in children(worker.pid)]},
               "document_ids": ids}
    finally:
        stop(worker, "PDF worker", timeout=60)
    say(f"  {out['notices']} notices through one worker process: {out['seconds']:.1f} s, "
        f"{out['notices_per_second']:.2f} notices/s, {out['pages']} pages")
    return out


def in_process(document_ids: list[int]) -> dict:
    """Each notice again in this process (render with force: a new file), after one uncounted render: the HTML
    (context and template) timed apart, then the whole render (claim, HTML, WeasyPrint, store)."""
    from eloket.documents import render
    from eloket.documents.models import Document

    render.render(document_ids[0], force=True)  # not counted: this process loads WeasyPrint and the fonts first
    html_ms, total_ms = [], []
    for pk in document_ids:
        document = Document.objects.select_related("owner", "content_type").get(pk=pk)
        started = time.perf_counter()
        render.build_html(document)
        html_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        render.render(pk, force=True)
        total_ms.append((time.perf_counter() - started) * 1000)
    pages = _pages(Document.objects.filter(pk__in=document_ids))
    seconds = sum(total_ms) / 1000
    out = {"notices": len(document_ids), "seconds": seconds, "notices_per_second": len(document_ids) / seconds,
           "pages": pages, "pages_per_second": pages / seconds if pages else None,
           "p50_ms": statistics.median(total_ms), "html_p50_ms": statistics.median(html_ms),
           "max_ms": max(total_ms)}
    say(f"  {out['notices']} notices in this process: {out['notices_per_second']:.2f} notices/s, p50 {out['p50_ms']:.0f} "
        f"ms each (HTML {out['html_p50_ms']:.0f} ms)")
    return out
