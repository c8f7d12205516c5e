from django.urls import path

from jiayuan.portal import views, views_billing, views_service

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("repair/", views_service.my_requests, name="repair"),
    path("repair/new/", views_service.request_new, name="request_new"),
    path("repair/special/", views_service.special_services, name="special_services"),
    path("repair/<int:pk>/", views_service.request_page, name="request"),
    path("repair/<int:pk>/photos/<int:photo_pk>/", views_service.photo, name="photo"),
    path("repair/<int:pk>/confirm/", views_service.request_confirm, name="request_confirm"),
    path("repair/<int:pk>/rate/", views_service.request_rate, name="request_rate"),
    path("pay/", views_billing.pay, name="pay"),
    path("pay/bills/<int:pk>/", views_billing.bill, name="bill"),
    path("pay/online/<int:unit_id>/", views_billing.pay_online, name="pay_online"),
    path("pay/receipts/", views_billing.receipts, name="receipts"),
    path("pay/receipts/<int:pk>/", views_billing.receipt, name="receipt"),
    path("pay/deposits/", views_billing.deposits, name="deposits"),
    path("me/", views.me, name="me"),
    path("messages/", views.messages_page, name="messages"),
]
