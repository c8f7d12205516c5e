from django.urls import path

from jiayuan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("repair/", views.coming_soon, {"tab": "repair"}, name="repair"),
    path("pay/", views.coming_soon, {"tab": "pay"}, name="pay"),
    path("me/", views.me, name="me"),
    path("messages/", views.messages_page, name="messages"),
]
