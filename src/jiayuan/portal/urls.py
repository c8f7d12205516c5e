from django.urls import path

from jiayuan.core.views import home as placeholder

app_name = "portal"
urlpatterns = [
    path("", placeholder, name="home"),
]
