"""The default catalogue (ARCHITECTURE.md "The central idea"): every number of the listed R-lines is a
Standard with a version-1 company default, loaded by migration and by ``load_standards``."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from jiayuan.standards.catalogue import CATALOGUE_PATH, CatalogueError, read_catalogue
from jiayuan.standards.models import Standard, StandardVersion

pytestmark = pytest.mark.django_db

REQUIRED_LINES = [
    "R1.3", "R1.4", "R1.5", "R3.4", "R3.6", "R3.7", "R4.3", "R4.5", "R4.6", "R4.9", "R5.3", "R5.7",
    "R6.1", "R6.3", "R7.2", "R9.1", "R9.2", "R9.4", "R10.1", "R12.2", "R12.3", "R13.2",
]  # fmt: skip

# code: (kind, amount, unit, period, comparator, window, people, enabled)
REQUIRED = {
    # R1.3–R1.5
    "hr.cert_professional": ("target", 100, "%", "", "ge", "", None, True),
    "hr.cert_property_management": ("target", 80, "%", "", "ge", "", None, True),
    "hr.training_hours": ("target", 8, "小时", "quarter", "ge", "", None, True),
    "hr.manager_training": ("frequency", 1, "", "month", "", "", None, True),
    "engineering.plant_shift_hours": ("deadline", 8, "hours", "", "", "", None, True),
    "security.control_shift_hours": ("deadline", 8, "hours", "", "", "", None, True),
    "security.gate_post_continuous": ("deadline", 4, "hours", "", "", "", None, True),
    "engineering.plant_room_24h": ("target", 24, "小时", "day", "ge", "", None, True),
    # R3.4, R3.6
    "service.dispatch": ("deadline", 3, "minutes", "", "", "", None, True),
    "service.first_response": ("deadline", 30, "minutes", "", "", "", None, True),
    "service.emergency_on_site": ("deadline", 30, "minutes", "", "", "", None, True),
    "service.suggestion_feedback": ("deadline", 2, "days", "", "", "", None, True),
    "service.promise_max": ("deadline", 7, "days", "", "", "", None, True),
    "service.complaint_feedback": ("deadline", 2, "working_days", "", "", "", None, True),
    "service.incident_notify": ("deadline", 1, "working_days", "", "", "", None, True),
    "service.max_postponements": ("target", 1, "次", "", "le", "", None, True),
    "service.complaint_return_visit": ("target", 100, "%", "", "ge", "", None, True),
    "service.return_visit_satisfaction": ("target", 95, "%", "", "ge", "", None, True),
    # R4.3, R4.5, R4.6, R4.9
    "engineering.rework_rate": ("target", 1, "%", "", "le", "", None, True),
    "indicator.02_repair_timeliness.s2_profile": ("target", 100, "%", "", "ge", "", None, False),
    "engineering.power_room_patrol": ("frequency", 2, "", "day", "", "", None, True),
    "engineering.sewage_pump_patrol": ("frequency", 2, "", "day", "", "", None, True),
    "engineering.grounds_patrol": ("frequency", 1, "", "day", "", "", None, True),
    "engineering.pipes_dredge": ("frequency", 1, "", "year", "", "", None, True),
    "engineering.wells_clear": ("frequency", 1, "", "half_year", "", "", None, True),
    "cleaning.wells_check": ("frequency", 1, "", "month", "", "", None, True),
    "engineering.septic_clear": ("frequency", 1, "", "year", "", "", None, True),
    "engineering.septic_check": ("frequency", 1, "", "two_months", "", "", None, True),
    "engineering.septic_check.quarterly_profile": ("frequency", 1, "", "quarter", "", "", None, False),
    "engineering.water_tank_clean": ("frequency", 1, "", "half_year", "", "", None, True),
    "engineering.doors_windows_check": ("frequency", 1, "", "day", "", "", None, True),
    "engineering.lightning_test": ("frequency", 1, "", "year", "", "", None, True),
    "engineering.common_parts_survey": ("frequency", 1, "", "year", "", "", None, True),
    "engineering.doors_windows_repair": ("deadline", 2, "working_days", "", "", "", None, True),
    "engineering.lighting_repair_ordinary": ("deadline", 2, "days", "", "", "", None, True),
    "engineering.lighting_repair_other": ("deadline", 5, "working_days", "", "", "", None, True),
    "engineering.stair_lights_working": ("target", 90, "%", "", "ge", "", None, True),
    "engineering.plaster_repair": ("frequency", 1, "", "month", "", "", None, True),
    "engineering.equipment_intact": ("target", 100, "%", "", "ge", "", None, True),
    "indicator.10_street_lights.s4_profile": ("target", 95, "%", "", "ge", "", None, False),
    "engineering.stair_lights_intact.s4_profile": ("target", 95, "%", "", "ge", "", None, False),
    # R5.3
    "security.patrol_day": ("frequency", 3, "", "day", "", "白天", None, True),
    "security.patrol_night": ("frequency", 4, "", "day", "", "夜间", 2, True),
    "security.patrol_building": ("frequency", 2, "", "day", "", "", None, True),
    # R6.1
    "cleaning.roads_sweep": ("frequency", 2, "", "day", "", "", None, True),
    "cleaning.lobby_sweep": ("frequency", 1, "", "day", "", "", None, True),
    "cleaning.lobby_mop": ("frequency", 1, "", "week", "", "", None, True),
    "cleaning.lift_car": ("frequency", 1, "", "day", "", "", None, True),
    "cleaning.stairs_handrails": ("frequency", 2, "", "week", "", "", None, True),
    "cleaning.doors_windows_rails": ("frequency", 1, "", "week", "", "", None, True),
    "cleaning.lamp_covers_extinguishers": ("frequency", 1, "", "month", "", "", None, True),
    "cleaning.street_lamps": ("frequency", 1, "", "month", "", "", None, True),
    "cleaning.pavilions_benches": ("frequency", 1, "", "half_month", "", "", None, True),
    "cleaning.green_belt_sweep": ("frequency", 1, "", "day", "", "", None, True),
    "cleaning.bins_empty": ("frequency", 2, "", "day", "", "", None, True),
    "cleaning.garbage_out": ("frequency", 2, "", "day", "", "", None, True),
    "cleaning.hall_sweep.station_profile": ("frequency", 2, "", "day", "", "", None, False),
    "cleaning.toilets.station_profile": ("frequency", 2, "", "day", "", "", None, False),
    "cleaning.walls_ceilings.station_profile": ("frequency", 1, "", "month", "", "", None, False),
    "cleaning.glass.station_profile": ("frequency", 1, "", "week", "", "", None, False),
    # R9.1, R9.2, R9.4
    "quality.inspector_checks": ("frequency", 2, "", "day", "", "", None, True),
    "quality.inspector_weekly_report": ("frequency", 1, "", "week", "", "周五 17:00 前", None, True),
    "quality.inspector_monthly_report": ("frequency", 1, "", "month", "", "月底前", None, True),
    "quality.sales_office_survey": ("frequency", 1, "", "month", "", "", None, True),
    "quality.developer_survey": ("frequency", 1, "", "quarter", "", "", None, True),
    "quality.audit_minor_findings": ("target", 8, "项", "year", "le", "", None, True),
    "quality.audit_major_findings": ("target", 0, "项", "year", "eq", "", None, True),
    "quality.management_review": ("frequency", 1, "", "year", "", "", None, True),
    # R12.2, R12.3, R13.2
    "community.events_quarter": ("frequency", 1, "", "quarter", "", "", None, True),
    "community.events_year": ("frequency", 12, "", "year", "", "", None, True),
    "community.event_participants": ("target", 300, "人", "", "ge", "", None, True),
    "community.owner_forum": ("frequency", 1, "", "half_year", "", "", None, True),
    "community.satisfaction_survey": ("frequency", 1, "", "year", "", "", None, True),
    "community.opinion_solicit": ("frequency", 1, "", "half_year", "", "", None, True),
    "decoration.extinguishers": ("target", 50, "m²/具", "", "le", "", None, True),
}

# R10.1 verbatim: number, name, comparator, amount, unit (2, 5 read as ≥ and 18 as ≤: ours).
INDICATORS = [
    (1, "房屋完好率", "ge", 100, "%"),
    (2, "房屋零修、急修及时率", "ge", 99, "%"),
    (3, "维修工程质量合格率", "ge", 100, "%"),
    (4, "管理费收缴率", "ge", 98, "%"),
    (5, "绿化完好率", "ge", 99, "%"),
    (6, "清洁、保洁率", "ge", 99, "%"),
    (7, "道路完好率及使用率", "ge", 100, "%"),
    (8, "化粪池、雨水井、污水井、沙井完好率", "ge", 100, "%"),
    (9, "排水管、明暗沟完好率", "ge", 100, "%"),
    (10, "路灯完好率", "ge", 100, "%"),
    (11, "汽车场完好率", "ge", 100, "%"),
    (12, "公共文体设施、建筑小品完好率", "ge", 100, "%"),
    (13, "小区内重大刑事案件发生率", "eq", 0, "起"),
    (14, "小区内治安案件发生率", "le", 1, "起"),
    (15, "消防设施、设备完好率", "ge", 100, "%"),
    (16, "火警发生率", "le", 1, "%"),
    (17, "火灾发生率", "eq", 0, "%"),
    (18, "违章发生率", "le", 2, "%"),
    (19, "违章处理率", "ge", 100, "%"),
    (20, "用户有效投诉率", "le", 2, "%"),
    (21, "有效投诉处理率", "ge", 100, "%"),
    (22, "管理层员工专业培训合格率", "ge", 100, "%"),
    (23, "特种作业员工持证上岗率", "ge", 100, "%"),
    (24, "维修服务回访率", "ge", 30, "%"),
    (25, "业主（住户）对物业管理综合满意率", "ge", 98, "%"),
]


def _default(code: str) -> StandardVersion:
    return StandardVersion.objects.select_related("standard").get(standard__code=code, project__isnull=True)


def test_catalogue_file_is_valid():
    entries = read_catalogue()
    assert len(entries) == len({e.code for e in entries}) > 100


@pytest.mark.parametrize("line", REQUIRED_LINES)
def test_every_listed_requirement_line_has_standards(line):
    """R1.3–R13.2 as listed in the brief: each line's numbers are in the catalogue."""
    covered = {r for s in Standard.objects.all() for r in s.requirements}
    assert line in covered


