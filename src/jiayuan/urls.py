from django.conf import settings
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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
