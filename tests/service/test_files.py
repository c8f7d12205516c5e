"""Photos of requests and legacy defects are served only to those who may open their record (ARCHITECTURE.md
"Files are private"): the request's project staff and its technician, the owner of its unit in the portal —
never a neighbour, another project's manager or an anonymous visitor; uploads are checked (size, decoding)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from jiayuan.core.errors import ValidationFailed
from jiayuan.service import services
from jiayuan.service.models import Photo, ServiceRequest
from jiayuan.service.services import desk


def png_bytes(color="blue") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, "PNG")
    return buf.getvalue()


def png(name="leak.png", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type="image/png")


@pytest.fixture
def photo(world, make_request, settings, tmp_path) -> Photo:
    """The owner's repair of 3-2-1201 with the photo they took."""
    settings.MEDIA_ROOT = tmp_path
    req = make_request(actor=world.owner)
    return services.request_add_photo(req, actor=world.owner, image=png())


def _staff_url(photo):
    return reverse("service:photo", args=[photo.request_id, photo.pk])


def _portal_url(photo):
    return reverse("portal:photo", args=[photo.request_id, photo.pk])


def test_stored_photo_name_is_random(photo):
    assert photo.image.name.startswith("service/")
    stem = photo.image.name.rsplit("/", 1)[1]
    assert len(stem) == len("0" * 32 + ".png") and "leak" not in stem


def test_owner_sees_their_photo_in_the_portal(world, as_user, photo):
    response = as_user(world.owner).get(_portal_url(photo))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["manager", "clerk", "admin", "inspector"])
def test_project_staff_see_the_photo(world, as_user, photo, who):
    response = as_user(getattr(world, who)).get(_staff_url(photo))
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes()


def test_technician_sees_photos_of_his_jobs_only(world, as_user, photo, worked):
    job = worked()
    before = services.request_add_photo(
        job, actor=world.tech, image=png("before.png"), stage=Photo.Stage.BEFORE
    )
    client = as_user(world.tech)
    assert client.get(_staff_url(before)).status_code == 200
    assert client.get(_staff_url(photo)).status_code == 404  # not dispatched to him: not his record either


def test_anonymous_gets_the_login_page_not_the_photo(client, photo):
    for url in (_staff_url(photo), _portal_url(photo), "/media/" + photo.image.name):
        response = client.get(url)
        assert response.status_code in (302, 404) and not getattr(response, "streaming", False)


def test_neighbour_cannot_fetch_the_owners_photo(world, as_user, photo):
    client = as_user(world.neighbour)
    assert client.get(_portal_url(photo)).status_code == 404
    assert client.get(_staff_url(photo)).status_code == 403


def test_outsider_project_manager_cannot_fetch_the_photo(world, as_user, photo):
    client = as_user(world.outsider)
    assert client.get(_staff_url(photo)).status_code == 404
    assert client.get(_portal_url(photo)).status_code == 404


def test_photo_id_of_another_request_is_404(world, as_user, photo, make_request):
    other = make_request(unit=world.other_unit)
    url = reverse("service:photo", args=[other.pk, photo.pk])
    assert as_user(world.manager).get(url).status_code == 404


def test_request_pages_link_photos_through_the_checked_views(world, as_user, photo):
    staff_page = (
        as_user(world.clerk).get(reverse("service:request", args=[photo.request_id])).content.decode()
    )
    assert _staff_url(photo) in staff_page and "/media/" not in staff_page
    owner_page = as_user(world.owner).get(reverse("portal:request", args=[photo.request_id])).content.decode()
    assert _portal_url(photo) in owner_page and "/media/" not in owner_page


def test_nginx_mode_hands_the_photo_to_nginx(world, as_user, photo, settings):
    settings.FILE_SERVING = "nginx"
    response = as_user(world.owner).get(_portal_url(photo))
    assert response["X-Accel-Redirect"] == "/protected-media/" + photo.image.name
    assert response.content == b"" and response["Content-Type"] == "image/png"


# --- legacy defects --------------------------------------------------------------------------------------


@pytest.fixture
def defect_photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    defect = desk.defect_register(
        actor=world.clerk,
        project=world.p1,
        category="leak",
        description="地下室渗水",
        found_on=timezone.localdate(),
        location="地下室",
        photo=png("wall.png", png_bytes("red")),
    )
    return defect.photos.get()


def test_defect_photo_to_project_staff_only(world, client, as_user, defect_photo):
    url = reverse("service:defect_photo", args=[defect_photo.defect_id, defect_photo.pk])
    response = as_user(world.manager).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes("red")
    assert as_user(world.outsider).get(url).status_code == 404
    assert as_user(world.owner).get(url).status_code == 403
    assert client.get(url).status_code == 302
    page = (
        as_user(world.manager).get(reverse("service:defect", args=[defect_photo.defect_id])).content.decode()
    )
    assert url in page and "/media/" not in page


# --- uploads -------------------------------------------------------------------------------------------


def test_portal_refuses_a_photo_over_10_mb_and_says_the_limit(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    padded = png_bytes() + b"\0" * (10 * 1024 * 1024 + 1)
    owner = as_user(world.owner)
    form_page = owner.get(reverse("portal:request_new")).content.decode()
    assert "不超过 10 MB" in form_page
    response = owner.post(
        reverse("portal:request_new"),
        {"unit": str(world.unit.pk), "type": "repair", "content": "厨房水管漏水", "photo": png(data=padded)},
    )
    assert response.status_code == 422
    assert "文件不能超过 10 MB" in response.content.decode()
    assert not ServiceRequest.objects.exists() and not list(tmp_path.rglob("*.png"))


def test_technician_cannot_upload_a_non_image_named_png(world, as_user, worked, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = worked()
    response = as_user(world.tech).post(
        reverse("service:action", args=[req.pk, "add_photo"]),
        {"stage": "before", "image": png("a.png", b"<html><script>alert(1)</script></html>")},
    )
    assert response.status_code == 422
    assert "不是有效的图片" in response.content.decode()
    assert not req.photos.exists()


def test_service_refuses_a_truncated_picture(world, worked):
    req = worked()
    buf = io.BytesIO()
    Image.effect_noise((120, 120), 60).convert("RGB").save(buf, "JPEG")
    data = buf.getvalue()
    with pytest.raises(ValidationFailed):
        services.request_add_photo(
            req, actor=world.tech, image=png("a.jpg", data[: len(data) // 2]), stage=Photo.Stage.BEFORE
        )
    assert not req.photos.exists()
