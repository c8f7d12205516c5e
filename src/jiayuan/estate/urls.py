from django.urls import include, path

from jiayuan.estate import views, views_records

app_name = "estate"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("buildings/", views.buildings, name="buildings"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views_records.unit_page, name="unit"),
    path("units/<int:pk>/edit/", views_records.unit_edit, name="unit_edit"),
    path("units/<int:pk>/occupants/add/", views_records.occupancy_add, name="occupancy_add"),
    path("occupancies/<int:pk>/end/", views_records.occupancy_end, name="occupancy_end"),
    path("parties/", views.parties, name="parties"),
    path("parties/<int:pk>/", views_records.party_page, name="party"),
    path("parties/<int:pk>/edit/", views_records.party_edit, name="party_edit"),
    path("parties/<int:pk>/reveal/<str:field>/", views_records.party_reveal, name="party_reveal"),
    path("parking/", views.parking, name="parking"),
    path("shops/", views.shops, name="shops"),
    path("", include("jiayuan.estate.import_urls")),
]
