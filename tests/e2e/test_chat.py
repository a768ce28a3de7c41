"""Live chat in Chromium: a citizen and a staff member exchange messages under the ASGI server the deployment uses
(gunicorn with uvicorn_worker.UvicornWorker), each seeing the other's within a second, with the axe scan on both
pages; the polling fallback where there is no stream; and a guest without JavaScript."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import redis
from django.conf import settings

from chat import conversations, stream
from chat.models import Conversation, OfficeHours, Topic
from tests.accounts.helpers import totp_code
from tests.e2e.conftest import Visitor
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
WITHIN_A_SECOND = 1000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    """The test database under its test name, as DATABASE_URL for the server process."""
    database = settings.DATABASES["default"]
    configured = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eloket"))
    return urlunparse(configured._replace(path=f"/{database['NAME']}"))


@pytest.fixture
def asgi_server(transactional_db, tmp_path):
    """gunicorn -k uvicorn_worker.UvicornWorker on a free port, on the test database and the tests' Redis."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, "SITE_URL": base,
           "MEDIA_ROOT": str(tmp_path / "media"), "CELERY_TASK_ALWAYS_EAGER": "true", "DEBUG": "true",
           "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "eloket.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the server must be async-safe for real
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "eloket.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--graceful-timeout", "3", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                with urllib.request.urlopen(f"{base}/health/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the ASGI server did not start: " + (tmp_path / "server.log").read_text()
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def chat_open(transactional_db):
    """A topic, and office hours all day every day: the chat is live whenever the test runs."""
    import datetime

    OfficeHours.objects.bulk_create([OfficeHours(weekday=day, opens=datetime.time(0), closes=datetime.time.max)
                                     for day in range(7)])
    return Topic.objects.create(name_nl="Bewonerskaart", name_en="Resident card")


def _person(browser, base, **options):
    context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels", **options)
    context.set_default_timeout(10_000)
    return context, Visitor(context.new_page(), base)


def _emptied(visitor, selector):
    """The message box is emptied once the post is answered (the stream may show the message a moment before)."""
    visitor.page.wait_for_function("(selector) => document.querySelector(selector).value === ''", arg=selector,
                                   timeout=3000)


def _message(visitor, text):
    return visitor.page.locator("#chat-messages li", has_text=text)


def test_a_citizen_and_a_staff_member_chat_live_under_the_asgi_server(browser, asgi_server, chat_open, alice, carla):
    citizen_context, citizen = _person(browser, asgi_server, viewport={"width": 1024, "height": 800})
    staff_context, staff = _person(browser, asgi_server, viewport={"width": 1280, "height": 900})
    try:
        log_in(staff, carla, code=totp_code(carla.totp_secret))
        staff.visit("/admin/chat/conversation/console/")
        log_in(citizen, alice)

        # Alice starts; the conversation appears in Carla's queue without a reload.
        citizen.visit("/chat/")
        citizen.page.check(f"input[name=topic][value='{chat_open.pk}']")
        citizen.page.fill("textarea[name=body]", "Hoe verleng ik mijn bewonerskaart?")
        citizen.page.click("main form button[type=submit]")
        citizen.page.wait_for_url(re.compile(r"/chat/\d+/$"))
        citizen.check()
        conversation = Conversation.objects.get()
        console_url = f"/admin/chat/conversation/console/{conversation.pk}/"
        staff.page.wait_for_selector(f"a[href='{console_url}']", timeout=3000)

        # Carla takes it; Alice's page says who answers, without a reload.
        staff.page.click(f"a[href='{console_url}']")
        staff.page.wait_for_url(re.compile(re.escape(console_url) + "$"))
        staff.page.click("form[action$='/take/'] input[type=submit]")
        staff.page.wait_for_selector("#chat-reply textarea[name=body]")
        staff.check()
        citizen.page.wait_for_selector("#chat-status:has-text('Carla')", timeout=3000)

        # Carla answers: Alice sees it within a second, once.
        staff.page.fill("#chat-reply textarea[name=body]", "Met de knop Verlengen in Mijn loket.")
        staff.page.click("#chat-reply input[type=submit]")
        _message(citizen, "Met de knop Verlengen").wait_for(timeout=WITHIN_A_SECOND)
        _message(staff, "Met de knop Verlengen").wait_for(timeout=WITHIN_A_SECOND)
        _emptied(staff, "#chat-reply textarea[name=body]")

        # Alice answers: Carla sees it within a second, once.
        citizen.page.fill("form[data-chat-compose] textarea[name=body]", "Dank u, gevonden!")
        citizen.page.click("form[data-chat-compose] button[type=submit]")
        _message(staff, "Dank u, gevonden!").wait_for(timeout=WITHIN_A_SECOND)
        _message(citizen, "Dank u, gevonden!").wait_for(timeout=WITHIN_A_SECOND)
        _emptied(citizen, "form[data-chat-compose] textarea[name=body]")
        time.sleep(0.5)  # a late duplicate from the stream or a catch-up poll would show by now
        for visitor in (citizen, staff):
            assert _message(visitor, "Met de knop Verlengen").count() == 1
            assert _message(visitor, "Dank u, gevonden!").count() == 1
            visitor.check()

        # Alice ends it with the transcript; Carla's page follows.
        citizen.page.check("input[name=transcript]")
        citizen.page.click("form[action$='/sluiten/'] button[type=submit]")
        # The closed page offers a new conversation (the stream's status event may reload it once more meanwhile).
        citizen.page.wait_for_selector(".chat-end a[href$='/chat/']")
        citizen.page.wait_for_load_state("load")
        citizen.check()
        staff.page.wait_for_function("() => !document.querySelector(\"form[action$='/close/']\")", timeout=5000)
        staff.check()
        assert Conversation.objects.get().status == "closed"
    finally:
        citizen_context.close()
        staff_context.close()

    # Both pages are gone: their streams let go of their Redis subscriptions.
    channel = stream.conversation_channel(conversation.pk)
    client = redis.Redis.from_url(settings.REDIS_URL)
    for _attempt in range(50):
        if dict(client.pubsub_numsub(channel))[channel.encode()] == 0:
            break
        time.sleep(0.1)
    assert dict(client.pubsub_numsub(channel))[channel.encode()] == 0


def test_where_there_is_no_stream_the_page_polls(visitor, chat_open, alice, carla):
    """pytest-django's live server is WSGI: the stream answers 204 and the page falls back to polling."""
    log_in(visitor, alice)
    visitor.visit("/chat/")
    visitor.page.check(f"input[name=topic][value='{chat_open.pk}']")
    visitor.page.fill("textarea[name=body]", "Is er iemand?")
    visitor.page.click("main form button[type=submit]")
    visitor.page.wait_for_url(re.compile(r"/chat/\d+/$"))
    visitor.check()
    conversation = Conversation.objects.get()
    conversations.take(conversation, carla)
    conversations.post_message(conversation, body="Ja, ik ben er.", author=carla, by_staff=True)
    visitor.page.locator("#chat-messages li", has_text="Ja, ik ben er.").wait_for(timeout=8000)
    visitor.page.wait_for_selector("#chat-status:has-text('Carla')", timeout=8000)
    assert visitor.page.locator("#chat-messages li", has_text="Is er iemand?").count() == 1
    visitor.check()


def test_a_guest_without_javascript_chats_with_plain_forms(no_js, chat_open, carla):
    """Plain forms and a reload. (axe is not run here: with scripts switched off it never finishes; the same pages are
    scanned with JavaScript in the tests above.)"""
    page = no_js.page
    page.goto(no_js.base_url + "/chat/")
    page.check(f"input[name=topic][value='{chat_open.pk}']")
    page.fill("input[name=guest_name]", "Gert Gast")
    page.fill("input[name=guest_email]", "gert@example.org")
    page.fill("textarea[name=body]", "Mag ik op zondag gratis parkeren?")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/chat/\d+/$"))
    conversation = Conversation.objects.get()
    assert conversation.citizen is None and conversation.guest_email == "gert@example.org"
    conversations.take(conversation, carla)
    conversations.post_message(conversation, body="Ja, op zondag is parkeren gratis.", author=carla, by_staff=True)
    page.reload()
    assert page.locator("#chat-messages li", has_text="op zondag is parkeren gratis").count() == 1
    page.fill("form[data-chat-compose] textarea[name=body]", "Bedankt!")
    page.click("form[data-chat-compose] button[type=submit]")
    page.wait_for_url(re.compile(r"/chat/\d+/#chat-message-\d+$"))
    assert page.locator("#chat-messages li", has_text="Bedankt!").count() == 1
    page.check("input[name=transcript]")
    page.click("form[action$='/sluiten/'] button[type=submit]")
    page.wait_for_selector(".chat-end a[href$='/chat/']")
    assert Conversation.objects.get().status == "closed"


def test_the_chat_fits_a_phone(phone, chat_open, alice):
    log_in(phone, alice)
    phone.visit("/chat/")
    assert phone.fits_width()
    phone.page.check(f"input[name=topic][value='{chat_open.pk}']")
    phone.page.fill("textarea[name=body]", "Een vraag vanaf mijn telefoon")
    phone.page.click("main form button[type=submit]")
    phone.page.wait_for_url(re.compile(r"/chat/\d+/$"))
    phone.check()
    assert phone.fits_width()
