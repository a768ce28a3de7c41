"""Parking by SMS the way 4411 works: the grammar, and what each message does and answers.

Replies are asserted on what does not depend on the translation (plates, zones, times, amounts), so the tests hold
whether or not the Dutch catalogue has the reply texts yet.
"""

import datetime
import re
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eloket.accounts import phone as phones
from eloket.city.models import Zone
from eloket.notifications.models import OutboundMessage
from parking_sessions import sms
from parking_sessions.models import Channel, Inbox, ParkingSession, SessionStatus
from parking_sessions.sms import Help, Start, Stop, Unknown, parse

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
PHONE = "+32470111222"
OTHER_PHONE = "+32470999888"


def tuesday(hour: int, minute: int = 0) -> datetime.datetime:
    # 10 March 2026 is an ordinary Tuesday: paid hours 9:00-18:00 in C1, no public holiday.
    return datetime.datetime(2026, 3, 10, hour, minute, tzinfo=BRUSSELS)


# --- The grammar ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "command"), [
    ("C1 1ABC123", Start("C1", "1ABC123")),
    ("c1 1-abc-123", Start("C1", "1ABC123")),
    ("  C1    1.ABC.123.  ", Start("C1", "1ABC123")),
    ("C1 1 ABC 123", Start("C1", "1ABC123")),
    ("c2\t1-abc-123\n", Start("C2", "1ABC123")),
    ("B1 ABC-123", Start("B1", "ABC123")),
    ("Ｃ１ １ＡＢＣ１２３", Start("C1", "1ABC123")),  # full-width characters from some phone keyboards
    ("C1 1\u200bABC123", Start("C1", "1ABC123")),  # a zero-width space inside the plate
    ("Q", Stop()),
    ("q.", Stop()),
    (" q ", Stop()),
    ("Q 1-abc-123", Stop("1ABC123")),
    ("q 1 abc 123.", Stop("1ABC123")),
    ("HELP", Help()),
    ("help", Help()),
    ("Info", Help()),
    ("?", Help()),
    ("help me", Help()),
])
def test_it_reads_the_commands_however_they_are_typed(body, command):
    assert parse(body) == command


@pytest.mark.parametrize(("body", "reason"), [
    ("", "empty"),
    ("   ...  ", "empty"),
    ("\x00\x01\x02", "empty"),
    ("C1", "no_plate"),
    ("1-ABC-123", "no_zone"),
    ("C1 !!!", "invalid_plate"),
    ("C1 1ABC123 please", "invalid_plate"),
    ("Q ÿ€", "invalid_plate"),
    ("Hallo, ik wil parkeren", "not_understood"),
    ("Hallo", "not_understood"),
    ("Hallo daar!", "not_understood"),
    ("🚗 1ABC123", "not_understood"),
    ("C1 1ABC123'; DROP TABLE parking_sessions_parkingsession; --", "invalid_plate"),
    ("C1 1ABC123\" OR 1=1", "invalid_plate"),
    ("C1 " + "A1" * 100, "too_long"),
    ("x" * 100_000, "too_long"),
    ("C1 \ud800\udfff", "invalid_plate"),  # lone surrogates, as a broken gateway might pass on
])
def test_anything_else_is_unknown_with_a_reason(body, reason):
    command = parse(body)
    assert isinstance(command, Unknown)
    assert command.reason == reason
    assert command.reason in sms.REASONS


def test_a_bad_plate_carries_the_plate_check_reason():
    assert parse("C1 1ABC123XYZ99").detail


@settings(max_examples=200)
@given(st.text(max_size=400) | st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")))
def test_parse_never_raises_on_any_text(body):
    command = parse(body)
    assert isinstance(command, Start | Stop | Help | Unknown)
    if isinstance(command, Unknown):
        assert command.reason in sms.REASONS


separator = st.sampled_from(["", " ", "-", ".", "  ", " - "])


@settings(max_examples=100)
@given(zone=st.from_regex(r"\A[A-Za-z][0-9]\Z"), digit=st.integers(1, 9),
       letters=st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=3, max_size=3), number=st.integers(0, 999),
       sep1=separator, sep2=separator, lower=st.booleans(), dot=st.booleans())
