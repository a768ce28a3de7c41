"""Content-Security-Policy: strict everywhere; Django's admin scripts also set inline styles."""

from csp.middleware import CSPMiddleware
from django.urls import reverse


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        # The admin's date and time widgets style their pop-ups inline; scripts stay strict.
        if request.path.startswith(reverse("admin:index")) and getattr(response, "_csp_update", None) is None:
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return super().process_response(request, response)
