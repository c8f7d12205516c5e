"""R2.3 upload page and template download: who may use them, what they show, that errors import nothing.
An upload starts a job (core.jobs); its page shows the counts or the errors, to the uploader only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from jiayuan.core.middleware import SESSION_KEY
from jiayuan.core.models import Job
from jiayuan.estate.importing import COLUMNS, import_estate
from jiayuan.estate.models import Building, Party, Unit
from tests.estate.xlsx import read_header, read_rows, row, workbook
from tests.factories import ProjectFactory

URL = reverse("estate:import")


def upload(client, data, *, dry_run=False):
    form = {"file": data}
    if dry_run:
        form["dry_run"] = "on"
    return client.post(URL, form)


@pytest.mark.parametrize("who", ["tech", "owner", "neighbour"])
def test_import_page_is_403_without_import_permission_R2_3(world, as_user, who):
    client = as_user(getattr(world, who))

    assert client.get(URL).status_code == 403
    assert upload(client, workbook([row()])).status_code == 403
    assert not Unit.objects.filter(address="5-1-101").exists()


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(URL)

    assert response.status_code == 302 and "login" in response.url


def test_outsider_cannot_import_into_another_project(world, as_user):
    """The outsider manages P2: asking for P1 in the session still leaves them in P2, never P1."""
    client = as_user(world.outsider)
    session = client.session
    session[SESSION_KEY] = world.p1.pk
    session.save()

    response = upload(client, workbook([row()]))

    assert response.status_code == 302
    assert Job.objects.get().project == world.p2
    assert not Unit.objects.filter(project=world.p1, address="5-1-101").exists()
    assert Unit.objects.filter(project=world.p2, address="5-1-101").exists()


def test_clerk_sees_template_export_and_upload_form(world, as_user):
    response = as_user(world.clerk).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("estate:import_template") in html
    assert reverse("estate:export") in html
    assert 'type="file"' in html and "仅检查不导入" in html
    assert 'data-testid="import-result"' not in html


def _job_page(client, response):
    """The job page the upload redirected to (the job ran in-process, as in the demo)."""
    assert response.status_code == 302
    return client.get(response.url)


def test_posting_an_import_only_stores_the_file_and_queues_a_job(world, as_user, monkeypatch):
    """The request does not read the rows: 50,000 of them take longer than gunicorn's timeout."""
    queued = []
    monkeypatch.setattr("jiayuan.core.tasks.run_job.delay", queued.append)
    monkeypatch.setattr(
        "jiayuan.estate.importing.read_sheet", lambda *a, **k: pytest.fail("the view parsed the rows")
    )

    response = upload(as_user(world.clerk), workbook([row()]))

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    assert queued == [job.pk]
    assert (job.kind, job.state, job.requested_by, job.project, job.params) == (
        "estate.import",
        "queued",
        world.clerk,
        world.p1,
        {"dry_run": False},
    )
    # Stored privately under a random name that tells nothing of the file (it holds personal data).
    assert job.input_file.name.startswith("jobs-in/") and "房屋" not in job.input_file.name
    assert job.input_file.storage.exists(job.input_file.name)
    assert not Unit.objects.filter(address="5-1-101").exists()


def test_clerk_upload_imports_and_the_job_page_shows_counts_R2_3(world, as_user):
    client = as_user(world.clerk)

    page = _job_page(
        client, upload(client, workbook([row(room="101"), row(room="102", name="赵六", phone="")]))
    )

    job = Job.objects.get()
    assert (job.state, job.progress) == ("done", 100)
    assert job.result["created"] == {"buildings": 1, "units": 2, "parties": 2, "occupancies": 2}
    html = page.content.decode()
    assert 'data-state="done"' in html and "导入完成：共 2 行" in html
    assert "job-download" not in html  # an import makes no file
    assert set(
        Unit.objects.filter(project=world.p1, building__code="5").values_list("address", flat=True)
    ) == {"5-1-101", "5-1-102"}
    assert not job.input_file  # the upload is not kept once imported


def test_rerunning_the_same_import_adds_nothing(world, as_user):
    client = as_user(world.clerk)
    upload(client, workbook([row()]))

    page = _job_page(client, upload(client, workbook([row()])))

    assert "全部已在系统中，本次没有新增数据" in page.content.decode()
    assert Unit.objects.filter(project=world.p1, address="5-1-101").count() == 1
    assert Party.objects.filter(project=world.p1, name="王芳").count() == 1


