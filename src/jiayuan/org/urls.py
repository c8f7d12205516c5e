from django.urls import path

from jiayuan.core.views import home as placeholder

app_name = "org"
urlpatterns = [
    path("staff/", placeholder, name="staff"),
    path("certificates/", placeholder, name="certificates"),
    path("training/", placeholder, name="training"),
]
