"""Paying by bank transfer: the EPC QR code (SEPA credit transfer, EPC069-12) a banking app scans."""

import functools
from decimal import Decimal

import segno

# Drawing a code takes about 15 ms; a case's page and its letters draw the same one again and again.
CACHED_CODES = 256


def epc_payload(*, name: str, iban: str, bic: str, amount: Decimal, reference: str) -> str:
    """Version 002, UTF-8, the 12 OGM digits as the structured remittance reference (no free text)."""
    lines = [
        "BCD", "002", "1", "SCT",
        bic or "",
        name[:70],
        iban.replace(" ", "").upper(),
        f"EUR{amount:.2f}",
        "",  # purpose
        reference[:35],
        "",  # unstructured text: only one of the two may be used
        "",  # information to the payer
    ]
    return "\n".join(lines).rstrip("\n")


def epc_qr(**kwargs) -> segno.QRCode:
    """Error correction M and QR version 13 at most, as the EPC guideline requires."""
    qr = segno.make_qr(epc_payload(**kwargs), error="m", boost_error=False, encoding="utf-8")
    if qr.version > 13:
        raise ValueError("EPC QR codes may not exceed version 13")
    return qr


@functools.lru_cache(maxsize=CACHED_CODES)
def epc_qr_svg(**kwargs) -> str:
    """The QR code as an inline SVG string, for pages."""
    return epc_qr(**kwargs).svg_inline(scale=4, border=4, dark="#000", light="#fff")


@functools.lru_cache(maxsize=CACHED_CODES)
def epc_qr_data_uri(**kwargs) -> str:
    """The QR code as a PNG data URI, for PDF letters."""
    return epc_qr(**kwargs).png_data_uri(scale=4, border=4)
