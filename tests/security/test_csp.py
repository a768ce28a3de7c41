"""No page runs a script the Content-Security-Policy would have to allow inline.

Every page reachable without an object (walked from the URL configuration, like tests/test_robustness.py), every page
of Alice's own objects (tests/security/test_object_urls.py lists them) and every admin page (lists, forms, each
model's first row and our own staff pages, as a superuser) is fetched; each must send a policy whose script-src has
neither 'unsafe-inline' nor 'unsafe-eval', and its HTML must hold no inline <script>, no event-handler attribute
(onclick=...), no htmx hx-on attribute (it needs eval) and no javascript: URL. Outside the admin no inline style
either: style-src is 'self', so a browser would drop it.
"""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.factories import StaffFactory
from tests.test_robustness import PATHS

from .test_object_urls import OBJECT_URLS, _chat_urls
from .test_staff_urls import STAFF_PAGES, _sample_kwargs, admin_url_names

pytestmark = pytest.mark.django_db

JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, handlers, javascript: URLs (and inline styles)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline_script = None
        self._style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().replace("\t", "").startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style":
                self.problems.append(f"style: <{tag} style=...>")
        if tag == "script" and "src" not in values and (values.get("type") or "").lower() in JAVASCRIPT_TYPES:
            self._inline_script = []
        if tag == "style":
            self.problems.append("style: <style>")

    def handle_data(self, data):
        if self._inline_script is not None:
            self._inline_script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._inline_script is not None:
            code = "".join(self._inline_script).strip()
            if code:
                self.problems.append(f"inline <script>: {code[:60]!r}")
            self._inline_script = None


def _directives(header: str) -> dict[str, list[str]]:
    return {words[0]: words[1:] for words in (part.split() for part in header.split(";")) if words}


def problems_of(response, *, inline_style_allowed: bool) -> list[str]:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    header = response.headers.get("Content-Security-Policy", "")
    directives = _directives(header)
    scripts = directives.get("script-src", directives.get("default-src"))
    found = []
    if not scripts or {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts):
        found.append(f"script-src: {scripts}")
    if directives.get("object-src") != ["'none'"]:
        found.append(f"object-src: {directives.get('object-src')}")
    reader = InlineCode()
    reader.feed(response.content.decode())
    found += [problem for problem in reader.problems if not (inline_style_allowed and problem.startswith("style:"))]
    return found


def check(client, urls, *, inline_style_allowed=False) -> tuple[int, dict]:
    """(pages read, {url: problems})."""
    read, failures = 0, {}
    for url in urls:
        response = client.get(url)
        read += response.status_code == 200
        found = problems_of(response, inline_style_allowed=inline_style_allowed)
        if found:
            failures[url] = found
    return read, failures


@pytest.fixture
def demo(db, media, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    with django_capture_on_commit_callbacks(execute=True):  # letters are rendered after commit
        call_command("seed_demo_city", verbosity=0)
    return get_user_model().objects.get(email="alice@example.org")


def english_too(paths):
    return [*paths, *(f"/en{path}" for path in paths if not path.startswith(("/api/", "/health/", "/payments/webhook",
                                                                              "/theme.css")))]


def test_the_policy_is_strict_in_the_settings():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"] and directives["object-src"] == ["'none'"]


def test_pages_without_an_object_run_no_inline_code_for_a_visitor(client, demo):
    read, failures = check(client, english_too(PATHS))
    assert read > 30
    assert not failures, failures


def test_pages_without_an_object_run_no_inline_code_for_a_citizen(client, demo):
    client.force_login(demo)
    read, failures = check(client, english_too(PATHS))
    assert read > 40
    assert not failures, failures


def test_the_pages_of_a_citizens_own_objects_run_no_inline_code(client, demo):
    alice = demo
    urls = [reverse(name, kwargs=find(alice)) for name, find in OBJECT_URLS.items()] + list(_chat_urls(alice).values())
    client.force_login(alice)
    read, failures = check(client, urls)
    assert read > 15
    assert not failures, failures


def test_admin_pages_run_no_inline_script(client, demo):
    """Django's admin sets inline styles for its widgets (eloket.csp allows them there); scripts stay strict."""
    client.force_login(StaffFactory(is_superuser=True))
    patterns = admin_url_names()
    urls = []
    for name, pattern in patterns.items():
        if not pattern.pattern.converters and not getattr(pattern.pattern.regex, "groups", 0):
            urls.append(reverse(f"admin:{name}"))
        elif name in STAFF_PAGES:
            urls.append(reverse(f"admin:{name}", kwargs=_sample_kwargs(name, pattern)))
    for model in admin.site._registry:
        if not model._meta.managed:
            continue  # an entry in the admin's menu for a page of our own (the chat console, the report)
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk]))
    read, failures = check(client, urls, inline_style_allowed=True)
    assert read > 100
    assert not failures, failures


def test_the_reader_finds_each_kind_of_inline_code():
    reader = InlineCode()
    reader.feed('<script>alert(1)</script><script src="/static/a.js"></script><script type="application/json">{}</script>'
                '<button onclick="go()">x</button><a href=" JavaScript:go()">y</a><div hx-on:click="go()"></div>'
                '<p style="color: red">z</p>')
    assert reader.problems == ["inline <script>: 'alert(1)'", "<button onclick=...>", "<a href=' JavaScript:go()'>",
                               "<div hx-on:click=...>", "style: <p style=...>"]
