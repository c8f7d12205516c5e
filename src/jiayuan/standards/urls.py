from django.urls import path

from jiayuan.core.views import home as placeholder

app_name = "standards"
urlpatterns = [
    path("", placeholder, name="list"),
]
