from django.urls import path

from jiayuan.service import views

app_name = "service"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("new/lookup/", views.lookup, name="lookup"),
    path("requests/<int:pk>/", views.request_page, name="request"),
    path("requests/<int:pk>/work-order.pdf", views.work_order, name="work_order"),
    path("requests/<int:pk>/<slug:name>/", views.action, name="action"),
    path("jobs/", views.jobs, name="jobs"),
    path("visits/", views.visits, name="visits"),
    path("ledger/", views.ledger_export, name="ledger_export"),
]