def test_every_way_of_writing_a_belgian_plate_starts_the_same_session(zone, digit, letters, number, sep1, sep2, lower,
                                                                       dot):
    body = f"{zone}  {digit}{sep1}{letters}{sep2}{number:03d}{'.' if dot else ''}"
    command = parse(body.lower() if lower else body)
    assert command == Start(zone.upper(), f"{digit}{letters}{number:03d}")


# --- What a message does and answers -------------------------------------------------------------

@pytest.fixture
def send(demo_city, sms_outbox, django_capture_on_commit_callbacks):
    """Send one SMS received at `when` and return its reply; every message gets exactly one, to its sender."""

    def _send(body: str, when: datetime.datetime, phone: str = PHONE) -> str:
        message_id = uuid.uuid4().hex
        row, created = sms.accept(message_id, {"message_id": message_id, "from": phone, "to": "4411", "body": body})
        assert created
        Inbox.objects.filter(pk=row.pk).update(received_at=when)
        row.refresh_from_db()
        before = len(sms_outbox)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            sms.apply(row)
        replies = sms_outbox[before:]
        assert [reply.to for reply in replies] == [phones.normalize(phone)]
        return replies[0].text

    return _send


def shows_duration(reply: str, hours: int, minutes: int) -> bool:
    """The duration as the source text writes it (3 h 0 min) or the Dutch one will (3 u 0 min)."""
    return re.search(rf"\b{hours} \w{{1,3}} {minutes} min\b", reply) is not None


def running(phone: str = PHONE):
    return list(ParkingSession.objects.filter(phone=phone, status=SessionStatus.ACTIVE).order_by("pk"))


def test_zone_and_plate_start_a_session_and_the_reply_gives_the_tariff(send):
    reply = send("c1 1-abc-123", tuesday(10, 5))

    session, = running()
    assert (session.zone.code, session.plate, session.channel) == ("C1", "1ABC123", Channel.SMS)
    assert session.starts_at == tuesday(10, 5) and session.ends_at is None
    assert session.inbox.payload["body"] == "c1 1-abc-123"
    for shown in ("C1", "1-ABC-123", "10:05", "2,00", "09:00-18:00", "60"):
        assert shown in reply
    assert reply.startswith("Genk:")


def test_q_stops_the_running_session_and_the_reply_gives_duration_and_cost(send):
    send("C1 1ABC123", tuesday(10, 0))
    reply = send("Q", tuesday(13, 0))

    session = ParkingSession.objects.get()
    assert session.status == SessionStatus.ENDED and session.ends_at == tuesday(13, 0)
    assert session.price > Decimal("0")  # three hours in a paid zone, one of them free
    assert "1-ABC-123" in reply and "13:00" in reply and shows_duration(reply, 3, 0)
    assert f"{session.price:.2f}".replace(".", ",") in reply


def test_a_blue_zone_gives_a_free_digital_disc_with_the_disc_time(send):
    reply = send("B1 1ABC123", tuesday(11, 5))

    session, = running()
    assert session.is_disc and session.price == 0
    assert session.starts_at == tuesday(11, 30)  # the next half hour, as on a paper disc
    assert "11:30" in reply and "13:30" in reply and "120" in reply and "B1" in reply

    reply = send("Q", tuesday(12, 0))
    assert "1-ABC-123" in reply and "B1" in reply
    assert not running()


def test_q_with_two_sessions_asks_which_and_q_with_a_plate_stops_that_one(send):
    send("C1 1ABC123", tuesday(10, 0))
    send("C2 2XYZ789", tuesday(10, 10))

    reply = send("q", tuesday(11, 0))
    assert len(running()) == 2
    assert "1-ABC-123 (C1)" in reply and "2-XYZ-789 (C2)" in reply and "Q 1ABC123" in reply

    reply = send("Q 2-xyz-789", tuesday(11, 10))
    stopped = ParkingSession.objects.get(plate="2XYZ789")
    assert stopped.status == SessionStatus.ENDED and stopped.ends_at == tuesday(11, 10)
    assert [session.plate for session in running()] == ["1ABC123"]
    assert "2-XYZ-789" in reply and shows_duration(reply, 1, 0)


