"""The summaries the report reads: idempotent, right across midnight and the daylight-saving switch, kept after the
check log's retention, safe when two refreshes run at once, and refreshed by the hourly beat task."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from eloket.city.models import Zone
from insights import rollup, tasks
from insights.models import CheckDay, SessionDay, SessionHour, SummaryDay, ZoneDay
from parking_sessions.enforcement_tasks import delete_old_checks
from parking_sessions.models import Channel, Check, Device, ParkingSession, SessionStatus

from .data import at

pytestmark = pytest.mark.django_db
D = datetime.date


def park(zone: str, start, end, price="1.00", **fields) -> ParkingSession:
    return ParkingSession.objects.create(plate="1ABC123", zone=Zone.objects.get(code=zone), channel=Channel.WEB,
                                         starts_at=start, ends_at=end, price=Decimal(price), **fields)


def paid_minutes(day: datetime.date) -> int:
    return SessionDay.objects.filter(day=day).aggregate(m=Sum("paid_minutes"))["m"] or 0


def snapshot() -> tuple[list, list]:
    return (sorted(SessionDay.objects.values_list("day", "zone__code", "channel", "sessions", "revenue", "paid_minutes")),
            sorted(SessionHour.objects.values_list("day", "hour", "zone__code", "sessions")))


def test_summarising_twice_gives_the_same_rows(demo_city):
    park("C1", at(2, 10), at(2, 11, 30), "2.00")
    park("C2", at(2, 23), at(3, 1))
    rollup.refresh(D(2026, 3, 2), D(2026, 3, 3))
    first = snapshot()
    rollup.refresh(D(2026, 3, 2), D(2026, 3, 3))
    assert snapshot() == first
    assert SummaryDay.objects.filter(sessions_at__isnull=False).count() == 2


def test_a_session_over_midnight_parks_in_the_paid_hours_of_both_days_and_counts_once(demo_city):
    park("C2", at(2, 17), at(3, 10), "0.00")  # Monday 17:00 to Tuesday 10:00; paid 9:00-18:00
    rollup.refresh(D(2026, 3, 2), D(2026, 3, 3))
    assert (paid_minutes(D(2026, 3, 2)), paid_minutes(D(2026, 3, 3))) == (60, 60)
    assert SessionDay.objects.aggregate(n=Sum("sessions"))["n"] == 1
    assert SessionDay.objects.get(day=D(2026, 3, 2)).longer == 1  # 17 hours
    assert list(SessionHour.objects.values_list("day", "hour", "sessions")) == [(D(2026, 3, 2), 17, 1)]


def test_hours_are_local_also_on_the_spring_switch(demo_city):
    # 29 March 2026: clocks go from 2:00 to 3:00. 1:30 to 3:30 local is one real hour.
    park("C1", at(29, 1, 30), at(29, 3, 30), "0.00")
    park("C1", at(29, 3, 15), at(29, 3, 45), "0.00")
    rollup.refresh(D(2026, 3, 29), D(2026, 3, 29))
    assert SessionDay.objects.get().minutes == 60 + 30
    assert SessionDay.objects.get().up_to_60 == 1 and SessionDay.objects.get().up_to_30 == 1
    assert dict(SessionHour.objects.values_list("hour", "sessions")) == {1: 1, 3: 1}


def test_a_running_session_parks_until_now_or_the_end_of_its_day(demo_city):
    park("C1", at(5, 16), None, "0.00", status=SessionStatus.ACTIVE)
    rollup.refresh(D(2026, 3, 5), D(2026, 3, 5), now=at(5, 17, 30))
    assert paid_minutes(D(2026, 3, 5)) == 90
    rollup.refresh(D(2026, 3, 5), D(2026, 3, 6), now=at(9, 8))
    assert paid_minutes(D(2026, 3, 5)) == 120  # until the paid hours end; it is not followed for days
    assert paid_minutes(D(2026, 3, 6)) == 0
    assert SessionDay.objects.get(day=D(2026, 3, 5)).running == 1


def test_paid_hours_follow_the_tariff_and_public_holidays(demo_city):
    rollup.refresh(D(2026, 4, 4), D(2026, 4, 6))  # Saturday, Sunday, Easter Monday
    hours = dict(ZoneDay.objects.filter(zone__code="C1").values_list("day", "paid_hours"))
    assert hours == {D(2026, 4, 4): 9, D(2026, 4, 5): 0, D(2026, 4, 6): 0}
    park("C1", at(4, 17, 30, month=4), at(4, 18, 30, month=4))
    park("C1", at(5, 10, month=4), at(5, 12, month=4))  # Easter Sunday: free
    rollup.refresh(D(2026, 4, 4), D(2026, 4, 5))
    assert (paid_minutes(D(2026, 4, 4)), paid_minutes(D(2026, 4, 5))) == (30, 0)


def test_cancelled_and_unpaid_sessions_are_left_out(demo_city):
    park("C1", at(2, 10), at(2, 11), status=SessionStatus.CANCELLED)
    park("C1", at(2, 10), at(2, 11), status=SessionStatus.AWAITING_PAYMENT)
    assert rollup.refresh(D(2026, 3, 2), D(2026, 3, 2)).sessions == 0
    assert not SessionDay.objects.exists() and not SessionHour.objects.exists()


def test_the_check_summary_outlives_the_check_log(demo_city):
    device = Device.objects.create(name="Scan car", token_hash="b" * 64, token_prefix="bbbb")
    now = at(2, 20)
    Check.objects.create(device=device, plate="1ABC123", zone=Zone.objects.get(code="C1"), checked_for=at(2, 10),
                         allowed=False)
    Check.objects.update(created=at(2, 10))  # logged when asked, as in production
    rollup.refresh(D(2026, 3, 2), D(2026, 3, 2), now=now)
    assert CheckDay.objects.get().checks == 1
    # A week and more later the log has deleted the check; summarising the day again keeps its counts.
    later = now + datetime.timedelta(days=settings.ENFORCEMENT_CHECK_RETENTION_DAYS + 2)
    assert delete_old_checks(now=later) == 1
    rollup.refresh(D(2026, 3, 2), D(2026, 3, 2), now=later)
    assert CheckDay.objects.get().checks == 1
    assert SummaryDay.objects.get(day=D(2026, 3, 2)).checks_at == now
    assert rollup.checks_kept_since(later) > D(2026, 3, 2)


def test_the_hourly_task_summarises_today_and_the_two_days_before(demo_city):
    summarised = tasks.refresh_recent.delay().get()
    assert summarised == 3
    today = timezone.localdate()
    assert set(SummaryDay.objects.values_list("day", flat=True)) == {today - datetime.timedelta(days=n) for n in range(3)}
    assert settings.CELERY_BEAT_SCHEDULE["insights-refresh-recent"] == {"task": "insights.refresh_recent",
                                                                         "schedule": 3600.0}


def test_a_day_before_the_first_is_refused(demo_city):
    with pytest.raises(ValueError):
        rollup.refresh(D(2026, 3, 3), D(2026, 3, 2))


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_write_each_row_once(demo_city):
    for hour in range(9, 18):
        park("C1", at(2, hour), at(2, hour, 45))
    errors = []

    def run():
        try:
            rollup.refresh(D(2026, 3, 2), D(2026, 3, 3))
        except Exception as error:  # noqa: BLE001  reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SessionDay.objects.aggregate(n=Sum("sessions"))["n"] == 9
    assert SessionHour.objects.aggregate(n=Sum("sessions"))["n"] == 9
    assert ZoneDay.objects.filter(zone__code="C1").count() == 2