@pytest.mark.parametrize("code", sorted(REQUIRED))
def test_required_standard_ships_with_its_seed_default(code):
    kind, amount, unit, period, comparator, window, people, enabled = REQUIRED[code]
    v = _default(code)
    assert v.standard.kind == kind
    assert v.amount == Decimal(amount)
    assert (v.unit, v.period, v.comparator, v.window, v.people, v.enabled) == (
        unit,
        period,
        comparator,
        window,
        people,
        enabled,
    )


def test_all_25_indicators_of_r10_1_with_verbatim_names_and_comparators():
    """R10.1: 25 indicators, names verbatim, 2 and 5 read as ≥ and 18 as ≤ (ours)."""
    rows = Standard.objects.filter(indicator_no__isnull=False).order_by("indicator_no")
    assert [s.indicator_no for s in rows] == list(range(1, 26))
    for (no, name, comparator, amount, unit), s in zip(INDICATORS, rows, strict=True):
        v = _default(s.code)
        assert (s.name, v.comparator, v.amount, v.unit, v.enabled) == (
            name,
            comparator,
            Decimal(amount),
            unit,
            True,
        ), no
        assert s.requirement == "R10.1"


def test_alternative_profiles_ship_disabled_and_their_defaults_enabled():
    """R4.9 and R6.1: S4's alternative figures are there but off; S0's apply."""
    profiles = Standard.objects.filter(code__endswith="_profile")
    assert profiles.count() >= 8
    assert not StandardVersion.objects.filter(standard__in=profiles, enabled=True).exists()
    assert _default("indicator.10_street_lights").enabled
    assert _default("indicator.10_street_lights").amount == 100


