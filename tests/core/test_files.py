"""Stored files are private (ARCHITECTURE.md "Files are private"): nothing is served under /media/, names are
unguessable, a job's file goes to its requester only, nginx sends the bytes in production, and every upload
is checked once (size by kind, pictures must decode)."""

from __future__ import annotations

import io
import re
import types

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from PIL import Image

from jiayuan.core.errors import ValidationFailed
from jiayuan.core.files import (
    DOCUMENT,
    PHOTO,
    SPREADSHEET,
    PrivateName,
    UploadValidator,
    check_upload,
    upload_field,
    upload_problem,
)
from jiayuan.core.jobs import JobOutput, job_run, register_job
from jiayuan.core.models import Job
from jiayuan.core.roles import Perm

RANDOM_NAME = re.compile(r"jobs/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx")


def png_bytes(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "blue").save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((120, 120), 60).convert("RGB").save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def export_job(world, settings, tmp_path):
    """A finished export of residents (full phone and ID numbers) requested by the clerk."""
    settings.MEDIA_ROOT = tmp_path
    register_job(
        "test.residents",
        label="住户导出",
        perm=Perm.VIEW_ESTATE,
        handler=lambda job, report: JobOutput(
            "住户.xlsx", b"PK\x03\x04 13800138000 330106199001011234", "2 行"
        ),
    )
    job = Job.objects.create(kind="test.residents", project=world.p1, requested_by=world.clerk)
    return job_run(job.pk)


# --- /media/ and names ---------------------------------------------------------------------------------


def test_no_route_serves_media_even_in_the_demo(settings):
    """The demo runs with DEBUG on: its URLconf must not add django.conf.urls.static for MEDIA_URL."""
    settings.DEBUG = True
    source = open(__import__("jiayuan.urls").urls.__file__, encoding="utf-8").read()
    module = types.ModuleType("demo_urls")
    exec(compile(source, "demo_urls", "exec"), module.__dict__)
    with pytest.raises(Resolver404):
        resolve("/media/jobs/2026/11/住户.xlsx", urlconf=module)


def test_media_url_of_a_stored_export_is_404_for_anyone(world, client, as_user, export_job):
    url = "/media/" + export_job.file.name
    assert client.get(url).status_code == 404
    assert as_user(world.clerk).get(url).status_code == 404


def test_stored_names_are_random_not_the_uploaded_name(export_job):
    assert RANDOM_NAME.fullmatch(export_job.file.name), export_job.file.name
    other = Job.objects.create(
        kind="test.residents", project=export_job.project, requested_by=export_job.requested_by
    )
    assert job_run(other.pk).file.name != export_job.file.name


def test_private_name_keeps_a_clean_extension_only():
    name = PrivateName("service")
    assert re.fullmatch(r"service/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name(None, "../../etc/照片.JPG"))
    assert re.fullmatch(r"service/\d{4}/\d{2}/[0-9a-f]{32}", name(None, "noext"))
    assert name.deconstruct() == ("jiayuan.core.files.PrivateName", ("service",), {})


# --- job files -----------------------------------------------------------------------------------------


def test_requester_downloads_the_export_as_a_private_attachment(world, as_user, export_job):
    response = as_user(world.clerk).get(reverse("job_download", args=[export_job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E4%BD%8F%E6%88%B7.xlsx" in response["Content-Disposition"]  # 住户.xlsx
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_anonymous_and_other_staff_cannot_fetch_a_jobs_file(world, client, as_user, export_job):
    url = reverse("job_download", args=[export_job.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    for user in (world.manager, world.admin, world.outsider, world.owner):
        assert as_user(user).get(url).status_code == 404


def test_nginx_mode_answers_x_accel_redirect_and_no_body(world, as_user, export_job, settings):
    settings.FILE_SERVING = "nginx"
    response = as_user(world.clerk).get(reverse("job_download", args=[export_job.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + export_job.file.name
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_nginx_mode_still_checks_the_requester(world, as_user, export_job, settings):
    settings.FILE_SERVING = "nginx"
    response = as_user(world.manager).get(reverse("job_download", args=[export_job.pk]))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


# --- uploads -------------------------------------------------------------------------------------------


def test_a_60_mb_padded_png_is_refused_with_the_limit():
    padded = png_bytes() + b"\0" * (60 * 1024 * 1024)
    problem = upload_problem(SimpleUploadedFile("padded.png", padded, content_type="image/png"), PHOTO)
    assert problem and "10 MB" in problem and "60.0 MB" in problem


def test_a_non_image_named_png_is_refused():
    upload = SimpleUploadedFile("leak.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    assert "不是有效的图片" in upload_problem(upload, PHOTO)


def test_a_truncated_jpeg_is_refused_though_pillow_verify_accepts_it():
    data = jpeg_bytes()
    upload = SimpleUploadedFile("photo.jpg", data[: len(data) // 2], content_type="image/jpeg")
    assert "不是有效的图片" in upload_problem(upload, PHOTO)


def test_a_truncated_picture_is_refused_after_weasyprint_relaxed_pillow(monkeypatch):
    """WeasyPrint's import sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; uploads stay strict."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = jpeg_bytes()
    upload = SimpleUploadedFile("photo.jpg", data[: len(data) // 2], content_type="image/jpeg")
    assert "不是有效的图片" in upload_problem(upload, PHOTO)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it


def test_a_picture_of_too_many_pixels_is_refused():
    buf = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buf, "PNG")  # a few KB on disk, 60 MP decoded
    assert "像素" in upload_problem(SimpleUploadedFile("big.png", buf.getvalue()), PHOTO)


def test_a_valid_picture_passes_and_gets_the_extension_of_what_it_is():
    upload = SimpleUploadedFile("照片.html", png_bytes(), content_type="text/html")
    assert upload_problem(upload, PHOTO) is None
    assert upload.name == "照片.png"
    assert upload.read(4) == b"\x89PNG"  # left at the start for the storage


def test_documents_by_kind():
    assert upload_problem(SimpleUploadedFile("检查表.pdf", b"%PDF-1.4"), DOCUMENT) is None
    assert "20 MB" in upload_problem(SimpleUploadedFile("a.pdf", b"0" * (20 * 1024 * 1024 + 1)), DOCUMENT)
    assert "不支持" in upload_problem(SimpleUploadedFile("a.exe", b"MZ"), DOCUMENT)
    assert "不是有效的图片" in upload_problem(SimpleUploadedFile("scan.png", b"%PDF-1.4"), DOCUMENT)
    assert "xlsx" in upload_problem(SimpleUploadedFile("readings.xls", b"x"), SPREADSHEET)


def test_services_refuse_what_the_forms_refuse():
    with pytest.raises(ValidationFailed) as exc:
        check_upload(ContentFile(b"not a picture", name="a.jpg"), PHOTO, field="image")
    assert exc.value.field == "image"
    check_upload(None, PHOTO, field="image")


def test_the_form_field_states_its_limit_and_runs_the_validator():
    field = upload_field(PHOTO, "照片", required=False)
    assert "10 MB" in str(field.help_text)
    assert UploadValidator(PHOTO) in field.validators
    assert field.widget.attrs["accept"] == "image/*"
    assert "10 MB" in str(upload_field(SPREADSHEET, "Excel", help_text="列：房号").help_text)
