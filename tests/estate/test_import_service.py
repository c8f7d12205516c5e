"""R2.3 import service: counts, addresses, idempotency, all-or-nothing, every row's problems reported."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiayuan.core.errors import Forbidden
from jiayuan.core.jobs import JobFailed, Progress
from jiayuan.core.models import Job
from jiayuan.estate import models as estate
from jiayuan.estate.importing import import_estate
from jiayuan.estate.importing import rows as rows_module
from jiayuan.estate.jobs import IMPORT, run_estate_import
from jiayuan.estate.models import Building, Occupancy, Party, Unit
from tests.estate.xlsx import row, workbook
from tests.factories import ProjectFactory

ESTATE_MODELS = [
    estate.Building,
    estate.Unit,
    estate.Party,
    estate.Occupancy,
    estate.Shop,
    estate.ParkingSpace,
    estate.Vehicle,
]


def table_counts() -> dict[str, int]:
    """Every estate table and its audit history table."""
    counts = {}
    for model in ESTATE_MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"history.{model.__name__}"] = model.history.model.objects.count()
    return counts


@pytest.fixture
def p3(world):
    """An empty project: a real project's first import."""
    return ProjectFactory(company=world.company, code="P3", name="新项目")


GOOD_ROWS = [
    row("3", "3号楼", 2, "1201", None, 89.5, 72.3, "住宅", "已入住", "是", "张伟", "13800138000", "", "业主"),
    row("3", "3号楼", 2, "1201", None, 89.5, None, "", "", "", "李静", "13800138001", "", "家庭成员"),
    row(
        "3",
        "",
        2,
        "1202",
        12,
        120,
        None,
        "住宅",
        "空置",
        "否",
        "王芳",
        "13700137000",
        "330102199001011234",
        "业主",
    ),
    row("A", "A座商业", 1, "101", None, "56.78", None, "商铺", "出租", "是", "赵六", 13600136000, "", "租户"),
    row("A", "", 1, "102", None, 30, None, "商铺", "空置", "否", "", "", "", ""),
]


def test_good_workbook_imports_buildings_units_and_owners_R2_3(world, p3):
    report = import_estate(p3, workbook(GOOD_ROWS), actor=world.admin)

    assert report.ok, [str(e) for e in report.errors]
    assert report.created == {"buildings": 2, "units": 4, "parties": 4, "occupancies": 4}
    assert report.units_without_party == 1
    units = {u.address: u for u in Unit.objects.filter(project=p3)}
    assert sorted(units) == ["3-2-1201", "3-2-1202", "A-1-101", "A-1-102"]
    flat = units["3-2-1201"]
    assert (flat.floor, flat.building_area, flat.inner_area) == (12, Decimal("89.50"), Decimal("72.30"))
    assert (flat.state, flat.contract_signed, flat.building.name) == ("occupied", True, "3号楼")
    shop = units["A-1-101"]
    assert (shop.use, shop.state, shop.floor, shop.building_area) == ("shop", "rented", 1, Decimal("56.78"))
    b3 = Building.objects.get(project=p3, code="3")
    assert (b3.sort_order, b3.floors, b3.entrances) == (3, 12, 2)
    people = {
        (o.unit.address, o.party.name, o.party.phone, o.relation, o.is_primary)
        for o in Occupancy.objects.filter(project=p3).select_related("unit", "party")
    }
    assert people == {
        ("3-2-1201", "张伟", "13800138000", "owner", True),
        ("3-2-1201", "李静", "13800138001", "family", False),
        ("3-2-1202", "王芳", "13700137000", "owner", True),
        ("A-1-101", "赵六", "13600136000", "tenant", True),
    }
    assert Party.objects.get(project=p3, name="王芳").id_number == "330102199001011234"


def test_import_writes_audit_history_with_the_actor(world, p3):
    import_estate(p3, workbook(GOOD_ROWS), actor=world.admin)

    history = Unit.history.filter(project=p3)
    assert history.count() == 4
    assert set(history.values_list("history_user", flat=True)) == {world.admin.pk}
    assert Occupancy.history.filter(project=p3, history_type="+").count() == 4