def test_three_minute_promise_is_on_by_default_in_minutes():
    """R3.4: the 3-minute promise ships enabled; projects switch it off by override."""
    v = _default("service.dispatch")
    assert (v.amount, v.unit, v.enabled) == (3, "minutes", True)


def test_every_standard_has_one_version_1_default_from_2000():
    start = datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert StandardVersion.objects.filter(project__isnull=True).count() == Standard.objects.count()
    assert set(StandardVersion.objects.values_list("version", "valid_from", "valid_to")) == {(1, start, None)}


def test_load_standards_is_idempotent_and_never_touches_versions(world):
    before = list(StandardVersion.objects.order_by("pk").values())
    call_command("load_standards")
    call_command("load_standards")
    assert list(StandardVersion.objects.order_by("pk").values()) == before
    assert Standard.objects.count() == len(read_catalogue())


def test_load_standards_adds_new_entries_and_refreshes_names_only(tmp_path):
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    text = text.replace('name = "三分钟服务承诺"', 'name = "三分钟服务承诺（新名）"')
    text = text.replace("amount = 3\n", "amount = 5\n", 1)  # a changed default value must not apply
    text += '\n[[standard]]\ncode = "service.test_new"\nname = "新标准"\nname_en = "New"\n'
    text += 'department = "customer_service"\nkind = "deadline"\nrequirement = "R3.4"\nsource = "S0"\n'
    text += 'amount = 10\nunit = "minutes"\n'
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    call_command("load_standards", file=str(path))
    call_command("load_standards", file=str(path))
    dispatch = _default("service.dispatch")
    assert dispatch.standard.name == "三分钟服务承诺（新名）"
    assert dispatch.amount == 3
    assert StandardVersion.objects.filter(standard__code="service.test_new").count() == 1
    assert _default("service.test_new").amount == 10


