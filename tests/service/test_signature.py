"""R3.5 / R4.1 customer signature on the technician's phone: a drawn signature saved as a PNG data URL
(prefix, size and PNG content checked, errors in Chinese next to the field), or the typed name; shown as an
image on the request page and the work order."""

from __future__ import annotations

import base64
import io

import pytest
from django.urls import reverse
from PIL import Image

from jiayuan.core.errors import ValidationFailed
from jiayuan.service import services
from jiayuan.service.models import State
from jiayuan.service.services.requests import SIGNATURE_PREFIX


def png(width=120, height=40) -> str:
    buf = io.BytesIO()
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    for x in range(10, width - 10):
        image.putpixel((x, height // 2), (0, 0, 0, 255))
    image.save(buf, "PNG")
    return SIGNATURE_PREFIX + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def done(world, worked):
    return services.request_complete(worked(), actor=world.tech, note="已修好")


def test_r4_1_drawn_signature_closes_the_request(world, done):
    sig = png()
    req = services.request_confirm(done, actor=world.tech, signature=sig)
    assert req.state == State.CLOSED and req.signature == sig


def test_r4_1_typed_name_is_kept_as_fallback(world, done):
    req = services.request_confirm(done, actor=world.tech, signature="张伟")
    assert req.signature == "张伟"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请让客户签名"),
        ("data:image/jpeg;base64,/9j/4AAQ", "PNG"),
        (SIGNATURE_PREFIX + "not base64!", "无法识别"),
        (SIGNATURE_PREFIX + base64.b64encode(b"GIF89a not a png").decode(), "无法识别"),
        (SIGNATURE_PREFIX + "A" * 200_100, "过大"),
        ("张" * 61, "不能超过"),
    ],
)
def test_r4_1_bad_signature_is_refused_in_chinese(world, done, value, message):
    with pytest.raises(ValidationFailed) as err:
        services.request_confirm(done, actor=world.tech, signature=value)
    assert err.value.field == "signature" and message in err.value.message
    done.refresh_from_db()
    assert done.state == State.COMPLETED and not done.signature


def test_r4_1_confirm_page_has_the_canvas_and_saves_the_drawing(world, as_user, done):
    client = as_user(world.tech)
    url = reverse("service:action", args=[done.pk, "confirm"])
    html = client.get(url).content.decode()
    assert 'data-testid="signature-canvas"' in html and "清除" in html and 'name="signer_name"' in html
    bad = client.post(url, {"signature": "data:image/png;base64,AAAA"})
    assert bad.status_code == 422 and "签名图片无法识别" in bad.content.decode()
    sig = png()
    assert client.post(url, {"signature": sig}).status_code == 302
    page = client.get(reverse("service:request", args=[done.pk])).content.decode()
    assert 'data-testid="signature-image"' in page and sig in page


def test_r4_1_typed_name_through_the_page(world, as_user, done):
    client = as_user(world.tech)
    url = reverse("service:action", args=[done.pk, "confirm"])
    assert client.post(url, {"signer_name": "张伟"}).status_code == 302
    page = client.get(reverse("service:request", args=[done.pk])).content.decode()
    assert 'data-testid="signature-name"' in page and "张伟" in page


def test_r4_1_signature_refused_to_outsider_and_owner_of_another_unit(world, as_user, done):
    url = reverse("service:action", args=[done.pk, "confirm"])
    assert as_user(world.outsider).post(url, {"signature": png()}).status_code == 404
    assert as_user(world.neighbour).post(url, {"signature": png()}).status_code in (403, 404)
    done.refresh_from_db()
    assert done.state == State.COMPLETED


def test_r4_1_signature_image_on_the_work_order(world, done, as_user):
    client = as_user(world.clerk)
    unsigned = client.get(reverse("service:work_order", args=[done.pk]))
    assert b"/Subtype /Image" not in unsigned.content
    services.request_confirm(done, actor=world.tech, signature=png())
    r = client.get(reverse("service:work_order", args=[done.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # The QR code is vector (SVG); the only raster image in the PDF is the signature.
    assert b"/Subtype /Image" in r.content
