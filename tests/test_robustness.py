"""Bad input never gives a 500: every parameterless page, GET with junk query and POST with junk form."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

JUNK = {"email": "\x00<script>", "plate": "💥" * 50, "street": "'; drop table--", "house_number": "-1",
        "postal_code": "99999999999", "national_number": "x" * 300, "phone": "++", "code": "abc",
        "login": "", "password": "x", "language": "xx", "next": "https://evil.example/"}


def _paths(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if "admin" in route:
                continue
            yield from _paths(pattern, route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
            yield "/" + route.lstrip("^").rstrip("$").replace("\\", "")


PATHS = sorted({path for path in _paths() if "logout" not in path})


def test_there_are_pages_to_check():
    assert "/tarieven/" in PATHS and "/mijn-loket/" in PATHS


def handled(response) -> bool:
    """No crash: any answer below 500, or the plain 503 page of a city that has not configured a figure yet."""
    if response.status_code == 503:
        return "city/reference_missing.html" in [template.name for template in response.templates]
    return response.status_code < 500


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_junk_never_breaks_a_page(client, path):
    assert handled(client.get(path, JUNK))
    assert handled(client.post(path, JUNK))


@pytest.mark.parametrize("path", PATHS)
def test_citizen_junk_never_breaks_a_page(client, alice, path):
    client.force_login(alice)
    assert handled(client.get(path, JUNK))
    assert handled(client.post(path, JUNK))
