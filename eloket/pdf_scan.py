"""What an uploaded PDF holds, read without trusting it: active content, pages, image sizes, how far it unpacks.

Nothing is rendered and no cross-reference table is believed: a viewer follows offsets that may point anywhere, into
a string, a comment or another stream's data, so every byte of the file is searched for the names that make a PDF
act, with their #xx escapes. Object streams, where modern writers keep the catalog and its actions, are unpacked and
searched the same way. Other streams, images apart, are unpacked against one budget and thrown away, so a small file
that unpacks to gigabytes is found without ever being held in memory.
"""

import base64
import binascii
import bisect
import re
import zlib
from dataclasses import dataclass, field

# Names that make a PDF act on its own: scripts, launching programs, attached or embedded files, XML forms.
ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "FileAttachment", "RichMedia", "XFA",
                "GoToE", "ImportData")
# Filters of image data: never unpacked here, an image is judged by the size it declares.
IMAGE_FILTERS = frozenset({"DCTDecode", "DCT", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "CCF"})
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_OBJECT_BYTES = 16 * 1024 * 1024  # object streams are kept to be searched: a long document's objects fill a few MB
CHUNK = 64 * 1024
DICTIONARY_WINDOW = 64 * 1024  # how far back from a stream's data its dictionary is looked for

_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
# Whitespace and comments between two tokens; possessive, so a run of % signs cannot make the search backtrack.
_GAP = rb"(?:[\x00\t\n\x0c\r ]++|%[^\r\n]*+)*+"
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _name(word: str) -> bytes:
    """A pattern for the PDF name /word with any of its characters written as a #xx escape."""
    def either(char: str) -> bytes:
        code = "".join(f"[{digit}{digit.upper()}]" if digit.isalpha() else digit for digit in f"{ord(char):02x}")
        return b"(?:" + re.escape(char).encode() + b"|#" + code.encode() + b")"

    return b"/" + b"".join(either(char) for char in word) + rb"(?!" + _REGULAR + rb")"


ACTIVE = re.compile(b"|".join(_name(word) for word in ACTIVE_NAMES))
ENCRYPT = re.compile(_name("Encrypt"))
PAGE = re.compile(_name("Type") + _GAP + _name("Page"))
COUNT = re.compile(_name("Count") + _GAP + rb"(\d{1,12})(?!\d)")
KIDS = re.compile(_name("Kids") + _GAP + rb"\[([^\[\]]*+)\]")
# A dictionary without dictionaries inside: a node of the page tree is one (outlines and form fields have no /Count
# beside /Kids, so their numbers are not taken for pages).
FLAT_DICTIONARY = re.compile(rb"<<((?:[^<>]|<(?!<)|>(?!>))*+)>>")
REFERENCE = re.compile(rb"\d+" + _GAP + rb"\d+" + _GAP + rb"R(?!" + _REGULAR + rb")")
STREAM = re.compile(rb">>" + _GAP + rb"stream(?!" + _REGULAR + rb")(?:\r\n|\r|\n)?")
FIRST = re.compile(_name("First"))
IMAGE = re.compile(_name("Subtype") + _GAP + _name("Image"))
FILTER = re.compile(_name("Filter") + _GAP + rb"(\[[^\[\]]*+\]|/" + _REGULAR + rb"+)")
PREDICTOR = re.compile(_name("Predictor") + _GAP + rb"(\d+)")
WIDTH = re.compile(_name("Width") + _GAP + rb"(\d{1,9})(?!\d)")
HEIGHT = re.compile(_name("Height") + _GAP + rb"(\d{1,9})(?!\d)")
FILTER_NAME = re.compile(rb"/(" + _REGULAR + rb"+)")
ENDSTREAM = re.compile(rb"endstream")
OBJECT_HEADER = re.compile(rb"\d+" + _GAP + rb"\d+" + _GAP + rb"obj(?!" + _REGULAR + rb")")


