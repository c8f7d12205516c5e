from django.urls import path

from jiayuan.org import views

app_name = "org"
urlpatterns = [
    path("projects/", views.projects, name="projects"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:staff_id>/phone/", views.staff_phone, name="staff_phone"),
    path("staff/<int:staff_id>/certificates/add/", views.certificate_add_view, name="certificate_add"),
    path("certificates/", views.certificates, name="certificates"),
    path("training/", views.training, name="training"),
    path("training/add/", views.training_add, name="training_add"),
]
