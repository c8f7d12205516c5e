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
    path("healthz", views.healthz, name="healthz"),
    path("settings/calendar/", views.home, name="calendar"),
]
