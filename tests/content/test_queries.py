"""List pages run a fixed number of queries, however many items they show."""

import pytest
from django.urls import reverse

from eloket.content.models import FaqCategory

from .helpers import make_faq, make_regulation

pytestmark = pytest.mark.django_db

CATEGORIES = list(FaqCategory)

# Without a city profile (not cached) the context processor asks for it on every page: 1 query.
CITY_LOOKUP = 1


@pytest.mark.parametrize("count", [2, 20])
def test_faq_queries_do_not_grow_with_the_items(client, django_assert_num_queries, count):
    for number in range(count):
        make_faq(number, category=CATEGORIES[number % len(CATEGORIES)])
    with django_assert_num_queries(CITY_LOOKUP + 1):
        response = client.get(reverse("content:faq"))
    assert response.content.decode().count("<details") == count


@pytest.mark.parametrize("count", [2, 20])
def test_regulation_list_queries_do_not_grow_with_the_items(client, django_assert_num_queries, count):
    for number in range(count):
        make_regulation(number, document=f"regulations/{number}.pdf" if number % 2 else "")
    with django_assert_num_queries(CITY_LOOKUP + 1):
        response = client.get(reverse("content:regulations"))
    assert response.content.decode().count('class="eloket-card"') == count
