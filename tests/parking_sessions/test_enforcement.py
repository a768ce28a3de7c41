"""The enforcement check: every kind of right, free hours, the grace period, zones by position, and its cost in
queries for one plate and for a thousand."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eloket.city.models import CityProfile, Zone
from parking_sessions import enforcement, reference, sessions
from parking_sessions.enforcement import Item, check, check_many
from parking_sessions.enforcement_tasks import delete_old_checks
from parking_sessions.models import Check, SessionStatus
from parking_sessions.outlines import contains
from parking_sessions.refusals import SessionRefused
from permits.models import PermitKind, PermitStatus

from .enforcement_helpers import (
    CENTRE,
    MONDAY_10,
    PLATE,
    WINTERSLAG,
    brussels,
    demo_zones,
    device,
    permit,
    session,
    visitor_period,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def zones(demo_city):
    return demo_zones()


@pytest.fixture
def scan_car(db):
    return device()

MINUTE, SECOND = datetime.timedelta(minutes=1), datetime.timedelta(seconds=1)


class TestASession:
    def test_a_running_session_in_the_zone_covers_the_plate(self, zones):
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE)
        answer = check("1-abc-123", zones["C1"], MONDAY_10)
        assert (answer.allowed, answer.right, answer.until, answer.grace_until, answer.zone) == (
            True, "session", None, None, zones["C1"])
        assert answer.label == "Parking session running"

    def test_a_fixed_session_covers_until_its_end_and_not_after(self, zones):
        ends = MONDAY_10 + 60 * MINUTE
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE, ends_at=ends)
        assert check(PLATE, zones["C1"], ends).until == ends
        assert check(PLATE, zones["C1"], ends).label == "Parking session until 2/3 11:00"
        assert not check(PLATE, zones["C1"], ends + SECOND).allowed

    def test_an_ended_session_covers_its_past_period(self, zones):
        session(zones["C1"], starts_at=MONDAY_10 - 60 * MINUTE, ends_at=MONDAY_10, status=SessionStatus.ENDED)
        assert check(PLATE, zones["C1"], MONDAY_10 - 30 * MINUTE).right == "session"
        assert not check(PLATE, zones["C1"], MONDAY_10 + MINUTE).allowed

    @pytest.mark.parametrize("status", [SessionStatus.AWAITING_PAYMENT, SessionStatus.CANCELLED])
    def test_an_unpaid_or_cancelled_session_is_no_right(self, zones, status):
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE, status=status)
        assert not check(PLATE, zones["C1"], MONDAY_10).allowed

    def test_a_session_holds_only_in_its_own_zone_and_for_its_own_plate(self, zones):
        session(zones["C2"], starts_at=MONDAY_10 - 30 * MINUTE)
        assert not check(PLATE, zones["C1"], MONDAY_10).allowed
        assert not check("2XYZ789", zones["C2"], MONDAY_10).allowed

    def test_not_before_it_starts(self, zones):
        session(zones["C1"], starts_at=MONDAY_10 + MINUTE)
        assert not check(PLATE, zones["C1"], MONDAY_10).allowed

    def test_a_session_started_through_the_rules_is_seen_at_once(self, zones):
        started = sessions.start_session(plate="1-abc-123", zone=zones["C1"], channel="app",
                                         starts_at=MONDAY_10 - 5 * MINUTE, ends_at=MONDAY_10 + 55 * MINUTE)
        answer = check(PLATE, zones["C1"], MONDAY_10)
        assert (answer.right, answer.until) == ("session", started.ends_at)


class TestADigitalDisc:
    def test_it_covers_two_hours_from_the_disc_time(self, zones):
        disc = sessions.disc_time(brussels(2026, 3, 2, 9, 40))  # 10:00
        session(zones["B1"], starts_at=disc, is_disc=True)
        answer = check(PLATE, zones["B1"], brussels(2026, 3, 2, 12, 0))
        assert (answer.allowed, answer.right, answer.until) == (True, "disc", brussels(2026, 3, 2, 12, 0))
        assert answer.label == "Digital parking disc set at 2/3 10:00, valid until 2/3 12:00"

    def test_it_also_covers_the_half_hour_before_the_disc_time(self, zones):
        session(zones["B1"], starts_at=brussels(2026, 3, 2, 10, 0), is_disc=True)
        assert check(PLATE, zones["B1"], brussels(2026, 3, 2, 9, 30)).right == "disc"
        assert not check(PLATE, zones["B1"], brussels(2026, 3, 2, 9, 29)).allowed

    def test_beyond_its_limit_the_plate_is_not_covered_and_a_blue_zone_has_no_grace(self, zones):
        session(zones["B1"], starts_at=brussels(2026, 3, 2, 10, 0), is_disc=True)
        answer = check(PLATE, zones["B1"], brussels(2026, 3, 2, 12, 0) + SECOND)
        assert (answer.allowed, answer.right, answer.grace_until) == (False, "", None)

    def test_the_limit_counts_the_limited_hours_only(self, zones):
        """Set at 17:30 on Monday: half an hour that day, the other hour and a half from 09:00 on Tuesday."""
        session(zones["B1"], starts_at=brussels(2026, 3, 2, 17, 30), is_disc=True)
        answer = check(PLATE, zones["B1"], brussels(2026, 3, 3, 10, 15))
        assert (answer.right, answer.until) == ("disc", brussels(2026, 3, 3, 10, 30))
        assert not check(PLATE, zones["B1"], brussels(2026, 3, 3, 10, 31)).allowed

    def test_a_stopped_disc_no_longer_covers(self, zones):
        session(zones["B1"], starts_at=brussels(2026, 3, 2, 10, 0), ends_at=brussels(2026, 3, 2, 10, 45), is_disc=True,
                status=SessionStatus.ENDED)
        assert not check(PLATE, zones["B1"], brussels(2026, 3, 2, 11, 0)).allowed


class TestPermits:
    def test_a_resident_card_in_its_own_zone(self, zones, alice):
        card = permit(alice, PermitKind.RESIDENT, zones["R1"], on=MONDAY_10.date())
        answer = check(PLATE, zones["R1"], MONDAY_10)
        assert (answer.allowed, answer.right, answer.label) == (True, "resident", "Resident card for zone R1")
        assert answer.until == brussels(card.valid_to.year, card.valid_to.month, card.valid_to.day) + datetime.timedelta(
            days=1)
        assert not check(PLATE, zones["R2"], MONDAY_10).allowed

    def test_a_disability_registration_without_end(self, zones, alice):
        permit(alice, PermitKind.DISABILITY, valid=(-10, None), on=MONDAY_10.date())
        answer = check(PLATE, zones["C1"], MONDAY_10)
        assert (answer.allowed, answer.right, answer.until) == (True, "disability", None)
        assert check(PLATE, zones["B1"], MONDAY_10).right == "disability"

    def test_a_disability_registration_in_a_paid_zone_only_when_the_city_decided_so(self, zones, alice):
        CityProfile.objects.update(disability_free_in_paid_zones=False)
        permit(alice, PermitKind.DISABILITY, valid=(-10, None), on=MONDAY_10.date())
        assert not check(PLATE, zones["C1"], MONDAY_10).allowed
        assert check(PLATE, zones["B1"], MONDAY_10).right == "disability"

    def test_a_care_provider_in_paid_and_blue_zones(self, zones, alice):
        permit(alice, PermitKind.CARE_PROVIDER, on=MONDAY_10.date())
        assert check(PLATE, zones["C1"], MONDAY_10).right == "care_provider"
        assert not check(PLATE, zones["R1"], MONDAY_10).allowed

    def test_a_visitor_period_while_it_runs(self, zones, alice):
        card = permit(alice, PermitKind.RESIDENT, zones["R1"], plate="1RES001", on=MONDAY_10.date())
        period = visitor_period(card, starts_at=MONDAY_10 - 30 * MINUTE, minutes=90, plate="2GST002")
        answer = check("2-gst-002", zones["R1"], MONDAY_10)
        assert (answer.allowed, answer.right, answer.until, answer.label) == (
            True, "visitor", period.ends_at, "Visitor period in zone R1")
        assert not check("2GST002", zones["R1"], period.ends_at).allowed

    @pytest.mark.parametrize(("status", "valid"), [
        (PermitStatus.IN_REVIEW, (-10, 300)), (PermitStatus.REVOKED, (-10, 300)), (PermitStatus.ACTIVE, (-400, -1)),
        (PermitStatus.ACTIVE, (1, 300)),
    ])
    def test_only_an_active_permit_on_a_day_it_is_valid(self, zones, alice, status, valid):
        permit(alice, PermitKind.CARE_PROVIDER, status=status, valid=valid, on=MONDAY_10.date())
        assert not check(PLATE, zones["C1"], MONDAY_10).allowed

    def test_the_longest_right_is_given(self, zones, alice):
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE, ends_at=MONDAY_10 + 30 * MINUTE)
        permit(alice, PermitKind.CARE_PROVIDER, on=MONDAY_10.date())
        assert check(PLATE, zones["C1"], MONDAY_10).right == "care_provider"


class TestFreeHours:
    def test_after_the_paid_hours_parking_is_free_until_they_start_again(self, zones):
        answer = check(PLATE, zones["C1"], brussels(2026, 3, 2, 18, 0))
        assert (answer.allowed, answer.right, answer.until) == (True, "free", brussels(2026, 3, 3, 9, 0))
        assert answer.label == "Free parking at this time"
        assert not check(PLATE, zones["C1"], brussels(2026, 3, 2, 17, 59)).allowed

    def test_sunday_and_public_holidays_are_free(self, zones):
        sunday = check(PLATE, zones["B1"], brussels(2026, 3, 1, 11, 0))
        assert (sunday.right, sunday.until) == ("free", brussels(2026, 3, 2, 9, 0))
        easter_monday = check(PLATE, zones["C1"], brussels(2026, 4, 6, 11, 0))
        assert (easter_monday.right, easter_monday.until) == ("free", brussels(2026, 4, 7, 9, 0))

    def test_a_zone_without_a_tariff_is_never_free(self, zones):
        zones["C2"].tariffs.all().delete()
        assert not check(PLATE, zones["C2"], brussels(2026, 3, 1, 11, 0)).allowed


class TestTheGracePeriod:
    def test_the_first_sighting_starts_it_and_it_ends_to_the_second(self, zones, scan_car):
        first = check(PLATE, zones["C1"], MONDAY_10, device=scan_car)
        end = MONDAY_10 + 15 * MINUTE
        assert (first.allowed, first.right, first.grace_until) == (False, "", end)
        assert first.label == "No parking right yet: time to register until 2/3 10:15"
        just_before = check(PLATE, zones["C1"], end - SECOND, device=scan_car)
        assert (just_before.allowed, just_before.grace_until) == (False, end)
        just_after = check(PLATE, zones["C1"], end + SECOND, device=scan_car)
        assert (just_after.allowed, just_after.grace_until, just_after.label) == (False, None, "No parking right")

    def test_without_a_logged_sighting_every_check_starts_afresh(self, zones):
        assert check(PLATE, zones["C1"], MONDAY_10 + 60 * MINUTE).grace_until == MONDAY_10 + 75 * MINUTE

    def test_a_covered_sighting_in_between_starts_it_again(self, zones, scan_car):
        check(PLATE, zones["C1"], MONDAY_10, device=scan_car)
        session(zones["C1"], starts_at=MONDAY_10 + 5 * MINUTE, ends_at=MONDAY_10 + 60 * MINUTE)
        assert check(PLATE, zones["C1"], MONDAY_10 + 30 * MINUTE, device=scan_car).allowed
        later = check(PLATE, zones["C1"], MONDAY_10 + 120 * MINUTE, device=scan_car)
        assert later.grace_until == MONDAY_10 + 135 * MINUTE

    def test_sightings_in_another_zone_or_on_another_day_do_not_count(self, zones, scan_car):
        check(PLATE, zones["C2"], MONDAY_10, device=scan_car)
        check(PLATE, zones["C1"], MONDAY_10 - datetime.timedelta(days=1, hours=-1), device=scan_car)
        assert check(PLATE, zones["C1"], MONDAY_10 + 60 * MINUTE).grace_until == MONDAY_10 + 75 * MINUTE

    def test_an_earlier_item_of_the_same_batch_is_a_sighting(self, zones):
        items = [Item(PLATE, (zones["C1"],), MONDAY_10 + 20 * MINUTE), Item(PLATE, (zones["C1"],), MONDAY_10)]
        later, first = check_many(items)
        assert first.grace_until == MONDAY_10 + 15 * MINUTE
        assert (later.allowed, later.grace_until) == (False, None)


class TestZonesByPosition:
    def test_a_point_inside_an_outline_finds_its_zone(self, zones):
        Zone.objects.filter(code="C1").update(outline=CENTRE)
        reference.forget()
        entry = enforcement.item("1-abc-123", lat=50.965, lon=5.50, at=MONDAY_10)
        assert [zone.code for zone in entry.zones] == ["C1"]
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE)
        assert check_many([entry])[0].right == "session"

    def test_a_point_outside_every_zone_is_not_regulated(self, zones):
        zones["C1"].outline = CENTRE
        zones["C1"].save()
        entry = enforcement.item(PLATE, lat=50.90, lon=5.50, at=MONDAY_10)
        answer = check_many([entry])[0]
        assert (entry.zones, answer.allowed, answer.right, answer.zone) == ((), True, "no_zone", None)

    def test_overlapping_zones_each_give_their_rights(self, zones, alice):
        for code in ("C1", "R1"):
            zones[code].outline = CENTRE
            zones[code].save()
        permit(alice, PermitKind.RESIDENT, zones["R1"], on=MONDAY_10.date())
        entry = enforcement.item(PLATE, lat=50.965, lon=5.50, at=MONDAY_10)
        answer = check_many([entry])[0]
        assert (answer.right, answer.zone) == ("resident", zones["R1"])

    def test_polygons_holes_features_and_malformed_outlines(self):
        assert contains(CENTRE, 50.965, 5.50) and not contains(CENTRE, 50.965, 5.52)
        assert contains(WINTERSLAG, 50.985, 5.47) and not contains(WINTERSLAG, 50.99, 5.47)  # the hole
        multi = {"type": "MultiPolygon", "coordinates": [CENTRE["coordinates"], WINTERSLAG["geometry"]["coordinates"]]}
        assert contains(multi, 50.965, 5.50) and contains(multi, 50.985, 5.47)
        collection = {"type": "FeatureCollection", "features": [WINTERSLAG]}
        assert contains(collection, 50.985, 5.47)
        for broken in (None, {}, {"type": "Polygon"}, {"type": "Polygon", "coordinates": [[["a", "b"]]]},
                       {"type": "Point", "coordinates": [5.5, 50.9]}, "Polygon"):
            assert not contains(broken, 50.965, 5.50)

    def test_a_point_on_a_concave_outline(self):
        u_shape = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3],
                                                       [0, 0]]]}
        assert contains(u_shape, 2.5, 0.5) and contains(u_shape, 2.5, 2.5)
        assert not contains(u_shape, 2.5, 1.5)  # the notch of the U


class TestQuestions:
    @pytest.mark.parametrize(("arguments", "code"), [
        ({"plate": "!", "zone": "C1"}, "invalid_plate"),
        ({"plate": "", "zone": "C1"}, "invalid_plate"),
        ({"plate": PLATE, "zone": "ZZ9"}, "unknown_zone"),
        ({"plate": PLATE}, "zone_required"),
        ({"plate": PLATE, "lat": 50.9}, "zone_required"),
        ({"plate": PLATE, "lat": 91.0, "lon": 5.5}, "invalid_location"),
        ({"plate": PLATE, "zone": "C1", "at": timezone.now() + datetime.timedelta(hours=1)}, "invalid_time"),
    ])
    def test_bad_questions_are_refused_with_a_code(self, zones, arguments, code):
        with pytest.raises(SessionRefused) as refused:
            enforcement.item(**arguments)
        assert refused.value.code == code

    def test_an_inactive_zone_is_unknown(self, zones):
        Zone.objects.filter(code="C2").update(is_active=False)
        reference.forget()
        with pytest.raises(SessionRefused):
            enforcement.item(PLATE, zone="c2")

    def test_a_time_without_offset_is_brussels_time(self, zones):
        entry = enforcement.item(PLATE, zone="c1", at=datetime.datetime(2026, 3, 2, 10, 0))
        assert entry.at == MONDAY_10 and entry.zones == (zones["C1"],)


class TestQueries:
    def test_one_check_with_its_log_costs_two_queries_once_the_caches_are_warm(self, zones, alice, scan_car,
                                                                                django_assert_max_num_queries):
        permit(alice, PermitKind.DISABILITY, valid=(-10, None), on=MONDAY_10.date())
        check(PLATE, zones["C1"], MONDAY_10, device=scan_car)  # warms the zones and the city profile
        with django_assert_max_num_queries(3) as captured:
            answer = check(PLATE, zones["C1"], MONDAY_10, device=scan_car)
        assert answer.right == "disability"
        assert len(captured.captured_queries) == 2

    def test_a_thousand_checks_cost_as_many_queries_as_ten(self, zones, alice, scan_car):
        permit(alice, PermitKind.CARE_PROVIDER, plate="1CAR001", on=MONDAY_10.date())
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE, plate="1SES001")

        def items(count):
            return [Item(f"1TST{number:03d}" if number > 1 else ["1CAR001", "1SES001"][number],
                         (zones["C1" if number % 2 else "B1"],), MONDAY_10 - number * SECOND) for number in range(count)]

        check_many(items(1), device=scan_car)
        with CaptureQueriesContext(connection) as ten:
            check_many(items(10), device=scan_car)
        with CaptureQueriesContext(connection) as thousand:
            answers = check_many(items(1000), device=scan_car)
        assert len(thousand.captured_queries) == len(ten.captured_queries) == 2
        assert (answers[0].right, answers[1].right) == ("care_provider", "session")
        assert not any(answer.allowed for answer in answers[2:])
        assert Check.objects.filter(device=scan_car).count() == 1011


class TestTheLog:
    def test_a_check_with_a_device_is_logged_without_one_it_is_not(self, zones, scan_car):
        session(zones["C1"], starts_at=MONDAY_10 - 30 * MINUTE)
        check("1-abc-123", zones["C1"], MONDAY_10, device=scan_car)
        check(PLATE, zones["C1"], MONDAY_10)
        logged = Check.objects.get()
        assert (logged.device, logged.plate, logged.zone, logged.checked_for, logged.allowed, logged.right) == (
            scan_car, PLATE, zones["C1"], MONDAY_10, True, "session")

    def test_the_retention_task_deletes_only_checks_older_than_the_setting(self, zones, scan_car, settings):
        settings.ENFORCEMENT_CHECK_RETENTION_DAYS = 7
        for _number in range(3):
            check(PLATE, zones["C1"], MONDAY_10, device=scan_car)
        now = timezone.now()
        old, edge, recent = Check.objects.order_by("pk")
        Check.objects.filter(pk=old.pk).update(created=now - datetime.timedelta(days=7, seconds=1))
        Check.objects.filter(pk=edge.pk).update(created=now - datetime.timedelta(days=6, hours=23))
        assert delete_old_checks(now=now, batch=1) == 1
        assert list(Check.objects.order_by("pk")) == [edge, recent]
        assert delete_old_checks(now=now) == 0

    def test_the_retention_task_runs_as_a_celery_task(self, zones, scan_car, settings):
        from parking_sessions.enforcement_tasks import delete_old_checks_task

        settings.ENFORCEMENT_CHECK_RETENTION_DAYS = 1
        check(PLATE, zones["C1"], MONDAY_10, device=scan_car)
        Check.objects.update(created=timezone.now() - datetime.timedelta(days=2))
        assert delete_old_checks_task.delay().get() == 1
        assert not Check.objects.exists()

    def test_the_retention_task_is_on_the_beat_schedule(self, settings):
        from eloket.celery import app

        entry = settings.CELERY_BEAT_SCHEDULE["parking-sessions-check-retention"]
        assert entry["task"] == "parking_sessions.delete_old_checks" and entry["task"] in app.tasks
