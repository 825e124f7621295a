"""Every page. `web:` holds the landing page and the account pages; each audience has its own
namespace (console:, sme:, specialist:), included at its prefix."""

from django.urls import include, path

from web import views
from web.account import urls as account_urls

web_patterns = [
    path("", views.landing, name="home"),
    *account_urls.urlpatterns,
]

urlpatterns = [
    path("", include((web_patterns, "web"))),
    path("console/", include("web.console.urls")),
    path("sme/", include("web.sme.urls")),
    path("specialist/", include("web.specialist.urls")),
]
