"""Excel import/export URLs (owned by the import module: views_import.py)."""

from django.urls import path

from jiayuan.core.views import home as placeholder

urlpatterns = [
    path("import/", placeholder, name="import"),
]
