"""Builders for the content tests."""

from eloket.city.models import CityProfile
from eloket.content.models import FaqCategory, FaqItem, Regulation

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_city(**fields) -> CityProfile:
    """A valid city profile, made directly (no seed command needed)."""
    values = {
        "name": "Teststad",
        "street_address": "Marktplein 1",
        "postal_code": "3600",
        "municipality": "Teststad",
        "phone": "+32 89 00 00 00",
        "email": "parkeren@teststad.example",
        "counter_hours_nl": "Maandag tot vrijdag: 9 tot 12 uur",
        "counter_hours_en": "Monday to Friday: 9 am to noon",
        "iban": "BE71096123456769",  # BE68539007547034 fails the Belgian account check of clean()
        "bic": "GKCCBEBB",
        "beneficiary": "Stad Teststad",
        "colour_primary": "#00476B",
        "colour_primary_text": "#FFFFFF",
        "sanctioning_official": "Sanctionerend ambtenaar Teststad",
        "sanctioning_address": "Dienst GAS\nMarktplein 1\n3600 Teststad",
        "dpo_email": "dpo@teststad.example",
        "accessibility_email": "toegankelijk@teststad.example",
        **fields,
    }
    city = CityProfile(**values)
    city.full_clean()
    city.save()
    return city


def make_faq(number: int, category=FaqCategory.SESSIONS, **fields) -> FaqItem:
    values = {
        "category": category,
        "question_nl": f"Vraag {number}?",
        "question_en": f"Question {number}?",
        "answer_nl": f"Antwoord {number}.",
        "answer_en": f"Answer {number}.",
        "order": number,
        **fields,
    }
    return FaqItem.objects.create(**values)


def make_regulation(number: int, **fields) -> Regulation:
    values = {
        "slug": f"reglement-{number}",
        "title_nl": f"Reglement {number}",
        "title_en": f"Regulation {number}",
        "summary_nl": f"Samenvatting {number}.",
        "summary_en": f"Summary {number}.",
        "body_nl": f"Artikel 1.\nTekst {number}.",
        "body_en": f"Article 1.\nText {number}.",
        "valid_from": "2021-03-01",
        "order": number,
        **fields,
    }
    return Regulation.objects.create(**values)
