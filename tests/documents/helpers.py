"""Reading rendered PDFs in tests: their text, their images, their metadata."""

import io

import pypdf
import zxingcpp

from eloket.documents import letters
from eloket.documents.models import Document


def letter_for(payment_request, django_capture_on_commit_callbacks) -> Document:
    """Ask for a payment request's letter and let it render, as after the clerk's commit."""
    with django_capture_on_commit_callbacks(execute=True):
        document = letters.request_payment_request_letter(payment_request)
    document.refresh_from_db()
    return document


def reader(document: Document) -> pypdf.PdfReader:
    with document.file.open("rb") as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def text_of(document: Document) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in reader(document).pages).split())


def barcodes_in(document: Document) -> list[str]:
    """What every QR code embedded as an image in the PDF decodes to."""
    found = []
    for page in reader(document).pages:
        for image in page.images:
            found += [barcode.text for barcode in zxingcpp.read_barcodes(image.image)]
    return found
