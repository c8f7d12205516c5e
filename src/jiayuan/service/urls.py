from django.urls import path

from jiayuan.service import views, views_desk

app_name = "service"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("new/lookup/", views.lookup, name="lookup"),
    path("requests/<int:pk>/", views.request_page, name="request"),
    path("requests/<int:pk>/work-order.pdf", views.work_order, name="work_order"),
    path("requests/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("requests/<int:pk>/<slug:name>/", views.action, name="action"),
    path("jobs/", views.jobs, name="jobs"),
    path("visits/", views.visits, name="visits"),
    path("ledger/", views.ledger_export, name="ledger_export"),
    path("summary/", views.summary, name="summary"),
    path("archive/<int:pk>/", views.archive, name="archive"),
    # The desk's records: goods-release slips and the gate (R3.9), home visits (R3.11), legacy defects (R3.12)
    path("releases/", views_desk.releases, name="releases"),
    path("releases/new/", views_desk.release_new, name="release_new"),
    path("releases/<int:pk>/", views_desk.release_page, name="release"),
    path("releases/<int:pk>/slip.pdf", views_desk.release_pdf, name="release_pdf"),
    path("releases/<int:pk>/<slug:name>/", views_desk.release_action, name="release_action"),
    path("gate/", views_desk.gate, name="gate"),
    path("gate/<int:pk>/", views_desk.gate_slip, name="gate_slip"),
    path("gate/<int:pk>/release/", views_desk.gate_release, name="gate_release"),
    path("gate/<int:pk>/refuse/", views_desk.gate_refuse, name="gate_refuse"),
    path("home-visits/", views_desk.home_visits, name="home_visits"),
    path("home-visits/new/", views_desk.home_visit_new, name="home_visit_new"),
    path("home-visits/<int:pk>/", views_desk.home_visit, name="home_visit"),
    path("home-visits/<int:pk>/<slug:name>/", views_desk.home_visit_action, name="home_visit_action"),
    path("defects/", views_desk.defects, name="defects"),
    path("defects/new/", views_desk.defect_new, name="defect_new"),
    path("defects/<int:pk>/", views_desk.defect_page, name="defect"),
    path("defects/<int:pk>/photos/<int:photo_pk>/", views_desk.defect_photo, name="defect_photo"),
    path("defects/<int:pk>/<slug:name>/", views_desk.defect_action, name="defect_action"),
]
