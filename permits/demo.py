"""Demo data for permits (Genk, domain.md section 3): prices, and for the demo accounts a card and an application."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from .models import Permit, PermitDocumentKind, PermitKind, ResidentCardPrice, VehicleUse

PRICES_START = datetime.date(2021, 3, 1)
# (rank at the address, price per year, refused)
GENK_PRICES = [(1, Decimal("0.00"), False), (2, Decimal("0.00"), False), (3, Decimal("100.00"), False),
               (4, Decimal("0.00"), True)]
# A one-page PDF standing in for a scanned registration certificate.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def seed_prices() -> None:
    """Idempotent: one row per rank from 1 March 2021."""
    for rank, amount, refused in GENK_PRICES:
        ResidentCardPrice.objects.update_or_create(
            rank=rank, valid_from=PRICES_START, defaults={"amount_per_year": amount, "refused": refused, "valid_to": None})


def _certificate():
    return {PermitDocumentKind.REGISTRATION_CERTIFICATE: SimpleUploadedFile("certificate.pdf", DEMO_PDF)}


def seed_permits() -> None:
    """Alice holds an active resident card (so visitor hours work); Bob's application waits for the counter.

    Idempotent: a demo citizen who already has a resident card or application gets nothing new.
    """
    from . import rules

    users = get_user_model().objects
    alice = users.filter(email="alice@example.org").first()
    bob = users.filter(email="bob@example.org").first()
    carla = users.filter(email="carla@stad.example").first()
    for citizen in (alice, bob):
        if citizen is None or Permit.objects.filter(holder=citizen, kind=PermitKind.RESIDENT).exists():
            continue
        vehicle = citizen.vehicles.first()
        if vehicle is None:
            continue
        permit = rules.apply_for_resident_card(
            citizen, vehicle, street=citizen.street, house_number=citizen.house_number, postal_code=citizen.postal_code,
            municipality=citizen.municipality, vehicle_use=VehicleUse.OWN, documents=_certificate())
        if citizen == alice and permit.status == "applied":
            rules.approve(permit, actor=carla, note="Demo")
