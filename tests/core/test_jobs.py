"""Background jobs (ARCHITECTURE.md "Exports and imports are jobs"): the requester's row, progress, the file,
failures kept with their message, and nobody else can open them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.jobs import JobOutput, job_run, job_start, register_job
from jiayuan.core.models import Job
from jiayuan.core.roles import Perm


@pytest.fixture
def kinds():
    calls = []

    def ok(job, report):
        report(50)
        calls.append(job.params)
        return JobOutput("结果.txt", "你好".encode(), "1 行")

    def refused(job, report):
        raise ValidationFailed("筛选条件不合法")

    def broken(job, report):
        raise RuntimeError("bug")

    register_job("test.ok", label="测试", perm=Perm.VIEW_ESTATE, handler=ok)
    register_job("test.refused", label="测试", perm=Perm.VIEW_ESTATE, handler=refused)
    register_job("test.broken", label="测试", perm=Perm.VIEW_ESTATE, handler=broken)
    return calls


def test_job_runs_in_process_and_its_requester_downloads_the_file(
    world, as_user, kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start("test.ok", actor=world.clerk, project_id=world.p1.pk, params={"q": "3-"})
    job.refresh_from_db()

    assert (job.state, job.progress, job.message, kinds) == ("done", 100, "1 行", [{"q": "3-"}])
    client = as_user(world.clerk)
    assert 'data-state="done"' in client.get(reverse("job", args=[job.pk])).content.decode()
    response = client.get(reverse("job_download", args=[job.pk]))
    assert b"".join(response.streaming_content) == "你好".encode()


def test_a_job_runs_once_even_when_its_task_is_delivered_twice(world, kinds):
    job = Job.objects.create(kind="test.ok", project=world.p1, requested_by=world.clerk)
    job_run(job.pk)
    job_run(job.pk)
    assert len(kinds) == 1


def test_a_refused_job_keeps_its_chinese_message(world):
    job = Job.objects.create(kind="test.refused", project=world.p1, requested_by=world.clerk)
    job = job_run(job.pk)
    assert (job.state, job.message, bool(job.file)) == ("failed", "筛选条件不合法", False)


def test_a_crashing_job_is_marked_failed_not_left_running(world, kinds):
    job = Job.objects.create(kind="test.broken", project=world.p1, requested_by=world.clerk)
    job = job_run(job.pk)
    assert job.state == "failed" and "出错" in job.message and job.finished_at


def test_job_needs_the_kinds_permission(world, kinds):
    with pytest.raises(Forbidden):
        job_start("test.ok", actor=world.outsider, project_id=world.p1.pk)
    assert not Job.objects.exists()


def test_nobody_but_the_requester_opens_a_job_or_its_file(world, as_user, kinds):
    job = job_run(Job.objects.create(kind="test.ok", project=world.p1, requested_by=world.clerk).pk)
    for user in (world.manager, world.outsider, world.owner):
        client = as_user(user)
        assert client.get(reverse("job", args=[job.pk])).status_code == 404
        assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_job_page_polls_until_finished(world, as_user, kinds):
    job = Job.objects.create(kind="test.ok", project=world.p1, requested_by=world.clerk)
    client = as_user(world.clerk)
    html = client.get(reverse("job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    job_run(job.pk)
    html = client.get(reverse("job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "job-download" in html
