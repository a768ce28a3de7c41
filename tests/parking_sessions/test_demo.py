"""The demo city's parking: the 4411 operator and a scan car whose secrets are printed once and stored only as hashes,
and sessions on Alice's plate from the website, SMS and the app, seeded again without doubles."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from eloket.accounts.models import User
from eloket.payments.models import Payment
from parking_sessions import devices, operators
from parking_sessions.demo import DEVICE_NAME, OPERATOR_CODE
from parking_sessions.models import Channel, Device, Inbox, Operator, ParkingSession

pytestmark = pytest.mark.django_db

KEY = re.compile(r"API key (\S+)")
TOKEN = re.compile(r"token +(\S+)")


@pytest.fixture(autouse=True)
def _fast_passwords(settings, media):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo_city", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in (Operator, Device, Inbox, ParkingSession, Payment)}


def test_seeding_twice_adds_nothing_and_prints_the_secrets_only_when_made(client):
    first_output = seed()
    first = counts()
    sessions = {session.uuid: (session.status, session.price, session.starts_at)
                for session in ParkingSession.objects.all()}

    second_output = seed()

    assert counts() == first
    assert {s.uuid: (s.status, s.price, s.starts_at) for s in ParkingSession.objects.all()} == sessions

    # The first seed printed the operator's key and the scan car's token; only their hashes are stored.
    key, token = KEY.search(first_output).group(1), TOKEN.search(first_output).group(1)
    operator, device = Operator.objects.get(code=OPERATOR_CODE), Device.objects.get(name=DEVICE_NAME)
    assert operators.operator_for_key(key) == operator and devices.device_for(token) == device
    assert key not in str(Operator.objects.values().get()) and token not in str(Device.objects.values().get())
    # The second cannot show them again, and says how to issue new ones.
    assert key not in second_output and token not in second_output
    assert f"manage.py operator_key {OPERATOR_CODE}" in second_output


def test_alice_sees_her_sessions_from_every_channel(client, english):
    seed()
    alice = User.objects.get(email="alice@example.org")
    on_her_plate = ParkingSession.objects.filter(plate="1ABC123")
    assert {session.channel for session in on_her_plate} == {Channel.WEB, Channel.SMS, Channel.APP}
    assert on_her_plate.get(channel=Channel.APP).operator.code == OPERATOR_CODE
    assert on_her_plate.filter(is_disc=True).count() == 1
    paid_online = on_her_plate.get(channel=Channel.WEB, is_disc=False)
    assert Payment.objects.get(object_id=paid_online.pk).amount == paid_online.price

    client.force_login(alice)
    page = client.get("/en/parkeren/").content.decode()
    for session in on_her_plate:
        assert f'href="/en/parkeren/{session.uuid}/"' in page
    assert "SMS" in page and "App: 4411" in page and page.count("(read only)") == 2

    panel = client.get("/en/mijn-loket/").content.decode()
    assert sum(f"/en/parkeren/{session.uuid}/" in panel for session in on_her_plate) == on_her_plate.count()
