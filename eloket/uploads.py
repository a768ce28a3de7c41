"""Checking files citizens upload: the content decides the type, never the name or the browser's word.

Accepted: PDF, JPEG and PNG up to a size limit. Images are opened with Pillow and refused above `MAX_PIXELS`
(a small file can declare a picture that takes gigabytes to show). A PDF must start with its signature, end with its
end marker, and pass `eloket.pdf_scan`: no scripts, launch actions or attached files (also inside object streams and
behind #xx escapes), no encryption that hides them, at most `MAX_PDF_PAGES` pages, no image above `MAX_PIXELS` and
no more unpacked data than the scan's budget. SVG, HTML and everything else are refused with a clear message.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from eloket import pdf_scan

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PDF_PAGES = 300

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
# Pillow's own refusal of a picture far above its limit names the size: "Image size (123 pixels) exceeds limit ...".
PILLOW_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    extension: str


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _allowed_names(allowed) -> str:
    names = [NAMES[kind] for kind in allowed]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def check_upload(upload, *, allowed=(PDF, JPEG, PNG), max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """Raise ValidationError (in the user's language) unless the file is one of the allowed types and small enough."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        # Only the limit: a size just above it would round to the same figure and read as a contradiction.
        raise ValidationError(_("The file is larger than %(limit)s. Choose a smaller file.") % {
            "limit": filesizeformat(max_bytes)}, code="too_large")
    upload.seek(0)
    head = upload.read(16)
    kind = _sniff(head)
    if kind not in allowed:
        raise ValidationError(_("This file is not a %(types)s file. Scan or photograph the document and upload it as "
                                "%(types)s.") % {"types": _allowed_names(allowed)}, code="type")
    upload.seek(0)
    if kind == PDF:
        _check_pdf(upload)
    else:
        _check_image(upload, kind)
    upload.seek(0)
    return CheckedUpload(content_type=kind, size=size, extension=EXTENSIONS[kind])


def _check_pdf(upload) -> None:
    data = upload.read()
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("This PDF file is damaged or incomplete. Save it again and upload it once more."),
                              code="damaged")
    found = pdf_scan.scan(data)
    if found.encrypted:
        raise ValidationError(_("This PDF is protected with a password or encrypted, so we cannot check it. Print it to "
                                "a new PDF without protection or upload a photo of the document."), code="encrypted")
    # Scripts, launch actions and attached files are never needed for a certificate.
    if found.active:
        raise ValidationError(_("This PDF contains scripts or attached files, which we do not accept. Print it to a "
                                "new PDF or upload a photo of the document."), code="active_content")
    if found.over_budget or found.largest_image_pixels > MAX_PIXELS:
        raise ValidationError(_("This PDF unpacks to far more data than a document needs. Print it to a new PDF or "
                                "upload a photo of the document."), code="pdf_bomb")
    if found.unreadable:
        raise ValidationError(_("We cannot check what this PDF contains. Print it to a new PDF or upload a photo of "
                                "the document."), code="unreadable")
    if found.pages > MAX_PDF_PAGES:
        raise ValidationError(_("This PDF has %(pages)s pages; we accept at most %(max)s. Upload only the pages we "
                                "need.") % {"pages": found.pages, "max": MAX_PDF_PAGES}, code="too_many_pages")


def _too_many_pixels(pixels: int) -> ValidationError:
    return ValidationError(_("The image is too large (%(pixels)s megapixels). Upload a smaller photo.") % {
        "pixels": pixels // 1_000_000}, code="too_many_pixels")


def _check_image(upload, kind: str) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels(image.width * image.height)
            expected = "JPEG" if kind == JPEG else "PNG"
            if image.format != expected:
                raise ValidationError(_("The image could not be read. Upload a JPEG or PNG photo."), code="damaged")
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:  # far above Pillow's own limit: refused before ours is asked
        size = PILLOW_PIXELS.search(str(error))
        raise _too_many_pixels(int(size[1]) if size else 2 * Image.MAX_IMAGE_PIXELS) from error
    except Exception as error:  # Pillow raises many types for bad images
        raise ValidationError(_("The image could not be read. Upload a JPEG or PNG photo."), code="damaged") from error
