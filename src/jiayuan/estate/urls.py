from django.urls import include, path

from jiayuan.core.views import home as placeholder

app_name = "estate"
urlpatterns = [
    path("search/", placeholder, name="search"),
    path("buildings/", placeholder, name="buildings"),
    path("units/", placeholder, name="units"),
    path("parties/", placeholder, name="parties"),
    path("parking/", placeholder, name="parking"),
    path("shops/", placeholder, name="shops"),
    path("", include("jiayuan.estate.import_urls")),
]
