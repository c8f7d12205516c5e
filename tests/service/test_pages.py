"""Staff pages: the workbench queue, the new-request form, the request page and its actions, the
technician's jobs and the return-visit queue (R3.2, R3.3, R4.1, R3.6)."""

from __future__ import annotations

from django.urls import reverse

from jiayuan.service import services
from jiayuan.service.models import ServiceRequest, State, Urgency


def test_queue_lists_counts_and_marks_breaches(world, as_user, make_request, django_assert_max_num_queries):
    make_request()
    late = make_request(content="电梯困人", urgency=Urgency.EMERGENCY, unit=world.other_unit)
    ServiceRequest.objects.filter(pk=late.pk).update(breached=True)
    for _ in range(10):
        make_request(content="批量")
    client = as_user(world.clerk)
    with django_assert_max_num_queries(40):
        resp = client.get(reverse("service:queue"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert late.number in body and "table-danger" in body and "已超时" in body
    assert "every 30s" in body
    resp = client.get(reverse("service:queue"), {"type": "complaint"})
    assert "暂无符合条件" in resp.content.decode()
    partial = client.get(reverse("service:queue"), {"partial": "1"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and late.number in partial.content.decode()


def test_new_request_form_finds_unit_by_address_or_phone(world, as_user):
    client = as_user(world.clerk)
    data = {
        "who": "3-2-1201",
        "type": "repair",
        "urgency": "normal",
        "channel": "phone",
        "content": "水管漏水",
    }
    resp = client.post(reverse("service:new"), data)
    req = ServiceRequest.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("service:request", args=[req.pk])
    assert req.unit == world.unit and req.first_receiver == world.clerk
    client.post(reverse("service:new"), {**data, "who": "13900139000", "type": "consultation"})
    assert ServiceRequest.objects.get(type="consultation").unit == world.other_unit
    resp = client.post(reverse("service:new"), {**data, "who": "9-9-9999"})
    assert resp.status_code == 422 and "找不到唯一的房屋" in resp.content.decode()
    resp = client.post(reverse("service:new"), {**data, "content": ""})
    assert resp.status_code == 422


def test_request_page_shows_timeline_timers_and_allowed_actions(world, as_user, make_request):
    req = make_request()
    body = as_user(world.clerk).get(reverse("service:request", args=[req.pk])).content.decode()
    assert req.number in body and "受理" in body and "三分钟派单" in body
    assert 'data-testid="action-dispatch"' in body and 'data-testid="action-arrive"' not in body
    assert "138****8000" in body


def test_dispatch_action_through_the_page(world, as_user, eng, make_request):
    req = make_request()
    url = reverse("service:action", args=[req.pk, "dispatch"])
    client = as_user(world.clerk)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    resp = client.post(url, {"department": eng.pk, "assignee": world.tech.pk})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.state == State.DISPATCHED and req.assignee == world.tech


def test_second_postponement_is_refused_on_the_page(world, as_user, make_request):
    from datetime import timedelta

    from django.utils import timezone

    req = services.request_promise(
        make_request(), actor=world.clerk, promised_at=timezone.now() + timedelta(days=1)
    )
    services.request_postpone(
        req, actor=world.clerk, to=timezone.now() + timedelta(days=2), reason="配件", customer_informed=True
    )
    url = reverse("service:action", args=[req.pk, "postpone"])
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    resp = as_user(world.clerk).post(url, {"to": later, "reason": "再推", "customer_informed": "on"})
    assert resp.status_code == 422 and "不得两次推迟" in resp.content.decode()


def test_technician_jobs_page_lists_department_jobs(world, as_user, eng, make_request):
    req = services.request_dispatch(make_request(), actor=world.clerk, department=eng)
    body = as_user(world.tech).get(reverse("service:jobs")).content.decode()
    assert req.number in body and "接单" in body
    assert as_user(world.tech).get(reverse("service:queue")).status_code == 403
    resp = as_user(world.tech).post(
        reverse("service:action", args=[req.pk, "accept"]) + "?next=/service/jobs/"
    )
    assert resp.status_code == 302 and resp.url == "/service/jobs/"


def test_visit_queue_page(world, as_user, worked):
    req = services.request_complete(worked(urgency=Urgency.EMERGENCY), actor=world.tech, note="ok")
    body = as_user(world.clerk).get(reverse("service:visits")).content.decode()
    assert req.number in body


def test_owner_gets_no_staff_page(world, as_user, make_request):
    req = make_request()
    owner = as_user(world.owner)
    assert owner.get(reverse("service:request", args=[req.pk])).status_code == 403
    assert owner.get(reverse("service:queue")).status_code in {302, 403}


def test_r4_1_printable_work_order_pdf_a4_and_a5(world, as_user, worked):
    req = worked()
    client = as_user(world.clerk)
    for size in ("", "A5"):
        resp = client.get(reverse("service:work_order", args=[req.pk]), {"size": size} if size else {})
        assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
        assert resp.content.startswith(b"%PDF")
    assert as_user(world.neighbour).get(reverse("service:work_order", args=[req.pk])).status_code in {
        403,
        404,
    }


def test_technician_uploads_before_and_after_photos(world, as_user, worked, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    req = worked()
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    url = reverse("service:action", args=[req.pk, "add_photo"])
    resp = as_user(world.tech).post(
        url,
        {"stage": "before", "image": SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")},
    )
    assert resp.status_code == 302 and req.photos.get().stage == "before"
    body = as_user(world.clerk).get(reverse("service:request", args=[req.pk])).content.decode()
    assert "维修前" in body