def test_load_standards_dry_run_writes_nothing(tmp_path):
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    text += '\n[[standard]]\ncode = "service.dry"\nname = "x"\nname_en = "x"\ndepartment = "hr"\n'
    text += 'kind = "frequency"\nrequirement = "R1.4"\nsource = "S2"\namount = 1\nperiod = "year"\n'
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    call_command("load_standards", file=str(path), dry_run=True)
    assert not Standard.objects.filter(code="service.dry").exists()


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('kind = "deadline"\namount = 3\nunit = "weeks"', "unit"),
        ('kind = "target"\namount = 120\nunit = "%"\ncomparator = "ge"', "百分比"),
        ('kind = "frequency"\namount = 1.5\nperiod = "day"', "正整数"),
        ('kind = "target"\namount = 1\nunit = "%"', "comparator"),
        ('kind = "frequency"\namount = 1\nperiod = "fortnight"', "period"),
        ('kind = "deadline"\namount = 3\nunit = "minutes"\ncolour = "red"', "unknown key colour"),
    ],
)
def test_catalogue_rejects_bad_entries(tmp_path, entry, problem):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[standard]]\ncode = "x.bad"\nname = "坏"\nname_en = "Bad"\ndepartment = "hr"\nrequirement = "R1.4"\n'
        f'source = "S2"\n{entry}\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=problem):
        read_catalogue(path)


def test_catalogue_rejects_duplicate_codes(tmp_path):
    one = '[[standard]]\ncode = "x.a"\nname = "a"\nname_en = "a"\ndepartment = "hr"\nkind = "frequency"\n'
    one += 'requirement = "R1.4"\nsource = "S2"\namount = 1\nperiod = "year"\n'
    path = tmp_path / "dup.toml"
    path.write_text(one + "\n" + one, encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate code"):
        read_catalogue(path)
