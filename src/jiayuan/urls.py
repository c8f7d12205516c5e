from django.contrib import admin
from django.urls import include, path

from jiayuan.api import api

urlpatterns = [
    path("", include("jiayuan.core.urls")),
    path("org/", include("jiayuan.org.urls")),
    path("estate/", include("jiayuan.estate.urls")),
    path("standards/", include("jiayuan.standards.urls")),
    path("service/", include("jiayuan.service.urls")),
    path("billing/", include("jiayuan.billing.urls")),
    path("quality/", include("jiayuan.quality.urls")),
    path("h5/", include("jiayuan.portal.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
# No route serves MEDIA_URL, in the demo either: every stored file is served by a view of its record that
# checks the user's scope (core/files.py, ARCHITECTURE.md "Files are private").
