from django.contrib import admin
from django.urls import include, path

from certificates.urls import well_known
from config.api import api
from credits import attendance_urls, xapi_views
from filings import urls as filing_urls

urlpatterns = [
    path("api/v1/", api.urls),
    path("xapi/statements", xapi_views.statements, name="xapi_statements"),
    path("xapi/about", xapi_views.about, name="xapi_about"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # credits serves a base's attendance pages under /filings/, in the filings namespace
    path("filings/", include((filing_urls.urlpatterns + attendance_urls.urlpatterns, "filings"))),
    path("messages/", include("notifications.urls")),
    path("hours/", include("credits.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("reports/", include("reports.urls")),
    path("sampling/", include("sampling.urls")),
    path("certificates/", include("certificates.urls")),
    path("", include((well_known, "certificates_public"))),
    path("statistics/", include("supervision.urls")),
    path("", include("bulletins.urls")),
    path("", include("web.urls")),
]