@dataclass
class PdfScan:
    active: set[str] = field(default_factory=set)
    encrypted: bool = False
    pages: int = 0
    largest_image_pixels: int = 0
    unpacked_bytes: int = 0
    object_bytes: int = 0
    unreadable: bool = False  # a stream that may hold objects is packed in a way this reader does not unpack

    @property
    def over_budget(self) -> bool:
        return self.unpacked_bytes > MAX_UNPACKED_BYTES or self.object_bytes > MAX_OBJECT_BYTES


def scan(data: bytes) -> PdfScan:
    """Read the whole file; never raises for any input."""
    facts = PdfScan(encrypted=bool(ENCRYPT.search(data)))
    view, ends = memoryview(data), [found.start() for found in ENDSTREAM.finditer(data)]
    texts, bodies, previous, unterminated = [], [], 0, 0
    for match in STREAM.finditer(data):
        if facts.over_budget or facts.unreadable:
            break
        following = bisect.bisect_left(ends, match.end())
        if following == len(ends):
            unterminated += 1  # a cut-off file may end inside one stream; more than one is made to be read for ever
            facts.unreadable = unterminated > 1
        end = ends[following] if following < len(ends) else len(data)
        # The dictionary: back to the object's header, never into the previous stream's data (each byte looked at once).
        floor = max(previous, match.start() - DICTIONARY_WINDOW)
        header = data.rfind(b"obj", floor, match.start())
        dictionary, previous = data[header if header >= 0 else floor:match.end()], match.end()
        bodies.append((match.end(), end))
        objects = _stream(dictionary, view[match.end():end], facts)
        if objects:
            facts.object_bytes += len(objects)
            texts.append(objects)
    if facts.over_budget:
        return facts  # refused for that alone: reading on would only cost time
    first_headers: dict[int, int] = {}
    facts.active.update(_decoded(found[0]) for found in ACTIVE.finditer(data)
                        if _may_be_read(data, found.start(), bodies, first_headers))
    for text in texts:
        facts.active.update(_decoded(found) for found in ACTIVE.findall(text))
    page_objects = kids = 0
    counts = [0]
    for text in [data, *texts]:
        page_objects += len(PAGE.findall(text))
        for dictionary in FLAT_DICTIONARY.findall(text):
            arrays, count = KIDS.findall(dictionary), COUNT.findall(dictionary)
            if arrays and count:
                kids += sum(len(REFERENCE.findall(array)) for array in arrays)
                counts += [int(value) for value in count]
    facts.pages = max(page_objects, kids, max(counts))
    return facts


def _may_be_read(data: bytes, position: int, bodies: list[tuple[int, int]], first_headers: dict[int, int]) -> bool:
    """Outside stream data a name counts; inside, only after an object header there (an offset may point at it).

    Compressed data is random bytes, where a short name like /JS turns up by chance in a few files out of a hundred.
    """
    index = bisect.bisect_right(bodies, (position, len(data))) - 1
    if index < 0 or not bodies[index][0] <= position < bodies[index][1]:
        return True
    if index not in first_headers:
        start, end = bodies[index]
        header = OBJECT_HEADER.search(data, start, end)
        first_headers[index] = header.start() if header else end
    return first_headers[index] < position


def _decoded(name: bytes) -> str:
    return _ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), name[1:]).decode("latin-1")