def test_reimporting_the_same_workbook_creates_nothing_R2_3(world, p3):
    import_estate(p3, workbook(GOOD_ROWS), actor=world.admin)
    before = table_counts()

    again = import_estate(p3, workbook(GOOD_ROWS), actor=world.admin)

    assert again.ok, [str(e) for e in again.errors]
    assert again.created == {"buildings": 0, "units": 0, "parties": 0, "occupancies": 0}
    assert again.existing == {"units": 4, "parties": 4, "occupancies": 4}
    assert table_counts() == before


def test_identical_row_for_a_registered_unit_is_a_no_op(world):
    same = row("3", "", 2, "1201", None, "89.50", None, "住宅", "已入住", "是", "张伟", "13800138000")
    before = table_counts()

    report = import_estate(world.p1, workbook([same]), actor=world.clerk)

    assert report.ok and report.existing["occupancies"] == 1
    assert table_counts() == before


def test_party_with_same_name_and_phone_is_reused(world):
    report = import_estate(
        world.p1, workbook([row("3", "", 2, "1301", name="张伟", phone="13800138000")]), actor=world.clerk
    )

    assert report.created["parties"] == 0 and report.existing["parties"] == 1
    occ = Occupancy.objects.get(unit__address="3-2-1301", project=world.p1)
    assert occ.party == world.owner_party


def test_same_name_without_phone_is_not_merged_across_units(world, p3):
    rows = [row(room="101", name="张伟", phone=""), row(room="102", name="张伟", phone="")]

    report = import_estate(p3, workbook(rows), actor=world.admin)

    assert report.created["parties"] == 2


def test_existing_unit_with_a_different_area_is_refused(world):
    report = import_estate(world.p1, workbook([row("3", "", 2, "1201", area=95)]), actor=world.clerk)

    assert [str(e) for e in report.errors] == ["第2行「建筑面积(m²)」：房屋 3-2-1201 已存在且面积不同"]


def test_broken_workbook_reports_every_problem_and_writes_nothing_R2_3(world):
    broken = [
        row(room="101", area="八十九"),  # 2: bad area
        row(room="102", area=80),  # 3
        row(room="102", area=81, name="王小明", phone="13700137001"),  # 4: duplicate room, other area
        row("9", "", 1, "101"),  # 5: unknown building, no name to create it
        row(room="103", name="", phone="13700137002"),  # 6: empty name
        row(room="104", phone="12345"),  # 7: bad phone
        row(room="105", use="别墅", relation="房东"),  # 8: unknown enum texts
        row(room="106", area=100001),  # 9: area over the bound
    ]
    before = table_counts()

    report = import_estate(world.p1, workbook(broken), actor=world.clerk)

    assert not report.ok
    assert table_counts() == before
    found = {(e.row, e.column): e.message for e in report.errors}
    assert found == {
        (2, "建筑面积(m²)"): "必须是大于0的数字",
        (4, "建筑面积(m²)"): "房屋 5-1-102 与第3行重复且面积不同",
        (5, "楼栋号"): "楼栋「9」不存在，请在「楼栋名称」列填写名称以新建",
        (6, "业主姓名"): "必填，不能为空（本行填写了手机、证件号或关系）",
        (7, "业主手机"): "手机号格式不正确，应为11位大陆手机号(如 13800138000)",
        (8, "用途"): "只能填写：住宅、商铺、办公、储藏室、其他",
        (8, "关系"): "只能填写：业主、家庭成员、住户、租户",
        (9, "建筑面积(m²)"): "不能超过100000(请检查单位是否为 m²)",
    }
    assert str(report.errors[0]) == "第2行「建筑面积(m²)」：必须是大于0的数字"
    assert [e.row for e in report.errors] == sorted(e.row for e in report.errors)


