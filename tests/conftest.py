import os

import pytest
from django.core.cache import cache
from django.utils import translation
from pytest_django.fixtures import _set_suffix_to_test_databases

from . import personas


def pytest_collection_modifyitems(config, items):
    # Browser tests last: the fast unit tests give feedback first.
    items.sort(key=lambda item: "tests/e2e/" in str(item.fspath).replace("\\", "/"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """One test database per run, so two runs on one machine never drop each other's database."""
    _set_suffix_to_test_databases(suffix=str(os.getpid()))


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and the cached city profile live in the cache; each test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _clean_process_caches():
    """Zones, tariffs, device tokens and operator keys are cached in the process; a test's rows die with its
    transaction without any signal, so each test starts with empty caches."""
    from parking_sessions import devices, operators, reference

    reference.forget()
    devices.forget()
    operators.forget_keys()
    yield


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS land in eloket.notifications.sms.outbox, like Django's mail.outbox for email."""
    from eloket.notifications import sms

    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _dutch_by_default():
    """A request under /en/ leaves English active in the thread; reverse() must not depend on test order."""
    translation.activate("nl")
    yield
    translation.deactivate()


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a temporary directory, never the project's media folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def _real_services(django_db_setup, django_db_blocker):
    """The suite runs against PostgreSQL and Redis, never the demo's SQLite."""
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql", "Run the tests with the README's test command (PostgreSQL)."
    assert settings.REDIS_URL, "Run the tests with the README's test command (REDIS_URL)."


@pytest.fixture
def alice(db):
    return personas.citizen()


@pytest.fixture
def bob(db):
    return personas.second_citizen()


@pytest.fixture
def carla(db):
    return personas.counter_staff()


@pytest.fixture
def erik(db):
    return personas.enforcement()


@pytest.fixture
def sofie(db):
    return personas.sanctioning_official()


@pytest.fixture
def ida(db):
    return personas.city_admin()


@pytest.fixture
def demo_city(db):
    """The demo city's reference data, as `manage.py seed_demo_city` makes it (without demo accounts)."""
    from django.core.management import call_command

    call_command("seed_demo_city", "--no-accounts", verbosity=0)
    from eloket.city.models import CityProfile

    return CityProfile.objects.get()


@pytest.fixture
def english():
    """Messages in English for assertions on the source strings (the Dutch catalogue is tested apart)."""
    with translation.override("en"):
        yield



@pytest.fixture(autouse=True)
def _tasks_inline_unless_a_worker_runs(request):
    """Celery tasks run inline in ordinary tests; tests that ask for `celery_worker` get a real worker."""
    from eloket.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = "celery_worker" not in request.fixturenames
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (a thread in this process) consuming from Redis, like production's."""
    from celery.contrib.testing.worker import start_worker

    from eloket.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
