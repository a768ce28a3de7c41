"""The demo city has chat topics, office hours and saved answers; seeding again adds nothing."""

import pytest

from chat.demo import seed_chat
from chat.models import OfficeHours, SavedAnswer, Topic

pytestmark = pytest.mark.django_db


def counts():
    return Topic.objects.count(), OfficeHours.objects.count(), SavedAnswer.objects.count()


def test_the_demo_city_seeds_the_chat_once(demo_city):
    first = counts()
    assert first == (4, 9, 4)
    seed_chat()
    assert counts() == first
    assert Topic.objects.get(name_nl="Andere vraag").name_en == "Another question"
