"""Small display filters for the city's information pages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def euro(value) -> str:
    """An amount in euro with two decimals in the active language's format: '€ 2,00' or '€ 2.00'."""
    if value is None or value == "":
        return ""
    return f"€\u00a0{number_format(Decimal(value), 2)}"


@register.filter
def lines(text) -> list[str]:
    """The non-empty lines of a text, to show as a list."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


@register.filter
def duration(minutes) -> str:
    """A number of minutes in words: '2 hours', '1 hour 30 minutes', '15 minutes'."""
    if minutes is None or minutes == "":
        return ""
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)
