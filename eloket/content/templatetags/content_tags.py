"""Template helpers for bilingual content."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def fallback_lang(obj, field: str) -> str:
    """"nl" when `obj.<field>` falls back to Dutch on a page in another language, else "".

    The page's lang attribute says English; a Dutch fallback text needs its own lang (WCAG 3.1.2).
    """
    language = (get_language() or "nl")[:2]
    if language == "nl" or getattr(obj, f"{field}_{language}", ""):
        return ""
    return "nl"
