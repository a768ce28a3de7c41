"""Fixtures for the fake Mollie: the real mollie-api-python client over HTTP against pytest's live server,
and a tiny webhook receiver (http.server in a thread) that records every call it gets."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from mollie.api.client import Client

API_KEY = "test_" + "fakemollietests".ljust(30, "0")
LIVE_KEY = "live_" + "fakemollietests".ljust(30, "0")


_open_clients = []


def make_client(live_server, key=API_KEY) -> Client:
    client = Client(api_endpoint=live_server.url + "/fake-mollie", timeout=(2, 10), retry=0)
    client.set_api_key(key)
    _open_clients.append(client)
    return client


@pytest.fixture(autouse=True)
def _close_clients():
    """Close the clients' keep-alive connections: an open one holds a live-server thread and its database session,
    and PostgreSQL will not drop the test database while a session is left."""
    yield
    while _open_clients:
        session = getattr(_open_clients.pop(), "_client", None)
        if session is not None:
            session.close()


@pytest.fixture
def fake_site(live_server, settings):
    """Checkout links point at the live server, as SITE_URL does in the demo."""
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def mollie(fake_site):
    return make_client(fake_site)


class WebhookReceiver:
    def __init__(self):
        self.calls = []
        self.status = 200
        # Optional: run for each call, inside the request, e.g. to fetch the payment the way a shop would.
        self.on_call = None
        self.seen = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                receiver.calls.append({"path": self.path, "body": body,
                                       "content_type": self.headers.get("Content-Type")})
                if receiver.on_call:
                    receiver.seen.append(receiver.on_call(body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def bodies(self):
        return [call["body"] for call in self.calls]


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def payment_data(webhook=None, **extra):
    data = {
        "amount": {"currency": "EUR", "value": "12.50"},
        "description": "Bewonerskaart ABC-123",
        "redirectUrl": "https://eloket.example/betalen/terug/42/",
        "method": "bancontact",
        "metadata": {"payment": 42},
    }
    if webhook is not None:
        data["webhookUrl"] = webhook.url
    data.update(extra)
    return data
