"""Regulation documents: only real PDFs up to 10 MB are accepted, and they are served through a view."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eloket.content.models import PDF_MAX_BYTES, Regulation, validate_pdf
from tests.files import encrypted_pdf, javascript_pdf, unpacking_bomb_pdf
from tests.i18n import en

from .helpers import PDF_BYTES, make_regulation

pytestmark = pytest.mark.django_db


def with_document(regulation: Regulation, content: bytes = PDF_BYTES, name: str = "Reglement (versie 2).pdf"):
    regulation.document.save(name, ContentFile(content), save=True)
    return regulation


def document_url(regulation: Regulation) -> str:
    return reverse("content:regulation_document", kwargs={"slug": regulation.slug})


# --- Serving -------------------------------------------------------------------------------------

def test_a_published_document_is_served_inline_as_pdf(client, media):
    regulation = with_document(make_regulation(1, slug="parkeerreglement"))
    response = client.get(document_url(regulation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="parkeerreglement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_document_is_served_under_english_urls_too(client, media):
    regulation = with_document(make_regulation(1))
    assert client.get("/en" + document_url(regulation)).status_code == 200


def test_the_file_is_never_linked_by_its_media_url(client, media):
    regulation = with_document(make_regulation(1))
    html = client.get(reverse("content:regulation", kwargs={"slug": regulation.slug})).content.decode()
    assert document_url(regulation) in html
    assert regulation.document.url not in html
    assert "/private-media/" not in html
    assert client.get(regulation.document.url).status_code == 404


def test_an_unpublished_regulation_has_no_document(client, media):
    regulation = with_document(make_regulation(1, published=False))
    assert client.get(document_url(regulation)).status_code == 404


def test_a_regulation_without_document_gives_404(client):
    regulation = make_regulation(1)
    assert client.get(document_url(regulation)).status_code == 404
    assert client.get(reverse("content:regulation_document", kwargs={"slug": "onbekend"})).status_code == 404


def test_a_stored_file_that_is_not_a_pdf_is_not_served(client, media):
    """Defence in depth: a file put in place without validation is refused, not sniffed."""
    regulation = with_document(make_regulation(1), content=b"<html><script>alert(1)</script></html>")
    assert client.get(document_url(regulation)).status_code == 404


def test_a_missing_file_gives_404(client, media):
    regulation = make_regulation(1, document="regulations/verdwenen.pdf")
    assert client.get(document_url(regulation)).status_code == 404


def test_the_document_view_refuses_post(client, media):
    regulation = with_document(make_regulation(1))
    assert client.post(document_url(regulation)).status_code == 405


# --- Validation ----------------------------------------------------------------------------------

def test_a_real_pdf_is_accepted():
    validate_pdf(SimpleUploadedFile("reglement.PDF", PDF_BYTES, content_type="application/pdf"))


@pytest.mark.usefixtures("english")
def test_a_renamed_file_is_refused_on_its_content():
    upload = SimpleUploadedFile("reglement.pdf", b"PK\x03\x04 a word document", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF document"):
        validate_pdf(upload)


@pytest.mark.usefixtures("english")
def test_another_extension_is_refused():
    with pytest.raises(ValidationError, match="must end in .pdf"):
        validate_pdf(SimpleUploadedFile("reglement.docx", PDF_BYTES))


@pytest.mark.usefixtures("english")
def test_a_file_over_10_mb_is_refused():
    upload = SimpleUploadedFile("groot.pdf", PDF_BYTES + b"0" * PDF_MAX_BYTES)
    with pytest.raises(ValidationError, match="at most 10 MB"):
        validate_pdf(upload)


def test_model_validation_refuses_a_non_pdf_upload(media):
    regulation = make_regulation(1)
    regulation.document = SimpleUploadedFile("reglement.pdf", b"GIF89a")
    with pytest.raises(ValidationError) as error:
        regulation.full_clean()
    assert "document" in error.value.message_dict


# --- Admin ---------------------------------------------------------------------------------------

def admin_data(regulation: Regulation, **changes) -> dict:
    data = {
        "slug": regulation.slug, "valid_from": "2021-03-01", "published": "on", "order": "1",
        "title_nl": regulation.title_nl, "summary_nl": regulation.summary_nl, "body_nl": regulation.body_nl,
        "title_en": "", "summary_en": "", "body_en": "",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_a_non_pdf_upload_with_a_clear_message(client, ida, media):
    regulation = make_regulation(1)
    client.force_login(ida)
    upload = SimpleUploadedFile("reglement.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    change_url = en("admin:content_regulation_change", regulation.pk)
    response = client.post(change_url, admin_data(regulation, document=upload))
    assert response.status_code == 200
    assert "This file is not a PDF document" in response.content.decode()
    regulation.refresh_from_db()
    assert not regulation.document


def test_the_admin_stores_a_pdf_and_links_it_through_the_portal(client, ida, media):
    regulation = make_regulation(1)
    client.force_login(ida)
    change_url = en("admin:content_regulation_change", regulation.pk)
    upload = SimpleUploadedFile("Reglement.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(change_url, admin_data(regulation, document=upload))
    assert response.status_code == 302
    regulation.refresh_from_db()
    assert regulation.document.name.startswith("regulations/")
    page = client.get(change_url).content.decode()
    assert f'href="{document_url(regulation)}"' in page
    assert "/private-media/" not in page
    # Saving again without a new upload keeps the document and does not re-validate the stored file.
    response = client.post(change_url, admin_data(regulation, title_nl="Nieuwe titel"))
    assert response.status_code == 302
    regulation.refresh_from_db()
    assert regulation.title_nl == "Nieuwe titel" and regulation.document


@pytest.mark.parametrize("build", [javascript_pdf, encrypted_pdf, lambda: unpacking_bomb_pdf(200 * 1024 * 1024)])
def test_a_pdf_with_scripts_encryption_or_a_bomb_is_refused_like_a_citizens_upload(build):
    with pytest.raises(ValidationError) as refused:
        validate_pdf(SimpleUploadedFile("reglement.pdf", build(), content_type="application/pdf"))
    assert refused.value.code in ("active_content", "encrypted", "pdf_bomb")
