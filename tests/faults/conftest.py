"""Fault tests: real services stopped and started again under the running product.

`private_redis` is a redis-server of the test's own, on a free port, that the test may stop, freeze and start again
without touching the machine's Redis that other test runs use. Django's cache and Celery's broker point at it for the
test and back at the usual Redis afterwards.
"""

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from kombu import pools

START_SECONDS = 10  # a redis-server answers within milliseconds; this only bounds a broken start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """One redis-server without persistence (a restart loses every key, as a crash does) in `directory`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.process is None, "the server runs already"
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115  (closed with the server, in stop())
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=log, stderr=subprocess.STDOUT)
        log.close()  # the child holds its own copy
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)
        deadline = time.monotonic() + START_SECONDS
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError as error:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        log_text = (self.directory / "redis.log").read_text()
                        raise RuntimeError(f"redis-server did not start: {log_text}") from error
                    time.sleep(0.02)
        finally:
            client.close()

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop the server: SIGTERM shuts it down cleanly, SIGKILL as a crash would."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGCONT)  # a frozen server would not see the SIGTERM
        self.process.send_signal(sig)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing answers, like a hung server or a lost network."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def point_celery_at(broker_url: str) -> None:
    """Make this process publish to `broker_url`: Celery keeps its connection pools until told to forget them."""
    from eloket.celery import app

    app.conf.broker_url = broker_url
    # kombu keeps one pool per broker URL in a registry of its own: closing the pool alone would leave it there, closed,
    # to be handed out again when the URL comes back. reset() closes every pool and empties the registry.
    pools.reset()
    # The same reset Celery does after a fork; the pools are rebuilt for the new URL on the next publish.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path, settings):
    """A Redis of this test's own, serving the cache and the Celery broker of this process; stopped at the end."""
    from eloket.celery import app

    server = PrivateRedis(tmp_path)
    server.start()
    previous_broker, previous_eager = app.conf.broker_url, app.conf.task_always_eager
    settings.REDIS_URL = server.url()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url()}}
    settings.CELERY_BROKER_URL = server.url()
    point_celery_at(server.url())
    app.conf.task_always_eager = False  # tasks go through the broker, to a worker
    try:
        yield server
    finally:
        app.conf.task_always_eager = previous_eager
        point_celery_at(previous_broker)
        server.stop(signal.SIGKILL)
