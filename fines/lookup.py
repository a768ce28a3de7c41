"""Looking a case up with its notice number and number plate, without an account, limited so nobody can enumerate cases.

Failed lookups are counted per client address and per notice number; while either is over its limit every lookup is
refused, a right one too, so a guesser cannot tell a hit from a block. Only what a citizen typed correctly in form
(numbers.parse and plates.normalize accept any notation) costs an attempt: a typo is caught by the form first.
"""

from eloket.accounts import plates
from eloket.ratelimit import Limit

from . import numbers
from .models import Case

# Per client address: enough for a citizen with a few letters and typos, far too few to try plates or numbers.
ADDRESS_LIMIT = Limit("fines-lookup-address", max=10, seconds=15 * 60)
# Per notice number: a guessed number tried with many plates from many addresses (a botnet) still stops quickly.
NUMBER_LIMIT = Limit("fines-lookup-number", max=5, seconds=60 * 60)


class LookupBlocked(Exception):
    """Too many failed lookups from this address or for this notice number; `seconds` until a new try is possible."""

    def __init__(self, seconds: int):
        super().__init__(f"Lookup blocked for {seconds} s")
        self.seconds = seconds


def find_case(notice_number_text: str, plate_text: str) -> Case | None:
    """The case with this notice number and plate, typed in any notation, or None (no limit is applied here)."""
    number = numbers.parse(notice_number_text)
    plate = plates.normalize(plate_text)
    if number is None or not plate:
        return None
    return Case.objects.select_related("offence", "zone").filter(notice_number=number, plate=plate).first()


def wait_seconds(address: str, notice_number: str) -> int | None:
    """How long this address or notice number must wait before looking up again, or None."""
    waits = [wait for wait in (ADDRESS_LIMIT.blocked(address), NUMBER_LIMIT.blocked(notice_number)) if wait]
    return max(waits) if waits else None


def look_up(address: str, notice_number_text: str, plate_text: str) -> Case | None:
    """The case for a lookup from `address`, or None when the number and plate do not match a case.

    Raises LookupBlocked while the address or the number is over its limit, before the case is searched: a right
    answer is refused as well, so a block cannot be bypassed by guessing on. A failure counts against both.
    """
    number = numbers.parse(notice_number_text) or ""
    wait = wait_seconds(address, number)
    if wait:
        raise LookupBlocked(wait)
    case = find_case(notice_number_text, plate_text)
    if case is None:
        ADDRESS_LIMIT.hit(address)
        NUMBER_LIMIT.hit(number)
    return case
