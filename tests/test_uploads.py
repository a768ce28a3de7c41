"""The upload check: the content decides the type; scripts, attached files, bombs and pictures too large are refused.

The refusals through the citizens' upload pages are in tests/security/test_upload_views.py.
"""

import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eloket import pdf_scan
from eloket.uploads import JPEG, MAX_PDF_PAGES, MAX_PIXELS, PDF, PNG, check_upload
from tests import files
from tests.files import PDF as PDF_BYTES
from tests.files import disguised_upload, image_bytes, jpeg_upload, pdf_upload, png_upload, svg_upload


def upload(data: bytes, name: str = "upload.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refusal(data: bytes, name: str = "upload.pdf", **options) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(data, name), **options)
    assert refused.value.messages[0]
    return refused.value.code


@pytest.mark.parametrize("upload_of, kind", [(pdf_upload, PDF), (jpeg_upload, JPEG), (png_upload, PNG)])
def test_real_files_are_accepted_by_content(upload_of, kind):
    checked = check_upload(upload_of())
    assert checked.content_type == kind


@pytest.mark.parametrize("make", [
    files.weasyprint_pdf,  # fonts, an outline, object streams: how eloket's own letters are written
    lambda: files.pdf_document(pages=MAX_PDF_PAGES),
    lambda: files.pdf_document(compress=False),
    lambda: files.huge_image_pdf(4000, 3000),  # a 12-megapixel scan
], ids=["letter", "longest", "uncompressed", "scan"])
def test_ordinary_pdfs_are_accepted(make):
    assert check_upload(upload(make())).content_type == PDF


def test_a_pdf_written_by_pypdf_is_accepted():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    assert check_upload(upload(output.getvalue())).content_type == PDF


def test_a_jpeg_named_pdf_is_stored_as_what_it_is():
    checked = check_upload(SimpleUploadedFile("scan.pdf", image_bytes("JPEG"), content_type="application/pdf"))
    assert (checked.content_type, checked.extension) == (JPEG, "jpg")


@pytest.mark.parametrize("make_upload, code", [
    (disguised_upload, "type"),
    (svg_upload, "type"),
    (lambda: SimpleUploadedFile("empty.pdf", b""), "empty"),
    (lambda: SimpleUploadedFile("cut.pdf", PDF_BYTES[:60]), "damaged"),
    (lambda: SimpleUploadedFile("bad.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100), "damaged"),
])
def test_refused_with_a_reason(make_upload, code):
    with pytest.raises(ValidationError) as refused:
        check_upload(make_upload())
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_size_limit():
    assert refusal(PDF_BYTES, max_bytes=100) == "too_large"


# --- active content: wherever and however a writer puts it ---------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: files.javascript_pdf(compress=False),
    files.javascript_pdf,  # the action inside a compressed object stream: not one byte of it in the file as such
    lambda: files.action_pdf({"S": b"/J#61vaScript", "JS": b"(app.alert(1))"}),  # a name written with an escape
    lambda: files.action_pdf({"S": "/Launch", "F": b"(calc.exe)"}),
    lambda: files.action_pdf({"S": "/Launch", "F": b"(calc.exe)"}, compress=False),
    files.attached_file_pdf,
], ids=["javascript", "javascript-in-object-stream", "escaped-name", "launch-in-object-stream", "launch", "attached"])
def test_scripts_launch_actions_and_attached_files_are_refused(make):
    data = make()
    assert refusal(data) == "active_content"


def test_the_object_stream_case_is_a_real_script_that_no_byte_search_finds():
    """A reader finds the script; the file's bytes do not show it: only unpacking the object stream does."""
    data = files.javascript_pdf()
    opened = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/OpenAction"].get_object()
    assert opened["/S"] == "/JavaScript"
    assert b"JavaScript" not in data


def test_an_encrypted_pdf_is_refused_as_it_cannot_be_checked():
    assert refusal(files.encrypted_pdf()) == "encrypted"


# --- bombs: a small file that a viewer would spend minutes or gigabytes on -------------------------------------------

def test_a_page_bomb_is_refused():
    data = files.pdf_document(kids=100_000)
    assert len(data) < 20_000 and len(pypdf.PdfReader(io.BytesIO(data)).pages) == 100_000
    assert refusal(data) == "too_many_pages"


def test_one_page_more_than_the_limit_is_refused():
    assert refusal(files.pdf_document(pages=MAX_PDF_PAGES + 1)) == "too_many_pages"


def test_a_decompression_bomb_is_refused_without_unpacking_it_all():
    data = files.unpacking_bomb_pdf(pdf_scan.MAX_UNPACKED_BYTES + 1)
    assert len(data) < pdf_scan.MAX_UNPACKED_BYTES // 500
    found = pdf_scan.scan(data)
    assert found.over_budget and found.unpacked_bytes < pdf_scan.MAX_UNPACKED_BYTES + pdf_scan.CHUNK + 1
    assert refusal(data) == "pdf_bomb"


def test_a_pdf_with_an_image_of_too_many_pixels_is_refused():
    assert refusal(files.huge_image_pdf(100_000, 100_000)) == "pdf_bomb"


@pytest.mark.parametrize("size", [(8000, 8000), (20000, 20000)], ids=["above-our-limit", "above-pillows-limit"])
def test_a_png_pixel_bomb_is_refused_with_its_size(size, english):
    width, height = size
    data = files.pixel_bomb_png(width, height)
    assert len(data) < 100_000 and width * height > MAX_PIXELS
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("photo.png", data, content_type="image/png"))
    assert refused.value.code == "too_many_pixels"
    assert f"({width * height // 1_000_000} megapixels)" in refused.value.messages[0]


def test_dutch_message():
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        check_upload(svg_upload())
    assert "Dit bestand is geen PDF, JPEG of PNG" in refused.value.messages[0]


# --- any bytes at all: a ValidationError or a checked file, nothing else ---------------------------------------------

def _checked_or_refused(data: bytes) -> None:
    try:
        checked = check_upload(upload(data))
    except ValidationError as error:
        assert error.messages[0]
    else:
        assert checked.content_type in (PDF, JPEG, PNG) and checked.size == len(data)


SAMPLES = [PDF_BYTES, files.pdf_document(), files.javascript_pdf(), image_bytes("JPEG"), image_bytes("PNG")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_checked_or_refused(data):
    _checked_or_refused(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), cuts=st.lists(st.tuples(st.integers(0, 5000), st.binary(max_size=40)), max_size=4))
def test_damaged_real_files_are_checked_or_refused(sample, cuts):
    data = sample
    for position, junk in cuts:
        position %= len(data)
        data = data[:position] + junk + data[position + len(junk):]
    _checked_or_refused(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_the_pdf_reader_never_raises_and_never_unpacks_past_its_budget(data):
    found = pdf_scan.scan(b"%PDF-1.7\n" + data)
    assert found.unpacked_bytes <= pdf_scan.MAX_UNPACKED_BYTES + pdf_scan.CHUNK * 4
