from django.urls import path

from jiayuan.estate import views

app_name = "estate"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("buildings/", views.buildings, name="buildings"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_page, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/occupants/add/", views.occupancy_add, name="occupancy_add"),
    path("occupancies/<int:pk>/end/", views.occupancy_end, name="occupancy_end"),
    path("parties/", views.parties, name="parties"),
    path("parties/<int:pk>/", views.party_page, name="party"),
    path("parties/<int:pk>/edit/", views.party_edit, name="party_edit"),
    path("parties/<int:pk>/reveal/<str:field>/", views.party_reveal, name="party_reveal"),
    path("parking/", views.parking, name="parking"),
    path("shops/", views.shops, name="shops"),
    # Excel import and export (views/imports.py).
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.export, name="export"),
]
