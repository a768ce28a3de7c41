from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from eloket.api.api import api
from eloket.api.reference import reference as api_reference
from eloket.city import views as city_views
from eloket.content import views as content_views
from eloket.health import health

admin.site.site_header = "eloket"
admin.site.site_title = "eloket"
# The admin's own login form would log staff in with a password alone, past two-factor login and the rate limits.
admin.site.login = secure_admin_login(admin.site.login)
# A database outage met outside a view is a 503 too, not the 500 page (eloket/outage.py).
handler500 = "eloket.outage.server_error"

urlpatterns = [
    path("health/", health, name="health"),
    # Outside the language prefix: called by Mollie, not by people.
    path("payments/webhook/", include("eloket.payments.webhook_urls")),
    path("theme.css", city_views.theme_css, name="theme_css"),
    # Outside the language prefix: machines call it, and its answers are not translated.
    path("api/v1/docs", api_reference, name="api_reference"),
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    # Inside the language prefix, so the page being left resolves and is translated to its other-language URL.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("mijn-loket/", include("eloket.accounts.urls")),
    path("mijn-loket/", include("eloket.privacy.urls")),
    path("betalen/", include("eloket.payments.urls")),
    path("documenten/", include("eloket.documents.urls")),
    path("vergunningen/", include("permits.urls")),
    path("boetes/", include("fines.urls")),
    path("parkeren/", include("parking_sessions.urls")),
    path("afspraak/", include("appointments.urls")),
    path("chat/", include("chat.urls")),
    path("", include("eloket.city.urls")),
    path("", include("eloket.content.urls")),
    path("", content_views.home, name="home"),
    prefix_default_language=False,
)


if settings.MOLLIE_FAKE:
    # The stand-in for Mollie's API and checkout, only when no real Mollie key is configured.
    urlpatterns += [path("fake-mollie/", include("eloket.fakemollie.urls"))]
