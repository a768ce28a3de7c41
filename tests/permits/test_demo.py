"""The demo accounts get permits to show: an active resident card for Alice and an application of Bob for the counter."""

import pytest
from django.core.management import call_command

from permits.models import Permit, PermitKind, PermitStatus
from permits.visitors import visitor_card

pytestmark = pytest.mark.django_db


def test_demo_accounts_get_a_card_and_an_application(media, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo_city", verbosity=0)
    alice_card = Permit.objects.get(holder__email="alice@example.org", kind=PermitKind.RESIDENT)
    bob_application = Permit.objects.get(holder__email="bob@example.org", kind=PermitKind.RESIDENT)
    assert alice_card.status == PermitStatus.ACTIVE
    assert visitor_card(alice_card.holder) == alice_card
    assert bob_application.status == PermitStatus.APPLIED
    assert bob_application.documents.count() == 1
