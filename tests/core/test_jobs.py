"""Background jobs (ARCHITECTURE.md "Exports and imports are jobs"): the requester's row, progress, the file,
failures kept with their message, and nobody else can open them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.jobs import JobFailed, JobOutput, Progress, job_run, job_start, register_job
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


def test_progress_reports_only_in_steps():
    reported = []
    progress = Progress(reported.append, step=5)
    tick = progress.stage(20, 60)

    for done in range(1, 1001):
        tick(done, 1000)
    progress.at(3)  # never backwards

    assert reported == list(range(20, 61, 5))


@pytest.fixture
def import_kinds():
    seen = []

    def reads(job, report):
        if job.input_file:
            with job.input_file.open("rb") as fh:
                seen.append(fh.read())
        return JobOutput(summary="2 行", result={"rows": 2})

    def refuses(job, report):
        raise JobFailed(
            "发现 1 个问题", result={"errors": [{"row": 3, "column": "房号", "message": "不存在"}]}
        )

    register_job("test.reads", label="读", perm=Perm.VIEW_ESTATE, handler=reads)
    register_job("test.refuses", label="拒", perm=Perm.VIEW_ESTATE, handler=refuses)
    return seen


@pytest.mark.parametrize("kind", ["test.reads", "test.refuses", "test.broken"])
def test_the_uploaded_file_is_stored_privately_and_deleted_when_the_job_ends(
    world, kinds, import_kinds, kind, monkeypatch
):
    queued = []
    monkeypatch.setattr("jiayuan.core.tasks.run_job.delay", queued.append)
    job = job_start(
        kind,
        actor=world.clerk,
        project_id=world.p1.pk,
        input_file=SimpleUploadedFile("张伟 13800138000.xlsx", b"rows"),
    )
    name, storage = job.input_file.name, job.input_file.storage
    assert name.startswith("jobs-in/") and name.endswith(".xlsx") and "张伟" not in name
    assert storage.exists(name)

    job = job_run(job.pk)

    assert job.finished and not job.input_file and not storage.exists(name)
    assert not job.file  # an import makes no file to download
    assert import_kinds == ([b"rows"] if kind == "test.reads" else [])


def test_an_import_job_keeps_its_result_and_its_errors(world, import_kinds):
    done = job_run(Job.objects.create(kind="test.reads", project=world.p1, requested_by=world.clerk).pk)
    failed = job_run(Job.objects.create(kind="test.refuses", project=world.p1, requested_by=world.clerk).pk)

    assert (done.state, done.message, done.result) == ("done", "2 行", {"rows": 2})
    assert (failed.state, failed.message) == ("failed", "发现 1 个问题")
    assert failed.result == {"errors": [{"row": 3, "column": "房号", "message": "不存在"}]}


def test_a_kinds_permission_may_be_a_predicate(world):
    register_job(
        "test.tech_only",
        label="测",
        perm=lambda user, project_id: user == world.tech,
        handler=lambda j, r: None,
    )
    with pytest.raises(Forbidden):
        job_start("test.tech_only", actor=world.clerk, project_id=world.p1.pk)
