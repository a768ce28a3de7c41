import datetime

import pytest

from chat.models import OfficeHours, Topic


@pytest.fixture
def topic(db):
    return Topic.objects.create(name_nl="Bewonerskaart", name_en="Resident card", order=1)


@pytest.fixture
def always_open(db):
    """Office hours all day, every day: the chat is live whenever the test runs."""
    OfficeHours.objects.bulk_create([OfficeHours(weekday=day, opens=datetime.time(0, 0), closes=datetime.time.max)
                                     for day in range(7)])


@pytest.fixture
def never_open(db):
    """No office hours at all: every conversation is a message answered by email."""
    OfficeHours.objects.all().delete()


@pytest.fixture
def dirk(db):
    """A second counter staff member, to hand over to and to race for a conversation."""
    from eloket.accounts import roles
    from tests import personas

    return personas.staff(roles.COUNTER, "dirk@stad.example", "Dirk")
