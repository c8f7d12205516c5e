from django.urls import path

from jiayuan.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_list, name="list"),
    path("<int:pk>/", views.standard_detail, name="detail"),
    path("<int:pk>/override/", views.standard_override_view, name="override"),
    path("<int:pk>/reset/", views.standard_reset_view, name="reset"),
    path("<int:pk>/default/", views.standard_default_view, name="default"),
]
