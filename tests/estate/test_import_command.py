"""R2.3 from a shell: ``jiayuan import_estate`` prints the report and fails loudly on any bad row."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiayuan.core.models import Job
from jiayuan.estate.management.commands.import_estate import Command as ImportCommand
from jiayuan.estate.models import Unit
from tests.estate.xlsx import read_rows, row, workbook


def save(tmp_path, rows, name="房屋.xlsx"):
    path = tmp_path / name
    path.write_bytes(workbook(rows).getvalue())
    return path


def test_command_imports_and_prints_counts_R2_3(world, tmp_path):
    out = io.StringIO()

    call_command("import_estate", str(save(tmp_path, [row()])), project="P1", user="clerk", stdout=out)

    assert "导入完成" in out.getvalue() and "房屋 1 套" in out.getvalue()
    unit = Unit.objects.get(project=world.p1, address="5-1-101")
    assert unit.history.first().history_user == world.clerk


def test_command_runs_the_import_itself_and_prints_its_progress(world, tmp_path):
    """No job and no worker: the rows are in the database when the command returns."""
    rows = [row(room=str(100 + i), name=f"住户{i}", phone="") for i in range(1200)]
    out, err = io.StringIO(), io.StringIO()

    call_command("import_estate", str(save(tmp_path, rows)), project="P1", stdout=out, stderr=err)

    steps = [int(line.removeprefix("进度 ").removesuffix("%")) for line in err.getvalue().splitlines()]
    assert steps == sorted(steps) and steps[-1] == 100 and len(steps) <= 10
    assert all(b - a >= 10 for a, b in zip(steps, steps[1:], strict=False))
    assert Unit.objects.filter(project=world.p1, building__code="5").count() == 1200
    assert not Job.objects.exists()


def test_command_dry_run_writes_nothing(world, tmp_path):
    out = io.StringIO()

    call_command("import_estate", str(save(tmp_path, [row()])), project="P1", dry_run=True, stdout=out)

    assert "检查通过" in out.getvalue()
    assert not Unit.objects.filter(address="5-1-101").exists()


def test_command_exits_non_zero_and_prints_each_error_R2_3(world, tmp_path, capsys, monkeypatch):
    path = save(tmp_path, [row(room="101", area=0), row("9", "", room="102")])
    # run_from_argv closes every connection when it ends, which on PostgreSQL drops the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exited:
        ImportCommand().run_from_argv(["jiayuan", "import_estate", "--project", "P1", str(path)])

    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "第2行「建筑面积(m²)」：必须是大于0的数字",
        "第3行「楼栋号」：楼栋「9」不存在，请在「楼栋名称」列填写名称以新建",
    ]
    assert "发现 2 个问题，未导入任何数据" in captured.err
    assert not Unit.objects.filter(building__code="5").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"project": "NOPE"}, "项目「NOPE」不存在"),
        ({"project": "P1", "user": "ghost"}, "用户「ghost」不存在或已停用"),
    ],
)
def test_command_refuses_unknown_project_or_user(world, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_estate", str(save(tmp_path, [row()])), **options)


def test_export_command_writes_a_workbook_that_reads_back(world, tmp_path):
    out_path = tmp_path / "p1.xlsx"

    call_command("export_estate", str(out_path), project="P1", stdout=io.StringIO())

    rows = read_rows(out_path.read_bytes())
    assert {(r[0], r[2], r[3], r[10]) for r in rows} == {("3", 2, "1201", "张伟"), ("3", 1, "0502", "李娜")}
