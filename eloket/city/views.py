import mimetypes

from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .reference import city_profile
from .theme import theme_css_text


@require_GET
@cache_control(public=True, max_age=300)
def theme_css(request):
    """The city's colours as design tokens; a stylesheet, so the CSP needs no inline styles."""
    return HttpResponse(theme_css_text(city_profile()), content_type="text/css; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=3600)
def logo(request):
    """The city logo is public branding, unlike every other upload."""
    profile = city_profile()
    if profile is None or not profile.logo:
        raise Http404
    content_type = mimetypes.guess_type(profile.logo.name)[0] or "application/octet-stream"
    if content_type not in {"image/svg+xml", "image/png", "image/jpeg", "image/webp"}:
        raise Http404
    response = FileResponse(profile.logo.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
