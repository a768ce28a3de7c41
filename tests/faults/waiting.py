"""Waiting for what another process does: poll a condition until it holds or time is up."""

import time


def wait_for(condition, seconds: float = 20, every: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
