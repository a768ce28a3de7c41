"""A photo or PDF in a conversation: checked by its content and size, refused with a clear message, kept privately."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chat.models import Message, MessageAttachment
from tests.files import disguised_upload, image_bytes, jpeg_upload, pdf_upload, png_upload, svg_upload

from .helpers import start

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(alice, topic, always_open):
    return start(alice, topic)


def send(client, conversation, upload, body="", htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("chat:post", args=[conversation.pk]), {"body": body, "attachment": upload}, headers=headers)


@pytest.mark.parametrize("upload", [pdf_upload, jpeg_upload, png_upload], ids=["pdf", "jpeg", "png"])
def test_a_photo_or_pdf_is_accepted_and_kept_under_a_random_name(client, alice, conversation, media, upload):
    client.force_login(alice)
    response = send(client, conversation, upload(name="mijn rijbewijs.pdf"))
    assert response.status_code == 302
    item = MessageAttachment.objects.get()
    assert item.name == "mijn rijbewijs.pdf" and "rijbewijs" not in item.file.name
    assert (media / item.file.name).exists()


@pytest.mark.parametrize(("upload", "words"), [
    (lambda: SimpleUploadedFile("notes.txt", b"just some text", content_type="text/plain"), "neither"),
    (disguised_upload, "neither"),
    (svg_upload, "SVG drawings cannot be sent"),
    (lambda: SimpleUploadedFile("tekening.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                                content_type="image/png"), "SVG drawings cannot be sent"),
], ids=["text", "disguised-html", "svg", "svg-named-png"])
def test_a_file_that_is_no_photo_or_pdf_is_refused_with_a_clear_message(client, alice, conversation, media, english,
                                                                         upload, words):
    client.force_login(alice)
    response = client.post(reverse("chat:post", args=[conversation.pk]),
                           {"body": "Zie bijlage", "attachment": upload()})
    assert response.status_code == 200
    assert words in response.content.decode()
    assert Message.objects.count() == 1 and not MessageAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_larger_than_the_limit_is_refused(client, alice, conversation, media, settings, english):
    settings.CHAT_ATTACHMENT_MAX_BYTES = 1000
    client.force_login(alice)
    big = SimpleUploadedFile("groot.jpg", image_bytes("JPEG", size=(400, 400)) + b"\0" * 2000, content_type="image/jpeg")
    response = client.post(reverse("chat:post", args=[conversation.pk]), {"attachment": big})
    assert "The file is larger than 1000" in response.content.decode()
    assert not MessageAttachment.objects.exists()


def test_with_htmx_the_refusal_goes_to_the_forms_error_box(client, alice, conversation, media):
    client.force_login(alice)
    response = send(client, conversation, svg_upload(), htmx=True)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#chat-form-errors" and response["HX-Reswap"] == "innerHTML"
    assert 'role="alert"' in response.content.decode()
    assert not MessageAttachment.objects.exists()


def test_staff_download_a_citizens_file_in_the_console_and_others_are_refused(client, carla, erik, alice, conversation,
                                                                            media):
    client.force_login(alice)
    send(client, conversation, pdf_upload())
    item = MessageAttachment.objects.get()
    url = reverse("admin:chat_console_attachment", args=[conversation.pk, item.pk])
    client.force_login(carla)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    from eloket.audit.models import AuditEntry

    assert AuditEntry.objects.filter(actor=carla, action="download", object_id=str(item.pk)).exists()
    client.force_login(erik)
    assert client.get(url).status_code == 403
    client.force_login(alice)
    assert client.get(url).status_code == 302  # to the admin login: citizens never reach the console