def _stream(dictionary: bytes, body: memoryview, facts: PdfScan) -> bytes | None:
    """Judge one stream; returns its unpacked data when it may be an object stream (objects to search), else None."""
    filter_lists = [[_decoded(b"/" + name) for name in FILTER_NAME.findall(found)]
                    for found in FILTER.findall(dictionary)]
    filters = filter_lists[0] if filter_lists else []
    # An object stream is known by /First (a viewer trusts the cross-reference entry, not /Type or /Subtype).
    if FIRST.search(dictionary):
        if any(name in IMAGE_FILTERS for name in filters):
            return None  # image data: no viewer reads objects out of it
        predicted = any(int(value) > 1 for value in PREDICTOR.findall(dictionary))
        readable = all(name in DECODERS for name in filters) and all(found == filters for found in filter_lists)
        if predicted or not readable:
            facts.unreadable = True
            return None
        return _unpack(body, filters, facts, keep=True)
    if IMAGE.search(dictionary):
        width, height = WIDTH.search(dictionary), HEIGHT.search(dictionary)
        if width and height:
            facts.largest_image_pixels = max(facts.largest_image_pixels, int(width[1]) * int(height[1]))
        return None
    usable = []
    for name in filters:  # unpacked for its size only: stop at a filter this reader has no decoder for
        if name not in DECODERS:
            break
        usable.append(name)
    _unpack(body, usable, facts, keep=False)
    return None


def _unpack(body: memoryview, filters: list[str], facts: PdfScan, *, keep: bool) -> bytes | None:
    """The data after its filters, counted against the budget; returned only when `keep`."""
    data = body
    for number, name in enumerate(filters):
        last = number == len(filters) - 1
        data = DECODERS[name](data, facts, keep or not last)
        if facts.over_budget:
            return None
    return bytes(data) if keep else None


def _inflate(data, facts: PdfScan, keep: bool) -> bytes:
    """Flate data in pieces, each counted as it comes; a broken tail ends it as a viewer's reading ends there."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # some writers leave out the zlib header; viewers accept that
        unpacker, kept, produced = zlib.decompressobj(wbits), [], 0
        try:
            for offset in range(0, len(data), CHUNK):
                pending = data[offset:offset + CHUNK]
                while True:
                    piece = unpacker.decompress(pending, CHUNK)
                    stuck = not piece and len(unpacker.unconsumed_tail) == len(pending)
                    pending = unpacker.unconsumed_tail
                    produced += len(piece)
                    facts.unpacked_bytes += len(piece)
                    if keep:
                        kept.append(piece)
                    if facts.over_budget or unpacker.eof:
                        return b"".join(kept)
                    if stuck or not pending and len(piece) < CHUNK:
                        break
        except zlib.error:
            if not produced:
                continue
        return b"".join(kept)
    return b""


def _text(data, facts: PdfScan, stop: bytes) -> bytes:
    """The data of a text filter up to its end marker; reading it counts against the budget too (streams overlap)."""
    facts.unpacked_bytes += len(data)
    if facts.over_budget:
        return b""
    text = bytes(data)
    return text.split(stop, 1)[0]


def _hex(data, facts: PdfScan, keep: bool) -> bytes:
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", _text(data, facts, b">"))
    unpacked = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
    facts.unpacked_bytes += len(unpacked)
    return unpacked


def _ascii85(data, facts: PdfScan, keep: bool) -> bytes:
    text = re.sub(rb"[\x00\t\n\x0c\r ]", b"", _text(data, facts, b"~>"))
    try:
        unpacked = base64.a85decode(text)
    except ValueError:
        unpacked = b""
    facts.unpacked_bytes += len(unpacked)
    return unpacked


def _run_length(data, facts: PdfScan, keep: bool) -> bytes:
    data = _text(data, facts, b"")
    out, position = bytearray(), 0
    while position < len(data) - 1 and not facts.over_budget:
        length = data[position]
        if length == 128:
            break
        if length < 128:
            piece, position = data[position + 1:position + 2 + length], position + 2 + length
        else:
            piece, position = data[position + 1:position + 2] * (257 - length), position + 2
        facts.unpacked_bytes += len(piece)
        if keep:
            out += piece
    return bytes(out)


DECODERS = {"FlateDecode": _inflate, "Fl": _inflate, "ASCIIHexDecode": _hex, "AHx": _hex,
            "ASCII85Decode": _ascii85, "A85": _ascii85, "RunLengthDecode": _run_length, "RL": _run_length}