def test_starting_the_same_plate_again_ends_the_running_session_like_4411_easy(send):
    send("C1 1ABC123", tuesday(10, 0))
    reply = send("C2 1ABC123", tuesday(11, 0))

    first, second = ParkingSession.objects.order_by("pk")
    assert (first.status, first.ends_at) == (SessionStatus.ENDED, tuesday(11, 0))
    assert (second.zone.code, second.status) == ("C2", SessionStatus.ACTIVE)
    assert shows_duration(reply, 1, 0) and "C1" in reply and "C2" in reply  # says the first one ended


def test_a_refused_start_leaves_the_running_session_running(send):
    send("C1 1ABC123", tuesday(10, 0))
    zone = Zone.objects.get(code="C2")
    zone.is_active = False
    zone.save()  # as an admin does: the zones cached in this process are read again (reference.py)

    reply = send("C2 1ABC123", tuesday(11, 0))
    assert "C2" in reply and "C1 1ABC123" in reply  # an explanation with an example
    session, = running()
    assert session.zone.code == "C1" and session.ends_at is None


def test_another_phone_cannot_stop_a_session(send):
    send("C1 1ABC123", tuesday(10, 0))

    reply = send("Q 1ABC123", tuesday(10, 30), phone=OTHER_PHONE)
    assert "1-ABC-123" in reply
    assert len(running()) == 1

    send("Q", tuesday(10, 40), phone=OTHER_PHONE)
    assert len(running()) == 1


@pytest.mark.parametrize("body", ["", "Hallo", "C1", "1ABC123", "Z9 1ABC123", "C1 ???", "Q", "Q 9ZZZ999",
                                  "C1 1ABC123'; DROP TABLE x; --", "🚗🚗🚗", "x" * 1600])
def test_anything_it_cannot_do_is_explained_with_an_example(send, body):
    reply = send(body, tuesday(10, 0))
    assert "C1 1ABC123" in reply
    assert not running()


def test_help_explains_with_the_zones(send):
    reply = send("HELP", tuesday(10, 0))
    assert "C1 1ABC123" in reply and "B1, C1, C2" in reply and "Q" in reply


def test_a_session_belongs_to_the_account_that_verified_the_number(send, alice, bob):
    alice.phone, alice.phone_verified = PHONE, True
    alice.save()
    bob.phone, bob.phone_verified = OTHER_PHONE, False
    bob.save()

    send("C1 1ABC123", tuesday(10, 0), phone="0470 11 12 22")
    send("C1 2XYZ789", tuesday(10, 0), phone=OTHER_PHONE)

    assert ParkingSession.objects.get(plate="1ABC123").citizen == alice
    assert ParkingSession.objects.get(plate="2XYZ789").citizen is None  # bob never verified his number
    assert OutboundMessage.objects.filter(user=alice).count() == 1


def test_processing_a_message_twice_sends_one_reply(send, sms_outbox, django_capture_on_commit_callbacks):
    send("C1 1ABC123", tuesday(10, 0))
    row = Inbox.objects.get()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sms.apply(row)
    assert len(sms_outbox) == 1
    assert ParkingSession.objects.count() == 1


def test_the_session_starts_when_the_gateway_received_it_but_not_long_before():
    row_time = tuesday(10, 0)
    for sent, start in [("2026-03-10T09:58:00+01:00", tuesday(9, 58)), ("2026-03-10T08:00:00+01:00", tuesday(9, 50)),
                         ("2026-03-10T10:30:00+01:00", tuesday(10, 0)), ("not a time", tuesday(10, 0))]:
        row = Inbox(received_at=row_time, payload={"received_at": sent})
        assert sms._received_at(row) == start


def test_a_row_without_a_usable_sender_is_refused_for_good(demo_city):
    row = Inbox.objects.create(kind="sms", source="sms", external_id="x", payload={"from": "nobody", "body": "Q"})
    with pytest.raises(sms.SessionRefused) as refused:
        sms.apply(row)
    assert refused.value.code == "invalid_sender"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=200) | st.sampled_from(["C1 1ABC123", "B1 2xyz789", "Q", "Q 1ABC123", "HELP", "c2 1-abc-123."]))
def test_every_message_gets_exactly_one_reply(send, body):
    assert send(body, tuesday(12, 0))  # `send` checks: one reply, to the sender
