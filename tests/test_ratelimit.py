"""The fixed-window rate limit on the cache: counts per key, tells how long to wait, keeps no personal data in
Redis, and lets everything through (with a warning) when Redis is down. At the end, the limits on the real login and
fine lookup forms, driven until they refuse, with their Dutch message."""

import logging
import time

import pytest
import redis
from django.conf import settings as django_settings

from eloket.ratelimit import Limit
from tests.payments.online import closed_port


def redis_contents() -> bytes:
    """Every key and value in the test's Redis database, as one blob to search."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    blob = b""
    for key in client.keys("*"):
        blob += key + b"=" + (client.get(key) or b"") + b"\n"
    return blob


def test_a_key_may_try_until_the_maximum_then_waits_until_the_window_ends():
    limit = Limit("test-tries", max=3, seconds=600)
    for count in (1, 2, 3):
        assert limit.blocked("10.0.0.1") is None
        assert limit.hit("10.0.0.1") == count
    wait = limit.blocked("10.0.0.1")
    assert wait is not None and 1 <= wait <= 600


def test_keys_and_limits_are_counted_apart():
    first, second = Limit("test-first", max=1, seconds=600), Limit("test-second", max=1, seconds=600)
    first.hit("10.0.0.1")
    assert first.blocked("10.0.0.1")
    assert first.blocked("10.0.0.2") is None
    assert second.blocked("10.0.0.1") is None


def test_clear_forgets_the_attempts():
    limit = Limit("test-clear", max=1, seconds=600)
    limit.hit("10.0.0.1")
    limit.clear("10.0.0.1")
    assert limit.blocked("10.0.0.1") is None
    assert limit.count("10.0.0.1") == 0


def test_a_new_window_starts_afresh():
    limit = Limit("test-window", max=1, seconds=1)
    limit.hit("10.0.0.1")
    wait = limit.blocked("10.0.0.1")
    assert wait == 1
    time.sleep(1.05)
    assert limit.blocked("10.0.0.1") is None


def test_no_key_reaches_redis_as_typed():
    limit = Limit("test-private", max=5, seconds=600)
    for key in ("203.0.113.77", "2025000001 49", "1ABC123"):
        limit.hit(key)
    stored = redis_contents()
    assert b"test-private" in stored  # the limit's name is there, the keys are not
    for key in (b"203.0.113.77", b"2025000001", b"1ABC123", b"203.0.113"):
        assert key not in stored


@pytest.fixture
def redis_down(settings):
    """The cache points at a local port nobody listens on: every call is refused at once."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}


def test_it_lets_everything_through_with_a_warning_when_redis_is_down(redis_down, caplog):
    limit = Limit("test-down", max=1, seconds=600)
    with caplog.at_level(logging.WARNING, logger="eloket.ratelimit"):
        for _attempt in range(3):
            assert limit.hit("10.0.0.1") == 0
            assert limit.blocked("10.0.0.1") is None
        limit.clear("10.0.0.1")
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings and all("test-down" in message and "10.0.0.1" not in message for message in warnings)


# --- the limits hold on the real forms, in Dutch --------------------------------------------------------------------

@pytest.mark.django_db
def test_the_login_form_refuses_after_five_wrong_passwords_for_one_account(client, alice):
    from django.contrib.auth import SESSION_KEY
    from django.urls import reverse

    from tests.factories import PASSWORD

    pages = [client.post(reverse("account_login"), {"login": alice.email, "password": f"geraden-{guess}"}).content.decode()
             for guess in range(6)]
    assert all('<html lang="nl"' in page for page in pages)
    assert "Te veel inlogpogingen" not in pages[4] and "Te veel inlogpogingen" in pages[5]
    right = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert right.status_code == 200 and "Te veel inlogpogingen" in right.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_one_address_guessing_at_many_accounts_is_refused_too(client):
    """10 failures a minute from one address, whichever accounts they name (allauth's login_failed ip limit)."""
    from django.urls import reverse

    from tests.factories import PASSWORD, UserFactory

    victims = [UserFactory(email=f"buur{number}@example.org") for number in range(11)]
    for victim in victims[:10]:
        client.post(reverse("account_login"), {"login": victim.email, "password": "zomer2026"}, REMOTE_ADDR="203.0.113.9")
    refused = client.post(reverse("account_login"), {"login": victims[10].email, "password": PASSWORD},
                          REMOTE_ADDR="203.0.113.9")
    assert "Te veel inlogpogingen" in refused.content.decode()
    other = client.post(reverse("account_login"), {"login": victims[10].email, "password": PASSWORD},
                        REMOTE_ADDR="198.51.100.20")
    assert other.status_code == 302  # the limit is the address's, not the account's


@pytest.mark.django_db
def test_the_fine_lookup_form_refuses_after_ten_failures_with_the_dutch_message(client, demo_city, media):
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from fines import issuing, lookup, numbers
    from fines.demo import seed_offences

    seed_offences()
    case = issuing.issue_case(offence="PAVEMENT", plate="1ABC123", place="Markt 1",
                              observed_at=timezone.now() - datetime.timedelta(days=2),
                              holder={"name": "Jan Claes", "is_company": False, "birth_date": datetime.date(1980, 5, 1),
                                      "street": "Markt 2", "postal_code": "3600", "municipality": "Genk", "country": "BE"})
    year, sequence = int(case.notice_number[:4]), int(case.notice_number[4:10])
    for attempt in range(lookup.ADDRESS_LIMIT.max):
        wrong = client.post(reverse("fines:lookup"), {"notice_number": numbers.make(year, sequence + 1 + attempt),
                                                      "plate": "1ABC123"}, REMOTE_ADDR="203.0.113.10")
        assert wrong.status_code == 200
    right = client.post(reverse("fines:lookup"), {"notice_number": numbers.display(case.notice_number), "plate": "1-ABC-123"},
                        REMOTE_ADDR="203.0.113.10")
    assert right.status_code == 429
    page = right.content.decode()
    assert '<html lang="nl"' in page and "Te veel pogingen" in page and 1 <= int(right["Retry-After"]) <= 15 * 60
    assert client.get(reverse("fines:detail", args=[case.pk])).status_code == 404
