"""What a model must offer to be paid. Permits, fines and payment requests implement this.

The amount always comes from here, on the server, never from a form.
"""

from decimal import Decimal
from typing import Protocol, runtime_checkable


@runtime_checkable
class Payable(Protocol):
    pk: int

    def payment_amount(self) -> Decimal:
        """What is due now, in euro with two decimals (0 means nothing to pay)."""

    def payment_description(self) -> str:
        """One line shown on the checkout and the bank statement."""

    def payment_owner(self):
        """The user who may see and pay this, or None for a payer without an account."""

    def payment_return_url(self) -> str:
        """Where the citizen continues after paying (a path on this site)."""

    def on_payment_paid(self, payment) -> None:
        """Runs exactly once, after commit, when a payment for this payable is paid."""

    def on_payment_unsuccessful(self, payment) -> None:
        """Runs exactly once when a payment ends canceled, expired or failed."""

    def on_payment_refunded(self, refund) -> None:
        """Runs exactly once when a refund of a payment for this payable is refunded."""
