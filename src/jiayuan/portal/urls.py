from django.urls import path

from jiayuan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("repair/", views.my_requests, name="repair"),
    path("repair/new/", views.request_new, name="request_new"),
    path("repair/special/", views.special_services, name="special_services"),
    path("repair/<int:pk>/", views.request_page, name="request"),
    path("repair/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("repair/<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("repair/<int:pk>/rate/", views.request_rate, name="request_rate"),
    path("pay/", views.pay, name="pay"),
    path("pay/bills/<int:pk>/", views.bill, name="bill"),
    path("pay/online/<int:unit_id>/", views.pay_online, name="pay_online"),
    path("pay/receipts/", views.receipts, name="receipts"),
    path("pay/receipts/<int:pk>/", views.receipt, name="receipt"),
    path("pay/deposits/", views.deposits, name="deposits"),
    path("me/", views.me, name="me"),
    path("messages/", views.messages_page, name="messages"),
]
