"""A page that needs a figure the city has not configured says so plainly (503), instead of failing with a 500."""

import logging

from django.shortcuts import render

from .reference import MissingReferenceData

logger = logging.getLogger(__name__)


class MissingReferenceDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MissingReferenceData):
            return None
        # The message names the figure (a cap or rate code), never anything about the citizen.
        logger.error("Reference data missing for %s: %s", request.resolver_match.view_name if request.resolver_match
                     else "?", exception)
        return render(request, "city/reference_missing.html", status=503)
