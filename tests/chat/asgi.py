"""Driving the real ASGI application in the test process: open an event stream, read its events, disconnect."""

import asyncio

from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler


class Stream:
    """One client of an event stream, reading what the application sends until it is told to go away."""

    def __init__(self, path: str, cookie: str = ""):
        headers = [(b"host", b"testserver"), (b"accept", b"text/event-stream")]
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        self.communicator = ApplicationCommunicator(ASGIHandler(), scope)
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.text = ""
        self.ended = False

    async def open(self, timeout: float = 5) -> int:
        await self.communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await self.communicator.receive_output(timeout)
        assert start["type"] == "http.response.start", start
        self.status = start["status"]
        self.headers = {key.decode().lower(): value.decode() for key, value in start["headers"]}
        return self.status

    async def read_until(self, words: str, timeout: float = 5) -> str:
        """Read body chunks until `words` arrived (or fail after the timeout); returns everything read so far."""
        deadline = asyncio.get_running_loop().time() + timeout
        while words not in self.text:
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"{words!r} did not arrive; got {self.text!r}"
            message = await self.communicator.receive_output(left)
            if message["type"] == "http.response.body":
                self.text += message.get("body", b"").decode()
                if not message.get("more_body", False):
                    self.ended = True
                    break
        return self.text

    async def disconnect(self, timeout: float = 5) -> None:
        """The browser goes away: the application must finish (and clean up) on its own."""
        await self.communicator.send_input({"type": "http.disconnect"})
        await self.communicator.wait(timeout)
