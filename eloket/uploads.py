"""Checking files citizens upload: the content decides the type, never the name or the browser's word.

Accepted: PDF, JPEG and PNG up to a size limit. Images are opened with Pillow, which refuses
decompression bombs (more pixels than `MAX_PIXELS`); a PDF must start with its signature and must not
carry JavaScript or embedded files. SVG, HTML and everything else are refused with a clear message.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
# Active content in a PDF: scripts, launch actions and attached files are never needed for a certificate.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


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
    if PDF_ACTIVE.search(data):
        raise ValidationError(_("This PDF contains scripts or attached files, which we do not accept. Print it to a "
                                "new PDF or upload a photo of the document."), code="active_content")


def _check_image(upload, kind: str) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large (%(pixels)s megapixels). Upload a smaller photo.") % {
                    "pixels": image.width * image.height // 1_000_000}, code="too_many_pixels")
            expected = "JPEG" if kind == JPEG else "PNG"
            if image.format != expected:
                raise ValidationError(_("The image could not be read. Upload a JPEG or PNG photo."), code="damaged")
            image.verify()
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many types (including DecompressionBombError) for bad images
        raise ValidationError(_("The image could not be read. Upload a JPEG or PNG photo."), code="damaged") from error
