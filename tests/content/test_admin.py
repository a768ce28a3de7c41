"""Counter staff keep the FAQ up to date; the city admin manages all information pages."""

import pytest
from django.urls import reverse

from eloket.content.models import FaqCategory, FaqItem

from .helpers import make_faq, make_regulation

pytestmark = pytest.mark.django_db


def test_counter_staff_may_view_add_and_change_faq_but_not_delete(carla):
    assert carla.has_perms(["content.view_faqitem", "content.add_faqitem", "content.change_faqitem"])
    assert not carla.has_perm("content.delete_faqitem")
    assert not carla.has_perm("content.change_regulation")


def test_the_city_admin_may_do_everything_on_both_models(ida):
    for model in ("faqitem", "regulation"):
        for action in ("view", "add", "change", "delete"):
            assert ida.has_perm(f"content.{action}_{model}")


def test_citizens_have_no_content_permissions(alice):
    assert not alice.has_perm("content.view_faqitem")


def test_counter_staff_add_a_question_in_the_admin(client, carla):
    client.force_login(carla)
    response = client.post(reverse("admin:content_faqitem_add"), {
        "category": FaqCategory.ACCOUNT, "order": "5", "published": "on",
        "question_nl": "Hoe wijzig ik mijn e-mailadres?", "answer_nl": "In Mijn loket.",
        "question_en": "", "answer_en": "",
    })
    assert response.status_code == 302
    assert FaqItem.objects.get().question == "Hoe wijzig ik mijn e-mailadres?"
    assert client.get(reverse("admin:content_regulation_changelist")).status_code == 403


def test_the_admin_lists_open(client, ida):
    make_faq(1)
    make_regulation(1)
    client.force_login(ida)
    assert client.get(reverse("admin:content_faqitem_changelist")).status_code == 200
    assert client.get(reverse("admin:content_regulation_changelist")).status_code == 200
    assert client.get(reverse("admin:content_regulation_add")).status_code == 200