def test_dry_run_upload_reports_but_imports_nothing(world, as_user):
    client = as_user(world.clerk)

    page = _job_page(client, upload(client, workbook([row()]), dry_run=True))

    assert "检查通过" in page.content.decode()
    assert Job.objects.get().params == {"dry_run": True}
    assert not Building.objects.filter(project=world.p1, code="5").exists()


def test_bad_upload_fails_the_job_whose_page_lists_row_column_reason_R2_3(world, as_user):
    rows = [row(room="101"), row(room="102", area=-1), row("9", "", room="101")]
    parties = Party.objects.count()
    client = as_user(world.clerk)

    page = _job_page(client, upload(client, workbook(rows)))

    job = Job.objects.get()
    assert (job.state, job.message) == ("failed", "发现 2 个问题，未导入任何数据")
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(3, "建筑面积(m²)"), (4, "楼栋号")]
    html = page.content.decode()
    assert 'data-state="failed"' in html and 'data-testid="import-errors"' in html
    assert '>3</td><td class="jy-err-c">建筑面积(m²)</td><td class="jy-err-m">必须是大于0的数字</td>' in html
    assert "楼栋「9」不存在，请在「楼栋名称」列填写名称以新建</td>" in html
    assert not Building.objects.filter(project=world.p1, code="5").exists()
    assert Party.objects.count() == parties


@pytest.mark.parametrize("who", ["manager", "tech", "outsider", "owner"])
def test_nobody_but_the_uploader_sees_the_import_job_or_its_errors(world, as_user, who):
    """Even the clerk's own project manager: the errors quote the file's names and phone numbers."""
    client = as_user(world.clerk)
    upload(client, workbook([row("9", "", room="101")]))
    job = Job.objects.get()
    assert job.state == "failed"

    other = as_user(getattr(world, who))

    for url in (reverse("job", args=[job.pk]), reverse("job_download", args=[job.pk])):
        response = other.get(url)
        assert response.status_code == 404
        assert "楼栋「9」" not in response.content.decode()


def test_non_xlsx_upload_is_refused_by_the_form(world, as_user):
    data = io.BytesIO(b"a,b,c")
    data.name = "房屋.csv"

    response = upload(as_user(world.clerk), data)

    assert response.status_code == 200
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_named_xlsx_that_is_no_workbook_is_refused_by_the_form(world, as_user):
    data = io.BytesIO(b"a,b,c")
    data.name = "房屋.xlsx"

    response = upload(as_user(world.clerk), data)

    assert response.status_code == 200
    assert "文件不是有效的 Excel（.xlsx）文件" in response.content.decode()
    assert not Job.objects.exists()


def test_template_has_header_example_help_sheet_and_drop_downs_R2_3(world, as_user):
    response = as_user(world.clerk).get(reverse("estate:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    assert read_header(data) == [c.title for c in COLUMNS]
    assert read_rows(data)[0][:4] == ("3", "3号楼", 2, "1201")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["房屋", "说明"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["房屋"].data_validations.dataValidation}
    assert lists == {
        "H2": '"住宅,商铺,办公,储藏室,其他"',
        "I2": '"空置,已交付,已入住,装修中,出租"',
        "J2": '"是,否"',
        "N2": '"业主,家庭成员,住户,租户"',
    }
    help_columns = [r[0] for r in wb["说明"].iter_rows(min_row=2, max_row=len(COLUMNS) + 1, values_only=True)]
    assert help_columns == [c.header for c in COLUMNS]


def test_template_imports_as_is(world, as_user):
    """The example row is a valid row: a clerk who edits it in place gets exactly what they typed."""
    data = b"".join(as_user(world.clerk).get(reverse("estate:import_template")).streaming_content)
    fresh = ProjectFactory(company=world.company, code="P3")

    report = import_estate(fresh, io.BytesIO(data), actor=world.admin)

    assert report.ok, [str(e) for e in report.errors]
    assert list(Unit.objects.filter(project=fresh).values_list("address", flat=True)) == ["3-2-1201"]


def test_template_refused_to_owner(world, as_user):
    assert as_user(world.owner).get(reverse("estate:import_template")).status_code == 403