def test_dry_run_checks_and_counts_but_writes_nothing(world, p3):
    before = table_counts()

    report = import_estate(p3, workbook(GOOD_ROWS), actor=world.admin, dry_run=True)

    assert report.ok and report.dry_run
    assert report.created["units"] == 4
    assert table_counts() == before


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"entrance": "二"}, "单元", "必须是1到99之间的整数"),
        ({"room": ""}, "房号", "必填，不能为空"),
        ({"room": "1-101"}, "房号", "不能包含「-」（房号全称用「-」分隔楼栋、单元和房号）"),
        ({"area": 0}, "建筑面积(m²)", "必须是大于0的数字"),
        ({"area": None}, "建筑面积(m²)", "必填，不能为空"),
        ({"inner": 99}, "套内面积(m²)", "套内面积不能大于建筑面积"),
        ({"state": "已售"}, "状态", "只能填写：空置、已交付、已入住、装修中、出租"),
        ({"signed": "Y"}, "已签合同", "只能填写：是、否"),
        ({"id_number": 330102199001011234}, "证件号", None),
        ({"name": "张" * 61}, "业主姓名", "不能超过60个字符"),
    ],
)
def test_each_cell_rule_names_row_and_column(world, p3, cells, column, message):
    report = import_estate(p3, workbook([row(**cells)]), actor=world.admin)

    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    if message:
        assert report.errors[0].message == message


def test_forgiving_cells_are_read_as_meant(world, p3):
    cells = row(room=502, entrance="2单元", area="89.5㎡", phone="+86 137-0013-7000", name=" 王芳 ")

    report = import_estate(p3, workbook([cells]), actor=world.admin)

    assert report.ok, [str(e) for e in report.errors]
    unit = Unit.objects.get(project=p3)
    assert (unit.address, unit.floor, unit.building_area) == ("5-2-502", 5, Decimal("89.50"))
    assert Party.objects.get(project=p3).phone == "13700137000"


def test_new_building_named_differently_on_two_rows_is_refused(world, p3):
    report = import_estate(
        p3, workbook([row(room="101"), row(room="102", building_name="五号楼")]), actor=world.admin
    )

    assert [str(e) for e in report.errors] == [
        "第3行「楼栋名称」：楼栋「5」在第2行的名称为「5号楼」，与本行不同"
    ]


def test_blank_cells_on_the_first_row_of_a_unit_mean_the_defaults(world, p3):
    rows = [
        row(use="", state="", signed=""),
        row(name="李静", phone="", use="住宅", state="已交付", signed="否"),
    ]

    report = import_estate(p3, workbook(rows), actor=world.admin)

    assert report.ok, [str(e) for e in report.errors]


def test_same_unit_with_another_use_on_a_later_row_is_refused(world, p3):
    report = import_estate(p3, workbook([row(), row(name="李静", phone="", use="商铺")]), actor=world.admin)

    assert [str(e) for e in report.errors] == ["第3行「用途」：房屋 5-1-101 与第2行重复且用途不同"]


def test_same_party_twice_on_a_unit_with_another_relation_is_refused(world, p3):
    report = import_estate(p3, workbook([row(), row(relation="租户")]), actor=world.admin)

    assert [(e.row, e.column) for e in report.errors] == [(3, "关系")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (io.BytesIO(b"not a spreadsheet"), "文件不是有效的 Excel"),
        (workbook([row()], sheet="Sheet1"), "找不到工作表「房屋」(文件中的工作表：Sheet1)"),
        (
            workbook([row()], header=["楼栋", "房号"]),
            "第1行表头缺少必填列：楼栋号、单元、建筑面积(m²)、业主姓名",
        ),
        (workbook([]), "没有数据行"),
        (io.BytesIO(b""), "文件是空的"),
    ],
)
def test_unreadable_files_get_one_clear_error(world, p3, data, message):
    report = import_estate(p3, data, actor=world.admin)

    assert len(report.errors) == 1 and report.errors[0].row is None
    assert message in report.errors[0].message


def test_too_many_rows_are_refused(world, p3, monkeypatch):
    monkeypatch.setattr(rows_module, "MAX_ROWS", 3)

    report = import_estate(p3, workbook([row(room=str(100 + i)) for i in range(4)]), actor=world.admin)

    assert [e.message for e in report.errors] == ["数据超过 3 行，未导入。请拆分成多个文件分批导入"]
    assert not Unit.objects.filter(project=p3).exists()


