"""Mollie failing on purpose, for tests: faults injected into the fake Mollie API at its HTTP boundary.

Import the fixture by its function name (`from tests.fakemollie.faulty import fixture_mollie_faults  # noqa: F401`)
and ask for `mollie_faults`; it makes eloket's client give up after READ_TIMEOUT seconds, and before the test ends it
waits for every held call, so no live-server thread still works on the database when the next test starts.
"""

import time
from decimal import Decimal

import pytest

from eloket.fakemollie.models import FakeFault

READ_TIMEOUT = 1
# Longer than the read timeout: the client gives up while the fake still holds the call.
HOLD = Decimal("2.5")


class Faults:
    def add(self, kind: str, *, method: str = "", path: str = "", remaining: int = 1, hold=HOLD) -> FakeFault:
        return FakeFault.objects.create(kind=kind, method=method, path=path, remaining=remaining, hold_seconds=hold)

    def wait(self, timeout: float = 30) -> None:
        """Until every call a fault took has finished (held calls answered, late work done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(fault.used == fault.finished for fault in FakeFault.objects.all()):
                return
            time.sleep(0.05)
        raise AssertionError("the fake Mollie still holds a call")


@pytest.fixture(name="mollie_faults")
def fixture_mollie_faults(transactional_db, settings):
    settings.MOLLIE_READ_TIMEOUT = READ_TIMEOUT
    faults = Faults()
    yield faults
    faults.wait()
