"""Demo reference data for permits (Genk, domain.md section 3). The lead wires it into the seed command."""

import datetime
from decimal import Decimal

from .models import ResidentCardPrice

PRICES_START = datetime.date(2021, 3, 1)
# (rank at the address, price per year, refused)
GENK_PRICES = [(1, Decimal("0.00"), False), (2, Decimal("0.00"), False), (3, Decimal("100.00"), False),
               (4, Decimal("0.00"), True)]


def seed_prices() -> None:
    """Idempotent: one row per rank from 1 March 2021."""
    for rank, amount, refused in GENK_PRICES:
        ResidentCardPrice.objects.update_or_create(
            rank=rank, valid_from=PRICES_START, defaults={"amount_per_year": amount, "refused": refused, "valid_to": None})