def test_file_over_the_size_bound_is_refused(world, p3, monkeypatch):
    monkeypatch.setattr(rows_module, "MAX_FILE_BYTES", 1000)

    report = import_estate(p3, workbook([row()]), actor=world.admin)

    assert report.errors[0].message.startswith("文件超过")


def test_headers_may_be_reordered_and_lose_their_stars(world, p3):
    header = ["业主姓名", "房号", "单元", "楼栋号", "楼栋名称", "建筑面积(m²)"]

    report = import_estate(
        p3, workbook([["王芳", "101", 1, "5", "5号楼", 70]], header=header), actor=world.admin
    )

    assert report.ok and Unit.objects.get(project=p3).address == "5-1-101"


def test_import_of_500_rows_runs_a_bounded_number_of_queries(world, p3, django_assert_max_num_queries):
    rows = [
        row(
            str(b),
            f"{b}号楼",
            e,
            f"{f}0{r}",
            None,
            88,
            None,
            "住宅",
            "已入住",
            "是",
            f"业主{b}{e}{f}{r}",
            f"138{b}{e}{f:02d}{r:04d}",
        )
        for b in range(1, 6)
        for e in (1, 2)
        for f in range(1, 11)
        for r in range(1, 6)
    ]
    assert len(rows) == 500
    data = workbook(rows)

    # 6 reads + bulk inserts. Django 5.2 caps SQLite statements at 999 parameters, so 500 units and their
    # history take ~17 batches (measured: 50 queries in all; ~15 on PostgreSQL). A query per row would be 1500+.
    with django_assert_max_num_queries(55):
        report = import_estate(p3, data, actor=world.admin)

    assert report.ok, [str(e) for e in report.errors[:5]]
    assert Unit.objects.filter(project=p3).count() == 500
    assert Occupancy.objects.filter(project=p3).count() == 500


def test_actor_without_import_permission_is_refused(world):
    with pytest.raises(Forbidden):
        import_estate(world.p1, workbook([row()]), actor=world.tech)
    with pytest.raises(Forbidden):
        import_estate(world.p1, workbook([row()]), actor=world.outsider)


def test_progress_is_reported_in_steps_through_reading_checking_and_writing(world, p3):
    """The job page's bar moves with the rows, but the job row is written at most every 5 points."""
    rows = [row(room=str(100 + i), name=f"住户{i}", phone="") for i in range(1200)]
    reported: list[int] = []

    report = import_estate(p3, workbook(rows), actor=world.admin, progress=Progress(reported.append))

    assert report.ok and report.created["units"] == 1200
    assert reported == sorted(reported) and reported[-1] == 100
    assert all(b - a >= 5 for a, b in zip(reported, reported[1:], strict=False))
    assert any(p < 20 for p in reported), "reading the sheet moves the bar"
    assert any(30 < p < 100 for p in reported), "writing the rows moves the bar"


def test_the_import_job_imports_the_uploaded_file_and_reports_progress(world, p3):
    rows = [row(room=str(100 + i), name=f"住户{i}", phone="") for i in range(600)]
    upload = SimpleUploadedFile("房屋.xlsx", workbook(rows).getvalue())
    job = Job.objects.create(kind=IMPORT, project=p3, requested_by=world.admin, input_file=upload)
    reported: list[int] = []

    output = run_estate_import(job, reported.append)

    assert output.content is None and output.result["created"]["units"] == 600
    assert Unit.objects.filter(project=p3).count() == 600
    assert reported == sorted(reported) and 5 <= len(reported) <= 20


def test_the_import_job_fails_with_every_error_and_writes_nothing(world, p3):
    upload = SimpleUploadedFile("房屋.xlsx", workbook([row(room="101"), row(room="102", area=0)]).getvalue())
    job = Job.objects.create(kind=IMPORT, project=p3, requested_by=world.admin, input_file=upload)
    before = table_counts()

    with pytest.raises(JobFailed) as failed:
        run_estate_import(job, lambda percent: None)

    assert failed.value.message == "发现 1 个问题，未导入任何数据"
    assert failed.value.result["errors"] == [
        {"row": 3, "column": "建筑面积(m²)", "message": "必须是大于0的数字"}
    ]
    assert table_counts() == before
