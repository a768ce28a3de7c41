"""The EPC QR code for a bank transfer: drawn once per payment details and reused, different details differ."""

from decimal import Decimal

from eloket.payments import transfer

DETAILS = {"name": "Stad Genk", "iban": "BE68539007547034", "bic": "GKCCBEBB", "amount": Decimal("58.00"),
           "reference": "090933755493"}


def test_the_same_details_reuse_the_drawn_code_and_other_details_get_their_own():
    transfer.epc_qr_svg.cache_clear()
    first = transfer.epc_qr_svg(**DETAILS)
    assert transfer.epc_qr_svg(**DETAILS) is first
    assert transfer.epc_qr_svg.cache_info().hits == 1
    other = transfer.epc_qr_svg(**{**DETAILS, "amount": Decimal("59.00")})
    assert other != first and other.startswith("<svg")


def test_the_letters_png_is_reused_too():
    transfer.epc_qr_data_uri.cache_clear()
    first = transfer.epc_qr_data_uri(**DETAILS)
    assert first.startswith("data:image/png;base64,") and transfer.epc_qr_data_uri(**DETAILS) is first
