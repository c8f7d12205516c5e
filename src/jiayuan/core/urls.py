from django.contrib.auth import views as auth_views
from django.urls import path

from jiayuan.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch-project/", views.switch_project, name="switch_project"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create_view, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("messages/", views.message_list, name="messages"),
    path("messages/read-all/", views.message_read_all, name="messages_read_all"),
    path("messages/<int:message_id>/read/", views.message_read, name="message_read"),
    path("jobs/<int:job_id>/", views.job_page, name="job"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job_download"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/calendar/", views.calendar_list, name="calendar"),
    path("settings/calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
]
