"""Every information page is public, renders in Dutch and English, with or without a seeded city."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from eloket.content.models import FaqCategory

from .helpers import make_faq, make_regulation

pytestmark = pytest.mark.django_db

PAGES = ["faq", "regulations", "contact", "privacy", "accessibility"]


def url(name: str, language: str = "nl", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"content:{name}", kwargs=kwargs or None)


def get_ok(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1, f"{path} must have exactly one h1"
    return html


def test_the_dutch_paths_are_the_published_ones():
    assert url("faq") == "/veelgestelde-vragen/"
    assert url("regulations") == "/reglementen/"
    assert url("regulation", slug="parkeerreglement") == "/reglementen/parkeerreglement/"
    assert url("regulation_document", slug="parkeerreglement") == "/reglementen/parkeerreglement/document/"
    assert url("contact") == "/contact/"
    assert url("privacy") == "/privacy/"
    assert url("accessibility") == "/toegankelijkheid/"
    assert url("faq", "en") == "/en/veelgestelde-vragen/"


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_before_the_city_is_seeded(client, name, language):
    html = get_ok(client, url(name, language))
    assert f'<html lang="{language}"' in html


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_a_configured_city(client, city, name, language):
    make_faq(1)
    regulation = make_regulation(1)
    html = get_ok(client, url(name, language))
    assert f'<html lang="{language}"' in html
    get_ok(client, url("regulation", language, slug=regulation.slug))


def test_the_regulation_page_renders_without_a_city(client):
    regulation = make_regulation(1)
    get_ok(client, url("regulation", slug=regulation.slug))
    get_ok(client, url("regulation", "en", slug=regulation.slug))


def test_contact_shows_the_city_details(client, city):
    html = get_ok(client, url("contact"))
    for text in [city.street_address, city.postal_code, city.phone, city.email, "Maandag tot vrijdag",
                 city.sanctioning_official]:
        assert text in html
    assert 'href="tel:+3289000000"' in html
    english = get_ok(client, url("contact", "en"))
    assert "Monday to Friday" in english


def test_contact_offers_the_chat_and_an_appointment(client, city):
    html = get_ok(client, url("contact", "en"))
    assert 'href="/en/chat/"' in html
    assert 'href="/en/afspraak/"' in html


def test_contact_without_a_city_says_the_details_follow(client):
    html = get_ok(client, url("contact", "en"))
    assert "have not been set up yet" in html


def test_privacy_names_the_dpo_and_the_supervisory_authority(client, city):
    html = get_ok(client, url("privacy", "en"))
    assert f'href="mailto:{city.dpo_email}"' in html
    assert "Vlaamse Toezichtcommissie" in html
    assert "Article 6(1)(e) GDPR" in html
    assert "only the card number and its expiry date" in html
    assert "stored encrypted" in html


def test_accessibility_statement_has_the_required_parts(client, city):
    html = get_ok(client, url("accessibility", "en"))
    for text in ["II.16", "2016/2102", "WCAG 2.1 level AA", "EN 301 549", "axe-core", "keyboard",
                 "Vlaamse Ombudsdienst", city.accessibility_email, "This statement was drawn up on"]:
        assert text in html, text
    assert "None known at the date of this statement." in html


def test_accessibility_statement_lists_pdf_documents_once_there_are_any(client, media):
    make_regulation(1, document="regulations/one.pdf")
    html = get_ok(client, url("accessibility", "en"))
    assert "partially compliant" in html
    assert "PDF files may not meet the standard" in html


def test_faq_groups_published_questions_by_category_in_choice_order(client):
    make_faq(1, category=FaqCategory.PAYMENTS, question_nl="Hoe betaal ik?")
    make_faq(2, category=FaqCategory.SESSIONS, question_nl="Hoe start ik?")
    make_faq(3, category=FaqCategory.SESSIONS, question_nl="Verborgen vraag?", published=False)
    html = get_ok(client, url("faq"))
    assert "Verborgen vraag?" not in html
    assert html.index('id="sessions"') < html.index("Hoe start ik?") < html.index('id="payments"')
    assert html.index('id="payments"') < html.index("Hoe betaal ik?")
    assert 'id="account"' not in html  # empty categories are left out
    assert "<details" in html and "<summary" in html


def test_faq_without_questions_still_renders(client):
    html = get_ok(client, url("faq", "en"))
    assert "There are no questions and answers yet." in html


def test_english_page_marks_a_dutch_fallback_with_its_language(client):
    make_faq(1, question_en="", answer_en="")
    html = get_ok(client, url("faq", "en"))
    assert '<strong lang="nl">Vraag 1?</strong>' in html
    assert '<div lang="nl"><p>Antwoord 1.</p></div>' in html
    dutch = get_ok(client, url("faq"))
    assert 'lang="nl">Vraag 1?' not in dutch


def test_the_english_page_shows_the_english_text(client):
    make_faq(1)
    make_regulation(1)
    assert "Question 1?" in get_ok(client, url("faq", "en"))
    assert "Regulation 1" in get_ok(client, url("regulations", "en"))
    assert "Vraag 1?" in get_ok(client, url("faq"))


def test_unpublished_regulations_are_hidden(client):
    make_regulation(1, title_nl="Zichtbaar reglement")
    hidden = make_regulation(2, title_nl="Verborgen reglement", published=False)
    html = get_ok(client, url("regulations"))
    assert "Zichtbaar reglement" in html
    assert "Verborgen reglement" not in html
    assert client.get(url("regulation", slug=hidden.slug)).status_code == 404
    assert client.get(url("regulation", slug="bestaat-niet")).status_code == 404


def test_regulation_body_is_escaped_and_keeps_its_paragraphs(client):
    regulation = make_regulation(1, body_nl="Artikel 1.\nEerste regel.\n\n<script>alert(1)</script>")
    html = get_ok(client, url("regulation", slug=regulation.slug))
    assert "<p>Artikel 1.<br>Eerste regel.</p>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_faq_answer_is_escaped(client):
    make_faq(1, answer_nl='<a href="https://evil.example">klik</a>')
    html = get_ok(client, url("faq"))
    assert 'href="https://evil.example"' not in html
    assert "&lt;a href=" in html


def test_pages_have_no_inline_script_or_style(client, city):
    make_faq(1)
    regulation = make_regulation(1)
    for path in [url(name) for name in PAGES] + [url("regulation", slug=regulation.slug)]:
        html = client.get(path).content.decode()
        assert "style=" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_answer_only_safe_methods(client, name):
    assert client.post(url(name)).status_code == 405
