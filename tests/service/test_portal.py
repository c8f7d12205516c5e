"""Owner portal pages (H5): my requests, report with a photo, confirm, rate — own units only (R3.2, R3.5)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jiayuan.service import services
from jiayuan.service.models import Channel, ServiceRequest, State


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "PNG")
    return SimpleUploadedFile("leak.png", buf.getvalue(), content_type="image/png")


def test_owner_reports_a_repair_with_a_photo(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = as_user(world.owner)
    assert owner.get(reverse("portal:request_new")).status_code == 200
    resp = owner.post(
        reverse("portal:request_new"),
        {"unit": str(world.unit.pk), "type": "repair", "content": "厨房水管漏水", "photo": _png()},
    )
    req = ServiceRequest.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("portal:request", args=[req.pk])
    assert req.channel == Channel.PORTAL and req.unit == world.unit and req.photos.count() == 1
    body = owner.get(resp.url).content.decode()
    assert req.number in body and "受理" in body
    assert req.number in owner.get(reverse("portal:repair")).content.decode()


def test_owner_cannot_report_for_a_unit_not_theirs(world, as_user):
    resp = as_user(world.owner).post(
        reverse("portal:request_new"), {"unit": str(world.other_unit.pk), "type": "repair", "content": "x"}
    )
    assert resp.status_code == 422 and not ServiceRequest.objects.exists()


def test_owner_confirms_and_rates(world, as_user, worked):
    req = services.request_complete(worked(), actor=world.tech, note="已修好")
    owner = as_user(world.owner)
    assert 'data-testid="confirm"' in owner.get(reverse("portal:request", args=[req.pk])).content.decode()
    owner.post(reverse("portal:request_confirm", args=[req.pk]))
    req.refresh_from_db()
    assert req.state == State.CLOSED
    resp = owner.post(reverse("portal:request_rate", args=[req.pk]), {"rating": "5", "comment": "快"})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.rating == 5


def test_neighbour_and_staff_get_404_on_someone_elses_request(world, as_user, worked):
    req = services.request_complete(worked(), actor=world.tech, note="已修好")
    for user in (world.neighbour, world.outsider, world.clerk):
        client = as_user(user)
        assert client.get(reverse("portal:request", args=[req.pk])).status_code == 404
        assert client.post(reverse("portal:request_confirm", args=[req.pk])).status_code == 404
        assert client.post(reverse("portal:request_rate", args=[req.pk]), {"rating": "5"}).status_code == 404
    req.refresh_from_db()
    assert req.state == State.COMPLETED
    assert req.number not in as_user(world.neighbour).get(reverse("portal:repair")).content.decode()
