"""The demo content seeds once and stays the same when seeded again."""

import pytest
from django.urls import reverse

from eloket.content.demo import FAQ, REGULATIONS, seed_content
from eloket.content.models import FaqCategory, FaqItem, Regulation

pytestmark = pytest.mark.django_db


def test_seed_content_creates_the_faq_and_three_regulations():
    changed = seed_content()
    assert changed == {"faq": len(FAQ), "regulations": 3}
    assert FaqItem.objects.published().count() == len(FAQ) >= 12
    assert set(Regulation.objects.values_list("slug", flat=True)) == {
        "parkeerreglement", "retributiereglement", "gas-reglement"}
    assert set(FaqItem.objects.values_list("category", flat=True)) == set(FaqCategory.values)
    assert all(item.question_en and item.answer_en for item in FaqItem.objects.all())
    assert all(regulation.body_en for regulation in Regulation.objects.all())


def test_seed_content_is_idempotent():
    seed_content()
    before = {item.pk: item.updated for item in FaqItem.objects.all()}
    assert seed_content() == {"faq": 0, "regulations": 0}
    assert {item.pk: item.updated for item in FaqItem.objects.all()} == before
    assert Regulation.objects.count() == len(REGULATIONS)


def test_seed_content_restores_an_edited_demo_row_without_duplicating():
    seed_content()
    FaqItem.objects.filter(order=10).update(answer_nl="Gewijzigd.", published=False)
    assert seed_content() == {"faq": 1, "regulations": 0}
    assert FaqItem.objects.count() == len(FAQ)
    assert not FaqItem.objects.filter(answer_nl="Gewijzigd.").exists()


def test_the_seeded_content_tells_the_key_rules():
    seed_content()
    dutch = " ".join(FaqItem.objects.values_list("answer_nl", flat=True))
    for fact in ["4411", "Q", "15 minuten", "één keer per dag per zone", "2 nummerplaten", "3 jaar",
                 "€ 58", "€ 116", "€ 330", "€ 70", "gestructureerde mededeling", "Bancontact", "30 dagen"]:
        assert fact in dutch, fact


def test_the_seeded_pages_render(client):
    seed_content()
    assert client.get(reverse("content:faq")).status_code == 200
    assert client.get("/en" + reverse("content:faq")).status_code == 200
    for slug in ["parkeerreglement", "retributiereglement", "gas-reglement"]:
        assert client.get(reverse("content:regulation", kwargs={"slug": slug})).status_code == 200


def test_the_demo_city_seed_includes_the_content(client, demo_city):
    assert Regulation.objects.published().count() == 3
    html = client.get(reverse("content:contact")).content.decode()
    assert demo_city.phone in html
