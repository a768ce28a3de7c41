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


# --- PDFs written by pydyf (WeasyPrint's own PDF writer): real files, one trick each --------------------------------

def pdf_document(build=None, *, pages: int = 1, kids: int | None = None, compress: bool = True) -> bytes:
    """A PDF of blank pages; with `compress` its catalog and pages sit in an object stream, as modern writers do.

    `build(document)` adds objects and catalog entries (an OpenAction, say) to the pydyf document; `kids` lists the
    first page that many times in the page tree: a page bomb costs a few bytes per page.
    """
    import pydyf

    document = pydyf.PDF()
    for _number in range(pages):
        document.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference,
                                            "MediaBox": pydyf.Array([0, 0, 595, 842])}))
    if kids is not None:
        document.pages["Kids"] = pydyf.Array(document.pages["Kids"][:3] * kids)
        document.pages["Count"] = kids
    if build:
        build(document)
    output = io.BytesIO()
    document.write(output, compress=compress)
    return output.getvalue()


def action_pdf(action: dict, *, compress: bool = True) -> bytes:
    """A PDF that runs an action when it opens (/OpenAction), the action written as given (names as raw bytes)."""
    import pydyf

    def build(document):
        opened = pydyf.Dictionary(action)
        document.add_object(opened)
        document.catalog["OpenAction"] = opened.reference

    return pdf_document(build, compress=compress)


def javascript_pdf(*, compress: bool = True) -> bytes:
    import pydyf

    return action_pdf({"S": "/JavaScript", "JS": pydyf.String("app.alert('hello')")}, compress=compress)


def attached_file_pdf() -> bytes:
    """A PDF carrying a program as an attached file in its name tree, as 'attach file' in a PDF editor does."""
    import pydyf

    def build(document):
        program = pydyf.Stream([b"MZ\x90\x00"], {"Type": "/EmbeddedFile"})
        document.add_object(program)
        spec = pydyf.Dictionary({"Type": "/Filespec", "F": pydyf.String("invoice.exe"),
                                 "EF": pydyf.Dictionary({"F": program.reference})})
        document.add_object(spec)
        tree = pydyf.Dictionary({"Names": pydyf.Array([pydyf.String("invoice.exe"), spec.reference])})
        document.catalog["Names"] = pydyf.Dictionary({"EmbeddedFiles": tree})

    return pdf_document(build)


def unpacking_bomb_pdf(unpacked_bytes: int) -> bytes:
    """A PDF whose one page draws a content stream of `unpacked_bytes` zero bytes, packed with Flate to a tiny file."""
    import zlib

    import pydyf

    packer, packed, row = zlib.compressobj(9), [], bytes(1024 * 1024)
    for _megabyte in range(unpacked_bytes // len(row) + 1):
        packed.append(packer.compress(row))
    packed.append(packer.flush())
    content = pydyf.Stream([b"".join(packed)], {"Filter": "/FlateDecode"})
    document = pydyf.PDF()
    document.add_object(content)
    document.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference, "Contents": content.reference,
                                        "MediaBox": pydyf.Array([0, 0, 595, 842])}))
    output = io.BytesIO()
    document.write(output, compress=True)
    return output.getvalue()


def huge_image_pdf(width: int, height: int) -> bytes:
    """A PDF with an image that declares `width` x `height` grey pixels but packs only a few bytes."""
    import zlib

    import pydyf

    def build(document):
        image = pydyf.Stream([zlib.compress(bytes(1000))], {
            "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height, "ColorSpace": "/DeviceGray",
            "BitsPerComponent": 8, "Filter": "/FlateDecode"})
        document.add_object(image)
        page = document.objects[document.pages["Kids"][0]]
        page["Resources"] = pydyf.Dictionary({"XObject": pydyf.Dictionary({"Im0": image.reference})})

    return pdf_document(build)


def encrypted_pdf() -> bytes:
    """A PDF that opens only with a password (AES), as a bank or a scanner can send it."""
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="geheim", algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def weasyprint_pdf(pages: int = 3) -> bytes:
    """A real letter-like PDF with text, fonts, an outline and object streams, like the letters eloket sends."""
    from weasyprint import HTML

    html = "".join(f"<h1 style='break-before: page'>Pagina {number}</h1><p>Tekst van de brief.</p>"
                   for number in range(1, pages + 1))
    return HTML(string=html).write_pdf()


# --- images that are small files but huge pictures ------------------------------------------------------------------

def pixel_bomb_png(width: int, height: int) -> bytes:
    """A real, complete PNG of `width` x `height` black pixels (1 bit each), a few hundred KB for a vast picture."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer, row = zlib.compressobj(9), bytes(1 + (width + 7) // 8)  # each row: filter byte 0, then the bits
    rows = [packer.compress(row) for _row in range(height)]
    rows.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(rows)) + chunk(b"IEND", b"")
