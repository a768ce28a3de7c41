"""Every kind of bad file is refused by the citizens' real upload pages, in Dutch, and nothing of it is kept.

The objection form (fines) and a chat message each check files their own way (several files with their names; one
file with the chat's own words for SVG), so both are driven here with the same files: wrong and disguised types, a
file over the size limit, an SVG with a script, PDFs with a script, a launch action or an attached program, an
encrypted PDF, PDF bombs (pages, unpacking, an image) and a PNG pixel bomb.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from chat import attachments
from chat.models import Message, MessageAttachment
from eloket import pdf_scan, uploads
from fines import objections
from fines.models import CaseStatus, Objection, ObjectionGround
from tests import files

pytestmark = pytest.mark.django_db

# label: (file name, the browser's content type, the bytes, the upload check's reason)
BAD_FILES = {
    "wrong type": ("notities.txt", "text/plain", lambda: b"Gewoon wat tekst, geen document.", "type"),
    "disguised": ("attest.pdf", "application/pdf", lambda: b"<html><script>alert(1)</script></html>", "type"),
    "too large": ("scan.pdf", "application/pdf", lambda: files.PDF + b"%" * uploads.MAX_BYTES, "too_large"),
    "svg with script": ("foto.svg", "image/svg+xml",
                        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "type"),
    "svg named png": ("foto.png", "image/png", lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                      "type"),
    "pdf with javascript": ("attest.pdf", "application/pdf", files.javascript_pdf, "active_content"),
    "pdf with launch action": ("attest.pdf", "application/pdf",
                               lambda: files.action_pdf({"S": "/Launch", "F": b"(cmd.exe)"}), "active_content"),
    "pdf with attached program": ("attest.pdf", "application/pdf", files.attached_file_pdf, "active_content"),
    "encrypted pdf": ("attest.pdf", "application/pdf", files.encrypted_pdf, "encrypted"),
    "pdf page bomb": ("attest.pdf", "application/pdf", lambda: files.pdf_document(kids=1_000_000), "too_many_pages"),
    "pdf unpacking bomb": ("attest.pdf", "application/pdf",
                           lambda: files.unpacking_bomb_pdf(pdf_scan.MAX_UNPACKED_BYTES + 1), "pdf_bomb"),
    "pdf image bomb": ("attest.pdf", "application/pdf", lambda: files.huge_image_pdf(100_000, 100_000), "pdf_bomb"),
    "png pixel bomb": ("foto.png", "image/png", lambda: files.pixel_bomb_png(20_000, 20_000), "too_many_pixels"),
}


@pytest.fixture(scope="module")
def contents():
    """Each bad file's bytes, made once (the bombs take a moment to pack)."""
    return {label: make() for label, (_name, _type, make, _code) in BAD_FILES.items()}


def bad_file(label: str, contents: dict) -> SimpleUploadedFile:
    name, content_type, _make, _code = BAD_FILES[label]
    return SimpleUploadedFile(name, contents[label], content_type=content_type)


def refusal(check, upload) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        check(upload)
    return refused.value


def dutch_refusal(check, label: str, contents: dict) -> tuple[str, str]:
    """What the page's own check says about the file in Dutch, and the upload check's reason."""
    with translation.override("nl"):
        message = " ".join(refusal(check, bad_file(label, contents)).messages)
    return message, refusal(uploads.check_upload, bad_file(label, contents)).code


def stored(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize("label", list(BAD_FILES))
def test_the_objection_form_refuses_it_in_dutch_and_keeps_nothing(client, alice, alices_case, media, contents, label):
    message, code = dutch_refusal(lambda upload: objections.check_attachments([upload]), label, contents)
    assert code == BAD_FILES[label][3]
    client.force_login(alice)
    response = client.post(reverse("fines:object", args=[alices_case.pk]), {
        "ground": ObjectionGround.METER, "explanation": "Mijn sessie liep tot 18 uur.", "contact_name": "Alice Peeters",
        "contact_email": "alice@example.org", "attachments": [files.pdf_upload(), bad_file(label, contents)]})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl"' in page and escape(message) in page
    assert not Objection.objects.exists() and stored(media) == []
    alices_case.refresh_from_db()
    assert alices_case.status == CaseStatus.ISSUED


@pytest.mark.parametrize("label", list(BAD_FILES))
def test_a_chat_message_refuses_it_in_dutch_and_keeps_nothing(client, alice, alices_conversation, media, contents,
                                                               label):
    message, code = dutch_refusal(attachments.check, label, contents)
    assert code == BAD_FILES[label][3]
    messages_before = Message.objects.count()
    client.force_login(alice)
    response = client.post(reverse("chat:post", args=[alices_conversation.pk]),
                           {"body": "Zie bijlage", "attachment": bad_file(label, contents)})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl"' in page and escape(message) in page
    assert Message.objects.count() == messages_before and not MessageAttachment.objects.exists()
    assert stored(media) == []


def test_the_dutch_messages_are_dutch(contents):
    """Spot checks in the catalogue's words, so the tests above cannot pass on English text."""
    def objection(label):
        return " ".join(refusal(lambda upload: objections.check_attachments([upload]), bad_file(label, contents)).messages)

    with translation.override("nl"):
        assert "SVG-tekeningen" in refusal(attachments.check, bad_file("svg with script", contents)).messages[0]
        assert "Dit bestand is geen PDF, JPEG of PNG" in objection("disguised")
        assert "scripts of bijgevoegde bestanden" in objection("pdf with javascript")
        assert "De afbeelding is te groot (400 megapixels)" in objection("png pixel bomb")
        assert "groter dan 10,0\xa0MB" in objection("too large")
