from django.urls import path

from jiayuan.quality import views

app_name = "quality"
urlpatterns = [
    path("indicators/", views.board, name="board"),
    path("indicators/detail/", views.indicator, name="indicator"),
    path("indicators/enter/", views.entry_add, name="entry_add"),
    path("indicators/evidence/", views.evidence, name="evidence"),
]
