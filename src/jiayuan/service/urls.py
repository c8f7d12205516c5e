from django.urls import path

from jiayuan.service.views import desk, requests

app_name = "service"
urlpatterns = [
    path("", requests.queue, name="queue"),
    path("new/", requests.new, name="new"),
    path("new/lookup/", requests.lookup, name="lookup"),
    path("requests/<int:pk>/", requests.request_page, name="request"),
    path("requests/<int:pk>/work-order.pdf", requests.work_order, name="work_order"),
    path("requests/<int:pk>/photos/<int:photo_pk>/", requests.photo, name="photo"),
    path("requests/<int:pk>/<slug:name>/", requests.action, name="action"),
    path("jobs/", requests.jobs, name="jobs"),
    path("visits/", requests.visits, name="visits"),
    path("ledger/", requests.ledger_export, name="ledger_export"),
    path("summary/", requests.summary, name="summary"),
    path("archive/<int:pk>/", requests.archive, name="archive"),
    # The desk's records: goods-release slips and the gate (R3.9), home visits (R3.11), legacy defects (R3.12)
    path("releases/", desk.releases, name="releases"),
    path("releases/new/", desk.release_new, name="release_new"),
    path("releases/<int:pk>/", desk.release_page, name="release"),
    path("releases/<int:pk>/slip.pdf", desk.release_pdf, name="release_pdf"),
    path("releases/<int:pk>/<slug:name>/", desk.release_action, name="release_action"),
    path("gate/", desk.gate, name="gate"),
    path("gate/<int:pk>/", desk.gate_slip, name="gate_slip"),
    path("gate/<int:pk>/release/", desk.gate_release, name="gate_release"),
    path("gate/<int:pk>/refuse/", desk.gate_refuse, name="gate_refuse"),
    path("home-visits/", desk.home_visits, name="home_visits"),
    path("home-visits/new/", desk.home_visit_new, name="home_visit_new"),
    path("home-visits/<int:pk>/", desk.home_visit, name="home_visit"),
    path("home-visits/<int:pk>/<slug:name>/", desk.home_visit_action, name="home_visit_action"),
    path("defects/", desk.defects, name="defects"),
    path("defects/new/", desk.defect_new, name="defect_new"),
    path("defects/<int:pk>/", desk.defect_page, name="defect"),
    path("defects/<int:pk>/photos/<int:photo_pk>/", desk.defect_photo, name="defect_photo"),
    path("defects/<int:pk>/<slug:name>/", desk.defect_action, name="defect_action"),
]
