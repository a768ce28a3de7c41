"""Small real files for upload tests: a valid PDF, JPEG and PNG, and files that only pretend to be one."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def image_bytes(fmt: str = "JPEG", size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 96, 122)).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def disguised_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    """An HTML page named and labelled as a PDF."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


def svg_upload(name: str = "photo.svg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                              content_type="image/svg+xml")
