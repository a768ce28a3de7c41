import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def alices_case(alice, demo_city, media):
    """A retribution issued to Alice two days ago: she may still object to it."""
    from fines import issuing
    from fines.demo import seed_offences

    seed_offences()
    case = issuing.issue_case(
        offence="RETRIBUTION", plate="1-abc-123", place="Stadsplein 4", observed_at=timezone.now() - datetime.timedelta(days=2),
        holder={"name": "Alice Peeters", "is_company": False, "birth_date": datetime.date(1980, 5, 1),
                "street": "Stadsplein 1", "postal_code": "3600", "municipality": "Genk", "country": "BE"})
    case.citizen = alice
    case.save()
    return case


@pytest.fixture
def alices_conversation(alice, media):
    """A live chat Alice started; the office is open all day, every day."""
    from chat.conversations import open_conversation
    from chat.models import OfficeHours, Topic

    OfficeHours.objects.bulk_create([OfficeHours(weekday=day, opens=datetime.time(0, 0), closes=datetime.time.max)
                                     for day in range(7)])
    topic = Topic.objects.create(name_nl="Bewonerskaart", name_en="Resident card", order=1)
    conversation, _token = open_conversation(topic=topic, body="Hoe vraag ik een bewonerskaart aan?", user=alice)
    return conversation
