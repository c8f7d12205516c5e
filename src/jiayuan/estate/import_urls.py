"""Excel import/export URLs (owned by the import module: views_import.py)."""

from django.urls import path

from jiayuan.estate import views_import

urlpatterns = [
    path("import/", views_import.import_page, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("export.xlsx", views_import.export, name="export"),
]
