"""HTTP load from the standard library only: client threads, each with its own keep-alive connection.

`run(host, port, request, total, clients)` sends `total` requests made by `request(index)` from `clients` threads
and returns their latencies (seconds, time to the last byte of the answer) and the wall time of the whole run.
"""

import http.client
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    wall: float = 0.0
    clients: int = 1

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        """The p-th percentile in milliseconds (nearest rank on the sorted latencies)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def per_second(self) -> float:
        return self.count / self.wall if self.wall else float("nan")


def run(host: str, port: int, request, total: int, clients: int = 1, expect=(200,)) -> Result:
    """`request(index) -> (method, path, body: bytes | None, headers: dict)`; a status outside `expect` counts as an
    error (its latency is still recorded, so a fast error cannot pass for a fast answer unnoticed)."""
    result = Result(clients=clients)
    lock = threading.Lock()
    next_index = iter(range(total))

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        latencies, statuses, errors = [], Counter(), 0
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            method, path, body, headers = request(index)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] += 1
            if response.status not in expect:
                errors += 1
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.statuses.update(statuses)
            result.errors += errors

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started
    return result
