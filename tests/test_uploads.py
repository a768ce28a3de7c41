import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from eloket.uploads import JPEG, PDF, PNG, check_upload
from tests.files import PDF as PDF_BYTES
from tests.files import disguised_upload, image_bytes, jpeg_upload, pdf_upload, png_upload, svg_upload


@pytest.mark.parametrize("upload, kind", [(pdf_upload, PDF), (jpeg_upload, JPEG), (png_upload, PNG)])
def test_real_files_are_accepted_by_content(upload, kind):
    checked = check_upload(upload())
    assert checked.content_type == kind


def test_a_jpeg_named_pdf_is_stored_as_what_it_is():
    checked = check_upload(SimpleUploadedFile("scan.pdf", image_bytes("JPEG"), content_type="application/pdf"))
    assert (checked.content_type, checked.extension) == (JPEG, "jpg")


@pytest.mark.parametrize("upload, code", [
    (disguised_upload, "type"),
    (svg_upload, "type"),
    (lambda: SimpleUploadedFile("empty.pdf", b""), "empty"),
    (lambda: SimpleUploadedFile("cut.pdf", PDF_BYTES[:60]), "damaged"),
    (lambda: SimpleUploadedFile("js.pdf", PDF_BYTES.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript"
                                                                               b"/JS(app.alert(1))>>")), "active_content"),
    (lambda: SimpleUploadedFile("bad.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100), "damaged"),
])
def test_refused_with_a_reason(upload, code):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload())
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_size_limit():
    with pytest.raises(ValidationError) as refused:
        check_upload(pdf_upload(), max_bytes=100)
    assert refused.value.code == "too_large"


def test_pixel_bomb_is_refused(monkeypatch):
    monkeypatch.setattr("eloket.uploads.MAX_PIXELS", 100)
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("big.png", image_bytes("PNG", size=(20, 20))))
    assert refused.value.code == "too_many_pixels"


def test_dutch_message():
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        check_upload(svg_upload())
    assert "bestand" in refused.value.messages[0].lower()
