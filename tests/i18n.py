"""URLs in the source language, for assertions on English messages (the Dutch catalogue is tested apart)."""

from django.urls import reverse
from django.utils import translation


def en(viewname: str, *args) -> str:
    """The English URL of a view: pages under /en/ answer in English."""
    with translation.override("en"):
        return reverse(viewname, args=args)
